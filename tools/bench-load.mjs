// Load benchmark (issue #17, docs/performance.md "Load"): the lab's load page makes RATE
// failing requests a second for SECONDS (defaults 1,000 and 20) in headless Chromium with
// the built extension, the AuthLens panel open on the page and the popup page open for its
// tab. It prints:
//   - the rate the page actually reached, and how long the answers took;
//   - the counts the page made by status, against the panel's, the badge's (the
//     background's count) and the popup's;
//   - long tasks (over 50 ms) in the panel and the popup (PerformanceObserver "longtask"),
//     and for the background service worker, where that observer does not exist, the
//     longest lateness of a 10 ms timer (a task that holds the worker's thread delays it;
//     CDP's Performance domain does not exist in workers);
//   - the JS heap of each (CDP Runtime.getHeapUsage after a forced GC) before and after,
//     and the highest seen during the run (sampled every 2 s, without GC).
// It asserts nothing and always finishes: every phase has a time limit, and a phase that
// fails is reported as such. One table, and the same as JSON (target/bench/load.json, or
// BENCH_JSON=path).
//
//   node tools/bench-load.mjs          (after `make build`; RATE=, SECONDS=, USERS= to vary)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium } from '../tests/e2e/support/chromium.mjs';
import { root, startLab } from '../tests/e2e/support/lab.mjs';
import { badgeCount, bounded, openLoad, panelCount, popupCount, runLoad, settle } from '../tests/e2e/support/load.mjs';

const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 20);
const USERS = Number(process.env.USERS ?? 20);
const say = (/** @type {string} */ line) => console.error(`bench-load: ${line}`);

/** @type {Record<string, any>} */
const report = { rate: RATE, seconds: SECONDS, users: USERS };
/** @type {Record<string, string>} why a phase has no figures */
const failed = {};

/**
 * Runs one phase within `seconds`; a phase that throws or runs out of time is recorded in
 * `failed`, and the run goes on.
 * @param {string} name @param {number} seconds @param {() => Promise<void>} body
 */
