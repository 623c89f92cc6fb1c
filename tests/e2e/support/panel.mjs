// One way to drive the AuthLens DevTools panel in Chromium and in Firefox, so that one
// test file runs every panel test in both (a browser matrix).
//
// The common ground is a probe: an async function body, as a string, run in the panel's
// document, returning JSON. Chromium runs it through puppeteer's frame of the panel;
// Firefox through a frame script on the panel's <browser> (support/firefox.mjs). Clicks
// go through the DOM (element.click()): the panel is a frame inside DevTools, where
// mouse coordinates are unreliable in both browsers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cancelHttpAuthPrompts, launchChromium, openDevTools, showAuthLensPanel } from './chromium.mjs';
import { inFirefoxChrome, inFirefoxPanel, launchFirefox, showFirefoxDevTools } from './firefox.mjs';
import { root } from './lab.mjs';

/** @typedef {'chromium' | 'firefox'} BrowserName */

/**
 * @typedef {object} PanelSession
 * @property {BrowserName} name
 * @property {import('puppeteer-core').Browser} browser
 * @property {import('puppeteer-core').Page} page  the inspected page (the lab)
 * @property {string} downloads  where the browser saves downloads
 * @property {() => Promise<void>} show  selects the AuthLens panel (the first time, it loads)
 * @property {(body: string) => Promise<any>} probe  runs a function body in the panel
 * @property {(theme: 'light' | 'dark') => Promise<void>} setTheme  DevTools' own theme setting
 * @property {(side: 'bottom' | 'right', width: number, height: number) => Promise<void>} dock
 * @property {(file: string) => Promise<void>} screenshot  DevTools with the panel (Chromium)
 * @property {() => Promise<void>} close
 */

/**
 * Launches `name` with the built extension, opens the lab page and DevTools on it (not
 * yet the panel: a test can check that the panel replays what happened before it).
 * @param {BrowserName} name
 * @param {string} labUrl
 * @returns {Promise<PanelSession>}
 */
export async function openSession(name, labUrl) {
  const downloads = mkdtempSync(join(tmpdir(), `authlens-${name}-downloads-`));
  return name === 'chromium' ? chromiumSession(labUrl, downloads) : firefoxSession(labUrl, downloads);
}

/**
 * @param {string} labUrl
 * @param {string} downloads
 * @returns {Promise<PanelSession>}
 */
async function chromiumSession(labUrl, downloads) {
  const chromium = await launchChromium(join(root, 'dist', 'chrome'));
  const page = await chromium.browser.newPage();
  await cancelHttpAuthPrompts(page);
  await page.goto(labUrl);
  await page.waitForSelector('body[data-ready]');
  const devtools = await openDevTools(page);
  const session = await chromium.browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  /** @type {import('puppeteer-core').Frame | null} */
  let panel = null;
  return {
    name: 'chromium',
    browser: chromium.browser,
    page,
    downloads,
    async show() {
      panel = await showAuthLensPanel(devtools, chromium.extensionId);
    },
    async probe(body) {
      if (!panel) throw new Error('the panel is not shown yet');
      return panel.evaluate(`(async () => { ${body} })()`);
    },
    async setTheme(theme) {
      // DevTools internals (shared/TESTING.md "Theme, live"): the setting DevTools' own
      // Settings → Appearance changes.
      await devtools.evaluate(async (value) => {
        // @ts-ignore: a module of the DevTools front end, resolved inside DevTools.
        const C = await import('./core/common/common.js');
        C.Settings.Settings.instance().moduleSetting('ui-theme').set(value);
      }, theme);
    },
    async dock(side, width, height) {
      // Undocked, the DevTools window's viewport is the size of a docked DevTools
      // (shared/TESTING.md "Dock side"); `side` only names the layout being imitated.
      await devtools.evaluate(async () => {
        // @ts-ignore: a module of the DevTools front end, resolved inside DevTools.
        const UI = await import('./ui/legacy/legacy.js');
        UI.DockController.DockController.instance().setDockSide('undocked');
      });
      void side;
      await devtools.setViewport({ width, height });
    },
    async screenshot(file) {
      await devtools.screenshot({ path: /** @type {`${string}.png`} */ (file) });
    },
    async close() {
      await chromium.browser.close();
    },
  };
}

/**
 * @param {string} labUrl
 * @param {string} downloads
 * @returns {Promise<PanelSession>}
 */
async function firefoxSession(labUrl, downloads) {
  const browser = await launchFirefox(join(root, 'dist', 'firefox'), {
    // Firefox asks for a user name and password on a sub-resource's Basic/Digest 401; with
    // 0 it never does (the request completes with its 401), as Chromium's tests cancel
    // the prompt through CDP (support/chromium.mjs cancelHttpAuthPrompts).
    'network.auth.subresource-http-auth-allow': 0,
    // Downloads (the panel's exports) go to a known folder without a dialog.
    'browser.download.folderList': 2,
    'browser.download.dir': downloads,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
  });
  const page = await browser.newPage();
  await page.goto(labUrl);
  await page.waitForSelector('body[data-ready]');
  await page.bringToFront();
  // Firefox reports requests to extensions only once its Network panel has been opened.
  await showFirefoxDevTools(browser, { selectAuthLens: false });
  return {
    name: 'firefox',
    browser,
    page,
    downloads,
    async show() {
      await showFirefoxDevTools(browser, { selectAuthLens: true });
    },
    async probe(body) {
      // The frame script can miss a document being replaced: retry a few times.
      let error;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          return await inFirefoxPanel(browser, body, 5000);
        } catch (e) {
          error = e;
          if (String(e).includes('probe failed in the panel')) throw e;
        }
      }
      throw error;
    },
    async setTheme(theme) {
      // What Settings → Themes changes; the panel hears devtools.panels.onThemeChanged.
      await inFirefoxChrome(browser, `Services.prefs.setCharPref('devtools.theme', ${JSON.stringify(theme)}); return true;`);
    },
    async dock(side, width, height) {
      await inFirefoxChrome(
        browser,
        `const toolbox = gDevTools.getToolboxForTab(gBrowser.selectedTab);
         Services.prefs.setIntPref('devtools.toolbox.footer.height', ${height});
         Services.prefs.setIntPref('devtools.toolbox.sidebar.width', ${width});
         await toolbox.switchHost(${JSON.stringify(side)});
         return true;`,
      );
    },
    async screenshot() {
      throw new Error('Firefox: the toolbox is browser chrome, which WebDriver BiDi cannot capture');
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * Polls `body` in the panel until it returns a truthy value, and returns it; on timeout,
 * throws with the last value (or error) so the failure says what the panel showed.
 * @param {PanelSession} session
 * @param {string} body
 * @param {string} what
 * @param {number} [timeout]
 */
export async function waitInPanel(session, body, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await session.probe(body).catch((error) => error);
    if (last && !(last instanceof Error)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what} in the ${session.name} panel (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/**
 * Clicks `selector` in the panel (waiting for it to exist).
 * @param {PanelSession} session
 * @param {string} selector
 */
export async function press(session, selector) {
  await waitInPanel(session, `const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return false; e.click(); return true;`, selector);
}
