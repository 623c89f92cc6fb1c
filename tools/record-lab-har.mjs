// Records one HAR per lab scenario from a real Chromium run, the way the AuthLens panel
// sees it (devtools.network.getHAR() in the panel), into tests/fixtures/har/lab/, with
// the scenario's expected findings beside it. tests/lab_har.rs diagnoses them natively.
//
//   cargo build --bin authlens && tools/build.sh && node tools/record-lab-har.mjs [id...]
//
// The recordings carry the lab's canary credentials (never real secrets); the sanitizer
// tests use them too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { cancelHttpAuthPrompts, launchChromium, openDevTools, showAuthLensPanel } from '../tests/e2e/support/chromium.mjs';
import { root, startLab } from '../tests/e2e/support/lab.mjs';
import { runScenario } from '../tests/e2e/support/labpage.mjs';

const out = join(root, 'tests', 'fixtures', 'har', 'lab');
mkdirSync(out, { recursive: true });
const only = new Set(process.argv.slice(2));
const pagePaths = new Set(['/', '/lab.js', '/lab.css', '/scenarios.json', '/favicon.ico']);

const lab = await startLab();
const chromium = await launchChromium(join(root, 'dist', 'chrome'));
try {
  const page = await chromium.browser.newPage();
  await cancelHttpAuthPrompts(page);
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  const devtools = await openDevTools(page);
  const panel = await showAuthLensPanel(devtools, chromium.extensionId);
  const getHar = () => panel.evaluate(() => new Promise((resolve) => chrome.devtools.network.getHAR(resolve)));

  for (const scenario of lab.scenarios) {
    if (scenario.noBrowser || (only.size && !only.has(scenario.id))) continue;
    // A reload starts a fresh HAR log: one recording per scenario.
    await page.goto(lab.url);
    await page.waitForSelector('body[data-ready]');
    const last = scenario.steps[scenario.steps.length - 1];
    if (last.navigate) {
      await page.goto(new URL(last.path, lab.url).href);
    } else {
      const status = await runScenario(page, scenario.id, 30_000);
      console.log(`${scenario.id}: ${status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const har = /** @type {any} */ (await getHar());
    // Only the scenario's own requests: not the lab page, nor DevTools' readiness probes.
    har.entries = har.entries.filter((/** @type {any} */ e) => {
      const url = new URL(e.request.url);
      return !pagePaths.has(url.pathname) && !url.search.includes('authlens-devtools-probe');
    });
    const recording = {
      log: {
        version: '1.2',
        creator: { name: 'AuthLens lab recorder (Chromium DevTools getHAR)', version: '1' },
        entries: har.entries,
      },
    };
    writeFileSync(join(out, `${scenario.id}.har`), JSON.stringify(recording, null, 1) + '\n');
    writeFileSync(join(out, `${scenario.id}.expect.json`), JSON.stringify({ title: scenario.title, expect: scenario.expect }, null, 2) + '\n');
  }
  await devtools.close();
} finally {
  await chromium.browser.close();
  await lab.stop();
}
