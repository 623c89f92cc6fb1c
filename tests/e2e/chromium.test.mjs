// The real extension in headless Chromium, against a real `authlens lab`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';

import { launchChromium } from './support/chromium.mjs';
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

test('the popup counts the tab\'s auth failures and shows the latest, parsed by the core', async () => {
  const { page, tabId } = await openLab();
  assert.equal(await runScenario(page, 'status-forbidden'), 403);
  assert.equal(await runScenario(page, 'healthy'), 200);
  assert.equal(await runScenario(page, 'auth-missing'), 401);
  assert.equal(await runScenario(page, 'token-expired'), 401);

  const popup = await chromium.browser.newPage();
  await popup.goto(`chrome-extension://${chromium.extensionId}/popup/popup.html?tab=${tabId}`);
  // Three failures (the 200 is not one); the background may still be writing the last.
  await popup.waitForSelector('#verdict[data-count="3"]', { timeout: 10_000 });
  const latest = await popup.evaluate(() => ({
    request: document.getElementById('latest-request')?.textContent,
    schemes: [...document.querySelectorAll('#latest-challenge .scheme')].map((e) => e.textContent),
    error: document.querySelector('#latest-challenge .param[data-name="error"]')?.textContent,
  }));
  assert.match(latest.request ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/api\/bearer\/invalid-token$/);
  assert.deepEqual(latest.schemes, ['Bearer']);
  assert.equal(latest.error, 'error="invalid_token"');

  // Nothing but summaries is kept: no credential in storage.session or on the popup.
  const stored = await chromium.worker.evaluate(async () => JSON.stringify(await chrome.storage.session.get(null)));
  assert.match(stored, /invalid-token/, 'the summary is stored');
  assertNoSecret(stored, lab.secrets, 'storage.session');
  assertNoSecret(await popup.content(), lab.secrets, 'the popup');
  await popup.close();
  await page.close();
});

// The DevTools panel's tests (replay of the HAR, live requests, export and the rest) are
// in panel.test.mjs, which runs each of them in Chromium and in Firefox.

test('the self-help page parses a pasted challenge with the same core, with positions', async () => {
  const page = await chromium.browser.newPage();
  await page.goto(new URL('/help/', lab.url).href);
  await page.waitForSelector('body[data-ready]');
  await page.type('#challenge-input', 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"');
  await page.waitForSelector('.challenge[data-scheme="Basic"]');
  const parsed = await page.$$eval('.challenge', (boxes) =>
    boxes.map((box) => [box.getAttribute('data-scheme'), [...box.querySelectorAll('dd')].map((d) => d.textContent)]),
  );
  // RFC 9110 §11.6.1's own example; the escaped quotes come out unescaped.
  assert.deepEqual(parsed, [
    ['Newauth', ['apps', '1', 'Login to "apps"']],
    ['Basic', ['simple']],
  ]);

  await page.$eval('#challenge-input', (el) => { /** @type {HTMLTextAreaElement} */ (el).value = ''; });
  await page.type('#challenge-input', 'Bearer realm="unterminated');
  const offset = await page.$eval('.problem[data-offset]', (el) => el.getAttribute('data-offset'));
  assert.equal(offset, '13', 'the problem points at the opening quote');
  // Errors and warnings read and look different (issue #11: severity).
  const unterminated = await page.$eval('.problem[data-offset]', (el) => [el.getAttribute('data-severity'), el.className, el.textContent]);
  assert.deepEqual(unterminated.slice(0, 2), ['error', 'problem error']);
  assert.match(unterminated[2] ?? '', /^Error at byte 13: /);
  await page.$eval('#challenge-input', (el) => { /** @type {HTMLTextAreaElement} */ (el).value = ''; });
  await page.type('#challenge-input', 'Digest realm="files"');
  const warning = await page.$eval('.problem[data-offset]', (el) => [el.getAttribute('data-severity'), el.textContent, getComputedStyle(el).fontWeight]);
  assert.equal(warning[0], 'warning');
  assert.match(warning[1] ?? '', /^Warning at byte 0: Digest challenge without nonce/);
  const errorWeight = await page.evaluate(() => {
    const probe = document.createElement('p');
    probe.className = 'problem error';
    document.body.append(probe);
    const weight = getComputedStyle(probe).fontWeight;
    probe.remove();
    return weight;
  });
  assert.notEqual(errorWeight, warning[2], 'an error is styled apart from a warning');
  await page.close();
});

test('the self-help page explains a pasted Authorization value and diagnoses a HAR file, locally', async () => {
  const page = await chromium.browser.newPage();
  /** @type {string[]} */
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(new URL('/help/', lab.url).href);
  await page.waitForSelector('body[data-ready]');
  const token = lab.scenarios.find((s) => s.id === 'token-expired')?.steps[0].headers[0][1] ?? '';
  await page.type('#credentials-input', 'Bearer Bearer undefined');
  await page.waitForSelector('#credentials-result [data-defect="doubled_scheme"]');
  await page.$eval('#credentials-input', (el) => { /** @type {HTMLTextAreaElement} */ (el).value = ''; });
  await page.type('#credentials-input', token);
  await page.waitForSelector('#credentials-result dl');
  const text = await page.$eval('#credentials-result', (e) => e.textContent ?? '');
  assert.match(text, /exp/);
  assertNoSecret(text, lab.secrets, 'the self-help page (masked)');

  const input = await page.$('#har-input');
  await /** @type {import('puppeteer-core').ElementHandle<HTMLInputElement>} */ (input).uploadFile(join(root, 'tests', 'fixtures', 'har', 'firefox', 'lab-session.har'));
  await page.waitForSelector('#har-result li[data-code]');
  const codes = await page.$$eval('#har-result li[data-code]', (items) => items.map((i) => i.getAttribute('data-code')));
  assert.deepEqual(codes, ['token.expired', 'auth.missing', 'session.cleared_by_server', 'pattern.after_login', 'status.forbidden']);
  assertNoSecret(await page.$eval('#har-result', (e) => e.textContent ?? ''), lab.secrets, 'the HAR diagnosis');
  // Nothing was uploaded: the only requests are the page's own files.
  assert.ok(requests.every((url) => new URL(url).pathname.startsWith('/help/')), requests.join('\n'));
  await page.close();
});
