// The shipped Wasm module (pkg/, built by tools/build.sh: wasm-release, `panic = "abort"`)
// and its generated JS glue, in Node, called the way a hostile or broken page could: wrong
// types, undefined, null, huge strings, lone surrogates, objects where strings are expected,
// values whose conversion throws. Issue #12, item 2: in Wasm a panic aborts the instance
// (a `RuntimeError: unreachable`) and kills the surface that loaded it. Every call must
// give a result or throw an ordinary Error, and the module must stay usable afterwards.
// (src/wasm.rs's wasm-bindgen tests cover the Rust side of the same calls.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = new URL('../../pkg/', import.meta.url);
const wasm = await import(new URL('authlens.js', pkg).href);
wasm.initSync({ module: readFileSync(new URL('authlens_bg.wasm', pkg)) });
/** Called with the wrong types on purpose: the .d.ts would (rightly) refuse them. */
const api = /** @type {any} */ (wasm);

const cyclic = /** @type {any} */ ({ request: {} });
cyclic.request.self = cyclic;
const loneHigh = 'Bearer \ud800';
const loneLow = 'a\udc00b';
const huge = 'x'.repeat(8 << 20);

/** @type {[string, unknown][]} */
const hostile = [
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ['0', 0],
  ['-1', -1],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['2**53', 2 ** 53],
  ['a BigInt', 10n],
  ['a Symbol', Symbol('s')],
  ['an empty string', ''],
  ['a lone high surrogate', loneHigh],
  ['a lone low surrogate', loneLow],
  ['an 8 MB string', huge],
  ['an 8 MB token', `eyJ${huge}.e30.c2ln`],
  ['an array', [1, 'two', null]],
  ['an empty object', {}],
  ['an object without a prototype', Object.create(null)],
  ['an object whose toString throws', { toString() { throw new Error('boom'); } }],
  ['an object whose toJSON throws', { toJSON() { throw new Error('boom'); } }],
  ['a cyclic object', cyclic],
  ['a function', () => 1],
  ['a Proxy that throws on every get', new Proxy({}, { get() { throw new Error('trap'); } })],
  ['a number where the request belongs', { request: 5, response: 'x' }],
  ['wrong types in every field', {
    startedDateTime: 12, _resourceType: [],
    request: { method: {}, url: [], headers: 'x', postData: 7 },
    response: { status: '401', headers: {}, content: { text: 5, encoding: null } },
  }],
  ['headers of the wrong types', {
    request: { method: 'GET', url: 'https://a.example/', headers: [{ name: 1, value: {} }, null, 'x'] },
    response: { status: 401, headers: [{ name: 'WWW-Authenticate', value: loneHigh }] },
  }],
  ['lone surrogates in a HAR entry', {
    request: { method: 'GET', url: `https://a.example/${loneLow}`, headers: [{ name: 'Authorization', value: loneHigh }] },
    response: { status: 401, headers: [] },
  }],
  ['an 8 MB URL', { request: { method: 'GET', url: `https://a.example/${huge}`, headers: [] }, response: { status: 401, headers: [] } }],
  ['webRequest details of the wrong types', {
    method: 5, url: null, statusCode: -1, timeStamp: 'soon', requestHeaders: 'x', responseHeaders: [{ name: 5 }],
  }],
  ['webRequest details at the extremes', {
    method: 'GET', url: 'https://a.example/', statusCode: 2 ** 40, timeStamp: -1e308,
    requestHeaders: [], responseHeaders: [{ name: 'WWW-Authenticate', value: huge }],
  }],
];

const entry = {
  startedDateTime: '2026-11-23T12:00:00Z',
  request: { method: 'GET', url: 'https://api.example/v1', headers: [{ name: 'Authorization', value: 'Bearer undefined' }] },
  response: { status: 401, headers: [{ name: 'WWW-Authenticate', value: 'Bearer realm="api"' }] },
};
const har = JSON.stringify({ log: { entries: [entry] } });

/**
 * Normal calls, with results that can be checked: the module still works.
 * @param {string} after what was called before
 */
function assertUsable(after) {
  assert.equal(wasm.parseChallenges('Bearer realm="a"').challenges[0].scheme, 'Bearer', after);
  assert.equal(wasm.annotateHarEntry(/** @type {any} */ (entry)).findings[0].code, 'auth.malformed', after);
  assert.equal(wasm.diagnoseHar(har).entries[0].findings[0].code, 'auth.malformed', after);
  const inspector = new wasm.Inspector(3);
  inspector.annotateHarEntry(/** @type {any} */ (entry));
  assert.equal(inspector.size, 1, after);
  inspector.free();
}

/**
 * Calls `f`; a thrown ordinary Error is fine, a trap (a panic in Wasm) is not.
 * @param {string} what
 * @param {() => unknown} f
 */
