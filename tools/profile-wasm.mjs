// Where the engine's time goes in Wasm, per annotated entry (issue #17: a target that is
// not met is named with its profile). Node runs the engine module as the panel does
// (Inspector.observeHarEntryJson on the lab's recorded entries, a 500-exchange session
// keeping 20,000 full annotations, as the panel's does)
// under V8's sampling profiler, with the function names that tools/build.sh keeps in
// target/wasm-named/ (the shipped module has them stripped by wasm-opt). It prints the
// time per entry, then the share of each stage, inclusive of what it calls. Numbers only.
//
//   tools/build.sh && node tools/profile-wasm.mjs      (SECONDS_PER_RUN=4 by default)
import { Session } from 'node:inspector/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { entryBytes } from '../extension/shared/entry.js';

const root = new URL('..', import.meta.url).pathname;
const engine = await import(join(root, 'pkg', 'authlens_engine.js'));
// WASM=path: profile another build of the engine (a wasm-opt level being compared).
const named = process.env.WASM ?? join(root, 'target', 'wasm-named', 'authlens_engine_bg.wasm');
engine.initSync({ module: readFileSync(named) });

const dir = join(root, 'tests', 'fixtures', 'har', 'lab');
/** @type {string[]} */
const texts = [];
// Each call is the panel's, the entry's text made in the loop: the JSON text of the
// entry's fields the core reads, as UTF-8 bytes (extension/shared/entry.js); STRINGS=1
// passes the whole entry's JSON.stringify as a string (the panel's way before).
const strings = process.env.STRINGS === '1';
/** @type {any[]} */
const objects = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.har')).sort()) {
  for (const entry of JSON.parse(readFileSync(join(dir, file), 'utf8')).log.entries) {
    texts.push(JSON.stringify(entry));
    objects.push(entry);
  }
}
const asArgument = strings ? (/** @type {number} */ i) => JSON.stringify(objects[i]) : (/** @type {number} */ i) => entryBytes(objects[i]);
const seconds = Number(process.env.SECONDS_PER_RUN ?? 4);
const inspector = new engine.Inspector(undefined, 20_000);
/** Annotates every entry, over and over, for `ms`; returns µs per entry. */
function run(/** @type {number} */ ms) {
  let calls = 0;
  const start = performance.now();
  do {
    texts.forEach((_, i) => inspector.observeHarEntryJson(asArgument(i)));
    calls += texts.length;
  } while (performance.now() - start < ms);
  return ((performance.now() - start) * 1000) / calls;
}
// Warm-up: V8 tiers the hot functions up, and the kept annotations reach their 20,000
// (until then the module's memory grows, which the panel pays once, not per entry).
for (let calls = 0; calls < 25_000; calls += texts.length) texts.forEach((_, i) => inspector.observeHarEntryJson(asArgument(i)));
const unprofiled = run(seconds * 1000);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const profiled = run(seconds * 1000);
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// Inclusive samples per stage: a sample counts for a stage when the stage's function is
// on its stack (once, however deep).
const STAGES = [
  ['the entry JSON read into an Exchange (serde_json, HarEntry)', /HarEntry as serde_core::de::Deserialize|authlens::wasm::har_entry_json/],
  ['the entry passed in (JSON.stringify, TextEncoder, the copy into Wasm)', /__wbindgen_string_get|string_arg|Uint8Array::to_vec|Uint8Array::copy_to|^encode$|^entryBytes$|^stringify$|^asArgument$/],
  ['Session::observe (the diagnosis)', /Session::observe$/],
  ['  diagnose_with (the detectors, finding texts)', /diagnose::diagnose_with$/],
  ['  Context::new (credentials, JWT, cookies of the request)', /diagnose::Context::new$/],
  ['  session::detect (patterns across exchanges)', /diagnose::session::detect$/],
  ['  Flows::observe (sign-in flows)', /flow::Flows::observe$/],
  ['  CookieJar::observe (the cookie model)', /CookieJar::observe$/],
  ['challenge::parse_lines (the challenges)', /challenge::parse_lines$/],
  ['the brief written as JSON (serde_json)', /Serialize for authlens::annotate::(Annotation|Brief)>::serialize$/],
  ['the full annotation kept for later (Details::keep)', /Details::keep$/],
  ['JSON.parse of the result, in JS', /^__wbg_parse_/],
  ['format! and String building (all stages)', /alloc::fmt::format::format_inner$|core::fmt::write$/],
  ['the allocator (dlmalloc, all stages)', /dlmalloc/],
];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
/** @type {Map<number, number>} */
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
/** @type {Map<number, number>} */
const hits = new Map();
for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
const counts = STAGES.map(() => 0);
let inRun = 0;
for (const [id, n] of hits) {
  /** @type {Set<number>} */
  const seen = new Set();
  let onRun = false;
  for (let cur = /** @type {number | undefined} */ (id); cur !== undefined; cur = parent.get(cur)) {
    const name = (byId.get(cur)?.callFrame.functionName ?? '').replace(/::h[0-9a-f]{16}$/, '');
    // The denominator: every sample but the profiler's idle and program ones (only the
    // loop runs while it profiles; garbage collection is part of the cost).
    if (cur === id && name !== '(idle)' && name !== '(program)') onRun = true;
    STAGES.forEach(([, pattern], i) => {
      if (!seen.has(i) && /** @type {RegExp} */ (pattern).test(name)) {
        seen.add(i);
        counts[i] += n;
      }
    });
  }
  if (onRun) inRun += n;
}
console.log(`${texts.length} recorded lab entries, Inspector.observeHarEntryJson, ${process.version}`);
console.log(`time per entry: ${unprofiled.toFixed(1)} µs (${profiled.toFixed(1)} µs under the profiler)`);
console.log('| stage (inclusive) | share | µs per entry |');
console.log('|---|---|---|');
for (const [i, [label]] of STAGES.entries()) {
  const share = inRun ? counts[i] / inRun : 0;
  // A stage with no sample was inlined into its caller in this build: not shown.
  if (counts[i] === 0) continue;
  console.log(`| ${label} | ${(share * 100).toFixed(1)}% | ${(share * unprofiled).toFixed(1)} |`);
}

