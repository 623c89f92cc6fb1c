// Faults (issue #17, item 4), in real Chromium and real Firefox against a real lab, one
// launch per browser:
//   - the background stopped in the middle of a session loses no failure: the count, the
//     badge and the popup's verdict hold the failures from before and after the stop;
//     Chromium stops its service worker through CDP (ServiceWorker.stopAllWorkers, as it
//     does when idle); Firefox's background is an event page, which Firefox suspends when
//     idle: the test suspends it the same way (the add-on's terminateBackground(), the
//     call behind `extensions.background.idle.timeout`, reached in chrome scope);
//   - a tab closed or navigated while a request is in flight (the lab's /slow) leaves
//     nothing behind: not in storage.session, not in the background's memory (asked
//     through `authlens:state`), and another tab's badge and popup are untouched;
//   - reloading and updating the extension keeps the settings: Chromium reloads it
//     (runtime.reload()) after bumping its version on disk, an update; Firefox installs the
//     same add-on id again over itself, which is how a temporary add-on is updated.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cancelHttpAuthPrompts, launchChromiumUnattached } from './support/chromium.mjs';
import { EXTENSION_ORIGIN, GECKO_ID, inFirefoxChrome, launchFirefox, openExtensionTab } from './support/firefox.mjs';
import { root, startLab } from './support/lab.mjs';
import { runScenario } from './support/labpage.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.stop();
});

/**
 * What each browser does differently, behind one shape.
 * @typedef {object} Harness
 * @property {import('puppeteer-core').Browser} browser
 * @property {() => Promise<import('puppeteer-core').Page>} extPage  an extension page to call the APIs from
 * @property {(url: string) => Promise<{page: import('puppeteer-core').Page, tabId: number}>} openLab
 * @property {() => Promise<void>} stopBackground
 * @property {(tabId: number) => Promise<import('puppeteer-core').Page>} openPopup
 * @property {() => Promise<void>} reloadExtension  reload (Chromium) or reinstall (Firefox), updated
 */

/** @param {import('puppeteer-core').Page} ext @param {number} tabId */
const badge = (ext, tabId) => ext.evaluate((id) => (globalThis.browser ?? chrome).action.getBadgeText({ tabId: id }), tabId);

