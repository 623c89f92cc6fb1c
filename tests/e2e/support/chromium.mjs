// Headless Chromium (Debian's build) with the unpacked extension loaded, per
// shared/TESTING.md. DevTools internals are touched in one place only: openPanel().
import puppeteer from 'puppeteer-core';

/** Debian's /usr/bin/chromium is a wrapper script that adds flags of its own. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';

/** @param {string} extensionDir absolute path of dist/chrome */
export async function launchChromium(extensionDir) {
  const { browser, target, extensionId } = await launchWithExtension(extensionDir);
  const worker = await target.worker();
  if (!worker) throw new Error('the extension service worker has no worker handle');
  // The worker target can be attached before the extension APIs are bound into its
  // global scope: a first evaluate may see `chrome` undefined (seen with puppeteer-core 24
  // and Chromium 156). Wait for the binding, not for a fixed time.
  const deadline = Date.now() + 15_000;
  while ((await worker.evaluate(() => typeof chrome)) !== 'object') {
    if (Date.now() > deadline) throw new Error('the extension service worker never got its chrome.* APIs');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { browser, worker, extensionId };
}

/**
 * The same launch, with the service worker left unattached: for a test that stops the
 * worker and needs it back. puppeteer-core 24 never resumes a worker it attached to by
 * hand once Chromium starts it again, so the restarted worker waits for the debugger for
 * ever (TargetManager's `isAutoAttached` check skips its `Runtime.runIfWaitingForDebugger`).
 * @param {string} extensionDir absolute path of dist/chrome
 */
export async function launchChromiumUnattached(extensionDir) {
  const { browser, extensionId } = await launchWithExtension(extensionDir);
  return { browser, extensionId };
}

/** @param {string} extensionDir */
async function launchWithExtension(extensionDir) {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    enableExtensions: true,
    handleDevToolsAsPage: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      // This machine's network is closed; background traffic only makes noise.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
    { timeout: 60_000 },
  );
  return { browser, target, extensionId: new URL(target.url()).host };
}

/**
 * Opens DevTools for `page` and waits until it records the page's network requests:
 * the front end starts asynchronously, and requests made before it does are not in the
 * HAR. Proven by a probe request from the page showing up in DevTools' NetworkLog
 * (DevTools internals, kept here).
 * @param {import('puppeteer-core').Page} page an http(s) page
 */
export async function openDevTools(page) {
  const devtools = await page.openDevTools();
  let probe = 0;
  await poll(async () => {
    probe += 1;
    const marker = `authlens-devtools-probe=${probe}`;
    await page.evaluate((m) => fetch(`${location.origin}/?${m}`).then((r) => r.text()), marker);
    return devtools
      .evaluate(async (m) => {
        // @ts-ignore: a module of the DevTools front end, resolved inside DevTools.
        const Logs = await import('./models/logs/logs.js');
        return Logs.NetworkLog.NetworkLog.instance()
          .requests()
          .some((/** @type {any} */ r) => r.url().endsWith(m));
      }, marker)
      .catch(() => false);
  }, 'DevTools to record network requests');
  return devtools;
}

/**
 * @param {() => Promise<boolean>} check
 * @param {string} what
 */
async function poll(check, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Selects the AuthLens panel in an open DevTools window and returns the panel's frame.
 * The panel's iframe only exists once its tab is selected, and selecting it needs the
 * DevTools front end's own modules (InspectorView): internals, kept to this function.
 * @param {import('puppeteer-core').Page} devtools from `page.openDevTools()`
 * @param {string} extensionId
 */
export async function showAuthLensPanel(devtools, extensionId) {
  const panelUrl = `chrome-extension://${extensionId}/panel/panel.html`;
  const deadline = Date.now() + 15_000;
  let shown = false;
  while (Date.now() < deadline) {
    // Until DevTools has finished starting, InspectorView.instance() throws: retry.
    shown ||= await devtools.evaluate(async (origin) => {
      // @ts-ignore: a module of the DevTools front end, resolved inside DevTools.
      const UI = await import('./ui/legacy/legacy.js');
      const view = UI.InspectorView.InspectorView.instance();
      const id = view.tabbedPane.tabIds().find((/** @type {string} */ t) => t.startsWith(origin));
      if (id) await view.showPanel(id);
      return Boolean(id);
    }, `chrome-extension://${extensionId}`).catch(() => false);
    const frame = shown && devtools.frames().find((f) => f.url().startsWith(panelUrl));
    if (frame) return frame;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the AuthLens panel (${panelUrl}) did not appear in DevTools`);
}

/**
 * Answers the browser's own sign-in prompt (for 401 with Basic/Digest/NTLM challenges) with
 * "Cancel", as a user would, so that the page's fetch() completes with the 401 instead of
 * waiting for a dialog that headless Chromium never shows. Uses the CDP Fetch domain; every
 * other request continues untouched.
 * @param {import('puppeteer-core').Page} page
 */
export async function cancelHttpAuthPrompts(page) {
  const client = await page.createCDPSession();
  client.on('Fetch.requestPaused', (event) => {
    client.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => {});
  });
  client.on('Fetch.authRequired', (event) => {
    client
      .send('Fetch.continueWithAuth', {
        requestId: event.requestId,
        authChallengeResponse: { response: 'CancelAuth' },
      })
      .catch(() => {});
  });
  await client.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*' }] });
}
