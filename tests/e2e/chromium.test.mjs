// The real extension in headless Chromium, against a real `authlens lab`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchChromium, openDevTools, showAuthLensPanel } from './support/chromium.mjs';
import { root, startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {Awaited<ReturnType<typeof launchChromium>>} */
let chromium;

before(async () => {
  lab = await startLab();
  chromium = await launchChromium(join(root, 'dist', 'chrome'));
});

after(async () => {
  await chromium?.browser.close();
  await lab?.stop();
});

/** Opens the lab index in a new tab and returns the page and its tab id. */
async function openLab() {
  const page = await chromium.browser.newPage();
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  const tabId = await chromium.worker.evaluate(async (url) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((tab) => tab.url?.startsWith(url))?.id ?? -1;
  }, lab.url);
  assert.ok(tabId > 0, 'the lab tab is visible to the extension');
  return { page, tabId };
}

test('the service worker starts and registers its webRequest listeners', async () => {
  const state = await chromium.worker.evaluate(() => ({
    manifestVersion: chrome.runtime.getManifest().manifest_version,
    listening: chrome.webRequest.onCompleted.hasListeners() && chrome.webRequest.onSendHeaders.hasListeners(),
  }));
  assert.deepEqual(state, { manifestVersion: 3, listening: true });
});

test('the popup counts the tab\'s auth failures and gives the verdict for the worst cause', async () => {
  const { page, tabId } = await openLab();
  assert.equal(await runScenario(page, 'status-forbidden'), 403);
  assert.equal(await runScenario(page, 'healthy'), 200);
  assert.equal(await runScenario(page, 'auth-missing'), 401);
  assert.equal(await runScenario(page, 'token-expired'), 401);

  const popup = await chromium.browser.newPage();
  await popup.goto(`chrome-extension://${chromium.extensionId}/popup/popup.html?tab=${tabId}`);
  // Three failures (the 200 is not one, and fixes no 403); the background may still be
  // writing the last. The popup itself is tested in popup.test.mjs.
  await popup.waitForSelector('body[data-count="3"]', { timeout: 10_000 });
  const causes = await popup.$$eval('section.cause', (sections) => sections.map((s) => /** @type {HTMLElement} */ (s).dataset.cause));
  // Red (the person can act) before amber (someone else must), the newest first among
  // equals: the expired token, the missing sign-in, then the 403.
  assert.deepEqual(causes, ['expired', 'not_signed_in', 'forbidden']);

  // Nothing but summaries is kept: no credential in storage.session or on the popup.
  const stored = await chromium.worker.evaluate(async () => JSON.stringify(await chrome.storage.session.get(null)));
  assert.match(stored, /invalid-token/, 'the summary is stored');
  assertNoSecret(stored, lab.secrets, 'storage.session');
  assertNoSecret(await popup.content(), lab.secrets, 'the popup');
  await popup.close();
  await page.close();
});

test('the DevTools panel lists the lab\'s 401s with their parsed challenges', async () => {
  const { page } = await openLab();
  const devtools = await openDevTools(page);
  // DevTools records from now on, but the panel does not exist yet: it must find these
  // two in its getHAR() replay when it is first shown.
  assert.equal(await runScenario(page, 'token-expired'), 401);
  assert.equal(await runScenario(page, 'status-forbidden'), 403);
  const panel = await showAuthLensPanel(devtools, chromium.extensionId);
  await panel.waitForSelector('tr[data-status="401"]', { timeout: 10_000 });

  // After the panel opened: it follows onRequestFinished.
  assert.equal(await runScenario(page, 'auth-missing'), 401);
  assert.equal(await runScenario(page, 'healthy'), 200);
  await panel
    .waitForFunction(() => document.querySelectorAll('tbody tr:not([data-healthy])').length === 3, { timeout: 10_000 })
    .catch(async (error) => {
      const paths = await panel.$$eval('tbody tr:not([data-healthy]) .path', (cells) => cells.map((c) => c.textContent));
      throw new Error(`expected 3 rows, got: ${paths.join(', ')}`, { cause: error });
    });

  const rows = await panel.$$eval('tbody tr:not([data-healthy])', (trs) =>
    trs.map((tr) => ({
      status: tr.getAttribute('data-status'),
      path: tr.querySelector('.path')?.textContent,
      schemes: [...tr.querySelectorAll('.scheme')].map((e) => e.textContent),
      params: [...tr.querySelectorAll('.param')].map((e) => e.textContent),
      finding: tr.querySelector('.finding')?.getAttribute('data-code') ?? null,
    })),
  );
  assert.deepEqual(rows.map((r) => [r.status, r.path]), [
    ['401', '/api/bearer/invalid-token'],
    ['403', '/api/forbidden'],
    ['401', '/api/bearer'],
  ]);
  assert.deepEqual(rows[0].schemes, ['Bearer']);
  assert.ok(rows[0].params.includes('error="invalid_token"'), rows[0].params.join(' '));
  assert.equal(rows[0].finding, 'token.expired', 'the core diagnosed the expired lab token');
  assert.equal(rows[1].finding, 'status.forbidden');
  assert.equal(rows[2].finding, 'auth.missing', 'a 401 without credentials says so');
  assertNoSecret(await panel.content(), lab.secrets, 'the DevTools panel');

  // Export: a sanitized HAR of the session, downloaded by the panel, holds no secret.
  const downloads = mkdtempSync(join(tmpdir(), 'authlens-downloads-'));
  const session = await chromium.browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  await panel.click('#export-har');
  const file = join(downloads, 'authlens-sanitized.har');
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  const exported = readFileSync(file, 'utf8');
  const entries = JSON.parse(exported).log.entries;
  assert.ok(entries.some((/** @type {any} */ e) => e.response.status === 401), 'the failures are exported');
  assert.match(exported, /redacted-[0-9a-f]{8}/);
  assertNoSecret(exported, lab.secrets, 'the exported HAR');
  await devtools.close();
  await page.close();
});