async function phase(name, seconds, body) {
  const started = Date.now();
  say(`${name} (at most ${seconds} s)`);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${seconds} s`)), seconds * 1000);
  });
  try {
    await Promise.race([body(), limit]);
    say(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed[name] = error instanceof Error ? error.message : String(error);
    say(`${name} FAILED: ${failed[name]}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A CDP call that cannot hang the run.
 * @param {import('puppeteer-core').CDPSession} session @param {string} method @param {object} [params]
 * @returns {Promise<any>}
 */
async function cdp(session, method, params = {}) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method}: no answer within 30 s`)), 30_000);
  });
  try {
    return await Promise.race([session.send(/** @type {any} */ (method), /** @type {any} */ (params)), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Used JS heap in MB, after a GC when `gc`. @param {import('puppeteer-core').CDPSession} session */
async function heapMB(session, gc = true) {
  if (gc) await cdp(session, 'HeapProfiler.collectGarbage');
  const { usedSize } = await cdp(session, 'Runtime.getHeapUsage');
  return Math.round((usedSize / 1048576) * 10) / 10;
}

/** Long tasks seen since `installLongTasks`. @param {import('puppeteer-core').Frame | import('puppeteer-core').Page} where */
function longTasks(where) {
  return bounded(where, () => {
    const tasks = /** @type {number[]} */ (/** @type {any} */ (window).__benchLongTasks ?? []);
    const ours = /** @type {any} */ (window).authlensTaskStats;
    return {
      ours: ours ? { count: ours.count, longestMs: Math.round(ours.longestMs * 10) / 10, over50: ours.over50, byKind: ours.longestByKind } : null,
      longTasks: tasks.length,
      longTasksOver50ms: tasks.filter((d) => d > 50).length,
      longestTaskMs: tasks.length ? Math.round(Math.max(...tasks)) : 0,
      longTasksOver200ms: tasks.filter((d) => d > 200).length,
      totalLongTaskMs: Math.round(tasks.reduce((a, b) => a + b, 0)),
    };
  });
}

/** @param {import('puppeteer-core').Frame | import('puppeteer-core').Page} where */
function installLongTasks(where) {
  return bounded(where, () => {
    const w = /** @type {any} */ (window);
    w.__benchLongTasks = [];
    // The panel's own tasks (extension/panel/capture.js `measured`), from now on.
    if (w.authlensTaskStats) Object.assign(w.authlensTaskStats, { count: 0, longestMs: 0, over50: 0, longestByKind: {} });
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) w.__benchLongTasks.push(task.duration);
    }).observe({ type: 'longtask' });
  });
}

const lab = await startLab();
const chromium = await launchChromium(join(root, 'dist', 'chrome'));
try {
  const ext = await chromium.browser.newPage();
  await ext.goto(`chrome-extension://${chromium.extensionId}/help/index.html`);
  /** @type {Awaited<ReturnType<typeof openLoad>> | undefined} */
  let opened;
  /** @type {Record<string, import('puppeteer-core').CDPSession>} */
  const sessions = {};
  await phase('open the load page, the panel and the popup', 120, async () => {
    opened = await openLoad(chromium, ext, lab.url, { rate: RATE, seconds: SECONDS, users: USERS });
    const panelTarget = chromium.browser.targets().find((t) => t.url().includes('/panel/panel.html'));
    if (panelTarget) sessions.panel = await panelTarget.createCDPSession();
    sessions.popup = await opened.popup.createCDPSession();
    sessions.background = chromium.worker.client;
    await installLongTasks(opened.panel);
    await installLongTasks(opened.popup);
    // The worker has no longtask observer: a 10 ms timer's lateness shows how long its
    // thread was held.
    await bounded(chromium.worker, () => {
      const g = /** @type {any} */ (globalThis);
      clearInterval(g.__benchLagTimer);
      g.__benchLag = { max: 0, over50: 0, samples: 0 };
      let last = performance.now();
      g.__benchLagTimer = setInterval(() => {
        const now = performance.now();
        const late = now - last - 10;
        last = now;
        g.__benchLag.samples += 1;
        if (late > g.__benchLag.max) g.__benchLag.max = late;
        if (late > 50) g.__benchLag.over50 += 1;
      }, 10);
    });
    report.heapBeforeMB = {};
    for (const [name, session] of Object.entries(sessions)) report.heapBeforeMB[name] = await heapMB(session).catch(() => null);
  });

  if (opened) {
    const { page, tabId, panel, popup } = opened;
    const peak = /** @type {Record<string, number>} */ ({});
    const sampler = setInterval(() => {
      for (const [name, session] of Object.entries(sessions)) {
        heapMB(session, false).then((mb) => { peak[name] = Math.max(peak[name] ?? 0, mb); }, () => {});
      }
    }, 2000);
    await phase(`the load: ${RATE}/s for ${SECONDS} s`, SECONDS * 30 + 120, async () => {
      report.page = await runLoad(page, say, SECONDS * 30 + 60);
    });
    const expected = report.page?.answered ? Object.entries(report.page.byStatus).filter(([s]) => s !== 'error').reduce((n, [, v]) => n + Number(v), 0) : NaN;
    await phase('the panel, the badge and the popup settle', 600, async () => {
      report.panel = await panelCount(panel).catch(() => null);
      report.panelAtLoadEnd = report.panel?.total ?? null;
      const settledAt = Date.now();
      await settle(async () => (await panelCount(panel)).total, expected, (l) => say(`panel ${l}`), 60);
      report.panelCatchUpSeconds = (Date.now() - settledAt) / 1000;
      report.panel = await panelCount(panel);
      report.badge = await settle(() => badgeCount(ext, tabId), expected, (l) => say(`badge ${l}`), 60);
      report.popup = await settle(() => popupCount(popup), expected, (l) => say(`popup ${l}`), 60);
    });
    clearInterval(sampler);
    report.heapPeakMB = peak;
    await phase('long tasks and memory after', 120, async () => {
      report.panelTasks = await longTasks(panel);
      report.popupTasks = await longTasks(popup);
      report.backgroundLag = await bounded(chromium.worker, () => /** @type {any} */ (globalThis).__benchLag);
      report.heapAfterMB = {};
      for (const [name, session] of Object.entries(sessions)) report.heapAfterMB[name] = await heapMB(session).catch(() => null);
    });
  }
} finally {
  const closing = chromium.browser.close();
  const killer = setTimeout(() => chromium.browser.process()?.kill('SIGKILL'), 10_000);
  await closing.catch(() => {});
  clearTimeout(killer);
  await lab.stop();
}

