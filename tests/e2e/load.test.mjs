// Load (issue #17): the lab's load page makes 1,000 failing requests a second for 3 s in
// real headless Chromium, with the AuthLens panel open on it and the popup open for its
// tab. Every surface must end with the right count: the page's own tally by status, the
// panel's "N failures", the badge (the background's count) and the popup. The figures of
// the long run (20 s, long tasks, memory) are tools/bench-load.mjs's; nothing here is timed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium } from './support/chromium.mjs';
import { root, startLab } from './support/lab.mjs';
import { badgeCount, openLoad, panelCount, popupCount, runLoad, settle } from './support/load.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {Awaited<ReturnType<typeof launchChromium>>} */
let chromium;
/** @type {import('puppeteer-core').Page} an extension page, to call the extension APIs from */
let ext;

before(async () => {
  lab = await startLab();
  chromium = await launchChromium(join(root, 'dist', 'chrome'));
  ext = await chromium.browser.newPage();
  await ext.goto(`chrome-extension://${chromium.extensionId}/help/index.html`);
});

after(async () => {
  await chromium?.browser.close();
  await lab?.stop();
});

const RATE = 1000;
const SECONDS = 3;
const USERS = 20;

test('1,000 failures a second for 3 s: the page, the panel, the badge and the popup all count every one', async () => {
  const say = (/** @type {string} */ line) => console.error(`load.test: ${line}`);
  const { page, tabId, panel, popup } = await openLoad(chromium, ext, lab.url, { rate: RATE, seconds: SECONDS, users: USERS });
  const made = await runLoad(page, say);
  const planned = RATE * SECONDS;
  // The page made what it was asked for, and the lab answered each kind as planned: a
  // third are 403 (a valid token, not allowed), two thirds 401 (expired, or none sent).
  assert.equal(made.sent, planned);
  assert.equal(made.answered, planned);
  assert.deepEqual(made.byStatus, { 401: (planned / 3) * 2, 403: planned / 3 }, 'answers by status');
  assert.deepEqual(made.byKind, { expired: planned / 3, forbidden: planned / 3, missing: planned / 3 });
  assert.equal(made.unexpected, 0);

  // The panel counts failed requests, not groups: every one is there (none dropped at this
  // size: the panel keeps 20,000 by default).
  const panelTotal = await settle(async () => (await panelCount(panel)).total, planned, (l) => say(`panel ${l}`));
  const shown = await panelCount(panel);
  assert.equal(panelTotal, planned, `the panel's count (it shows "${shown.text}")`);
  assert.equal(shown.dropped, 0);
  // Grouped per credential fingerprint: at least one group per user and kind that sends a
  // token, and one for the requests without credentials; far fewer rows than requests.
  const rows = await panel.evaluate(() => Number(document.getElementById('status')?.dataset.total ?? NaN));
  assert.ok(rows >= USERS * 2 + 1 && rows < planned / 10, `the panel groups the storm into ${rows} rows`);

  // The background counts every failure of the tab (the badge), and the popup shows it.
  assert.equal(await settle(() => badgeCount(ext, tabId), planned, (l) => say(`badge ${l}`)), planned, 'the badge');
  assert.equal(await settle(() => popupCount(popup), planned, (l) => say(`popup ${l}`)), planned, 'the popup');
  const verdict = await popup.$eval('h1[data-verdict]', (h) => h.textContent ?? '');
  assert.match(verdict, /127\.0\.0\.1/, 'the popup names the site');
  await popup.close();
  await page.close();
});
