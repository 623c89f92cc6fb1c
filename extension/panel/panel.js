// The AuthLens DevTools panel: the inspected page's auth failures, grouped, in a list
// beside (or above) the selected one's detail, as in DevTools' Network panel.
//
// This module only wires the parts together:
//   theme.js     follows DevTools' theme (loaded first, before the core)
//   capture.js   the capture queue (HAR replay, then onRequestFinished)
//   model.js     requests, groups of identical failures, filter and sort
//   list.js      the virtualised grid
//   detail.js    the detail tabs
//   actions.js   the actions that fit the finding, copies, replay
//   settings.js  settings in storage.local
import './theme.js';
import { api, getHar, isFirefox } from '../shared/browser.js';
import { loadEngine, loadHarTools } from '../shared/core.js';
import { entryBytes } from '../shared/entry.js';
import { localize, t } from '../shared/i18n.js';
import { el, setTranslator } from '../shared/view.js';
import { Actions, actionsFor, copiesFor } from './actions.js';
import { Capture, measured } from './capture.js';
import { Detail } from './detail.js';
import { DEFAULT_WIDTHS, List, capture as capturePointer } from './list.js';
import { COLUMNS, Model } from './model.js';
import { loadSettings, saveSettings, settingsForm } from './settings.js';

/** @typedef {import('./model.js').Row} Row */
/** @typedef {import('./model.js').Rec} Rec */
/** @typedef {import('./model.js').Column} Column */

setTranslator(t);
localize();

const core = await loadEngine();
const settings = await loadSettings();

/** One diagnosis session for the inspected page: every entry goes through it, so that
 * findings spanning requests (a token obtained and not sent, a cookie set and not sent, a
 * retry storm) can be made. It keeps the full annotations of as many requests as the
 * list does; the list holds only each one's brief. */
const inspector = new core.Inspector(undefined, settings.maxRows);
inspector.setClockSkewTolerance(settings.toleranceSeconds);
const model = new Model(
  settings.maxRows,
  // A request the session no longer keeps (the list was made longer after it came) is
  // annotated alone: its findings then lack what earlier requests said.
  (rec) => inspector.annotation(rec.brief.id, entryBytes(rec.entry)) ?? core.annotateHarEntry(rec.entry),
);

// ---- Toasts: messages never replace the count in the toolbar. ---------------------------

const toasts = /** @type {HTMLElement} */ (document.getElementById('toasts'));
/**
 * @param {string} message
 * @param {string} [kind] 'error' for failures
 */
function toast(message, kind = 'info') {
  const node = el('div', message, `toast toast-${kind}`);
  node.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  toasts.append(node);
  while (toasts.childElementCount > 3) toasts.firstElementChild?.remove();
  setTimeout(() => node.remove(), kind === 'error' ? 8000 : 3500);
}

// ---- Filters ---------------------------------------------------------------------------

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const filterText = /** @type {HTMLInputElement} */ (byId('filter'));
filterText.placeholder = t('filterPlaceholder');
const filterStatus = /** @type {HTMLSelectElement} */ (byId('filter-status'));
const filterHost = /** @type {HTMLSelectElement} */ (byId('filter-host'));
const filterCode = /** @type {HTMLSelectElement} */ (byId('filter-finding'));
const showAll = /** @type {HTMLInputElement} */ (byId('show-all'));
const preserve = /** @type {HTMLInputElement} */ (byId('preserve'));

/** @returns {import('./model.js').Filters} */
function filters() {
  return { text: filterText.value, status: filterStatus.value, host: filterHost.value, code: filterCode.value, all: showAll.checked };
}

function clearFilters() {
  filterText.value = '';
  filterStatus.value = '';
  filterHost.value = '';
  filterCode.value = '';
  showAll.checked = false;
  refresh();
}

/**
 * Adds the values seen to a filter's choices.
 * @param {HTMLSelectElement} select
 * @param {Set<string>} values
 */
