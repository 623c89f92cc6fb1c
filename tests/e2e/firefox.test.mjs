// The real extension in headless Firefox ESR, against a real `authlens lab`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchFirefox, openExtensionTab } from './support/firefox.mjs';
import { root, startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {import('puppeteer-core').Browser} */
let firefox;

before(async () => {
  lab = await startLab();
  firefox = await launchFirefox(join(root, 'dist', 'firefox'));
});

after(async () => {
  await firefox?.close();
  await lab?.stop();
});

async function openLab() {
  const page = await firefox.newPage();
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  return page;
}

test('the add-on installs, its background counts failures, and the popup groups them by cause', async () => {
  const page = await openLab();
  assert.equal(await runScenario(page, 'status-forbidden'), 403);
  assert.equal(await runScenario(page, 'token-expired'), 401);

  let popup = await openExtensionTab(firefox, '/popup/popup.html');
  const tabId = await popup.evaluate(async (url) => {
    const tabs = await /** @type {typeof chrome} */ (globalThis.browser).tabs.query({});
    return tabs.find((tab) => tab.url?.startsWith(url))?.id ?? -1;
  }, lab.url);
  assert.ok(tabId > 0, 'the lab tab is visible to the add-on');
  await popup.close();
  popup = await openExtensionTab(firefox, `/popup/popup.html?tab=${tabId}`);
  await popup.waitForSelector('body[data-count="2"]', { timeout: 10_000 });
  // The popup itself is tested in popup-firefox.test.mjs.
  const causes = await popup.$$eval('section.cause', (els) => els.map((e) => /** @type {HTMLElement} */ (e).dataset.cause));
  assert.deepEqual(causes, ['expired', 'forbidden']);

  const stored = await popup.evaluate(async () => JSON.stringify(await /** @type {typeof chrome} */ (globalThis.browser).storage.session.get(null)));
  assert.match(stored, /invalid-token/);
  assertNoSecret(stored, lab.secrets, 'storage.session');
  assertNoSecret(await popup.content(), lab.secrets, 'the popup');
  await popup.close();
  await page.close();
});

// The DevTools panel's tests are in panel.test.mjs, which runs each of them in Chromium
// and in Firefox; the sign-in flow scenarios are among its lab scenarios.
