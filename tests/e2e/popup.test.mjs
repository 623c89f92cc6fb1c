// The popup quick check (issue #14) in real headless Chromium, against a real lab: the
// badge, the plain verdict in the popup opened through the action, the primary fix
// really clearing the site's cookies and storage, the report for support holding no
// canary, the popup after the service worker is stopped, and no secret in any storage.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { cancelHttpAuthPrompts, launchChromium } from './support/chromium.mjs';
import { root, startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';
import { CANARIES, CANARY_REQUESTS, plantCanaries, visibleText } from './support/popup.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {Awaited<ReturnType<typeof launchChromium>>} */
let chromium;

before(async () => {
  lab = await startLab();
  chromium = await launchChromium(join(root, 'dist', 'chrome'));
  ext = await chromium.browser.newPage();
  await ext.goto(`chrome-extension://${chromium.extensionId}/help/index.html`);
});

after(async () => {
  await chromium?.browser.close();
  await lab?.stop();
});

/**
 * An extension page kept open to call the extension APIs from. Not the service worker:
 * Chrome may stop and restart it, and a handle to the stopped one never answers.
 * @type {import('puppeteer-core').Page}
 */
let ext;

/** Opens the lab index in a new tab and returns the page and its tab id. */
async function openLab(url = lab.url) {
  const page = await chromium.browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  const tabId = await ext.evaluate(async (u) => {
    // The newest tab of that URL: an earlier test's may still be open.
    const tabs = await chrome.tabs.query({});
    return Math.max(-1, ...tabs.filter((tab) => tab.url?.startsWith(u)).map((tab) => tab.id ?? -1));
  }, url);
  assert.ok(tabId > 0, 'the lab tab is visible to the extension');
  return { page, tabId };
}

/** The popup page for `tabId`, opened as a tab (`?tab=`), ready. @param {number} tabId */
async function openPopupPage(tabId) {
  const popup = await chromium.browser.newPage();
  await popup.goto(`chrome-extension://${chromium.extensionId}/popup/popup.html?tab=${tabId}`);
  await popup.waitForSelector('body[data-ready]');
  return popup;
}

/**
 * @param {number} tabId
 * @param {string} text the badge text to wait for
 */
async function waitForBadge(tabId, text) {
  let last = '';
  for (let i = 0; i < 100; i++) {
    last = await ext.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    if (last === text) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(last, text, 'the badge text');
}

test('the badge counts a scenario\'s failures, coloured by severity, and clears on success or another site', async () => {
  const { page, tabId } = await openLab();
  assert.equal(await runScenario(page, 'token-expired'), 401);
  await waitForBadge(tabId, '1');
  const red = await ext.evaluate((id) => chrome.action.getBadgeBackgroundColor({ tabId: id }), tabId);
  assert.deepEqual(red, [185, 28, 28, 255], 'an expired sign-in is red');
  // A 403 is someone else's to fix: the count grows, the colour stays the worst (red).
  assert.equal(await runScenario(page, 'status-forbidden'), 403);
  await waitForBadge(tabId, '2');

  // A credentialed success on the site fixes the sign-in, not the 403.
  assert.equal(await runScenario(page, 'healthy'), 200);
  await waitForBadge(tabId, '1');
  const amber = await ext.evaluate((id) => chrome.action.getBadgeBackgroundColor({ tabId: id }), tabId);
  assert.deepEqual(amber, [180, 83, 9, 255], 'a 403 alone is amber');

  // A reload of the same site keeps the failure (and puts the badge back)...
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await waitForBadge(tabId, '1');
  // ...a navigation to another site clears it.
  await page.goto(lab.url.replace('127.0.0.1', 'localhost'));
  await page.waitForSelector('body[data-ready]');
  await waitForBadge(tabId, '');
  await page.close();
});

test('the real popup, opened through the action, shows the plain verdict', async () => {
  const { page } = await openLab();
  assert.equal(await runScenario(page, 'token-expired'), 401);
  await page.bringToFront();
  // action.openPopup() opens the real popup, for the active tab of the focused window
  // (Chrome 127+ without a user gesture: developer.chrome.com action.openPopup).
  await ext.evaluate(() => chrome.action.openPopup());
  const target = await chromium.browser.waitForTarget((t) => t.url().endsWith('/popup/popup.html'), { timeout: 10_000 });
  const popup = await target.asPage();
  await popup.waitForSelector('body[data-ready] h1[data-verdict]');
  const verdict = await popup.$eval('h1[data-verdict]', (h) => h.textContent);
  assert.equal(verdict, 'Your sign-in to 127.0.0.1 has expired.');
  const shown = await visibleText(popup);
  assert.match(shown, /Sign in again/, 'the core\'s end-user explanation');
  assert.match(shown, /Clear sign-in data and sign in again/);
  assert.doesNotMatch(shown, /Bearer|realm=|error=|invalid_token|WWW-Authenticate|token\.expired/, 'no header syntax on screen');
  const cause = await popup.$eval('section.cause', (s) => /** @type {HTMLElement} */ (s).dataset.cause);
  assert.equal(cause, 'expired');
  // The details are there for those who open them.
  const details = await popup.$eval('section.cause details', (d) => d.textContent ?? '');
  assert.match(details, /401 GET http:\/\/127\.0\.0\.1:\d+\/api\/bearer\/invalid-token/);
  // Keyboard: the primary button has the focus, and Tab reaches the details' summary.
  await popup.waitForFunction(() => document.activeElement?.matches('button.primary'));
  await popup.keyboard.press('Tab');
  assert.equal(await popup.evaluate(() => document.activeElement?.tagName), 'SUMMARY');
  await popup.keyboard.press('Enter');
  assert.equal(await popup.$eval('section.cause details', (d) => /** @type {HTMLDetailsElement} */ (d).open), true, 'Enter opens the details');
  // Labels: the cause is a region named by its verdict; every button has text.
  const named = await popup.$eval('section.cause', (s) => document.getElementById(s.getAttribute('aria-labelledby') ?? '')?.textContent);
  assert.equal(named, verdict);
  const unnamed = await popup.$$eval('button', (buttons) => buttons.filter((b) => !(b.textContent ?? '').trim()).length);
  assert.equal(unnamed, 0, 'every button has a name');
  await popup.close();

  // The self-help page the popup links to is packaged in the extension, and runs there.
  const help = await chromium.browser.newPage();
  await help.goto(`chrome-extension://${chromium.extensionId}/help/index.html`);
  await help.waitForSelector('body[data-ready]');
  await help.close();

  await page.close();
});

test('the primary button clears this site\'s cookies and storage, nothing else, then reloads', async () => {
  const other = await openLab(lab.url.replace('127.0.0.1', 'localhost'));
  await other.page.evaluate(() => {
    document.cookie = 'other_site=keep-me; Path=/';
    localStorage.setItem('other', 'keep-me');
  });
  const { page, tabId } = await openLab();
  await page.evaluate(() => {
    localStorage.setItem('auth', 'stale');
    sessionStorage.setItem('auth', 'stale');
    document.cookie = 'theme=dark; Path=/';
  });
  assert.equal(await runScenario(page, 'session-rejected'), 401); // sets lab_session, then refused
  const popup = await openPopupPage(tabId);
  await popup.waitForSelector('section.cause[data-cause="signed_out"] button.primary:not([disabled])');
  const plan = await popup.$eval('section.cause .plan', (p) => p.textContent ?? '');
  // It says what it will do before acting: which cookies (by name, never by value) and
  // whose data, then the reload.
  assert.match(plan, /lab_session/);
  assert.match(plan, /theme/);
  assert.match(plan, /127\.0\.0\.1/);
  assert.match(plan, /reloads the page/);
  assert.doesNotMatch(plan, /lab-session-value/);

  const reloaded = page.waitForNavigation();
  await popup.click('section.cause button.primary');
  await popup.waitForFunction(() => /Removed \d+ cookie/.test(document.querySelector('section.cause .result')?.textContent ?? ''));
  await reloaded;
  await page.waitForSelector('body[data-ready]');

  const cdp = await page.createCDPSession();
  const { cookies } = await cdp.send('Storage.getCookies');
  await cdp.detach();
  assert.deepEqual(cookies.filter((c) => c.domain === '127.0.0.1').map((c) => c.name), [], 'this site\'s cookies are gone');
  assert.deepEqual(cookies.filter((c) => c.domain === 'localhost').map((c) => c.name), ['other_site'], 'another site keeps its cookies');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'this site\'s storage is gone');
  // A reload keeps session storage (HTML §7.2.2.2): it is empty because the fix emptied it.
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'and its session storage');
  assert.equal(await other.page.evaluate(() => localStorage.getItem('other')), 'keep-me', 'another site keeps its storage');

  // Signed in again (the lab's healthy call carries a valid token): the badge clears and
  // the open popup says all is well.
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

test('the report for support and every storage area hold no canary', async () => {
  const { page, tabId } = await openLab();
  // Basic challenges would wait for the browser's own prompt: cancel it, as a user would.
  await cancelHttpAuthPrompts(page);
  await plantCanaries(page);
  const scenarios = ['token-expired', 'auth-basic-rejected', 'status-forbidden', 'hostile-challenge', 'challenge-missing'];
  for (const id of scenarios) await runScenario(page, id);
  const popup = await openPopupPage(tabId);
  await popup.waitForSelector(`body[data-count="${scenarios.length + CANARY_REQUESTS}"]`);
  // Let the report be copied: grant the clipboard to the extension's origin.
  const cdp = await chromium.browser.target().createCDPSession();
  await cdp.send('Browser.grantPermissions', {
    origin: `chrome-extension://${chromium.extensionId}`,
    permissions: ['clipboardReadWrite', 'clipboardSanitizedWrite'],
  });
  await popup.bringToFront();
  await popup.click('#copy-report');
  await popup.waitForFunction(() => (document.getElementById('report-result')?.textContent ?? '') !== '');
  const copied = await popup.evaluate(async () => {
    const box = /** @type {HTMLTextAreaElement} */ (document.getElementById('report-text'));
    const clipboard = await navigator.clipboard.readText().catch(() => null);
    return { clipboard, box: box.value, status: document.getElementById('report-result')?.textContent };
  });
  const report = copied.clipboard ?? copied.box;
  assert.equal(copied.status, 'Report copied. Paste it into your message to support.');
  assert.equal(copied.clipboard, copied.box, 'the clipboard holds the report');
  assert.match(report, /^# Sign-in problem report: 127\.0\.0\.1$/m);
  assert.match(report, /token\.expired/);
  assert.match(report, /status\.forbidden/);
  assert.match(report, /\/api\/bearer\/invalid-token/);
  assertNoSecret(report, [...lab.secrets, ...CANARIES], 'the report for support');
  assertNoSecret(await popup.content(), [...lab.secrets, ...CANARIES], 'the popup');

  const areas = await popup.evaluate(async () => JSON.stringify({
    local: await chrome.storage.local.get(null),
    session: await chrome.storage.session.get(null),
    sync: await chrome.storage.sync.get(null),
  }));
  assert.match(areas, /api\/bearer\/invalid-token/, 'the summaries are there');
  assertNoSecret(areas, [...lab.secrets, ...CANARIES], 'storage.local, storage.session or storage.sync');
  await cdp.detach();
  await popup.close();
  await page.close();
});

test('screenshots of the popup for three causes, in light and dark', async () => {
  const out = join(root, 'target', 'e2e-artifacts');
  mkdirSync(out, { recursive: true });
  for (const [scenario, cause] of [['token-expired', 'expired'], ['status-forbidden', 'forbidden'], ['clock-skew', 'clock'], ['challenge-missing', 'site']]) {
    const { page, tabId } = await openLab();
    await runScenario(page, scenario);
    const popup = await openPopupPage(tabId);
    await popup.setViewport({ width: 360, height: 600 });
    await popup.waitForSelector(`section.cause[data-cause="${cause}"] button.primary:not([disabled])`);
    if (cause === 'clock') {
      // The lab's server clock is 2 hours behind: the verdict names the minutes.
      assert.equal(await popup.$eval('h1[data-verdict]', (h) => h.textContent), 'Your computer\'s clock is 120 minutes off.');
      await popup.click('button.primary');
      await popup.waitForSelector('.howto');
    }
    /** @type {string[]} */
    const backgrounds = [];
    for (const scheme of ['light', 'dark']) {
      await popup.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      backgrounds.push(await popup.evaluate(() => getComputedStyle(document.body).backgroundColor));
      await popup.screenshot({ path: join(out, `popup-${cause}-${scheme}.png`), fullPage: true });
    }
    assert.notEqual(backgrounds[0], backgrounds[1], 'the dark scheme changes the colours');
    await popup.close();
    await page.close();
  }
});

/** The extension's service workers that are really running (puppeteer's target list lags). */
async function runningWorkers() {
  const cdp = await chromium.browser.target().createCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  await cdp.detach();
  return targetInfos.filter((t) => t.type === 'service_worker' && t.url.includes(chromium.extensionId));
}

// Last in the file: after it, the worker stays stopped until an event wakes it.
test('after the service worker is stopped, the popup still shows the same verdict', async () => {
  const { page, tabId } = await openLab();
  assert.equal(await runScenario(page, 'token-expired'), 401);
  await waitForBadge(tabId, '1');
  // An extension page to call action.openPopup() from once the worker is stopped.
  const opener = await openPopupPage(tabId);
  const verdict = await opener.$eval('h1[data-verdict]', (h) => h.textContent);
  assert.equal(verdict, 'Your sign-in to 127.0.0.1 has expired.');
  await page.bringToFront();

  // Stop it as Chrome does when it is idle: CDP ServiceWorker.stopAllWorkers, and wait
  // for the worker to report itself stopped.
  const cdp = await page.createCDPSession();
  const stopped = new Promise((resolve) =>
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.some((v) => v.scriptURL.includes(chromium.extensionId) && v.runningStatus === 'stopped')) resolve(true);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
  await cdp.detach();
  assert.deepEqual(await runningWorkers(), [], 'the service worker is stopped');

  // The real popup, for the active (lab) tab.
  await opener.evaluate(() => chrome.action.openPopup());
  const target = await chromium.browser.waitForTarget(
    (t) => t.url().endsWith('/popup/popup.html'),
    { timeout: 10_000 },
  );
  const after = await target.asPage();
  await after.waitForSelector('body[data-ready] h1[data-verdict]');
  assert.equal(await after.$eval('h1[data-verdict]', (h) => h.textContent), verdict, 'the same verdict without the worker');
  assert.equal(await after.$eval('body', (b) => b.dataset.count), '1');
  // Chrome may start the worker again meanwhile, for an event of its own: the popup
  // never messages it, and a restarted worker has lost its memory; what the popup shows
  // came from storage.session.
  await opener.close();
  await after.close();
  await page.close();
});
