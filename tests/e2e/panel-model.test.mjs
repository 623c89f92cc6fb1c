// The panel's model on the engine's briefs (issue #17), in Node with the real engine module
// and the lab's recorded HAR entries: no browser, so it is a unit test (the panel's e2e
// suite drives the same code in Chromium and Firefox).
//
// What it proves: a request's full annotation, read on demand from the session, is the
// one annotating it gave; the failure count kept as requests come and go is the sum of the
// groups'; a trimmed list and a smaller detail capacity still answer.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import { Model } from '../../extension/panel/model.js';
import { entryBytes } from '../../extension/shared/entry.js';

const pkg = new URL('../../pkg/', import.meta.url);
const engine = await import(new URL('authlens_engine.js', pkg).href);
engine.initSync({ module: readFileSync(new URL('authlens_engine_bg.wasm', pkg)) });

const dir = new URL('../fixtures/har/lab/', import.meta.url);
/** @type {any[]} */
const entries = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.har')).sort()) {
  entries.push(...JSON.parse(readFileSync(new URL(file, dir), 'utf8')).log.entries);
}

/** @param {number} maxRows @param {number} details */
function panel(maxRows, details) {
  const inspector = new engine.Inspector(undefined, details);
  // As the panel calls them (extension/panel/panel.js).
  const model = new Model(maxRows, (rec) => inspector.annotation(rec.brief.id, entryBytes(rec.entry)) ?? engine.annotateHarEntry(rec.entry));
  return { inspector, model, add: (/** @type {any} */ entry) => model.add(entry, inspector.observeHarEntryJson(entryBytes(entry))) };
}

/** @param {Model} model */
function summed(model) {
  let n = 0;
  for (const group of model.groups.values()) n += group.failures;
  return n;
}

test('a request opened reads the annotation it was given, and counts stay the sum of the groups', () => {
  const { model, add } = panel(20_000, 20_000);
  const reference = new engine.Inspector();
  /** @type {any[]} */
  const annotations = [];
  /** @type {any[]} */
  const recs = [];
  for (const entry of entries) {
    annotations.push(reference.annotateHarEntryJson(JSON.stringify(entry)));
    recs.push(add(entry));
    assert.equal(model.failureCount(), summed(model));
  }
  assert.ok(model.failureCount() > 20, `${model.failureCount()} failures`);
  let withFindings = 0;
  recs.forEach((rec, i) => {
    assert.deepEqual(rec.annotation, annotations[i], `entry ${i} (${rec.brief.url})`);
    assert.equal(rec.brief.top?.code, annotations[i].findings[0]?.code);
    assert.equal(rec.brief.findingCount, annotations[i].findings.length);
    if (annotations[i].findings.length > 1) withFindings += 1;
  });
  assert.ok(withFindings > 5, 'entries with several findings were compared');
});

test('a trimmed list keeps its count, and a request no longer kept is annotated alone', () => {
  const { model, add, inspector } = panel(30, 10);
  const recs = entries.map((entry) => add(entry));
  assert.equal(model.size, 30);
  assert.equal(model.failureCount(), summed(model));
  assert.ok(model.dropped > 0);
  // The newest is kept by the session; one 20 requests back is not, and still answers.
  const newest = recs[recs.length - 1];
  assert.deepEqual(newest.annotation, inspector.annotation(newest.brief.id, JSON.stringify(newest.entry)));
  const older = recs[recs.length - 20];
  assert.equal(inspector.annotation(older.brief.id, JSON.stringify(older.entry)), null);
  assert.equal(older.annotation.url, older.entry.request.url);
  model.clear();
  assert.equal(model.failureCount(), 0);
});