// TOP=N: also the N functions with the most samples of their own (self time), to find
// what to make faster inside a stage; SCOPE=regex counts only the samples under a
// function whose name matches (a stage).
const top = Number(process.env.TOP ?? 0);
if (top > 0) {
  const scope = process.env.SCOPE ? new RegExp(process.env.SCOPE) : undefined;
  const under = (/** @type {number} */ id) => {
    for (let cur = /** @type {number | undefined} */ (id); cur !== undefined; cur = parent.get(cur)) {
      if (scope?.test(byId.get(cur)?.callFrame.functionName ?? '')) return true;
    }
    return false;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  for (const [id, n] of hits) {
    const name = (byId.get(id)?.callFrame.functionName ?? '').replace(/::h[0-9a-f]{16}$/, '');
    if (name === '(idle)' || name === '(program)') continue;
    if (scope && !under(id)) continue;
    self.set(name, (self.get(name) ?? 0) + n);
  }
  console.log('| function (self time) | share |');
  console.log('|---|---|');
  for (const [name, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`| ${name.slice(0, 140)} | ${((n / inRun) * 100).toFixed(1)}% |`);
  }
}

// CALLERS=regex: who calls the functions whose name matches (their nearest caller that
// is not itself a match), to find which code a hot library function serves.
if (process.env.CALLERS) {
  const pattern = new RegExp(process.env.CALLERS);
  const nameOf = (/** @type {number} */ id) => (byId.get(id)?.callFrame.functionName ?? '').replace(/::h[0-9a-f]{16}$/, '');
  /** @type {Map<string, number>} */
  const callers = new Map();
  let matched = 0;
  for (const [id, n] of hits) {
    let cur = /** @type {number | undefined} */ (id);
    while (cur !== undefined && !pattern.test(nameOf(cur))) cur = parent.get(cur);
    if (cur === undefined) continue;
    matched += n;
    while (cur !== undefined && pattern.test(nameOf(cur))) cur = parent.get(cur);
    const caller = cur === undefined ? '(none)' : nameOf(cur);
    callers.set(caller, (callers.get(caller) ?? 0) + n);
  }
  console.log(`| caller of /${process.env.CALLERS}/ (${((matched / inRun) * 100).toFixed(1)}% in all) | share |`);
  console.log('|---|---|');
  for (const [name, n] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`| ${name.slice(0, 140)} | ${((n / inRun) * 100).toFixed(1)}% |`);
  }
}