function offer(select, values) {
  if (select.options.length - 1 === values.size) return;
  const known = new Set([...select.options].map((o) => o.value));
  for (const value of values) if (!known.has(value)) select.append(new Option(value, value));
}

for (const control of [filterText, filterStatus, filterHost, filterCode, showAll]) control.addEventListener('input', () => refresh());

// ---- The list and the detail -----------------------------------------------------------

/** @type {Record<Column, number>} */
const widths = { ...DEFAULT_WIDTHS, ...settings.widths };
const hidden = new Set(settings.hidden.filter((c) => COLUMNS.includes(c)));

const detail = new Detail({ core, model, settings, toast, flow: (id) => inspector.flow(id) });
const actions = new Actions({ core, settings, toast, exportReport: () => exportReport() });

/** @param {Row} row */
const recOf = (row) => (row.type === 'group' ? row.group.records[row.group.records.length - 1] : row.rec);

/** @type {List} */
const list = new List({
  scroller: byId('list-scroll'),
  header: byId('list-header'),
  body: byId('list-body'),
  widths,
  hidden,
  onSort(column) {
    const same = model.sort?.column === column;
    // Click: ascending, again: descending, a third time: arrival order.
    model.sort = !same ? { column, descending: false } : model.sort?.descending ? null : { column, descending: true };
    list.sort = model.sort;
    list.renderHeader();
    refresh();
  },
  onSelect(row) {
    if (!row) {
      detail.close();
      return;
    }
    const rec = recOf(row);
    measured('select', () => {
      detail.open(rec);
      actions.show(rec);
    });
  },
  onToggle(group) {
    if (model.expanded.has(group.id)) model.expanded.delete(group.id);
    else model.expanded.add(group.id);
    refresh();
  },
  onContextMenu(row, x, y) {
    const rec = recOf(row);
    /** @type {[string, () => void][]} */
    const items = copiesFor(rec).map((what) => [t(`panel_copy_${what}`), () => actions.copy(what, rec)]);
    if (actionsFor(rec).includes('replay')) items.push([t('panel_replay_asSent'), () => actions.replay(rec, 'as-sent').catch((e) => toast(String(e), 'error'))]);
    if (row.type === 'group' && row.group.records.length > 1) {
      items.push([t(model.expanded.has(row.group.id) ? 'panel_collapse' : 'panel_expand'), () => list.o.onToggle(row.group)]);
    }
    menu(items, x, y);
  },
  onHeaderMenu(_column, x, y) {
    /** @type {[string, () => void, boolean][]} */
    const items = COLUMNS.map((c) => [t(`panel_column_${c}`), () => {
      if (hidden.has(c)) hidden.delete(c);
      else if (hidden.size < COLUMNS.length - 1) hidden.add(c);
      layoutChanged();
    }, !hidden.has(c)]);
    menu(items, x, y, 'columns');
  },
  onLayout: () => layoutChanged(),
});
list.expandedOf = (/** @type {import('./model.js').Group} */ group) => model.expanded.has(group.id);

/** @returns {void} */
function layoutChanged() {
  list.renderHeader();
  list.render(true);
  settings.widths = { ...widths };
  settings.hidden = [...hidden];
  saveSettings(settings).catch(() => {});
}

// ---- Menus (a row's context menu, the header's column chooser) -------------------------

const menuBox = byId('menu');
/**
 * @param {([string, () => void] | [string, () => void, boolean])[]} items label, action, checked
 * @param {number} x
 * @param {number} y
 * @param {string} [kind]
 */