/** @param {import('puppeteer-core').Page} ext @param {number} tabId @param {string} text */
async function waitForBadge(ext, tabId, text) {
  let last = '';
  for (let i = 0; i < 150; i++) {
    last = await badge(ext, tabId);
    if (last === text) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(last, text, `the badge text of tab ${tabId}`);
}

/**
 * The background's memory (tab ids only) and storage.session, once the responses being
 * recorded are stored.
 * @param {import('puppeteer-core').Page} ext
 */
function backgroundState(ext) {
  return ext.evaluate(async () => {
    const api = globalThis.browser ?? chrome;
    const state = await api.runtime.sendMessage({ type: 'authlens:state' });
    return { ...state, session: await api.storage.session.get(null) };
  });
}

/** @param {import('puppeteer-core').Page} ext @param {number} tabId */
async function waitUntilNotPending(ext, tabId) {
  for (let i = 0; i < 200; i++) {
    const state = await backgroundState(ext);
    if (!state.pendingTabs.includes(tabId)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the request of tab ${tabId} never finished`);
}

/** @param {import('puppeteer-core').Page} ext @param {number} tabId */
async function waitUntilPending(ext, tabId) {
  for (let i = 0; i < 100; i++) {
    if ((await backgroundState(ext)).pendingTabs.includes(tabId)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the background never saw the slow request of tab ${tabId}`);
}

/**
 * @param {string} name
 * @param {() => Promise<Harness>} launch
 */
function faults(name, launch) {
  describe(`faults in ${name}`, () => {
    /** @type {Harness} */
    let h;
    /** @type {import('puppeteer-core').Page} */
    let ext;
    before(async () => {
      h = await launch();
      ext = await h.extPage();
    });
    after(async () => {
      await h?.browser.close();
    });

    test('the background stopped mid-session loses no failure: count, badge and verdict hold', async () => {
      const { page, tabId } = await h.openLab(lab.url);
      assert.equal(await runScenario(page, 'token-expired'), 401);
      assert.equal(await runScenario(page, 'status-forbidden'), 403);
      await waitForBadge(ext, tabId, '2');
      await h.stopBackground();
      // The failures after the stop wake the background (its listeners are registered at
      // the top level, so the browser starts it again for them).
      assert.equal(await runScenario(page, 'challenge-missing'), 401);
      assert.equal(await runScenario(page, 'token-expired'), 401);
      await waitForBadge(ext, tabId, '4');
      await h.stopBackground();
      assert.equal(await runScenario(page, 'token-expired'), 401);
      await waitForBadge(ext, tabId, '5');
      const colour = await ext.evaluate((id) => (globalThis.browser ?? chrome).action.getBadgeBackgroundColor({ tabId: id }), tabId);
      assert.deepEqual(colour, [185, 28, 28, 255], 'red: an expired sign-in is among them');
      const { session } = await backgroundState(ext);
      const summary = session[`tab:${tabId}`];
      assert.equal(summary.count, 5, 'every failure counted, before and after the stops');
      assert.deepEqual(
        summary.recent.map((/** @type {any} */ f) => f.finding?.code),
        ['token.expired', 'token.expired', 'challenge.missing', 'status.forbidden', 'token.expired'],
      );
      const popup = await h.openPopup(tabId);
      await popup.waitForSelector('body[data-count="5"] h1[data-verdict]');
      assert.equal(await popup.$eval('h1[data-verdict]', (e) => e.textContent), 'Your sign-in to 127.0.0.1 has expired.');
      await popup.close();
      await page.close();
    });

    test('a tab closed or navigated mid-request leaves no state, and other tabs keep theirs', async () => {
      const other = await h.openLab(lab.url.replace('127.0.0.1', 'localhost'));
      assert.equal(await runScenario(other.page, 'token-expired'), 401);
      await waitForBadge(ext, other.tabId, '1');

      // keepalive: the request outlives its document (Fetch §4.9 "keepalive"), so its
      // response arrives for a tab that is gone, or shows another site.
      for (const [how, keepalive] of /** @type {const} */ ([['closed', false], ['closed', true], ['navigated', true]])) {
        const { page, tabId } = await h.openLab(lab.url);
        assert.equal(await runScenario(page, 'token-expired'), 401);
        await waitForBadge(ext, tabId, '1');
        await page.evaluate((k) => { fetch('/slow?ms=1500', { keepalive: k, cache: 'no-store' }).catch(() => {}); }, keepalive);
        await waitUntilPending(ext, tabId);
        if (how === 'closed') await page.close();
        else {
          await page.goto(lab.url.replace('127.0.0.1', 'localhost'));
          await page.waitForSelector('body[data-ready]');
        }
        const state = await waitUntilNotPending(ext, tabId);
        const what = `a tab ${how} mid-request${keepalive ? ' (keepalive)' : ''}`;
        if (how === 'closed') {
          assert.equal(state.session[`tab:${tabId}`], undefined, `${what}: nothing in storage.session`);
          assert.ok(!state.inspectorTabs.includes(tabId), `${what}: no diagnosis session in memory`);
          assert.ok(!state.noFailureTabs.includes(tabId), `${what}: not remembered as failure-free`);
        } else {
          const summary = state.session[`tab:${tabId}`];
          assert.equal(summary?.site, 'localhost', `${what}: the tab shows the new site`);
          assert.equal(summary?.count, 0, `${what}: the old site's late 401 is not counted for the new site`);
          assert.equal(await badge(ext, tabId), '', `${what}: no badge`);
          await page.close();
        }
        assert.equal(await badge(ext, other.tabId), '1', `${what}: another tab keeps its badge`);
        assert.equal(state.session[`tab:${other.tabId}`]?.count, 1, `${what}: and its summary`);
      }
      const popup = await h.openPopup(other.tabId);
      await popup.waitForSelector('body[data-count="1"] h1[data-verdict]');
      assert.equal(await popup.$eval('h1[data-verdict]', (e) => e.textContent), 'Your sign-in to localhost has expired.');
      await popup.close();
      await other.page.close();
    });

    // Last: the extension's pages are closed by the reload.
    test('reloading and updating the extension keeps the settings', async () => {
      const before = await ext.evaluate(async () => {
        const module = '/panel/settings.js'; // the panel's own code, in an extension page
        const { DEFAULTS, loadSettings, saveSettings } = await import(module);
        await saveSettings({ ...DEFAULTS, toleranceSeconds: 123, audience: { 'http://127.0.0.1': 'https://api.expected.example' }, hidden: ['time'] });
        return { settings: await loadSettings(), version: (globalThis.browser ?? chrome).runtime.getManifest().version };
      });
      await h.reloadExtension();
      ext = await h.extPage();
      const now = await ext.evaluate(async () => {
        const module = '/panel/settings.js';
        const { loadSettings } = await import(module);
        return { settings: await loadSettings(), version: (globalThis.browser ?? chrome).runtime.getManifest().version };
      });
      assert.notEqual(now.version, before.version, `the extension was updated (${before.version} → ${now.version})`);
      assert.deepEqual(now.settings, before.settings, 'the settings are kept');
      assert.equal(now.settings.toleranceSeconds, 123);
    });
  });
}

/** The built extension copied, so that the test can update it on disk. @param {string} browser */
function copyExtension(browser) {
  const dir = mkdtempSync(join(tmpdir(), `authlens-${browser}-`));
  cpSync(join(root, 'dist', browser), dir, { recursive: true });
  return dir;
}

/** Bumps the version in the copy's manifest: what a store update does. @param {string} dir */
function bumpVersion(dir) {
  const file = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.version = manifest.version.replace(/\d+$/, (/** @type {string} */ n) => String(Number(n) + 1));
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}

const browsers = (process.env.AUTHLENS_BROWSERS ?? 'chromium,firefox').split(',');

if (browsers.includes('chromium')) {
  faults('chromium', async () => {
    const dir = copyExtension('chrome');
    const { browser, extensionId } = await launchChromiumUnattached(dir);
    const origin = `chrome-extension://${extensionId}`;
    /** @type {import('puppeteer-core').Page | null} */
    let ext = null;
    return {
      browser,
      async extPage() {
        ext = await browser.newPage();
        // Until the worker has bound its APIs, a first extension page may see none.
        for (let i = 0; i < 100; i++) {
          const loaded = await ext.goto(`${origin}/help/index.html`).then(() => true, () => false);
          if (loaded && (await ext.evaluate(() => typeof chrome?.storage?.session === 'object'))) return ext;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error('no extension APIs in the extension page');
      },
      async openLab(url) {
        const page = await browser.newPage();
        await cancelHttpAuthPrompts(page);
        await page.goto(url);
        await page.waitForSelector('body[data-ready]');
        const tabId = await /** @type {import('puppeteer-core').Page} */ (ext).evaluate(async (u) => {
          const tabs = await chrome.tabs.query({});
          return Math.max(-1, ...tabs.filter((tab) => tab.url?.startsWith(u)).map((tab) => tab.id ?? -1));
        }, url);
        return { page, tabId };
      },
      async stopBackground() {
        // As Chrome does when the worker is idle; confirmed by its `stopped` status.
        // The ServiceWorker domain is a page target's: use the extension page's.
        const cdp = await /** @type {import('puppeteer-core').Page} */ (ext).createCDPSession();
        const stopped = new Promise((resolve) =>
          cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
            if (versions.some((v) => v.scriptURL.startsWith(origin) && v.runningStatus === 'stopped')) resolve(true);
          }),
        );
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        await stopped;
        await cdp.detach();
        const top = await browser.target().createCDPSession();
        const { targetInfos } = await top.send('Target.getTargets');
        await top.detach();
        assert.deepEqual(targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith(origin)), [], 'the worker is stopped');
      },
      async openPopup(tabId) {
        const popup = await browser.newPage();
        await popup.goto(`${origin}/popup/popup.html?tab=${tabId}`);
        await popup.waitForSelector('body[data-ready]');
        return popup;
      },
      async reloadExtension() {
        // Not runtime.reload(): in headless Chromium 156 it unloads an unpacked extension
        // and never loads it back (with --load-extension and with CDP
        // Extensions.loadUnpacked alike; loading the folder again afterwards does not bring
        // it back either). The test updates it as a developer does after an edit: the same
        // folder (so the same id) loaded again, updated on disk, which Chromium reloads in
        // place. Its data must outlive that.
        await /** @type {import('puppeteer-core').Page} */ (ext).close();
        bumpVersion(dir);
        const id = await browser.installExtension(dir);
        assert.equal(id, extensionId, 'the same extension id');
      },
    };
  });
}

