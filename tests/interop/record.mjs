// (Re)writes the interop fixtures from a live run: for every scenario of every stack (or
// of the stacks named), tests/fixtures/har/interop/<stack>/<scenario>.har and
// <scenario>.expect.json. Prints each scenario's result with the current engine.
//
//   cargo build --bin authlens && node tests/interop/record.mjs [stack...]
//
// The recordings carry the stacks' canary credentials only (never real secrets).
import { judge, loadStacks, runAll, writeFixture } from './support/suite.mjs';

const stacks = await loadStacks(process.argv.slice(2));
let failed = false;
await runAll(
  stacks,
  (stack, scenario, server, har, error) => {
    if (!har) {
      failed = true;
      console.error(`FAIL ${stack.id}/${scenario.id}: ${error instanceof Error ? error.stack : error}`);
      return;
    }
    writeFixture(stack, scenario, server, har);
    const { hit, results } = judge(har, scenario.expect);
    console.log(`${hit ? 'hit ' : 'MISS'} ${stack.id}/${scenario.id}`);
    for (const r of results) if (!r.ok) console.log(`     ${r.exp.url} ${r.exp.status}: ${r.problem}`);
  },
  (stack, error, server) => {
    failed = true;
    console.error(`${stack.id}: ${error instanceof Error ? error.stack : error}`);
    if (server) console.error(`${stack.id} log:\n${server.logs()}`);
  },
);
if (failed) process.exitCode = 1;
