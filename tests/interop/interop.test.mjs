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
import { isDeepStrictEqual } from 'node:util';

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
    async (stack, scenario, server, har, error) => {
      await t.test(`${stack.id}/${scenario.id}: ${scenario.title}`, () => {
        const s = (score[stack.id] ??= { hit: 0, all: 0 });
        s.all += 1;
        if (!har) assert.fail(`the scenario did not run: ${error instanceof Error ? error.stack : error}\nserver log (tail):\n${server.logs().slice(-2000)}`);
        if (update) writeFixture(stack, scenario, server, har);
        const { hit, results } = judge(har, scenario.expect);
        if (hit) s.hit += 1;
        /** @type {string[]} */
        const problems = [];
        const detail = results
          .filter((r) => !r.ok)
          .map((r) => `  ${r.exp.method ?? 'GET'} ${r.exp.url} ${r.exp.status}: ${r.problem}`)
          .join('\n');
        if (scenario.knownMiss && hit) {
          problems.push(`marked knownMiss (${scenario.knownMiss}) but AuthLens now gets it right: remove the mark`);
        } else if (!scenario.knownMiss && !hit) {
          problems.push(`AuthLens misjudged what ${server.version} did:\n${detail}`);
        }
        if (!update) {
          // The fixture is checked whatever the judgement: it must still be what the server sends.
          const p = fixturePaths(stack.id, scenario.id);
          const fixture = readFixtureHar(stack.id, scenario.id);
          if (!fixture || !existsSync(p.expect)) {
            problems.push(`no fixture ${p.har}: record it with INTEROP_UPDATE=1`);
          } else {
            try {
              assert.deepEqual(shape(har, scenario.expect), shape(fixture, scenario.expect));
            } catch (e) {
              problems.push(`${server.version} no longer answers as the fixture recorded (re-record with INTEROP_UPDATE=1 and review the difference):\n${e instanceof Error ? e.message : e}`);
            }
            const meta = JSON.parse(readFileSync(p.expect, 'utf8'));
            if (!isDeepStrictEqual(meta.expect, scenario.expect) || meta.knownMiss !== scenario.knownMiss) {
              problems.push(`${p.expect} is stale (its expectations differ from the stack's): re-record with INTEROP_UPDATE=1`);
            }
          }
        }
        assert.ok(problems.length === 0, `${problems.join('\n')}\nserver log (tail):\n${server.logs().slice(-2000)}`);
      });
    },
    async (stack, error, server) => {
      await t.test(`${stack.id}: starts and runs`, () => {
        assert.fail(`${stack.id}: ${error instanceof Error ? error.stack : error}\n${server ? server.logs().slice(-2000) : ''}`);
      });
    },
  );
  for (const [id, s] of Object.entries(score)) t.diagnostic(`${id}: ${s.hit}/${s.all} scenarios right`);
});
