// The panel hands the engine only the fields of a HAR entry the core reads
// (extension/shared/entry.js). In Node with the real engine, on every recorded HAR entry
// (the lab's, the interop stacks', Firefox's), in one session each way: the annotations
// must be the same as from the whole entry, so the field list cannot fall behind the core.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { entryBytes, entryFields } from '../../extension/shared/entry.js';

const pkg = new URL('../../pkg/', import.meta.url);
const engine = await import(new URL('authlens_engine.js', pkg).href);
engine.initSync({ module: readFileSync(new URL('authlens_engine_bg.wasm', pkg)) });

/** @param {string} dir @returns {string[]} */
function hars(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return hars(path);
      return name.endsWith('.har') ? [path] : [];
    });
}

test('the fields the panel passes give the annotation the whole entry gives', () => {
  const files = hars(new URL('../fixtures/har/', import.meta.url).pathname);
  assert.ok(files.length > 100, `${files.length} HAR fixtures`);
  const whole = new engine.Inspector(undefined, 0);
  const picked = new engine.Inspector(undefined, 0);
  let entries = 0;
  let findings = 0;
  let smaller = 0;
  for (const file of files) {
    for (const entry of JSON.parse(readFileSync(file, 'utf8')).log.entries) {
      const text = JSON.stringify(entry);
      const bytes = entryBytes(entry);
      const a = whole.annotateHarEntryJson(text);
      const b = picked.annotateHarEntryJson(bytes);
      assert.deepEqual(b, a, `${file}: ${entry.request.method} ${entry.request.url}`);
      entries += 1;
      findings += a.findings.length;
      if (bytes.length < text.length) smaller += 1;
    }
  }
  // The comparison compared something: entries with findings, and texts made smaller.
  assert.ok(entries > 300, `${entries} entries`);
  assert.ok(findings > 200, `${findings} findings`);
  assert.ok(smaller > entries / 2, `${smaller} of ${entries} entries made smaller`);
});

/** A HAR entry, with `patch` applied to it. @param {(e: any) => void} patch */
function made(patch) {
  /** @type {any} */
  const entry = {
    startedDateTime: '2026-11-23T12:00:00.000Z',
    request: { method: 'GET', url: 'https://app.example/account', headers: [{ name: 'Authorization', value: 'Bearer opaque-token-1' }] },
    response: {
      status: 401,
      headers: [{ name: 'WWW-Authenticate', value: 'Bearer error="invalid_token"' }],
      content: { size: 30, mimeType: 'application/json', text: '{"error":"Token has expired"}' },
    },
  };
  patch(entry);
  return entry;
}

test('each field the core reads, when the recorded HARs do not show it, is passed', () => {
  const cases = {
    // A page navigation that answered 401 (pattern.public_page): known by its type alone.
    _resourceType: [
      made((e) => {
        e._resourceType = 'document';
        e.request.headers = [];
        e.response.headers = [{ name: 'Content-Type', value: 'text/html' }];
        e.response.content = { size: 10, mimeType: 'text/html', text: '<p>no</p>' };
      }),
      (/** @type {any} */ e) => delete e._resourceType,
    ],
    // A body said to be base64 is not read as words.
    encoding: [made((e) => (e.response.content.encoding = 'base64')), (/** @type {any} */ e) => delete e.response.content.encoding],
    // A body larger than the core reads is not read, even when its text was kept.
    size: [made((e) => (e.response.content.size = 10_000_000)), (/** @type {any} */ e) => delete e.response.content.size],
    // The server's words, from the body.
    text: [made(() => {}), (/** @type {any} */ e) => delete e.response.content.text],
    // The request's time: the token's claims are judged by it.
    startedDateTime: [
      made((e) => (e.request.headers = [{ name: 'Authorization', value: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTU0MzUyMzB9.c2ln' }])),
      (/** @type {any} */ e) => delete e.startedDateTime,
    ],
  };
  for (const [field, [entry, drop]] of Object.entries(cases)) {
    const without = structuredClone(entry);
    drop(without);
    const annotate = (/** @type {string | Uint8Array} */ text) => new engine.Inspector(undefined, 0).annotateHarEntryJson(text);
    const whole = annotate(JSON.stringify(entry));
    // The field matters to this entry's annotation...
    assert.notDeepEqual(annotate(JSON.stringify(without)), whole, `${field} changes nothing here`);
    // ...and the panel's bytes carry it.
    assert.deepEqual(annotate(entryBytes(entry)), whole, field);
  }
});

test('a redirect named only by redirectURL is followed', () => {
  const redirect = made((e) => {
    e.request.url = 'https://api.example/v1/me';
    e.response = { status: 302, headers: [], redirectURL: 'https://other.example/v1/me', content: { size: 0, mimeType: '' } };
  });
  const next = made((e) => {
    e.request.url = 'https://other.example/v1/me';
    e.request.headers = [];
  });
  const withoutUrl = structuredClone(redirect);
  delete withoutUrl.response.redirectURL;
  const codes = (/** @type {(e: any) => string | Uint8Array} */ text, /** @type {any} */ first) => {
    const inspector = new engine.Inspector(undefined, 0);
    inspector.annotateHarEntryJson(text(first));
    return inspector.annotateHarEntryJson(text(next)).findings.map((/** @type {any} */ f) => f.code);
  };
  const whole = codes((e) => JSON.stringify(e), redirect);
  assert.ok(whole.includes('cors.auth_dropped_on_redirect'), whole.join());
  assert.ok(!codes((e) => JSON.stringify(e), withoutUrl).includes('cors.auth_dropped_on_redirect'));
  assert.deepEqual(codes(entryBytes, redirect), whole);
});

test('an entry without the optional parts keeps its shape', () => {
  const fields = entryFields({ request: { method: 'GET', url: 'https://a.example/', headers: [] }, response: { status: 401, headers: [] } });
  assert.deepEqual(JSON.parse(JSON.stringify(fields)), {
    request: { method: 'GET', url: 'https://a.example/', headers: [] },
    response: { status: 401, headers: [] },
  });
});