function menu(items, x, y, kind = 'row') {
  menuBox.dataset.kind = kind;
  menuBox.replaceChildren(
    ...items.map(([label, action, checked]) => {
      const item = el('button', label, 'menu-item');
      item.type = 'button';
      item.setAttribute('role', checked === undefined ? 'menuitem' : 'menuitemcheckbox');
      if (checked !== undefined) item.setAttribute('aria-checked', String(checked));
      item.addEventListener('click', () => {
        closeMenu();
        action();
      });
      return item;
    }),
  );
  menuBox.hidden = false;
  const { innerWidth, innerHeight } = window;
  menuBox.style.left = `${Math.max(0, Math.min(x, innerWidth - menuBox.offsetWidth - 4))}px`;
  menuBox.style.top = `${Math.max(0, Math.min(y, innerHeight - menuBox.offsetHeight - 4))}px`;
  /** @type {HTMLElement | null} */ (menuBox.querySelector('button'))?.focus();
}
function closeMenu() {
  menuBox.hidden = true;
}
document.addEventListener('pointerdown', (event) => {
  if (!menuBox.hidden && !menuBox.contains(/** @type {Node} */ (event.target))) closeMenu();
});

// Esc closes the menu, then the settings, then the detail (as in DevTools).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (!menuBox.hidden) closeMenu();
  else if (!byId('settings').hidden) byId('settings-close').click();
  else if (!detail.pane.hidden) {
    list.select(null);
    byId('list-scroll').focus();
  }
});
byId('detail-close').addEventListener('click', () => list.select(null));

// ---- Split: side by side when wide, stacked when narrow, with a draggable divider. -----

const split = byId('split');
const divider = byId('divider');
// Below this width (DevTools docked on the right is ~550 px) the detail goes under the list.
const NARROW = 640;
new ResizeObserver(() => {
  const stacked = split.clientWidth < NARROW;
  split.dataset.orientation = stacked ? 'stacked' : 'side';
  divider.setAttribute('aria-orientation', stacked ? 'horizontal' : 'vertical');
}).observe(split);
if (settings.split) split.style.setProperty('--split', String(settings.split));
divider.addEventListener('pointerdown', (event) => {
  event.preventDefault();
  capturePointer(divider, event.pointerId);
  const box = split.getBoundingClientRect();
  const stacked = split.dataset.orientation === 'stacked';
  const move = (/** @type {PointerEvent} */ e) => {
    const share = stacked ? (e.clientY - box.top) / box.height : (e.clientX - box.left) / box.width;
    settings.split = Math.round(Math.max(0.15, Math.min(0.85, share)) * 1000) / 1000;
    split.style.setProperty('--split', String(settings.split));
  };
  const up = () => {
    divider.removeEventListener('pointermove', move);
    divider.removeEventListener('pointerup', up);
    saveSettings(settings).catch(() => {});
  };
  divider.addEventListener('pointermove', move);
  divider.addEventListener('pointerup', up);
});
divider.addEventListener('keydown', (event) => {
  if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(event.key)) return;
  event.preventDefault();
  const step = event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -0.05 : 0.05;
  settings.split = Math.max(0.15, Math.min(0.85, (settings.split ?? 0.5) + step));
  split.style.setProperty('--split', String(settings.split));
  saveSettings(settings).catch(() => {});
});

// ---- Count, states, refresh ------------------------------------------------------------

const status = byId('status');
const empty = byId('state-empty');
const noMatch = byId('state-nomatch');
byId('empty-text').textContent = t(isFirefox ? 'panelEmptyFirefox' : 'panelEmpty');
byId('reload').addEventListener('click', () => api.devtools.inspectedWindow.reload({}));
byId('clear-filters').addEventListener('click', clearFilters);

let refreshScheduled = false;
let lastRefresh = 0;
// At most ten refreshes a second: a refresh is linear in the groups, and a storm of
// distinct failures makes tens of thousands of them; refreshing after every 8 ms capture
// slice made most of the panel's time and garbage (tools/bench-load.mjs: refreshes of up to
// 290 ms at 20,000 groups). A tenth of a second is below what a person notices in a count.
const REFRESH_EVERY_MS = 100;
/** Recomputes the rows from the model, once for any number of calls in a task. (Not
 * requestAnimationFrame: it does not run while the panel is hidden behind another tab.) */
