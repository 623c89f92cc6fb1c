// The AuthLens DevTools panel: lists the inspected page's auth failures, each with its
// parsed challenge and the top finding.
//
// The panel's page only exists once its tab is first selected, so it replays the HAR log
// collected so far, then follows devtools.network.onRequestFinished.
import { api, getHar, isFirefox } from '../shared/browser.js';
import { loadCore } from '../shared/core.js';
import { localize, t } from '../shared/i18n.js';
import { renderChallenges } from '../shared/render.js';

/** @typedef {import('../pkg/authlens.js').HarEntryLike} HarEntryLike */

const core = await loadCore();
localize();

/** One diagnosis session for the inspected page: every entry goes through it, so that
 * findings spanning requests (a token obtained and not sent, a cookie set and not sent)
 * can be made. */
const inspector = new core.Inspector();

const table = /** @type {HTMLTableElement} */ (document.getElementById('failures'));
const body = /** @type {HTMLTableSectionElement} */ (table.tBodies[0]);
const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));

// Firefox fires onRequestFinished only once its Network panel has been opened
// (MDN: devtools.network.onRequestFinished), so its empty state says so.
empty.textContent = t(isFirefox ? 'panelEmptyFirefox' : 'panelEmpty');

/** Entries seen, so that one delivered by both the replay and the listener shows once. */
const seen = new Set();

/** @param {HarEntryLike} entry */
function addEntry(entry) {
  const key = `${entry.startedDateTime} ${entry.request.method} ${entry.request.url}`;
  if (seen.has(key)) return;
  seen.add(key);
  const annotation = inspector.annotateHarEntry(entry);
  if (!annotation.isAuthFailure && annotation.findings.length === 0) return;
  body.append(renderRow(annotation));
  table.hidden = false;
  empty.hidden = true;
  status.textContent = t('panelCount', String(body.rows.length));
}

/** @param {import('../pkg/authlens.js').Annotation} annotation */
function renderRow(annotation) {
  const row = document.createElement('tr');
  row.dataset.status = String(annotation.status);
  const url = new URL(annotation.url);
  const cell = (/** @type {string} */ className, /** @type {string | Node} */ content) => {
    const td = document.createElement('td');
    td.className = className;
    td.append(content);
    row.append(td);
    return td;
  };
  cell('status', String(annotation.status));
  cell('method', annotation.method);
  cell('host', url.host);
  cell('path', url.pathname).title = url.pathname;
  cell('challenge', renderChallenges(annotation.challenges, annotation.challengeHeader));
  const top = annotation.findings[0];
  const finding = cell('finding', top ? top.title : '');
  if (top) {
    finding.dataset.code = top.code;
    finding.classList.add(`likelihood-${top.likelihood}`);
  }
  return row;
}

/** @type {HarEntryLike[] | null} entries that finish while the replay runs */
let pending = [];
api.devtools.network.onRequestFinished.addListener((request) => {
  const entry = /** @type {HarEntryLike} */ (/** @type {unknown} */ (request));
  if (pending) pending.push(entry);
  else addEntry(entry);
});

/**
 * Downloads `text` as a file from the panel (an anchor with `download`: no permission).
 * @param {string} name
 * @param {string} text
 * @param {string} type
 */
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The inspected page's HAR as a HAR file's text. The secrets are still in it. */
async function harText() {
  return JSON.stringify({ log: await getHar() });
}

// Exports never contain a secret: the sanitizer replaces every token, cookie and password
// with a keyed marker (a fresh random key per export) before anything leaves the panel.
document.getElementById('export-har')?.addEventListener('click', async () => {
  try {
    const key = crypto.getRandomValues(new Uint32Array(4));
    const clean = core.sanitizeHar(await harText(), false, key);
    download('authlens-sanitized.har', clean, 'application/json');
    status.textContent = t('exportDone', ['authlens-sanitized.har', String((clean.match(/redacted-[0-9a-f]{8}/g) ?? []).length)]);
  } catch (error) {
    status.textContent = t('exportFailed', String(error));
  }
});

document.getElementById('export-report')?.addEventListener('click', async () => {
  try {
    const report = core.markdownReport(await harText(), 'DevTools session');
    download('authlens-report.md', report, 'text/markdown');
    status.textContent = t('exportDone', ['authlens-report.md', '0']);
  } catch (error) {
    status.textContent = t('exportFailed', String(error));
  }
});

const har = await getHar();
for (const entry of har.entries) addEntry(/** @type {HarEntryLike} */ (/** @type {unknown} */ (entry)));
for (const entry of pending) addEntry(entry);
pending = null;
document.body.dataset.ready = 'true';
