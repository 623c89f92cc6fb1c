// The DevTools panel in Chromium against every lab scenario: the expected top finding, the
// detail view (masked by default, reveal on request), replay, sign-in, hostile input.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { cancelHttpAuthPrompts, launchChromium, openDevTools, showAuthLensPanel } from './support/chromium.mjs';
import { root, startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {Awaited<ReturnType<typeof launchChromium>>} */
let chromium;
/** @type {import('puppeteer-core').Page} */
let page;
/** @type {import('puppeteer-core').Frame} */
let panel;
/** @type {import('puppeteer-core').Page} the DevTools window the panel lives in */
let devtools;

before(async () => {
  lab = await startLab();
  chromium = await launchChromium(join(root, 'dist', 'chrome'));
  page = await chromium.browser.newPage();
  await cancelHttpAuthPrompts(page);
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  devtools = await openDevTools(page);
  panel = await showAuthLensPanel(devtools, chromium.extensionId);
  await panel.waitForSelector('body[data-ready]');
});

after(async () => {
  await chromium?.browser.close();
  await lab?.stop();
});

/** Runs a scenario on a freshly loaded lab page (a navigation resets the panel). */
async function run(/** @type {string} */ id) {
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  await runScenario(page, id, 20_000);
}

/**
 * Clicks a control in the panel through the DOM: the panel is an iframe inside the
 * DevTools window, where mouse coordinates are unreliable for controls below the fold.
 * @param {string} selector
 */
async function press(selector) {
  await panel.waitForSelector(selector);
  await panel.$eval(selector, (element) => /** @type {HTMLElement} */ (element).click());
}

/** The finding codes of the panel's rows, in order. */
const rowCodes = () => panel.$$eval('tbody tr:not([data-healthy]) .finding', (cells) => cells.map((c) => c.getAttribute('data-code')));

test('every lab scenario shows its expected top finding in the panel', async () => {
  const misses = [];
  for (const scenario of lab.scenarios) {
    const last = scenario.steps[scenario.steps.length - 1];
    if (scenario.noBrowser || last.navigate || scenario.expect.length === 0) continue;
    await run(scenario.id);
    const top = scenario.expect[0];
    const found = await panel
      .waitForFunction((code) => [...document.querySelectorAll('tbody tr:not([data-healthy]) .finding')].some((c) => c.getAttribute('data-code') === code), { timeout: 10_000 }, top)
      .then(() => true, () => false);
    if (!found) misses.push(`${scenario.id}: expected ${top}, rows ${JSON.stringify(await rowCodes())}`);
  }
  assert.deepEqual(misses, []);
  assertNoSecret(await panel.content(), lab.secrets, 'the panel after every scenario');
});

test('the detail view explains, masks secrets by default, and reveals on request', async () => {
  await run('token-expired');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await panel.waitForSelector('#detail:not([hidden]) #detail-findings li[data-code="token.expired"]');
  const text = await panel.$eval('#detail', (d) => d.textContent ?? '');
  assert.match(text, /expired/);
  assert.match(text, /min before the request, client clock; \d+ min before the request, server clock/, 'claims in human time, on both clocks');
  assertNoSecret(await panel.content(), lab.secrets, 'the detail view (masked)');
  await press('#reveal');
  const revealed = await panel.$eval('#detail-credentials .masked', (e) => e.textContent ?? '');
  assert.ok(lab.secrets.some((s) => revealed.includes(s)), 'reveal shows the token');
  await press('#reveal');
  assertNoSecret(await panel.content(), lab.secrets, 'the detail view (hidden again)');
});

test('replay shows the status of each variant', async () => {
  await run('token-rejected');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await press('[data-replay="as-sent"]');
  await panel.waitForSelector('#replay-result[data-status="401"]', { timeout: 10_000 });
  await run('healthy');
  await run('auth-missing');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await press('[data-replay="no-auth"]');
  await panel.waitForSelector('#replay-result[data-status="401"]', { timeout: 10_000 });
});

test('sign in again navigates the inspected page', async () => {
  await run('auth-missing');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('#preserve');
  await page.goto(new URL('/help/', lab.url).href);
  await press('tbody tr:not([data-healthy])');
  await press('#sign-in');
  await page.waitForFunction((origin) => location.href === `${origin}/`, {}, new URL(lab.url).origin);
  await press('#preserve');
});

test('hostile header values render as text, run nothing and keep the layout', async () => {
  await run('hostile-challenge');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await panel.waitForSelector('#detail:not([hidden])');
  const state = await panel.evaluate(() => ({
    pwned: document.body.dataset.pwned ?? null,
    images: document.querySelectorAll('img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
    text: document.body.textContent ?? '',
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  assert.equal(state.pwned, null, 'nothing ran');
  assert.equal(state.images, 0);
  assert.equal(state.scripts, 0);
  assert.ok(state.text.includes('<img src=x onerror='), 'the markup is shown as text');
  assert.ok(state.overflow <= 1, `no horizontal overflow (${state.overflow}px)`);
  assert.equal(await page.evaluate(() => document.body.dataset.pwned ?? null), null);
});

test("clearing this site's cookies really removes them, after a confirmation", async () => {
  await run('session-cookie-not-sent'); // sets lab_scoped (Path=/session/area)
  await page.evaluate(() => fetch('/session/login-partitioned').then((r) => r.text()));
  const cdp = await page.createCDPSession();
  const all = async () => (await cdp.send('Storage.getCookies', {})).cookies.map((c) => `${c.name}${c.partitionKey ? ' (partitioned)' : ''}`);
  const before = await all();
  assert.ok(before.includes('lab_scoped'), `the cookie exists first: ${before}`);
  assert.ok(before.includes('lab_part (partitioned)'), `the partitioned cookie exists first: ${before}`);
  const scoped = new URL('/session/area/', lab.url).href;
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await press('#clear-cookies');
  await panel.waitForSelector('#confirm:not([hidden])');
  const warning = await panel.$eval('#confirm-text', (e) => e.textContent ?? '');
  assert.match(warning, /lab_scoped/, 'the confirmation names the cookies');
  assert.doesNotMatch(warning, /lab-session-value/, 'but not their values');
  await press('#confirm-yes');
  await panel.waitForSelector('#action-result[data-cleared="cookies"]');
  assert.deepEqual((await page.cookies(scoped)).filter((c) => c.name === 'lab_scoped'), []);
  const after = await all();
  assert.ok(!after.includes('lab_scoped') && !after.some((c) => c.startsWith('lab_part')), `all gone: ${after}`);
});

test('clearing cache and storage empties the origin\'s storage', async () => {
  await run('auth-missing');
  await page.evaluate(() => {
    localStorage.setItem('authlens-test', '1');
    sessionStorage.setItem('authlens-test', '1');
  });
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await press('#clear-storage');
  await panel.waitForSelector('#confirm:not([hidden])');
  await press('#confirm-yes');
  await panel.waitForSelector('#action-result[data-cleared="storage"]');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('authlens-test')), null);
  await page.reload();
  assert.equal(await page.evaluate(() => localStorage.getItem('authlens-test')), null);
});

test('copy as cURL is redacted by default', async () => {
  await run('token-expired');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await press('#copy-curl');
  const command = await panel.$eval('#curl', (e) => e.textContent ?? '');
  assert.match(command, /^curl -i -X GET '/);
  assert.match(command, /authorization: Bearer REDACTED/i);
  assertNoSecret(command, lab.secrets, 'the cURL command');
});

test('the detail view lists cookies by name only, and the requests that led to the failure', async () => {
  await run('session-cleared'); // login sets lab_session; the 401 deletes it
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  const cookies = await panel.$eval('#detail-cookies', (e) => e.textContent ?? '');
  assert.match(cookies, /lab_session/);
  assert.match(cookies, /lab_session \(deleted\)/);
  assert.doesNotMatch(cookies, /lab-session-value/);
  // The core's cookie model says which cookie was withheld, and why (cookie_store.rs).
  await run('session-cookie-not-sent'); // lab_scoped is Path=/session/area; the 401 is /api/session
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  const withheld = await panel.$$eval('#detail-cookies .withheld li', (items) =>
    items.map((i) => [i.querySelector('code')?.textContent, i.getAttribute('data-reason')]),
  );
  assert.deepEqual(withheld, [['lab_scoped', 'path']]);
  assert.doesNotMatch(await panel.$eval('#detail-cookies', (e) => e.textContent ?? ''), /lab-session-value/);
  // The token request that came just before the 401, on the same host.
  await run('pattern-after-login');
  await panel.waitForSelector('tbody tr[data-status="401"]:not([data-healthy])');
  await press('tbody tr[data-status="401"]:not([data-healthy])');
  const chain = await panel.$$eval('#detail-chain li', (items) => items.map((i) => i.getAttribute('data-kind')));
  assert.deepEqual(chain, ['token']);
  await run('cors-preflight');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  // The status filter hides what it does not select.
  await panel.select('#filter-status', '403');
  assert.equal(await panel.$$eval('tbody tr:not([hidden]):not([data-healthy])', (rows) => rows.length), 0);
  await panel.select('#filter-status', '');
  assert.ok((await panel.$$eval('tbody tr:not([hidden]):not([data-healthy])', (rows) => rows.length)) > 0);
  // The cause filter offers the codes seen, and selects by them.
  const codes = await panel.$$eval('#filter-finding option', (options) => options.map((o) => o.getAttribute('value')).filter(Boolean));
  assert.ok(codes.includes('cors.preflight_unauthorized'), codes.join());
  await panel.select('#filter-finding', 'cors.preflight_unauthorized');
  const shown = await panel.$$eval('tbody tr:not([hidden]) .finding', (cells) => cells.map((c) => c.getAttribute('data-code')));
  assert.deepEqual([...new Set(shown)], ['cors.preflight_unauthorized']);
  await panel.select('#filter-finding', '');
});

test('settings are kept in storage.local, hold no secret, and set the sign-in URL', async () => {
  await run('auth-missing');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  const help = new URL('/help/', lab.url).href;
  await panel.$eval('#settings', (d) => { /** @type {HTMLDetailsElement} */ (d).open = true; });
  await panel.$eval('#setting-sign-in', (input, url) => { /** @type {HTMLInputElement} */ (input).value = url; }, help);
  await press('#settings-form button[type="submit"]');
  await panel.waitForSelector('#settings-result[data-saved="true"]');
  const stored = await panel.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
  assert.ok(stored.includes(help), 'the sign-in URL is stored');
  assertNoSecret(stored, lab.secrets, 'storage.local');
  await press('#sign-in');
  await page.waitForFunction((url) => location.href === url, {}, help);
  // Forget it again, so that later tests see the discovered sign-in URLs.
  await panel.$eval('#setting-sign-in', (input) => { /** @type {HTMLInputElement} */ (input).value = ''; });
  await press('#settings-form button[type="submit"]');
  const after = await panel.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
  assert.ok(!after.includes(help));
});

test('"All requests" also lists the requests that did not fail', async () => {
  await run('healthy');
  await panel.waitForSelector('tbody tr[data-healthy][data-status="200"]', { hidden: true });
  const visible = () => panel.$$eval('tbody tr:not([hidden])', (rows) => rows.map((r) => r.getAttribute('data-status')));
  assert.ok(!(await visible()).includes('200'), 'hidden by default');
  await press('#show-all');
  assert.ok((await visible()).includes('200'), 'shown with the toggle');
  await press('#show-all');
});

test('sign in again follows RFC 9728 metadata to the authorization server', async () => {
  await run('challenge-resource-metadata');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await press('#sign-in');
  // The lab's metadata names its /help/ page as the authorization server.
  await page.waitForFunction((url) => location.href === url, { timeout: 10_000 }, new URL('/help/', lab.url).href);
});

test('parameters are explained with their spec, the JWT header is shown, and per-site expectations warn', async () => {
  await run('challenge-step-up');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  const params = await panel.$$eval('#detail-challenge dt[data-param]', (terms) =>
    terms.map((dt) => [dt.getAttribute('data-param'), dt.nextElementSibling?.querySelector('a')?.getAttribute('href')]),
  );
  assert.deepEqual(Object.fromEntries(params).acr_values, 'https://www.rfc-editor.org/rfc/rfc9470#section-3');
  assert.match(await panel.$eval('#detail-credentials .jwt-header', (e) => e.textContent ?? ''), /alg\s*HS256/);
  await press('.copy-finding');
  assert.equal(await panel.$eval('.copy-finding', (b) => b.getAttribute('data-copied')), 'true');

  // An expected audience for this site that the token does not carry is pointed out.
  await panel.$eval('#settings', (d) => { /** @type {HTMLDetailsElement} */ (d).open = true; });
  await panel.$eval('#setting-sign-in', (i) => { /** @type {HTMLInputElement} */ (i).value = ''; });
  await panel.$eval('#setting-audience', (i) => { /** @type {HTMLInputElement} */ (i).value = 'https://api.expected.example'; });
  await press('#settings-form button[type="submit"]');
  await press('tbody tr:not([data-healthy])');
  await panel.waitForSelector('#detail-credentials [data-expected="aud"]');
  await panel.$eval('#setting-audience', (i) => { /** @type {HTMLInputElement} */ (i).value = ''; });
  await press('#settings-form button[type="submit"]');
});

test('token requests that explain a failure are listed by default', async () => {
  await run('pattern-after-login');
  await panel.waitForSelector('tbody tr:not([data-healthy])[data-status="200"]');
  await panel.waitForSelector('tbody tr:not([data-healthy])[data-status="401"]');
  const rows = await panel.$$eval('tbody tr:not([hidden])', (trs) => trs.map((tr) => `${tr.getAttribute('data-status')} ${tr.querySelector('.path')?.textContent}`));
  assert.deepEqual(rows, ['200 /oauth/token', '401 /api/bearer']);
});

test('screenshots of the panel in the light and dark themes, saved as artifacts', async () => {
  await run('token-expired');
  await panel.waitForSelector('tbody tr:not([data-healthy])');
  await press('tbody tr:not([data-healthy])');
  await panel.waitForSelector('#detail:not([hidden]) #detail-findings li[data-code="token.expired"]');
  const artifacts = join(root, 'target', 'e2e-artifacts');
  mkdirSync(artifacts, { recursive: true });
  /** @type {Record<string, string>} */
  const backgrounds = {};
  for (const theme of ['light', 'dark']) {
    // The panel picks its theme from devtools.panels.themeName when it loads; switching
    // DevTools' own theme needs its internals, so the panel's switch is set directly.
    await panel.evaluate((name) => {
      document.documentElement.dataset.theme = name;
    }, theme);
    backgrounds[theme] = await panel.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const file = join(artifacts, `panel-${theme}.png`);
    await devtools.screenshot({ path: /** @type {`${string}.png`} */ (file) });
    assert.ok(statSync(file).size > 10_000, `${file} holds a rendered panel`);
  }
  assert.notEqual(backgrounds.light, backgrounds.dark, 'the dark theme changes the colours');
  assertNoSecret(await panel.content(), lab.secrets, 'the panel being screenshotted');
  await panel.evaluate(() => {
    document.documentElement.dataset.theme = 'light';
  });
});

test('the sign-in flow view renders the core\'s flow: steps in order, the broken one marked, secrets masked', async () => {
  // In the panel's own page: the real core (Inspector.flow) and extension/panel/flow-view.js.
  const result = await panel.evaluate(async () => {
    // Specifiers in variables: they resolve against the panel page, not this test file.
    const coreUrl = '../shared/core.js';
    const viewUrl = './flow-view.js';
    /** @type {any} */
    const { loadCore } = await import(coreUrl);
    /** @type {typeof import('../../pkg/authlens.js')} */
    const core = await loadCore();
    /** @type {{renderFlow: typeof import('../../extension/panel/flow-view.js').renderFlow}} */
    const { renderFlow } = await import(viewUrl);
    const inspector = new core.Inspector();
    const at = '2026-11-23T12:00:00.000Z';
    /** @type {(url: string, status: number, headers?: {name: string, value: string}[]) => import('../../pkg/authlens.js').HarEntryLike} */
    const entry = (url, status, headers = []) => ({ startedDateTime: at, request: { method: 'GET', url, headers: [] }, response: { status, headers } });
    inspector.annotateHarEntry(entry('https://as.example/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=canary-state-value-0001&code_challenge=abc&code_challenge_method=S256', 302, [{ name: 'Location', value: 'https://app.example/cb?code=canary-code-value-0001&state=forged' }]));
    const annotation = inspector.annotateHarEntry(entry('https://app.example/cb?code=canary-code-value-0001&state=forged', 200));
    const id = annotation.findings[0]?.flow?.id;
    const flow = id === undefined ? null : inspector.flow(id);
    if (!flow) return { error: JSON.stringify(annotation.findings) };
    const view = renderFlow(flow, { current: 1 });
    document.body.append(view);
    const steps = [...view.querySelectorAll('.flow-step')].map((li) => ({ kind: li.getAttribute('data-kind'), finding: li.getAttribute('data-finding'), current: li.getAttribute('aria-current') }));
    const html = view.outerHTML;
    view.remove();
    return { code: annotation.findings[0].code, steps, html };
  });
  assert.equal(result.error, undefined, result.error ?? '');
  assert.equal(result.code, 'oauth.state_mismatch');
  assert.deepEqual(result.steps, [
    { kind: 'authorize', finding: null, current: null },
    { kind: 'callback', finding: 'oauth.state_mismatch', current: 'step' },
  ]);
  assertNoSecret(result.html ?? '', ['canary-state-value-0001', 'canary-code-value-0001'], 'the flow view');
});
