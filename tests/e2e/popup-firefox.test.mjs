// The popup quick check (issue #14) in real headless Firefox ESR, against a real lab: the
// same scenarios as popup.test.mjs for the badge, the popup and the fix, and the
// canaries. Firefox's action popup lives in the browser's own chrome, which WebDriver
// does not reach, so the popup is opened as an extension page for the lab's tab
// (`?tab=`): the same document, code and storage as the real popup.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchFirefox, openExtensionTab } from './support/firefox.mjs';
import { root, startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';
import { CANARIES, CANARY_REQUESTS, plantCanaries, visibleText } from './support/popup.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {import('puppeteer-core').Browser} */
let firefox;
/** An extension page kept open to call the extension APIs from. @type {import('puppeteer-core').Page} */
let ext;

before(async () => {
  lab = await startLab();
  firefox = await launchFirefox(join(root, 'dist', 'firefox'));
  ext = await openExt('/popup/popup.html');
});

/** @param {string} path */
const openExt = (path) => openExtensionTab(firefox, path);

after(async () => {
  await firefox?.close();
  await lab?.stop();
});


/** Opens the lab (or `url`) in a new tab; the newest tab of that URL is this one. */
async function openLab(url = lab.url) {
  const page = await firefox.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  const tabId = await ext.evaluate(
    async (u) => Math.max(-1, ...(await /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser).tabs.query({})).filter((t) => t.url?.startsWith(u)).map((t) => t.id ?? -1)),
    url,
  );
  assert.ok(tabId > 0, 'the lab tab is visible to the add-on');
  return { page, tabId };
}

/** @param {number} tabId */
async function openPopupPage(tabId) {
  return openExt(`/popup/popup.html?tab=${tabId}`);
}

/**
 * @param {number} tabId
 * @param {string} text
 */
async function waitForBadge(tabId, text) {
  let last = '';
  for (let i = 0; i < 100; i++) {
    last = await ext.evaluate(
      (id) => /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser).action.getBadgeText({ tabId: id }),
      tabId,
    );
    if (last === text) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(last, text, 'the badge text');
}

test('Firefox: the badge counts a scenario\'s failures in red, and clears on a success', async () => {
  const { page, tabId } = await openLab();
  assert.equal(await runScenario(page, 'token-expired'), 401);
  await waitForBadge(tabId, '1');
  const colour = await ext.evaluate(
    (id) => /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser).action.getBadgeBackgroundColor({ tabId: id }),
    tabId,
  );
  assert.deepEqual(colour, [185, 28, 28, 255]);
  assert.equal(await runScenario(page, 'healthy'), 200);
  await waitForBadge(tabId, '');
  await page.close();
});

test('Firefox: the popup shows the plain verdict, without header syntax', async () => {
  const { page, tabId } = await openLab();
  assert.equal(await runScenario(page, 'token-expired'), 401);
  const popup = await openPopupPage(tabId);
  await popup.waitForSelector('h1[data-verdict]');
  assert.equal(await popup.$eval('h1[data-verdict]', (h) => h.textContent), 'Your sign-in to 127.0.0.1 has expired.');
  const shown = await visibleText(popup);
  assert.match(shown, /Clear sign-in data and sign in again/);
  assert.doesNotMatch(shown, /Bearer|realm=|error=|invalid_token|WWW-Authenticate|token\.expired/);
  await popup.close();
  await page.close();
});

test('Firefox: the primary button clears this site\'s cookies and storage, nothing else', async () => {
  const other = await openLab(lab.url.replace('127.0.0.1', 'localhost'));
  await other.page.evaluate(() => {
    document.cookie = 'other_site=keep-me; Path=/';
    localStorage.setItem('other', 'keep-me');
  });
  const { page, tabId } = await openLab();
  await page.evaluate(() => {
    localStorage.setItem('auth', 'stale');
    sessionStorage.setItem('auth', 'stale');
  });
  assert.equal(await runScenario(page, 'session-rejected'), 401);
  const popup = await openPopupPage(tabId);
  await popup.waitForSelector('section.cause[data-cause="signed_out"] button.primary:not([disabled])');
  assert.match(await popup.$eval('section.cause .plan', (p) => p.textContent ?? ''), /lab_session/);
  await popup.click('section.cause button.primary');
  await popup.waitForFunction(() => /Removed \d+ cookie/.test(document.querySelector('section.cause .result')?.textContent ?? ''));
  await page.waitForFunction(() => document.body?.dataset.ready && localStorage.getItem('auth') === null, { timeout: 10_000 });

  const names = await ext.evaluate(async () => {
    const all = await /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser).cookies.getAll({});
    return all.map((c) => `${c.domain} ${c.name}`);
  });
  assert.deepEqual(names.filter((n) => n.startsWith('127.0.0.1 ')), [], 'this site\'s cookies are gone');
  assert.ok(names.includes('localhost other_site'), 'another site keeps its cookies');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'this site\'s storage is gone');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'and its session storage');
  assert.equal(await other.page.evaluate(() => localStorage.getItem('other')), 'keep-me');

  // Signed in again: the badge clears and the open popup says all is well.
  await waitForBadge(tabId, '1');
  await page.bringToFront(); // runScenario polls by requestAnimationFrame
  assert.equal(await runScenario(page, 'healthy'), 200);
  await waitForBadge(tabId, '');
  // Polled by interval: the popup's tab is in the background now, where
  // requestAnimationFrame (waitForFunction's default polling) never fires.
  await popup.waitForFunction(() => document.getElementById('verdict')?.textContent === 'No sign-in problems seen on this site.', { polling: 100, timeout: 10_000 });
  await popup.close();
  await page.close();
  await other.page.close();
});

test('Firefox: the report and every storage area hold no canary', async () => {
  const { page, tabId } = await openLab();
  await plantCanaries(page);
  for (const id of ['token-expired', 'status-forbidden', 'challenge-missing']) await runScenario(page, id);
  const popup = await openPopupPage(tabId);
  await popup.waitForSelector(`body[data-count="${3 + CANARY_REQUESTS}"]`);
  await popup.click('#copy-report');
  await popup.waitForFunction(() => (document.getElementById('report-result')?.textContent ?? '') !== '');
  const report = await popup.$eval('#report-text', (box) => /** @type {HTMLTextAreaElement} */ (box).value);
  assert.match(report, /^# Sign-in problem report: 127\.0\.0\.1$/m);
  assert.match(report, /token\.expired/);
  assertNoSecret(report, [...lab.secrets, ...CANARIES], 'the report for support');
  assertNoSecret(await popup.content(), [...lab.secrets, ...CANARIES], 'the popup');
  const areas = await popup.evaluate(async () => {
    const b = /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser);
    return JSON.stringify({ local: await b.storage.local.get(null), session: await b.storage.session.get(null), sync: await b.storage.sync.get(null) });
  });
  assert.match(areas, /api\/bearer\/invalid-token/);
  assertNoSecret(areas, [...lab.secrets, ...CANARIES], 'storage.local, storage.session or storage.sync');
  await popup.close();
  await page.close();
});