// ---- Report -----------------------------------------------------------------------------
const p = report.page;
/** @type {[string, any, string][]} */
const rows = [];
const row = (/** @type {string} */ what, /** @type {any} */ value, /** @type {string} */ target = '') => rows.push([what, value ?? '—', target]);
if (p) {
  row('rate asked / reached (requests started a second)', `${p.rate} / ${p.achievedRate}`, `${p.rate}`);
  row('requests started in / last answer at', `${p.sendSeconds.toFixed(1)} s / ${p.doneSeconds.toFixed(1)} s`, `${p.seconds} s`);
  row('page: answers by status', Object.entries(p.byStatus).map(([s, n]) => `${s}: ${n}`).join(', '), '');
  row('page: failures made (401 + 403)', (p.byStatus['401'] ?? 0) + (p.byStatus['403'] ?? 0), '');
}
if (report.panel) row('panel: failures counted ("N failures" + dropped)', `${report.panel.total} (${report.panel.failures} + ${report.panel.dropped}); ${report.panelAtLoadEnd} when the page finished, the rest ${report.panelCatchUpSeconds?.toFixed(1)} s later`, '= page');
row('badge (background count)', report.badge, '= page');
row('popup count', report.popup, '= page');
for (const [name, t] of [['panel', report.panelTasks], ['popup', report.popupTasks]]) {
  if (!t) continue;
  if (t.ours) {
    row(`${name}: longest of our ${t.ours.count} tasks (by kind: ${JSON.stringify(t.ours.byKind)})`, `${t.ours.longestMs} ms`, '≤ 50 ms');
    row(`${name}: our tasks over 50 ms`, t.ours.over50, '0');
  }
  row(`${name}: longest task of the renderer (ours and the browser's)`, `${t.longestTaskMs} ms`, t.ours ? '' : '≤ 50 ms');
  row(`${name}: tasks over 50 ms (over 200 ms)`, `${t.longTasksOver50ms} (${t.longTasksOver200ms}), ${t.totalLongTaskMs} ms in all`, '0');
}
if (report.backgroundLag) {
  row('background: longest 10 ms timer lateness', `${Math.round(report.backgroundLag.max)} ms`, '≤ 50 ms');
  row('background: timer late by over 50 ms', report.backgroundLag.over50, '0');
}
for (const name of ['panel', 'popup', 'background']) {
  const before = report.heapBeforeMB?.[name];
  const after = report.heapAfterMB?.[name];
  if (before === undefined && after === undefined) continue;
  row(`${name}: JS heap before / peak / after (after GC)`, `${before ?? '—'} / ${report.heapPeakMB?.[name] ?? '—'} / ${after ?? '—'} MB`, 'bounded');
}
for (const [name, why] of Object.entries(failed)) row(name, `not measured: ${why}`, '');

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load benchmark, ${new Date().toISOString()}, load average ${load} (RATE=${RATE} SECONDS=${SECONDS} USERS=${USERS})`);
console.log(['| what | figure | target |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n'));
const jsonPath = process.env.BENCH_JSON ?? join(root, 'target', 'bench', 'load.json');
mkdirSync(join(jsonPath, '..'), { recursive: true });
writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), loadAverage: load, rows, failed, raw: report }, null, 2) + '\n');
console.log(`written: ${jsonPath}`);
