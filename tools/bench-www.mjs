// The self-help page on a large HAR (docs/performance.md, "Self-help page"): a generated
// HAR (default 100 MB, examples/gen_har.rs) picked in headless Chromium, read and diagnosed
// in the page's Web Worker. It prints the time to the verdict, the progress updates seen,
// the main thread's longest task while it ran (PerformanceObserver "longtask": the page
// must never freeze), and the time to the sanitized copy. It asserts nothing.
//
//   node tools/bench-www.mjs        (after `make build`; HAR_MB= to vary)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

import { root, startLab } from '../tests/e2e/support/lab.mjs';

const HAR_MB = Number(process.env.HAR_MB ?? 100);
const har = join(root, 'target', 'bench', `har-${HAR_MB}mb.har`);
mkdirSync(join(root, 'target', 'bench'), { recursive: true });
if (!existsSync(har)) {
  execFileSync('cargo', ['run', '--release', '-q', '--example', 'gen_har', '--', har, String(HAR_MB)], { stdio: 'inherit' });
}

const lab = await startLab();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/lib/chromium/chromium',
  headless: true,
  pipe: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(new URL('/help/', lab.url).href);
  await page.waitForSelector('body[data-ready]');
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.longTasks = [];
    w.progressSeen = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
    w.phases = {};
    new MutationObserver(() => { const p = document.body.dataset.progress; if (p && !w.phases[p]) w.phases[p] = performance.now(); })
      .observe(document.body, { attributes: true, attributeFilter: ['data-progress', 'data-kind'] });
    new MutationObserver(() => { w.progressSeen += 1; }).observe(/** @type {Node} */ (document.getElementById('progress-text')), { childList: true, characterData: true, subtree: true });
  });
  const input = /** @type {import('puppeteer-core').ElementHandle<HTMLInputElement>} */ (await page.$('#har-input'));
  const startedAt = await page.evaluate(() => performance.now());
  const started = Date.now();
  await input.uploadFile(har);
  await page.waitForSelector('#result[data-kind="har"]', { timeout: 600_000 });
  const verdictMs = Date.now() - started;
  const phases = await page.evaluate((t0) => {
    const w = /** @type {any} */ (window);
    return { read: w.phases.read - t0, diagnose: w.phases.diagnose - t0, shown: performance.now() - t0 };
  }, startedAt);
  const state = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    return { longTasks: /** @type {number[]} */ (w.longTasks), progress: w.progressSeen, detected: document.getElementById('detected')?.textContent, headline: document.querySelector('#verdict .headline')?.textContent };
  });

  const dir = mkdtempSync(join(tmpdir(), 'authlens-bench-www-'));
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
  const done = new Promise((resolve) => cdp.on('Browser.downloadProgress', (e) => { if (e.state === 'completed') resolve(e); }));
  const sanitizeStart = Date.now();
  await page.click('#plain button[data-action="sanitize"]');
  await done;
  const sanitizeMs = Date.now() - sanitizeStart;
  const [file] = readdirSync(dir);

  const mb = statSync(har).size / 1e6;
  console.log(`self-help page, ${mb.toFixed(1)} MB HAR (${state.detected})`);
  console.log(`  verdict after ${(verdictMs / 1000).toFixed(2)} s (${(mb / (verdictMs / 1000)).toFixed(1)} MB/s): ${state.headline}`);
  console.log(`  reading began after ${(phases.read / 1000).toFixed(2)} s, diagnosis after ${(phases.diagnose / 1000).toFixed(2)} s, shown after ${(phases.shown / 1000).toFixed(2)} s (page clock)`);
  console.log(`  progress updates shown: ${state.progress}`);
  console.log(`  main-thread long tasks while it ran: ${state.longTasks.length}, longest ${Math.max(0, ...state.longTasks).toFixed(0)} ms`);
  console.log(`  sanitized copy downloaded after ${(sanitizeMs / 1000).toFixed(2)} s (${(statSync(join(dir, file)).size / 1e6).toFixed(1)} MB)`);
} finally {
  await browser.close();
  await lab.stop();
}
