// Headless Firefox ESR (Debian's build) driven over WebDriver BiDi by puppeteer-core,
// with the extension installed as a temporary add-on, per shared/TESTING.md.
import puppeteer from 'puppeteer-core';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
/** Must match browser_specific_settings.gecko.id in tools/assemble.mjs. */
export const GECKO_ID = 'authlens@authlens.dev';
/** Pinned so that the test knows the moz-extension:// origin in advance. */
export const EXTENSION_UUID = '5f0c4b8e-2d7a-4c1e-9a3b-6e8f1d2c7a90';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

/**
 * @param {string} extensionDir absolute path of dist/firefox
 * @param {Record<string, string | number | boolean>} [prefs] more Firefox prefs
 */
export async function launchFirefox(extensionDir, prefs = {}) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Without it, Firefox refuses to navigate the automation to moz-extension:// pages.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      ...prefs,
    },
  });
  await browser.installExtension(extensionDir);
  return browser;
}

/**
 * Opens an extension page. Firefox loads moz-extension:// pages for BiDi but never
 * resolves the navigation, so the goto is not awaited: the page's own readiness marker is.
 * @param {import('puppeteer-core').Page} page
 * @param {string} path e.g. '/popup/popup.html?tab=3'
 */
export async function openExtensionPage(page, path) {
  page.goto(`${EXTENSION_ORIGIN}${path}`, { timeout: 5_000 }).catch(() => {});
  await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
}

/**
 * Opens an extension page in a new tab. Under load, Firefox's BiDi sometimes loses a
 * moz-extension:// navigation (its script.evaluate fails with "right-hand side of 'in'
 * should be an object, got null", and the page never reports ready): this tries again in a
 * fresh tab, up to three times. What the page then shows is for the caller to assert.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} path e.g. '/popup/popup.html?tab=3'
 */
export async function openExtensionTab(browser, path) {
  let failure;
  for (let attempt = 0; attempt < 3; attempt++) {
    const page = await browser.newPage();
    try {
      await openExtensionPage(page, path);
      return page;
    } catch (error) {
      failure = error;
      await page.close().catch(() => {});
    }
  }
  throw failure;
}

/**
 * Privileged (chrome-scope) script in Firefox's browser window, over raw BiDi. This is
 * how the suite reaches Firefox's DevTools, which WebDriver does not expose; it relies on
 * Firefox internals (gDevTools, the toolbox DOM, frame scripts), so all of it stays in the
 * two functions below, and their errors say so.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} body an async function body; its return value must be JSON-serialisable
 */
async function chromeScope(browser, body) {
  const connection = /** @type {any} */ (browser).connection;
  const tree = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const context = tree.result.contexts.find((/** @type {any} */ c) =>
    c.url === 'chrome://browser/content/browser.xhtml',
  )?.context;
  if (!context) throw new Error('Firefox DevTools automation: no browser window in chrome scope');
  const prelude = `
    const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
    const { gDevTools } = require('devtools/client/framework/devtools');
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));`;
  const { result } = await connection.send('script.evaluate', {
    expression: `(async () => { ${prelude} return JSON.stringify(await (async () => { ${body} })()); })()`,
    target: { context },
    awaitPromise: true,
    resultOwnership: 'none',
  });
  if (result.type !== 'success') {
    throw new Error(`Firefox DevTools automation failed (internals changed?): ${result.exceptionDetails?.text}`);
  }
  return JSON.parse(result.result.value);
}

/**
 * Privileged script in Firefox's browser window (see chromeScope): for the toolbox's
 * theme, dock side and size.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} body
 */
export function inFirefoxChrome(browser, body) {
  return chromeScope(browser, body);
}

/**
 * Opens the toolbox for the selected tab on the Network panel (Firefox only reports
 * requests to extensions once it has been opened), and optionally selects the AuthLens
 * panel.
 * @param {import('puppeteer-core').Browser} browser
 * @param {{selectAuthLens: boolean}} options
 */
export async function showFirefoxDevTools(browser, { selectAuthLens }) {
  return chromeScope(
    browser,
    `const toolbox = await gDevTools.showToolboxForTab(gBrowser.selectedTab, { toolId: 'netmonitor' });
     if (!${selectAuthLens}) return true;
     for (let i = 0; i < 150; i++) {
       const tool = toolbox.getAdditionalTools().find((t) => t.id.includes('authlens'));
       if (tool) { await toolbox.selectTool(tool.id); return tool.id; }
       await sleep(100);
     }
     throw new Error('the AuthLens panel was never registered');`,
  );
}

/**
 * Runs `probe` (a function body, as a string) in the AuthLens panel's document and returns
 * its JSON-serialisable result. The panel is a remote <browser> inside the toolbox, reached
 * through a frame script.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} probe uses `document`; e.g. "return document.title"
 * @param {number} [timeoutMs] how long to wait for the answer
 */
export async function inFirefoxPanel(browser, probe, timeoutMs = 2000) {
  // The probe may be async (it can await the panel's own APIs through \`page\`, the panel
  // window with its Xray wrapper waived).
  const script = `const document = content.document; const page = content.wrappedJSObject;
    Promise.resolve((async () => { ${probe} })()).then(
      (v) => sendAsyncMessage('authlens:probe', JSON.stringify(v)),
      (e) => sendAsyncMessage('authlens:probe', JSON.stringify({ probeError: String(e) })));`;
  return chromeScope(
    browser,
    `const toolbox = gDevTools.getToolboxForTab(gBrowser.selectedTab);
     const tool = toolbox.getAdditionalTools().find((t) => t.id.includes('authlens'));
     const frame = toolbox.doc.getElementById('toolbox-panel-iframe-' + tool.id);
     const panel = frame?.contentDocument?.querySelector('browser');
     if (!panel) throw new Error('no AuthLens panel <browser> in the toolbox');
     const mm = panel.messageManager;
     // A frame script loaded while the panel document is still being replaced never
     // answers: give up after 2 s, and let the caller retry.
     const reply = await new Promise((resolve, reject) => {
       const timer = setTimeout(() => {
         mm.removeMessageListener('authlens:probe', listener);
         reject(new Error('the AuthLens panel did not answer the probe'));
       }, ${timeoutMs});
       function listener(message) {
         clearTimeout(timer);
         mm.removeMessageListener('authlens:probe', listener);
         resolve(message.data);
       }
       mm.addMessageListener('authlens:probe', listener);
       mm.loadFrameScript('data:,' + encodeURIComponent(${JSON.stringify(script)}), false);
     });
     const value = JSON.parse(reply);
     if (value && value.probeError) throw new Error('probe failed in the panel: ' + value.probeError);
     return value;`,
  );
}
