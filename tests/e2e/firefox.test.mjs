// The real extension in headless Firefox ESR, against a real `authlens lab`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { inFirefoxPanel, launchFirefox, openExtensionPage, showFirefoxDevTools } from './support/firefox.mjs';
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

/**
 * Polls a probe in the Firefox panel until `done` accepts its result (or 10 s pass, and
 * then returns the last result for the assertion to report).
 * @param {string} probe
 * @param {(result: any) => boolean} done
 */
async function waitForPanel(probe, done) {
  let result;
  for (let attempt = 0; attempt < 50; attempt++) {
    result = await inFirefoxPanel(firefox, probe).catch((error) => error);
    if (!(result instanceof Error) && done(result)) return result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (result instanceof Error) throw result;
  return result;
}

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

  const popup = await firefox.newPage();
  await openExtensionPage(popup, '/popup/popup.html');
  const tabId = await popup.evaluate(async (url) => {
    const tabs = await /** @type {typeof chrome} */ (globalThis.browser).tabs.query({});
    return tabs.find((tab) => tab.url?.startsWith(url))?.id ?? -1;
  }, lab.url);
  assert.ok(tabId > 0, 'the lab tab is visible to the add-on');
  await openExtensionPage(popup, `/popup/popup.html?tab=${tabId}`);
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

test('the DevTools panel replays the HAR, then follows new requests', async () => {
  const page = await openLab();
  await page.bringToFront();
  await showFirefoxDevTools(firefox, { selectAuthLens: false });
  assert.equal(await runScenario(page, 'token-expired'), 401); // before the panel: replayed
  await showFirefoxDevTools(firefox, { selectAuthLens: true });
  await waitForPanel('return document.body?.dataset.ready === "true"', (ready) => ready === true);
  assert.equal(await runScenario(page, 'auth-missing'), 401); // after: onRequestFinished

  const probe = `return [...document.querySelectorAll('tbody tr:not([data-healthy])')].map((tr) => ({
      status: tr.dataset.status,
      path: tr.querySelector('.path')?.textContent,
      schemes: [...tr.querySelectorAll('.scheme')].map((e) => e.textContent),
      finding: tr.querySelector('.finding')?.dataset.code ?? null,
    }));`;
  /** @type {{status: string, path: string, schemes: string[], finding: string | null}[]} */
  const rows = await waitForPanel(probe, (r) => r.length >= 2);
  assert.deepEqual(rows.map((r) => [r.status, r.path, r.schemes]), [
    ['401', '/api/bearer/invalid-token', ['Bearer']],
    ['401', '/api/bearer', ['Bearer']],
  ]);
  assert.equal(rows[1].finding, 'auth.missing');
  const text = await inFirefoxPanel(firefox, 'return document.documentElement.outerHTML');
  assertNoSecret(text, lab.secrets, 'the Firefox DevTools panel');
  await page.close();
});
