// The lab's load page (`/load`, issue #17) driven in Chromium with the extension watching,
// shared by tests/e2e/load.test.mjs (a short load, counts asserted) and
// tools/bench-load.mjs (the long one, figures printed): open the page with DevTools and the
// AuthLens panel on it, open the popup for its tab, run the load, and read the count each
// surface shows.
import { openDevTools, showAuthLensPanel } from './chromium.mjs';

/**
 * What the load page made (src/bin/authlens/lab/load.js, `LoadCounts`).
 * @typedef {object} LoadCounts
 * @property {number} rate
 * @property {number} seconds
 * @property {number} users
 * @property {number} planned
 * @property {number} sent
 * @property {number} answered
 * @property {Record<string, number>} byStatus
 * @property {Record<string, number>} byKind
 * @property {number} unexpected
 * @property {number} sendSeconds
 * @property {number} doneSeconds
 * @property {number} achievedRate
 * @property {number} maxInFlight
 */

/**
 * A call into a page or frame that cannot hang the run: a renderer that is busy or gone
 * is given `seconds`, not the DevTools protocol's 180 s.
 * @template T
 * @param {import('puppeteer-core').Frame | import('puppeteer-core').Page | import('puppeteer-core').WebWorker} where
 * @param {(...args: any[]) => T} fn
 * @param {any[]} [args]
 * @returns {Promise<Awaited<T>>}
 */
export async function bounded(where, fn, args = [], seconds = 30) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s`)), seconds * 1000);
  });
  try {
    return /** @type {Awaited<T>} */ (await Promise.race([/** @type {any} */ (where).evaluate(fn, ...args), limit]));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens `/load?rate=&seconds=&users=` in a new tab, DevTools with the AuthLens panel on it,
 * and the popup page for that tab (as a tab: headless Chromium has no toolbar).
 * @param {Awaited<ReturnType<typeof import('./chromium.mjs').launchChromium>>} chromium
 * @param {import('puppeteer-core').Page} ext an extension page to call the extension APIs from
 * @param {string} labUrl
 * @param {{rate: number, seconds: number, users?: number}} load
 */
export async function openLoad(chromium, ext, labUrl, { rate, seconds, users = 20 }) {
  const url = new URL(`/load?rate=${rate}&seconds=${seconds}&users=${users}`, labUrl).href;
  const page = await chromium.browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  const tabId = await bounded(ext, async (u) => {
    const tabs = await chrome.tabs.query({});
    return Math.max(-1, ...tabs.filter((tab) => tab.url === u).map((tab) => tab.id ?? -1));
  }, [url]);
  if (tabId < 0) throw new Error('the load page\'s tab is not visible to the extension');
  const devtools = await openDevTools(page);
  const panel = await showAuthLensPanel(devtools, chromium.extensionId);
  await panel.waitForSelector('body[data-ready]', { timeout: 30_000 });
  const popup = await chromium.browser.newPage();
  await popup.goto(`chrome-extension://${chromium.extensionId}/popup/popup.html?tab=${tabId}`);
  await popup.waitForSelector('body[data-ready]', { timeout: 30_000 });
  await page.bringToFront();
  return { page, tabId, devtools, panel, popup };
}

/**
 * Starts the load and waits for its last answer (polling, so that no single protocol call
 * outlasts its limit), reporting progress through `say` every 10 s.
 * @param {import('puppeteer-core').Page} page the load page
 * @param {(line: string) => void} [say]
 * @returns {Promise<LoadCounts>}
 */
export async function runLoad(page, say = () => {}, limitSeconds = 600) {
  await bounded(page, () => /** @type {HTMLButtonElement} */ (document.getElementById('start')).click());
  const deadline = Date.now() + limitSeconds * 1000;
  let said = Date.now();
  for (;;) {
    const done = await bounded(page, () => /** @type {any} */ (window).__loadDone ?? null).catch(() => null);
    if (done) return done;
    if (Date.now() > deadline) throw new Error(`the load page did not finish within ${limitSeconds} s`);
    if (Date.now() - said > 10_000) {
      said = Date.now();
      const p = await bounded(page, () => document.getElementById('progress')?.textContent ?? '').catch((e) => `(no answer: ${e.message})`);
      say(`load page: ${p}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The panel's failure count: the toolbar's "N failures", plus those dropped to keep memory
 * bounded ("(N older dropped)"): together, every failure the panel was given.
 * @param {import('puppeteer-core').Frame} panel
 */
export function panelCount(panel) {
  return bounded(panel, () => {
    const status = document.getElementById('status');
    const failures = Number(status?.dataset.failures ?? NaN);
    const dropped = Number(/\((\d+)[^)]*dropped\)/.exec(status?.textContent ?? '')?.[1] ?? 0);
    return { failures, dropped, total: failures + dropped, text: status?.textContent ?? '' };
  });
}

/**
 * The badge text of the tab, as a number (NaN when it is not one).
 * @param {import('puppeteer-core').Page} ext
 * @param {number} tabId
 */
export async function badgeCount(ext, tabId) {
  return Number(await bounded(ext, (id) => chrome.action.getBadgeText({ tabId: id }), [tabId]));
}

/**
 * The count the popup shows (its `data-count`, which its text is made from).
 * @param {import('puppeteer-core').Page} popup
 */
export async function popupCount(popup) {
  return Number(await bounded(popup, () => document.body.dataset.count ?? NaN));
}

/**
 * Reads `read()` until it equals `expected`, or until it has not changed for `stallSeconds`
 * (a count that stops short), and returns the last value: the caller asserts on it. This
 * waits for work to finish; it measures nothing.
 * @param {() => Promise<number>} read
 * @param {number} expected
 * @param {(line: string) => void} [say]
 */
export async function settle(read, expected, say = () => {}, stallSeconds = 60) {
  let last = NaN;
  let moved = Date.now();
  let said = Date.now();
  for (;;) {
    const now = await read().catch(() => NaN);
    if (now === expected) return now;
    if (!Object.is(now, last)) {
      last = now;
      moved = Date.now();
    }
    if (Date.now() - moved > stallSeconds * 1000) return last;
    if (Date.now() - said > 10_000) {
      said = Date.now();
      say(`${now} of ${expected}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
