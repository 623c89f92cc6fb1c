// The DevTools panel, loaded in real Chromium and real Firefox against a real `authlens
// lab`: one file, every test in both browsers (a matrix). The differences are named where
// they are, with the reason:
//   - screenshots are Chromium's only: Firefox's toolbox is browser chrome, which
//     WebDriver BiDi cannot capture;
//   - the partitioned-cookie check reads Chromium's CDP (Storage.getCookies with
//     partition keys), which Firefox does not have.
// Secrets: every credential the lab hands out is a canary (support/lab.mjs); none may show
// up unmasked in the panel, its storage, its copies or its exports.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { root, startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';
import { openSession, press, waitInPanel } from './support/panel.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.stop();
});

/** The rows the list renders, in order. */
const ROWS = `return [...document.querySelectorAll('#list-body .row')].map((r) => ({
  kind: r.dataset.kind, status: r.dataset.status, method: r.dataset.method, path: r.dataset.path,
  code: r.dataset.code ?? null, count: Number(r.dataset.count), healthy: r.dataset.healthy === 'true',
  cause: r.querySelector('.c-cause')?.textContent ?? '', title: r.querySelector('.c-count')?.title ?? '',
}));`;

/** @param {string} selector */
const text = (selector) => `return document.querySelector(${JSON.stringify(selector)})?.textContent ?? null;`;

/**
 * Sets a control's value as the user would (an input event follows).
 * @param {string} selector
 * @param {string | boolean} value
 */
const setValue = (selector, value) => `const e = document.querySelector(${JSON.stringify(selector)});
  ${typeof value === 'boolean' ? `e.checked = ${value};` : `e.value = ${JSON.stringify(value)};`}
  e.dispatchEvent(new e.ownerDocument.defaultView.Event('input', { bubbles: true }));
  e.dispatchEvent(new e.ownerDocument.defaultView.Event('change', { bubbles: true }));
  return true;`;

// AUTHLENS_BROWSERS=chromium (or firefox) runs one column of the matrix, while developing.
const browsers = /** @type {('chromium' | 'firefox')[]} */ ((process.env.AUTHLENS_BROWSERS ?? 'chromium,firefox').split(','));