function refresh() {
  if (refreshScheduled) return;
  refreshScheduled = true;
  setTimeout(() => {
    refreshScheduled = false;
    lastRefresh = performance.now();
    measured('refresh', refreshNow);
  }, Math.max(0, lastRefresh + REFRESH_EVERY_MS - performance.now()));
}

function refreshNow() {
  const { rows, shown, total } = model.view(filters());
  list.setRows(rows);
  const failures = model.failureCount();
  status.textContent = t('panel_status', [String(failures), String(shown), String(total)]) + (model.dropped ? ` ${t('droppedRows', String(model.dropped))}` : '');
  status.dataset.shown = String(shown);
  status.dataset.total = String(total);
  status.dataset.failures = String(failures);
  empty.hidden = total > 0;
  noMatch.hidden = total === 0 || shown > 0;
  offer(filterHost, model.hosts);
  offer(filterCode, model.codes);
  // The selection follows the row (a group that grew stays selected); a selected request
  // that left the list (trimmed, navigated away) closes the detail.
  const selected = list.selected();
  if (!selected && detail.rec && !model.groups.has(detail.rec.group.key)) list.select(null);
}

// ---- Capture ---------------------------------------------------------------------------

/** @type {Capture} */
const capture = new Capture(
  // The entry's fields the core reads, as bytes (shared/entry.js). The core answers with a
  // brief, and keeps the full annotation until it is asked for.
  (entry) => model.add(entry, inspector.observeHarEntryJson(entryBytes(entry))),
  () => refresh(),
  (error) => {
    document.body.dataset.captureErrors = String(capture.failed);
    toast(t('panel_captureError', String(error)), 'error');
  },
);

// A navigation starts a new list and a new session, like the Network panel, unless
// "Preserve log" is on.
api.devtools.network.onNavigated.addListener(() => {
  if (preserve.checked) return;
  model.clear();
  capture.reset();
  inspector.reset();
  list.select(null);
  refresh();
});

// ---- Export: never a secret. -----------------------------------------------------------

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

/** The inspected page's HAR as a HAR file's UTF-8 bytes (the core's fast way in). The
 * secrets are still in it. */
async function harBytes() {
  return new TextEncoder().encode(JSON.stringify({ log: await getHar() }));
}

// Exports never contain a secret: the sanitizer replaces every token, cookie and password
// with a keyed marker (a fresh random key per export) before anything leaves the panel.
byId('export-har').addEventListener('click', async () => {
  try {
    const key = crypto.getRandomValues(new Uint32Array(4));
    const clean = (await loadHarTools()).sanitizeHar(await harBytes(), false, key);
    download('authlens-sanitized.har', clean, 'application/json');
    toast(t('exportDone', ['authlens-sanitized.har', String((clean.match(/redacted-[0-9a-f]{8}/g) ?? []).length)]));
  } catch (error) {
    toast(t('exportFailed', String(error)), 'error');
  }
});

async function exportReport() {
  try {
    const report = (await loadHarTools()).markdownReport(await harBytes(), 'DevTools session');
    download('authlens-report.md', report, 'text/markdown');
    toast(t('exportDone', ['authlens-report.md', '0']));
  } catch (error) {
    toast(t('exportFailed', String(error)), 'error');
  }
}
byId('export-report').addEventListener('click', exportReport);

settingsForm(
  settings,
  () => (detail.rec ? new URL(detail.rec.brief.url).origin : null),
  (s) => {
    inspector.setClockSkewTolerance(s.toleranceSeconds);
    model.maxRecords = s.maxRows;
    inspector.setDetailCapacity(s.maxRows);
    model.trim();
    if (detail.rec) detail.open(detail.rec);
    toast(t('saved'));
  },
);

await capture.start();
refreshNow();
document.body.dataset.ready = 'true';
