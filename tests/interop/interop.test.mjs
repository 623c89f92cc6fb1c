// The interop suite, live: real third-party servers on loopback, real Chromium, real CLI.
// For every scenario of every stack (tests/interop/stacks/*/stack.mjs):
//   1. AuthLens (`target/debug/authlens diagnose --json`) must give the expected findings
//      on the recorded HAR; a scenario marked knownMiss must still miss (so that a fix is
//      noticed and the mark removed);
//   2. the committed fixture (tests/fixtures/har/interop/<stack>/<scenario>.har) must still
//      be what the server sends: same statuses and challenges (nonces aside) on the
//      expected entries, and the same expectations beside it.
// INTEROP_UPDATE=1 rewrites the fixtures instead of comparing (same as record.mjs).
// INTEROP_STACKS=a,b runs only those stacks.
//
//   cargo build --bin authlens && node --test tests/interop/
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { fixturePaths, judge, loadStacks, readFixtureHar, runAll, shape, writeFixture } from './support/suite.mjs';

const update = process.env.INTEROP_UPDATE === '1';
const only = (process.env.INTEROP_STACKS ?? '').split(',').filter(Boolean);

test('interop: real servers, real Chromium, the real CLI', { timeout: 15 * 60_000 }, async (t) => {
  const stacks = await loadStacks(only);
  const scenarios = stacks.reduce((n, s) => n + s.scenarios.length, 0);
  if (!only.length) {
    // issue #11: at least six stacks and forty scenarios.
    assert.ok(stacks.length >= 6, `only ${stacks.length} stacks`);
    assert.ok(scenarios >= 40, `only ${scenarios} scenarios`);
  }
  /** @type {Record<string, { hit: number, all: number }>} */
  const score = {};
  await runAll(
    stacks,
    async (stack, scenario, server, har) => {
      await t.test(`${stack.id}/${scenario.id}: ${scenario.title}`, () => {
        const s = (score[stack.id] ??= { hit: 0, all: 0 });
        s.all += 1;
        if (update) writeFixture(stack, scenario, server, har);
        const { hit, results } = judge(har, scenario.expect);
        if (hit) s.hit += 1;
        const detail = results
          .filter((r) => !r.ok)
          .map((r) => `  ${r.exp.method ?? 'GET'} ${r.exp.url} ${r.exp.status}: ${r.problem}`)
          .join('\n');
        if (scenario.knownMiss) {
          assert.ok(!hit, `${scenario.id} is marked knownMiss (${scenario.knownMiss}) but AuthLens now gets it right: remove the mark`);
        } else {
          assert.ok(hit, `AuthLens misjudged what ${server.version} did:\n${detail}\nserver log:\n${server.logs().slice(-2000)}`);
        }
        if (update) return;
        const p = fixturePaths(stack.id, scenario.id);
        const fixture = readFixtureHar(stack.id, scenario.id);
        assert.ok(fixture && existsSync(p.expect), `no fixture ${p.har}: record it with INTEROP_UPDATE=1`);
        assert.deepEqual(shape(har, scenario.expect), shape(fixture, scenario.expect), `${server.version} no longer answers as the fixture recorded: re-record with INTEROP_UPDATE=1 and review the difference`);
        const meta = JSON.parse(readFileSync(p.expect, 'utf8'));
        assert.deepEqual(meta.expect, scenario.expect, `${p.expect} is stale: re-record with INTEROP_UPDATE=1`);
        assert.equal(meta.knownMiss, scenario.knownMiss, `${p.expect} is stale (knownMiss): re-record with INTEROP_UPDATE=1`);
      });
    },
    (stack, error, server) => {
      t.test(`${stack.id}: starts and runs`, () => {
        assert.fail(`${stack.id}: ${error instanceof Error ? error.stack : error}\n${server ? server.logs().slice(-2000) : ''}`);
      });
    },
  );
  for (const [id, s] of Object.entries(score)) t.diagnostic(`${id}: ${s.hit}/${s.all} scenarios right`);
});
