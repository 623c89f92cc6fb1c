// The in-page benchmarks of docs/performance.md, run by tools/bench-browser.mjs in headless
// Chromium. Numbers only: the targets are compared in the report, never asserted.
//
// - annotate: one recorded HAR entry through the Wasm boundary of the engine module (the
//   one the panel loads): the panel's call (Inspector.observeHarEntryJson, JSON.stringify
//   and TextEncoder of the entry included, a brief back), and the full annotation both ways in: as the
//   object (Inspector.annotateHarEntry) and as JSON text (Inspector.annotateHarEntryJson),
//   against the JS peers doing a subset of the work on the same entries (jwt-decode on the
//   bearer token, auth-header on WWW-Authenticate); and the full annotation of one
//   observed request read back on demand (Inspector.annotation, what selecting a row costs);
// - triage: diagnoseHar on a HAR file's bytes (and on its text), against JSON.parse of the
//   same file's text (and the TextDecoder pass that gives JSON.parse its text).
//
// performance.now() is coarsened in pages that are not cross-origin isolated (100 µs in
// Chromium), so per-entry times are batch times divided by the batch size.
// A failure says so at once (tools/bench-browser.mjs waits for benchResults or benchError).
addEventListener('error', (event) => {
  /** @type {any} */ (window).benchError = String(event.message);
});
addEventListener('unhandledrejection', (event) => {
  /** @type {any} */ (window).benchError = String(event.reason);
});

import initEngine, * as engine from './pkg/authlens_engine.js';
import init, * as core from './pkg/authlens.js';
import { jwtDecode } from './peers/jwt-decode.js';
import authHeader from './peers/auth-header.js';
import { entryBytes } from './entry.js';

await initEngine({ module_or_path: new URL('./pkg/authlens_engine_bg.wasm', import.meta.url) });
await init({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median over `rounds` of the time per call of `work` over every item, in µs.
 * @template T
 * @param {T[]} items
 * @param {(item: T) => unknown} work
 */
function perItem(items, work, rounds = 15) {
  const times = [];
  let sink = 0;
  for (let round = 0; round < rounds + 2; round += 1) {
    // Whole passes over the items until 50 ms have passed: far above the timer's grain.
    let calls = 0;
    const start = performance.now();
    do {
      for (const item of items) sink += work(item) ? 1 : 0;
      calls += items.length;
    } while (performance.now() - start < 50);
    const micros = ((performance.now() - start) * 1000) / calls;
    if (round >= 2) times.push(micros); // the first rounds warm the JIT and the caches
  }
  return { micros: median(times), sink };
}

/** @param {any[]} headers @param {string} name */
function header(headers, name) {
  return headers.find((/** @type {any} */ h) => h.name.toLowerCase() === name)?.value;
}

/** What the JS peers can do with an entry: decode its JWT, parse its challenges. */
function peers(/** @type {any} */ entry) {
  let result = 0;
  const authorization = header(entry.request.headers, 'authorization');
  const token = authorization?.split(' ')[1];
  if (token) {
    try {
      result += Object.keys(jwtDecode(token)).length + Object.keys(jwtDecode(token, { header: true })).length;
    } catch {
      result += 1; // not a JWT: jwt-decode throws, which is its answer
    }
  }
  const challenge = header(entry.response.headers, 'www-authenticate');
  if (challenge) {
    try {
      result += Object.keys(authHeader.parse(challenge).params ?? {}).length;
    } catch {
      result += 1;
    }
  }
  return result;
}

const results = {};
const entries = await (await fetch('entries.json')).json();
const failing = entries.filter((/** @type {any} */ e) => core.isAuthFailureStatus(e.response.status));

// Each way in gets its own session, filled alike: the first passes fill it to its 500.
const inspector = new engine.Inspector();
const jsonInspector = new engine.Inspector();
// The panel's inspector keeps as many full annotations as its list keeps rows (20,000).
const briefInspector = new engine.Inspector(undefined, 20_000);
// The panel's way in: the JSON text of the entry's fields the core reads, as UTF-8 bytes
// (extension/shared/entry.js, as extension/panel/panel.js calls it).
// Every way in runs for a while before any is timed: V8 compiles the module's hot
// functions again, optimised, in the background, and the first one timed would pay for it.
for (const work of [
  (/** @type {any} */ e) => briefInspector.observeHarEntryJson(entryBytes(e)),
  (/** @type {any} */ e) => inspector.annotateHarEntry(e),
  (/** @type {any} */ e) => jsonInspector.annotateHarEntryJson(JSON.stringify(e)),
  peers,
]) {
  const start = performance.now();
  while (performance.now() - start < 500) for (const e of entries) work(e);
}
results.annotate = {
  entries: entries.length,
  failing: failing.length,
  wasmBriefAll: perItem(entries, (e) => briefInspector.observeHarEntryJson(entryBytes(e))).micros,
  wasmBriefFailing: perItem(failing, (e) => briefInspector.observeHarEntryJson(entryBytes(e))).micros,
  wasmAll: perItem(entries, (e) => inspector.annotateHarEntry(e)).micros,
  wasmFailing: perItem(failing, (e) => inspector.annotateHarEntry(e)).micros,
  wasmJsonAll: perItem(entries, (e) => jsonInspector.annotateHarEntryJson(JSON.stringify(e))).micros,
  wasmJsonFailing: perItem(failing, (e) => jsonInspector.annotateHarEntryJson(JSON.stringify(e))).micros,
  peersAll: perItem(entries, peers).micros,
  peersFailing: perItem(failing, peers).micros,
};

// Selecting a row: the full annotation of a request observed just now (still kept).
const opened = failing.map((/** @type {any} */ e) => ({ id: briefInspector.observeHarEntryJson(entryBytes(e)).id, e }));
/** @type {any} */ (results.annotate).wasmOpen = perItem(opened, ({ id, e }) => {
  const annotation = briefInspector.annotation(id, entryBytes(e));
  if (!annotation) throw new Error(`request ${id} is no longer kept`);
  return annotation;
}).micros;

// The file as bytes (as the www page's worker reads it) and as text (what JSON.parse needs).
const bytes = new Uint8Array(await (await fetch('big.har')).arrayBuffer());
const text = new TextDecoder().decode(bytes);
const parseTimes = [];
const decodeTimes = [];
const triageTimes = [];
const triageTextTimes = [];
let failures = 0;
for (let round = 0; round < 5; round += 1) {
  let start = performance.now();
  const decoded = new TextDecoder().decode(bytes);
  decodeTimes.push(performance.now() - start);
  start = performance.now();
  const parsed = JSON.parse(decoded);
  parseTimes.push(performance.now() - start);
  if (!parsed.log) throw new Error('not a HAR');
  start = performance.now();
  failures = core.diagnoseHar(bytes).summary.failures;
  triageTimes.push(performance.now() - start);
  start = performance.now();
  core.diagnoseHar(text);
  triageTextTimes.push(performance.now() - start);
}
results.triage = {
  megabytes: bytes.length / 1048576,
  failures,
  jsonParseMs: median(parseTimes),
  decodeMs: median(decodeTimes),
  diagnoseHarMs: median(triageTimes),
  diagnoseHarTextMs: median(triageTextTimes),
};

/** @type {any} */ (window).benchResults = results;
const out = document.getElementById('out');
if (out) out.textContent = JSON.stringify(results, null, 2);