function call(what, f) {
  try {
    f();
    return 'result';
  } catch (e) {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what} trapped: ${e}`);
    return 'error';
  }
}

const calls = /** @type {[string, (v: any) => unknown][]} */ ([
  ['parseChallenges', (v) => api.parseChallenges(v)],
  ['parseAuthorization', (v) => api.parseAuthorization(v, v)],
  ['inspectToken', (v) => api.inspectToken(v)],
  ['annotateHarEntry', (v) => api.annotateHarEntry(v)],
  ['annotateWebRequest', (v) => api.annotateWebRequest(v)],
  ['diagnoseHar', (v) => api.diagnoseHar(v)],
  ['markdownReport', (v) => api.markdownReport(v, v)],
  ['sanitizeHar', (v) => api.sanitizeHar(v, v, v)],
  ['sanitizeHar with a good key', (v) => api.sanitizeHar(v, false, new Uint32Array([1, 2, 3, 4]))],
  ['isAuthFailureStatus', (v) => api.isAuthFailureStatus(v)],
  ['new Inspector', (v) => new api.Inspector(v).free()],
  ['Inspector methods', (v) => {
    const inspector = new api.Inspector(2);
    try {
      call('Inspector.setClockSkewTolerance', () => inspector.setClockSkewTolerance(v));
      call('Inspector.annotateHarEntry', () => inspector.annotateHarEntry(v));
      call('Inspector.annotateHarEntryJson', () => inspector.annotateHarEntryJson(v));
      call('Inspector.annotateHarEntryJson(JSON text)', () => inspector.annotateHarEntryJson(JSON.stringify(v) ?? ''));
      call('Inspector.annotateWebRequest', () => inspector.annotateWebRequest(v));
      inspector.reset();
    } finally {
      inspector.free();
    }
  }],
]);

test('every export survives every hostile value, and the module stays usable', () => {
  assertUsable('before');
  for (const [name, f] of calls) {
    for (const [what, value] of hostile) {
      call(`${name}(${what})`, () => f(value));
      assertUsable(`after ${name}(${what})`);
    }
  }
});

test('values that are not what a call needs are refused with an Error, not a trap', () => {
  for (const value of [undefined, null, 5, 'not an entry', cyclic, () => 1]) {
    assert.equal(call('annotateHarEntry', () => api.annotateHarEntry(value)), 'error', String(value));
  }
  for (const value of [undefined, null, 'x', 5]) {
    assert.equal(call('annotateWebRequest', () => api.annotateWebRequest(value)), 'error', String(value));
  }
  for (const value of ['', 'x', huge, loneHigh]) {
    assert.equal(call('diagnoseHar', () => api.diagnoseHar(value)), 'error', 'not a HAR');
  }
  assert.equal(call('sanitizeHar', () => api.sanitizeHar(har, false, new Uint32Array([1]))), 'error', 'a key of 4 words is required');
  assertUsable('after the refusals');
});

test('hostile text is read, not refused: huge strings and lone surrogates give results', () => {
  // The glue encodes a lone surrogate as U+FFFD (TextEncoder): the parsers see valid UTF-8.
  const challenge = wasm.parseChallenges(`Bearer realm="${loneLow}"`);
  assert.equal(challenge.challenges[0].params[0].value, 'a\ufffdb');
  assert.equal(wasm.parseAuthorization(loneHigh, false).scheme, 'Bearer');
  assert.equal(wasm.inspectToken(`eyJ${huge}.e30.c2ln`).kind, 'invalid');
  assert.ok(Array.isArray(wasm.parseChallenges(huge).challenges));
  assertUsable('after hostile text');
});

test('the engine module (what the background, popup and panel load) has the engine and no HAR tools', async () => {
  const engine = await import(new URL('authlens_engine.js', pkg).href);
  engine.initSync({ module: readFileSync(new URL('authlens_engine_bg.wasm', pkg)) });
  for (const name of ['diagnoseHar', 'diagnoseHarWithProgress', 'markdownReport', 'sanitizeHar', 'diagnoseTranscript', 'looksLikeTranscript', 'parseSetCookie']) {
    assert.equal(name in engine, false, `${name} is a HAR or page tool: it belongs to pkg/authlens.js only`);
  }
  const inspector = new engine.Inspector(3);
  try {
    const byObject = inspector.annotateHarEntry(/** @type {any} */ (entry));
    const byText = inspector.annotateHarEntryJson(JSON.stringify(entry));
    assert.equal(byText.findings[0].code, 'auth.malformed');
    assert.deepEqual(byText.findings.map((/** @type {any} */ f) => f.code), byObject.findings.map((/** @type {any} */ f) => f.code));
    assert.equal(inspector.size, 2);
    for (const value of [undefined, null, 5, '{', entry]) {
      assert.equal(call('annotateHarEntryJson', () => /** @type {any} */ (inspector).annotateHarEntryJson(value)), 'error', String(value));
    }
    assert.equal(inspector.size, 2, 'a refused entry is not remembered');
  } finally {
    inspector.free();
  }
});
