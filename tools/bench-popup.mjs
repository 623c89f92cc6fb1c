// The popup's first paint (DESIGN.md: "the panel and popup render first within 100 ms"),
// in headless Chromium and Firefox against the real lab, with the real extension. It
// prints numbers and asserts nothing (targets are never timed tests).
//
// Per round, for a tab with three failures (an expired token, a 403, a skewed clock):
// - first contentful paint (Paint Timing), and
// - `authlens-verdict`: the popup's own mark once the verdict is in the DOM,
// both from the popup's navigation start. Chromium: the real popup, opened through
// action.openPopup(), and the popup page opened as a tab; Firefox: as a tab (its action
// popup is browser chrome, which WebDriver does not reach).
//
// The floor: the same measure for a copy of the extension whose popup is a static page
// (one line of text, no script, no style sheet). What the browser takes to show any popup
// on this machine bounds what ours can reach.
//
//   node tools/bench-popup.mjs          (after tools/build.sh; ROUNDS=20 by default)
//   DIST=/other/dist node tools/bench-popup.mjs   (another build, e.g. to compare)
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchChromium } from '../tests/e2e/support/chromium.mjs';
import { launchFirefox, openExtensionPage } from '../tests/e2e/support/firefox.mjs';
import { root, startLab } from '../tests/e2e/support/lab.mjs';
import { runScenario } from '../tests/e2e/support/labpage.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const DIST = process.env.DIST ?? join(root, 'dist');
const SCENARIOS = ['token-expired', 'status-forbidden', 'clock-skew'];

/** @param {number[]} xs */
function stats(xs) {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return 'n/a';
  const at = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms (n=${sorted.length})`;
}

/** @param {import('puppeteer-core').Page} popup */
function paintTimes(popup) {
  return popup.evaluate(async () => {
    const has = (/** @type {string} */ name) => performance.getEntriesByName(name).length > 0;
    for (let i = 0; i < 100 && !(has('authlens-verdict') && has('first-contentful-paint')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return {
      start: performance.getEntriesByName('authlens-popup-start')[0]?.startTime ?? NaN,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      verdict: performance.getEntriesByName('authlens-verdict')[0]?.startTime ?? NaN,
    };
  });
}

const lab = await startLab();
try {
  // ---- Chromium ----
  const chromium = await launchChromium(join(DIST, 'chrome'));
  const page = await chromium.browser.newPage();
  await page.goto(lab.url);
  await page.waitForSelector('body[data-ready]');
  for (const id of SCENARIOS) await runScenario(page, id);
  const tabId = await chromium.worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url?.startsWith(u))?.id ?? -1, lab.url);
  /** @type {Record<string, number[]>} */
  const c = { actionStart: [], actionFcp: [], actionVerdict: [], tabFcp: [], tabVerdict: [] };
  for (let i = 0; i < ROUNDS; i++) {
    await page.bringToFront();
    await chromium.worker.evaluate(() => chrome.action.openPopup());
    const target = await chromium.browser.waitForTarget((t) => t.url().endsWith('/popup/popup.html'), { timeout: 10_000 });
    const popup = await target.asPage();
    const action = await paintTimes(popup);
    c.actionStart.push(action.start);
    c.actionFcp.push(action.fcp);
    c.actionVerdict.push(action.verdict);
    await popup.close();
    const tab = await chromium.browser.newPage();
    await tab.goto(`chrome-extension://${chromium.extensionId}/popup/popup.html?tab=${tabId}`);
    const asTab = await paintTimes(tab);
    c.tabFcp.push(asTab.fcp);
    c.tabVerdict.push(asTab.verdict);
    await tab.close();
  }
  await chromium.browser.close();

  // The floor: a static popup page in a copy of the extension.
  const floorDir = mkdtempSync(join(tmpdir(), 'authlens-popup-floor-'));
  cpSync(join(DIST, 'chrome'), floorDir, { recursive: true });
  writeFileSync(join(floorDir, 'popup', 'popup.html'), '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>AuthLens</title></head><body><p>AuthLens: a static popup, to measure the floor</p></body></html>\n');
  const floor = await launchChromium(floorDir);
  const floorPage = await floor.browser.newPage();
  await floorPage.goto(lab.url);
  /** @type {number[]} */
  const floorFcp = [];
  for (let i = 0; i < ROUNDS; i++) {
    await floorPage.bringToFront();
    await floor.worker.evaluate(() => chrome.action.openPopup());
    const target = await floor.browser.waitForTarget((t) => t.url().endsWith('/popup/popup.html'), { timeout: 10_000 });
    const popup = await target.asPage();
    floorFcp.push(
      await popup.evaluate(async () => {
        for (let j = 0; j < 100 && performance.getEntriesByName('first-contentful-paint').length === 0; j++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
      }),
    );
    await popup.close();
  }
  await floor.browser.close();
  rmSync(floorDir, { recursive: true, force: true });

  console.log(`Chromium, real popup (action.openPopup): popup.js starts      ${stats(c.actionStart)}`);
  console.log(`Chromium, real popup (action.openPopup): first contentful paint ${stats(c.actionFcp)}`);
  console.log(`Chromium, real popup (action.openPopup): verdict in the DOM     ${stats(c.actionVerdict)}`);
  console.log(`Chromium, a static popup (the floor):    first contentful paint ${stats(floorFcp)}`);
  console.log(`Chromium, popup page as a tab:           first contentful paint ${stats(c.tabFcp)}`);
  console.log(`Chromium, popup page as a tab:           verdict in the DOM     ${stats(c.tabVerdict)}`);

  // ---- Firefox ----
  const firefox = await launchFirefox(join(DIST, 'firefox'));
  const ext = await firefox.newPage();
  await openExtensionPage(ext, '/popup/popup.html');
  const ffPage = await firefox.newPage();
  await ffPage.goto(lab.url);
  await ffPage.waitForSelector('body[data-ready]');
  for (const id of SCENARIOS) await runScenario(ffPage, id);
  const ffTab = await ext.evaluate(
    async (u) => (await /** @type {typeof chrome} */ (/** @type {any} */ (globalThis).browser).tabs.query({})).find((t) => t.url?.startsWith(u))?.id ?? -1,
    lab.url,
  );
  /** @type {Record<string, number[]>} */
  const f = { fcp: [], verdict: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const tab = await firefox.newPage();
    try {
      await openExtensionPage(tab, `/popup/popup.html?tab=${ffTab}`);
      const times = await paintTimes(tab);
      f.fcp.push(times.fcp);
      f.verdict.push(times.verdict);
    } catch (error) {
      // BiDi sometimes loses a moz-extension:// navigation (TESTING.md): skip the round.
      console.error(`Firefox round ${i} skipped: ${String(error).split('\n')[0]}`);
    }
    await tab.close();
  }
  await firefox.close();
  console.log(`Firefox, popup page as a tab:            first contentful paint ${stats(f.fcp)}`);
  console.log(`Firefox, popup page as a tab:            verdict in the DOM     ${stats(f.verdict)}`);
  console.log('target: first paint ≤ 100 ms (DESIGN.md)');
} finally {
  await lab.stop();
}