for (const name of browsers) {
  describe(`the DevTools panel in ${name}`, () => {
    /** @type {import('./support/panel.mjs').PanelSession} */
    let s;
    before(async () => {
      s = await openSession(name, lab.url);
    });
    after(async () => {
      await s?.close();
    });

    /** Runs a scenario on a freshly loaded lab page (a navigation resets the panel). */
    async function run(/** @type {string} */ id) {
      await s.page.goto(lab.url);
      await s.page.waitForSelector('body[data-ready]');
      await waitInPanel(s, `return document.getElementById('status')?.dataset.total === '0' || document.getElementById('preserve').checked;`, 'the list to reset');
      return runScenario(s.page, id, 20_000);
    }

    /**
     * Waits for a failure row (optionally with a code, or a status) and selects it.
     * @param {{code?: string, status?: string, method?: string}} [which]
     */
    async function selectRow(which = {}) {
      const selector = `#list-body .row:not([data-healthy])${which.code ? `[data-code="${which.code}"]` : ''}${which.status ? `[data-status="${which.status}"]` : ''}${which.method ? `[data-method="${which.method}"]` : ''}`;
      await press(s, selector);
      await waitInPanel(s, `return !document.getElementById('detail-pane').hidden;`, 'the detail');
    }

    /** @param {string} tab */
    async function tab(tab) {
      await press(s, `[role="tab"][data-tab="${tab}"]`);
      return waitInPanel(s, `const p = document.getElementById('tab-${tab}'); return !p.hidden && p.textContent;`, `the ${tab} tab`);
    }

    const html = () => s.probe('return document.documentElement.outerHTML;');

    test('it replays the requests made before it opened, then follows new ones', async () => {
      assert.equal(await runScenario(s.page, 'token-expired'), 401);
      assert.equal(await runScenario(s.page, 'status-forbidden'), 403);
      await s.show();
      await waitInPanel(s, 'return document.body.dataset.ready === "true";', 'the panel to load');
      await waitInPanel(s, `return document.querySelectorAll('#list-body .row:not([data-healthy])').length === 2;`, 'the replayed rows');
      assert.equal(await runScenario(s.page, 'auth-missing'), 401);
      assert.equal(await runScenario(s.page, 'healthy'), 200);
      await waitInPanel(s, `return document.querySelectorAll('#list-body .row:not([data-healthy])').length === 3;`, 'the live row');
      /** @type {{status: string, path: string, code: string, cause: string}[]} */
      const rows = (await s.probe(ROWS)).filter((/** @type {any} */ r) => !r.healthy);
      assert.deepEqual(rows.map((r) => [r.status, r.path, r.code]), [
        ['401', '/api/bearer/invalid-token', 'token.expired'],
        ['403', '/api/forbidden', 'status.forbidden'],
        ['401', '/api/bearer', 'auth.missing'],
      ]);
      // The challenge is short in the list (scheme and error); the detail has it all.
      assert.match(rows[0].cause, /Bearer invalid_token/);
      assert.doesNotMatch(rows[0].cause, /realm=/);
      assert.match(await s.probe(text('#status')), /^3 failures · 3 of 3 shown/);
      assertNoSecret(await html(), lab.secrets, `the ${name} panel`);
    });

    test('every lab scenario shows its expected top finding', async () => {
      const misses = [];
      for (const scenario of lab.scenarios) {
        const last = scenario.steps[scenario.steps.length - 1];
        if (scenario.noBrowser || last.navigate || scenario.expect.length === 0) continue;
        await run(scenario.id);
        const top = scenario.expect[0];
        const found = await waitInPanel(s, `return [...document.querySelectorAll('#list-body .row:not([data-healthy])')].some((r) => r.dataset.code === ${JSON.stringify(top)});`, top, 10_000).then(() => true, () => false);
        if (!found) misses.push(`${scenario.id}: expected ${top}, rows ${JSON.stringify((await s.probe(ROWS)).map((/** @type {any} */ r) => r.code))}`);
      }
      assert.deepEqual(misses, []);
      assertNoSecret(await html(), lab.secrets, 'the panel after every scenario');
    });

    test('identical failures are one row ×N that expands, counted per credential', async () => {
      await run('pattern-retry-storm');
      const storm = await waitInPanel(s, `return [...document.querySelectorAll('#list-body .row[data-kind="group"]')].find((r) => Number(r.dataset.count) >= 3)?.dataset.index ?? null;`, 'a group of the retries')
        .catch(async (error) => assert.fail(`${error.message}: ${JSON.stringify(await s.probe(ROWS))}`));
      const group = (await s.probe(ROWS))[Number(storm)];
      assert.equal(group.path, '/api/bearer/invalid-token');
      assert.match(group.title, /identical requests with credential [0-9a-f]{8}/);
      await press(s, `#list-body .row[data-index="${storm}"] .twisty`);
      await waitInPanel(s, `return document.querySelectorAll('#list-body .row[data-kind="request"]').length === ${group.count};`, 'the group expanded');
      await press(s, `#list-body .row[data-index="${storm}"] .twisty`);
      await waitInPanel(s, `return document.querySelectorAll('#list-body .row[data-kind="request"]').length === 0;`, 'the group collapsed');

      // Two credentials, three and two requests: never one group across both.
      await run('healthy');
      await s.page.evaluate(async () => {
        for (const token of ['aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbb']) {
          // The body is read: DevTools reports a request as finished only once it is.
          await fetch('/api/bearer/invalid-token', { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.text());
        }
      });
      await waitInPanel(s, `return [...document.querySelectorAll('#list-body .row[data-kind="group"]:not([data-healthy])')].reduce((n, r) => n + Number(r.dataset.count), 0) === 5;`, 'five failures')
        .catch(async (error) => assert.fail(`${error.message}: ${JSON.stringify(await s.probe(ROWS))}`));
      /** @type {{count: number, title: string}[]} */
      const groups = (await s.probe(ROWS)).filter((/** @type {any} */ r) => !r.healthy);
      const fingerprints = new Set(groups.map((g) => /[0-9a-f]{8}/.exec(g.title)?.[0] ?? `single-${Math.random()}`));
      assert.ok(groups.length >= 2, `two credentials make at least two groups: ${JSON.stringify(groups)}`);
      assert.ok(fingerprints.size >= 2, 'the groups are per credential');
    });

    test('the detail tabs: ranked findings with evidence, the claim at fault, masked secrets', async () => {
      await run('token-expired');
      await selectRow({ code: 'token.expired' });
      const diagnosis = await tab('diagnosis');
      assert.match(diagnosis, /expired/);
      assert.ok(await s.probe(`return document.querySelectorAll('#tab-diagnosis li[data-code="token.expired"] .evidence dt').length > 0;`), 'the evidence is visible');
      const credentials = await tab('credentials');
      assert.match(credentials, /min before the request \(client clock\); \d+ min before the request \(server clock\)/, 'claims in human time, on both clocks');
      assert.deepEqual(await s.probe(`return [...document.querySelectorAll('#tab-credentials .jwt-payload [data-fault]')].map((m) => m.dataset.name);`), ['exp'], 'exp is highlighted');
      assert.equal(await s.probe(`return document.getElementById('copy-token');`), null, 'no copy of a masked token');
      assertNoSecret(await html(), lab.secrets, 'the detail (masked)');
      await press(s, '#reveal');
      const revealed = await waitInPanel(s, `return document.querySelector('#tab-credentials .masked')?.textContent.length > 20 && document.querySelector('#tab-credentials .masked').textContent;`, 'the revealed token');
      assert.ok(lab.secrets.some((secret) => revealed.includes(secret)), 'reveal shows the token');
      assert.ok(await s.probe(`return Boolean(document.getElementById('copy-token'));`), 'a revealed token can be copied');
      await press(s, '#reveal');
      assertNoSecret(await html(), lab.secrets, 'the detail (hidden again)');

      await run('challenge-claims');
      await selectRow({ code: 'challenge.claims' });
      const challenge = await tab('challenge');
      assert.match(challenge, /insufficient_claims/);
      assert.ok(await s.probe(`return document.querySelectorAll('#tab-challenge .entra-claims .json-member').length > 0;`), "Entra's claims are decoded");
      assert.ok(await s.probe(`return Boolean(document.querySelector('#tab-challenge dt[data-param="claims"] + dd + dd a[href^="https://"]'));`), 'the parameter is explained with its spec');

      await run('session-cookie-not-sent'); // lab_scoped is Path=/session/area; the 401 is /api/session
      await selectRow({ status: '401' });
      await tab('cookies');
      assert.deepEqual(await s.probe(`return [...document.querySelectorAll('#tab-cookies .withheld')].map((i) => [i.querySelector('code').textContent, i.dataset.reason]);`), [['lab_scoped', 'path']]);
      await run('session-cleared'); // login sets lab_session; the 401 deletes it
      await selectRow({ status: '401' });
      const cookies = await tab('cookies');
      assert.match(cookies, /lab_session \(deleted\)/);
      assert.doesNotMatch(cookies, /lab-session-value/);

      await run('pattern-after-login');
      await selectRow({ status: '401' });
      await tab('related');
      assert.deepEqual(await s.probe(`return [...document.querySelectorAll('#tab-related .chain li')].map((i) => i.dataset.kind);`), ['token']);
      assert.ok(await s.probe(`return document.querySelector('#flow-slot')?.dataset.slot === 'sign-in-flow';`), 'the slot for the sign-in flow view');
      assert.equal(await s.probe(`return document.querySelector('#flow-slot .flow-view');`), null, 'no flow view for a request outside any sign-in flow');

      // A broken sign-in flow (issue #16): its token request shows the flow's steps in
      // order, the broken one marked with its finding, and no code or verifier in clear.
      await run('flow-pkce-failed');
      await selectRow({ code: 'oauth.pkce_failed' });
      await tab('related');
      /** @type {{kind: string | null, finding: string | null}[]} */
      const steps = await waitInPanel(s, `const steps = [...document.querySelectorAll('#flow-slot .flow-view .flow-step')];
        return steps.length >= 2 && steps.map((li) => ({ kind: li.getAttribute('data-kind'), finding: li.getAttribute('data-finding') }));`, 'the sign-in flow view');
      assert.deepEqual(steps.map((step) => step.kind).slice(0, 1), ['authorize'], JSON.stringify(steps));
      assert.deepEqual(steps.filter((step) => step.finding).map((step) => [step.kind, step.finding]), [['token', 'oauth.pkce_failed']]);
      assertNoSecret(await html(), ['lab-another-verifier-that-does-not-match-it', ...lab.secrets], 'the sign-in flow view');
      await tab('diagnosis');
    });

    test('actions fit the finding: no replay of a preflight, no sign-in for a server bug', async () => {
      await run('cors-preflight');
      await selectRow({ code: 'cors.preflight_unauthorized' });
      const offered = await s.probe(`return [...document.querySelectorAll('#actions [data-action]')].map((b) => b.dataset.action);`);
      assert.ok(!offered.includes('replay'), `no replay of the preflight: ${offered}`);
      assert.ok(!offered.includes('sign_in'), `no sign-in for a server's CORS bug: ${offered}`);

      await run('token-expired');
      await selectRow({ code: 'token.expired' });
      assert.equal(await s.probe(`return document.querySelector('#actions .primary')?.dataset.action;`), 'sign_in', "the top finding's own action is primary");
      await press(s, '#actions [data-replay="as-sent"]');
      await waitInPanel(s, `return document.getElementById('action-result').dataset.status === '401';`, 'the replay');

      for (const what of ['curl', 'fetch', 'url']) {
        await s.probe(setValue('#copy-as', what));
        const copied = await waitInPanel(s, `const p = document.getElementById('copy-preview'); return !p.hidden && p.dataset.copy === ${JSON.stringify(what)} && p.textContent;`, `the ${what} copy`);
        if (what !== 'url') assert.match(copied, /authorization"?: "?Bearer REDACTED/i);
        assertNoSecret(copied, lab.secrets, `the ${what} copy`);
      }
      assert.match(await s.probe(text('#copy-preview')), /^http:\/\/127\.0\.0\.1:\d+\/api\/bearer\/invalid-token$/);
      // A context menu on each row.
      await s.probe(`const row = document.querySelector('#list-body .row[data-code="token.expired"]');
        row.dispatchEvent(new row.ownerDocument.defaultView.MouseEvent('contextmenu', { bubbles: true, clientX: 40, clientY: 40 })); return true;`);
      const items = await waitInPanel(s, `const m = document.getElementById('menu'); return !m.hidden && [...m.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent);`, 'the context menu');
      assert.ok(items.some((/** @type {string} */ i) => /cURL/.test(i)), items.join());
      await press(s, '#menu [role="menuitem"]');
      assert.ok(await s.probe(`return document.getElementById('menu').hidden;`));
    });

    test('sign in again navigates the inspected page, following RFC 9728 metadata', async () => {
      await run('auth-missing');
      await selectRow({ code: 'auth.missing' });
      await press(s, '#preserve');
      await s.page.goto(new URL('/help/', lab.url).href);
      await selectRow({ code: 'auth.missing' });
      await press(s, '#actions [data-action="sign_in"]');
      await s.page.waitForFunction((origin) => location.href === `${origin}/`, {}, new URL(lab.url).origin);
      await press(s, '#preserve');
      await run('challenge-resource-metadata');
      await selectRow();
      await press(s, '#actions [data-action="sign_in"]');
      // The lab's metadata names its /help/ page as the authorization server.
      await s.page.waitForFunction((url) => location.href === url, { timeout: 10_000 }, new URL('/help/', lab.url).href);
    });

    test('hostile header values render as text, run nothing and keep the layout', async () => {
      await run('hostile-challenge');
      await selectRow();
      await tab('challenge');
      const state = await s.probe(`return {
        pwned: document.body.dataset.pwned ?? null,
        images: document.querySelectorAll('img').length,
        scripts: [...document.querySelectorAll('script')].filter((e) => !e.src).length,
        text: document.body.textContent,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };`);
      assert.equal(state.pwned, null, 'nothing ran');
      assert.equal(state.images, 0);
      assert.equal(state.scripts, 0);
      assert.ok(state.text.includes('<img src=x onerror='), 'the markup is shown as text');
      assert.ok(state.overflow <= 1, `no horizontal overflow of the page (${state.overflow}px)`);
      assert.equal(await s.page.evaluate(() => document.body.dataset.pwned ?? null), null);
    });

    test("clearing this site's cookies and storage really removes them, after a confirmation", async () => {
      await run('session-cookie-not-sent'); // sets lab_scoped (Path=/session/area)
      const scoped = new URL('/session/area/', lab.url).href;
      assert.ok((await s.page.cookies(scoped)).some((c) => c.name === 'lab_scoped'), 'the cookie exists first');
      /** @type {import('puppeteer-core').CDPSession | null} */
      let cdp = null;
      if (s.name === 'chromium') {
        // Chromium only: CHIPS partitioned cookies are visible through CDP's partition keys.
        await s.page.evaluate(() => fetch('/session/login-partitioned').then((r) => r.text()));
        cdp = await s.page.createCDPSession();
        const all = (await cdp.send('Storage.getCookies', {})).cookies.map((c) => `${c.name}${c.partitionKey ? ' (partitioned)' : ''}`);
        assert.ok(all.includes('lab_part (partitioned)'), `the partitioned cookie exists first: ${all}`);
      }
      // The session is refused though its cookie was sent (session.rejected): clearing the
      // site's cookies is one of the fixes.
      await run('session-rejected');
      await selectRow({ status: '401' });
      await press(s, '#actions [data-action="clear_cookies"]').catch(async (error) =>
        assert.fail(`${error.message}: ${await s.probe(`return [...document.querySelectorAll('#actions [data-action]')].map((b) => b.dataset.action).join();`)}`));
      const warning = await waitInPanel(s, `return !document.getElementById('confirm').hidden && document.getElementById('confirm-text').textContent;`, 'the confirmation');
      assert.match(warning, /lab_scoped/, 'the confirmation names the cookies');
      assert.doesNotMatch(warning, /lab-session-value/, 'but not their values');
      await press(s, '#confirm-yes');
      await waitInPanel(s, `return document.getElementById('action-result').dataset.cleared === 'cookies';`, 'the cookies cleared');
      assert.deepEqual((await s.page.cookies(scoped)).filter((c) => c.name === 'lab_scoped'), [], 'a cookie of another path is gone too');
      assert.deepEqual((await s.page.cookies(lab.url)).filter((c) => c.name === 'lab_session'), []);
      if (cdp) {
        const all = (await cdp.send('Storage.getCookies', {})).cookies.map((c) => c.name);
        assert.ok(!all.includes('lab_part'), `the partitioned cookie is gone too: ${all}`);
      }

      await run('session-rejected');
      await s.page.evaluate(() => {
        localStorage.setItem('authlens-test', '1');
        sessionStorage.setItem('authlens-test', '1');
      });
      await selectRow({ status: '401' });
      await press(s, '#actions [data-action="clear_storage"]').catch(async (error) =>
        assert.fail(`${error.message}: ${await s.probe(`return [...document.querySelectorAll('#actions [data-action]')].map((b) => b.dataset.action).join();`)}`));
      await waitInPanel(s, `return !document.getElementById('confirm').hidden;`, 'the confirmation');
      await press(s, '#confirm-yes');
      await waitInPanel(s, `return document.getElementById('action-result').dataset.cleared === 'storage';`, 'the storage cleared');
      assert.equal(await s.page.evaluate(() => sessionStorage.getItem('authlens-test')), null);
      await s.page.reload();
      assert.equal(await s.page.evaluate(() => localStorage.getItem('authlens-test')), null);
    });

    test('settings are kept in storage.local, hold no secret, and warn of an unexpected audience', async () => {
      await run('challenge-step-up');
      await selectRow();
      await press(s, '#settings-button');
      await waitInPanel(s, `return !document.getElementById('settings').hidden && document.getElementById('settings-site').textContent;`, 'the settings');
      await s.probe(setValue('#setting-audience', 'https://api.expected.example'));
      await press(s, '#settings-form button[type="submit"]');
      await waitInPanel(s, `return document.getElementById('settings-result').dataset.saved === 'true';`, 'saved');
      const stored = await s.probe(`const api = typeof page === 'undefined' ? chrome : page.browser; return JSON.stringify(await api.storage.local.get(null));`);
      assert.match(stored, /api\.expected\.example/);
      assertNoSecret(stored, lab.secrets, 'storage.local');
      await tab('credentials');
      await waitInPanel(s, `return Boolean(document.querySelector('#tab-credentials [data-expected="aud"]'));`, 'the audience warning');
      await s.probe(setValue('#setting-audience', ''));
      await press(s, '#settings-form button[type="submit"]');
      await waitInPanel(s, `return !document.querySelector('#tab-credentials [data-expected="aud"]');`, 'the warning gone');
      await s.probe(`document.dispatchEvent(new document.defaultView.KeyboardEvent('keydown', { key: 'Escape', bubbles: true })); return true;`);
      assert.ok(await s.probe(`return document.getElementById('settings').hidden;`), 'Esc closes the settings');
      await tab('diagnosis');
    });

    test('states: empty while recording with a Reload button, "No matches" with a way out, N of M', async () => {
      await s.page.goto(lab.url);
      await s.page.waitForSelector('body[data-ready]');
      await waitInPanel(s, `return !document.getElementById('state-empty').hidden && document.getElementById('reload').textContent;`, 'the empty state');
      await s.page.evaluate(() => { /** @type {any} */ (window).beforeReload = true; });
      await press(s, '#reload');
      await s.page.waitForFunction(() => !(/** @type {any} */ (window).beforeReload) && document.body.dataset.ready);
      await runScenario(s.page, 'token-expired');
      await runScenario(s.page, 'auth-missing');
      await waitInPanel(s, `return document.getElementById('state-empty').hidden && document.getElementById('status').dataset.total === '2';`, 'two rows');
      await s.probe(setValue('#filter', 'no-such-thing'));
      await waitInPanel(s, `return !document.getElementById('state-nomatch').hidden;`, '"No matches"');
      assert.match(await s.probe(text('#status')), /0 of 2 shown/);
      await s.probe(setValue('#filter', 'bearer/invalid'));
      await waitInPanel(s, `return document.getElementById('status').dataset.shown === '1';`, 'one match');
      assert.match(await s.probe(text('#status')), /1 of 2 shown/);
      await s.probe(setValue('#filter', 'no-such-thing'));
      await press(s, '#clear-filters');
      await waitInPanel(s, `return document.getElementById('status').dataset.shown === '2' && document.getElementById('state-nomatch').hidden;`, 'the filters cleared');
      // A message is a toast; the count stays.
      await selectRow({ code: 'token.expired' });
      await press(s, '#tab-diagnosis .copy-finding');
      await waitInPanel(s, `return document.querySelectorAll('#toasts .toast').length > 0;`, 'a toast');
      assert.match(await s.probe(text('#status')), /2 of 2 shown/);
    });

    test('it follows the DevTools theme live, in colours close to DevTools\' own', async () => {
      await s.setTheme('dark');
      const dark = await waitInPanel(s, `return document.documentElement.dataset.theme === 'dark' && document.defaultView.getComputedStyle(document.body).backgroundColor;`, 'the dark theme');
      assert.equal(dark, 'rgb(32, 33, 36)');
      await s.setTheme('light');
      const light = await waitInPanel(s, `return document.documentElement.dataset.theme === 'light' && document.defaultView.getComputedStyle(document.body).backgroundColor;`, 'the light theme');
      assert.equal(light, 'rgb(255, 255, 255)');
    });

    test('layout docked at the bottom (270 px) and on the right (550 px): pinned toolbar, panes scroll on their own, Esc closes the detail', async () => {
      await run('pattern-retry-storm');
      await runScenario(s.page, 'token-expired');
      await runScenario(s.page, 'auth-missing');
      await runScenario(s.page, 'status-forbidden');
      // The README's pictures are refreshed on request only, so that a test run leaves the
      // tree clean: UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/.
      const shots = process.env.UPDATE_SCREENSHOTS ? join(root, 'docs', 'screenshots') : join(root, 'target', 'e2e-artifacts');
      mkdirSync(shots, { recursive: true });
      for (const [side, width, height, orientation] of /** @type {const} */ ([['bottom', 1200, 270, 'side'], ['right', 550, 720, 'stacked']])) {
        await s.dock(side, width, height);
        await waitInPanel(s, `return document.getElementById('split').dataset.orientation === ${JSON.stringify(orientation)};`, `the ${orientation} layout`);
        await selectRow({ code: 'token.expired' });
        await tab('credentials');
        const layout = await s.probe(`const box = (id) => document.getElementById(id).getBoundingClientRect().toJSON();
          const toolbar = document.querySelector('.toolbar').getBoundingClientRect();
          const list = box('list-pane'), detail = box('detail-pane');
          const header = document.getElementById('list-header').getBoundingClientRect();
          const { innerHeight, innerWidth } = document.defaultView;
          return { innerHeight, innerWidth, toolbarTop: toolbar.top, toolbarBottom: toolbar.bottom, list, detail, headerTop: header.top,
            pageScrolls: document.documentElement.scrollHeight > innerHeight + 1,
            detailScroller: document.defaultView.getComputedStyle(document.querySelector('.tab-panels')).overflowY,
            listScroller: document.defaultView.getComputedStyle(document.getElementById('list-scroll')).overflowY };`);
        assert.equal(layout.toolbarTop, 0, 'the toolbar is at the top');
        assert.equal(layout.pageScrolls, false, 'the page itself never scrolls: its panes do');
        assert.equal(layout.detailScroller, 'auto');
        assert.equal(layout.listScroller, 'auto');
        const where = JSON.stringify(layout);
        if (orientation === 'side') assert.ok(layout.detail.left >= layout.list.right - 1, `the detail is beside the list: ${where}`);
        else assert.ok(layout.detail.top >= layout.list.bottom - 1, `the detail is under the list: ${where}`);
        assert.ok(layout.detail.bottom <= layout.innerHeight + 1 && layout.detail.right <= layout.innerWidth + 1, `the detail fits: ${where}`);
        // The list scrolls under its sticky header; the toolbar stays.
        await s.probe(`document.getElementById('list-scroll').scrollTop = 1e6; return true;`);
        const after = await s.probe(`return { header: document.getElementById('list-header').getBoundingClientRect().top, toolbar: document.querySelector('.toolbar').getBoundingClientRect().top, list: document.getElementById('list-pane').getBoundingClientRect().top };`);
        assert.equal(after.toolbar, 0);
        assert.ok(Math.abs(after.header - after.list) <= 1, `the column headers stick (${JSON.stringify(after)})`);
        await s.probe(`document.getElementById('list-scroll').scrollTop = 0; return true;`);
        if (s.name === 'chromium') {
          for (const theme of /** @type {const} */ (['light', 'dark'])) {
            await s.setTheme(theme);
            await waitInPanel(s, `return document.documentElement.dataset.theme === ${JSON.stringify(theme)};`, theme);
            await tab(theme === 'light' ? 'diagnosis' : 'credentials');
            await s.probe(`document.getElementById('toasts').replaceChildren(); return true;`);
            const file = join(shots, `panel-${side}-${theme}.png`);
            await s.screenshot(file);
            assert.ok(statSync(file).size > 10_000, `${file} holds a rendered panel`);
          }
          await s.setTheme('light');
        }
        assertNoSecret(await html(), lab.secrets, 'the panel in the screenshots');
        await s.probe(`document.dispatchEvent(new document.defaultView.KeyboardEvent('keydown', { key: 'Escape', bubbles: true })); return true;`);
        await waitInPanel(s, `return document.getElementById('detail-pane').hidden;`, 'Esc to close the detail');
      }
      await s.dock('bottom', 1200, 400);
    });

    test('columns sort, resize and hide, and the layout is kept in settings', async () => {
      await run('status-forbidden');
      await runScenario(s.page, 'auth-missing');
      await runScenario(s.page, 'token-expired');
      await waitInPanel(s, `return document.getElementById('status').dataset.total === '3';`, 'three rows');
      const statuses = () => s.probe(`return [...document.querySelectorAll('#list-body .row')].map((r) => r.dataset.status);`);
      assert.deepEqual(await statuses(), ['403', '401', '401'], 'arrival order');
      await press(s, '#list-header [data-column="status"]');
      await waitInPanel(s, `return document.querySelector('#list-header [data-column="status"]').getAttribute('aria-sort') === 'ascending';`, 'sorted');
      await waitInPanel(s, `return document.querySelector('#list-body .row').dataset.status === '401';`, 'the rows sorted');
      assert.deepEqual(await statuses(), ['401', '401', '403']);
      await press(s, '#list-header [data-column="status"]');
      await waitInPanel(s, `return document.querySelector('#list-body .row').dataset.status === '403';`, 'descending');
      await press(s, '#list-header [data-column="status"]');
      await waitInPanel(s, `return document.querySelector('#list-header [data-column="status"]').getAttribute('aria-sort') === 'none';`, 'arrival order again');
      // Hide Host from the header's context menu, then show it again.
      const headerMenu = `const h = document.querySelector('#list-header [data-column="host"]') ?? document.querySelector('#list-header .th');
        h.dispatchEvent(new h.ownerDocument.defaultView.MouseEvent('contextmenu', { bubbles: true, clientX: 60, clientY: 30 })); return true;`;
      await s.probe(headerMenu);
      await waitInPanel(s, `return document.getElementById('menu').dataset.kind === 'columns' && !document.getElementById('menu').hidden;`, 'the column menu');
      await press(s, '#menu [role="menuitemcheckbox"]:nth-child(3)');
      await waitInPanel(s, `return !document.querySelector('#list-header [data-column="host"]') && !document.querySelector('#list-body .c-host');`, 'Host hidden');
      const stored = await s.probe(`const api = typeof page === 'undefined' ? chrome : page.browser; return JSON.stringify((await api.storage.local.get('settings')).settings.hidden);`);
      assert.equal(stored, '["host"]');
      await s.probe(headerMenu);
      await press(s, '#menu [role="menuitemcheckbox"]:nth-child(3)');
      await waitInPanel(s, `return Boolean(document.querySelector('#list-header [data-column="host"]'));`, 'Host shown');
      // Resize Method by dragging its edge (pointer events on the resizer).
      const before = await s.probe(`return document.querySelector('#list-header [data-column="method"]').getBoundingClientRect().width;`);
      await s.probe(`const r = document.querySelector('#list-header [data-column="method"] .resizer');
        const win = r.ownerDocument.defaultView; const box = r.getBoundingClientRect();
        const at = (x) => ({ bubbles: true, pointerId: 1, clientX: x, clientY: box.top + 5 });
        r.dispatchEvent(new win.PointerEvent('pointerdown', at(box.left)));
        r.dispatchEvent(new win.PointerEvent('pointermove', at(box.left + 40)));
        r.dispatchEvent(new win.PointerEvent('pointerup', at(box.left + 40)));
        return true;`);
      const after = await s.probe(`return document.querySelector('#list-header [data-column="method"]').getBoundingClientRect().width;`);
      assert.ok(after >= before + 30, `the column is wider (${before} → ${after})`);
    });

    test('rows are virtualised: hundreds of rows, a screenful in the DOM', async () => {
      await run('healthy');
      await s.probe(setValue('#show-all', true));
      await s.page.evaluate(async () => {
        await Promise.all(Array.from({ length: 400 }, (_, i) => fetch(`/no-such/${i}`).then((r) => r.text())));
      });
      await waitInPanel(s, `return Number(document.getElementById('status').dataset.total) >= 400;`, '400 rows', 30_000);
      const rendered = await s.probe(`return document.querySelectorAll('#list-body .row').length;`);
      assert.ok(rendered < 120, `only the rows in view exist (${rendered})`);
      const total = Number(await s.probe(`return document.getElementById('status').dataset.total;`));
      await s.probe(`document.getElementById('list-scroll').scrollTop = 1e7; return true;`);
      await waitInPanel(s, `return Boolean(document.querySelector('#list-body .row[data-index="${total - 1}"]'));`, 'the last row after scrolling');
      await s.probe(setValue('#show-all', false));
    });

    test('the sanitized HAR export holds no secret', async () => {
      await run('token-expired');
      await waitInPanel(s, `return document.querySelectorAll('#list-body .row:not([data-healthy])').length > 0;`, 'a row');
      await press(s, '#export-har');
      const file = join(s.downloads, 'authlens-sanitized.har');
      // Firefox writes the file as it downloads: wait until it is whole.
      const whole = () => { try { return JSON.parse(readFileSync(file, 'utf8')) && true; } catch { return false; } };
      for (let i = 0; i < 100 && !(existsSync(file) && whole()); i++) await new Promise((r) => setTimeout(r, 100));
      const exported = readFileSync(file, 'utf8');
      assert.ok(JSON.parse(exported).log.entries.length > 0);
      assertNoSecret(exported, lab.secrets, 'the exported HAR');
    });
  });
}