if (browsers.includes('firefox')) {
  faults('firefox', async () => {
    const dir = copyExtension('firefox');
    const browser = await launchFirefox(dir, { 'network.auth.subresource-http-auth-allow': 0 });
    /** @type {import('puppeteer-core').Page | null} */
    let ext = null;
    return {
      browser,
      async extPage() {
        ext = await openExtensionTab(browser, '/help/index.html');
        return ext;
      },
      async openLab(url) {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForSelector('body[data-ready]');
        const tabId = await /** @type {import('puppeteer-core').Page} */ (ext).evaluate(async (u) => {
          const tabs = await /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser).tabs.query({});
          return Math.max(-1, ...tabs.filter((tab) => tab.url?.startsWith(u)).map((tab) => tab.id ?? -1));
        }, url);
        return { page, tabId };
      },
      async stopBackground() {
        // What Firefox does to an idle event page (extensions.background.idle.timeout):
        // Extension.terminateBackground(), in chrome scope. Confirmed by the background
        // context being gone.
        const gone = await inFirefoxChrome(
          browser,
          `const policy = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)});
           await policy.extension.terminateBackground();
           return policy.extension.backgroundState;`,
        );
        assert.equal(gone, 'stopped', 'the background is suspended');
      },
      async openPopup(tabId) {
        return openExtensionTab(browser, `/popup/popup.html?tab=${tabId}`);
      },
      async reloadExtension() {
        bumpVersion(dir);
        await /** @type {import('puppeteer-core').Page} */ (ext).close();
        await browser.installExtension(dir);
      },
    };
  });
}
void EXTENSION_ORIGIN;
