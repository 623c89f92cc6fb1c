// Records a HAR of a few lab scenarios from Firefox's DevTools, as the AuthLens panel
// receives it (devtools.network.getHAR() in the panel), into
// tests/fixtures/har/firefox/lab-session.har: a real Firefox HAR shape for the HAR tests.
//
//   cargo build --bin authlens && tools/build.sh && node tools/record-firefox-har.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { inFirefoxPanel, launchFirefox, showFirefoxDevTools } from '../tests/e2e/support/firefox.mjs';
import { root, startLab } from '../tests/e2e/support/lab.mjs';
import { runScenario } from '../tests/e2e/support/labpage.mjs';

const ids = ['healthy', 'token-expired', 'auth-missing', 'session-cleared', 'pattern-after-login', 'status-forbidden'];
const lab = await startLab();
const firefox = await launchFirefox(join(root, 'dist', 'firefox'));
try {
  const page = await firefox.newPage();
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  await page.bringToFront();
  await showFirefoxDevTools(firefox, { selectAuthLens: false });
  for (const id of ids) console.log(id, await runScenario(page, id));
  await showFirefoxDevTools(firefox, { selectAuthLens: true });
  let har;
  for (let attempt = 0; attempt < 20 && !har; attempt++) {
    har = await inFirefoxPanel(firefox, 'return JSON.parse(JSON.stringify(await page.browser.devtools.network.getHAR()));', 10_000).catch((e) => {
      console.error(String(e));
      return undefined;
    });
  }
  if (!har) throw new Error('could not read the HAR from the Firefox panel');
  const pagePaths = new Set(['/', '/lab.js', '/lab.css', '/scenarios.json', '/favicon.ico']);
  har.entries = har.entries.filter((/** @type {any} */ e) => !pagePaths.has(new URL(e.request.url).pathname));
  const out = join(root, 'tests', 'fixtures', 'har', 'firefox');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'lab-session.har'), JSON.stringify({ log: { version: '1.2', creator: { name: 'AuthLens lab recorder (Firefox DevTools getHAR)', version: '1' }, entries: har.entries } }, null, 1) + '\n');
  console.log(`${har.entries.length} entries`);
} finally {
  await firefox.close();
  await lab.stop();
}
