// The toolbar popup: how many auth failures the current tab has had, and the latest one.
// It reads the background's summaries from storage.session and re-renders when they change.
import { renderChallenges } from '../shared/render.js';
import { api } from '../shared/browser.js';
import { loadCore } from '../shared/core.js';
import { localize, t } from '../shared/i18n.js';
import { emptyTab, tabKey } from '../shared/summary.js';

/** @typedef {import('../shared/summary.js').TabFailures} TabFailures */

const core = await loadCore();
localize();

const verdict = /** @type {HTMLElement} */ (document.getElementById('verdict'));
const latest = /** @type {HTMLElement} */ (document.getElementById('latest'));

/**
 * The tab to report on: `?tab=ID` when given (the popup opened as a page, as the e2e
 * suite does), otherwise the active tab of this window.
 */
async function currentTabId() {
  const fromQuery = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? -1;
}

const tabId = await currentTabId();
const key = tabKey(tabId);

/** @param {TabFailures} tab */
function render(tab) {
  verdict.dataset.count = String(tab.count);
  verdict.textContent =
    tab.count === 0 ? t('popupNoFailures') : t('popupFailures', String(tab.count));
  const summary = tab.recent[0];
  latest.hidden = !summary;
  if (!summary) return;
  /** @type {HTMLElement} */ (document.getElementById('latest-status')).textContent = String(summary.status);
  /** @type {HTMLElement} */ (document.getElementById('latest-request')).textContent =
    `${summary.method} ${summary.origin}${summary.path}`;
  const finding = /** @type {HTMLElement} */ (document.getElementById('latest-finding'));
  finding.textContent = summary.finding?.title ?? '';
  finding.dataset.code = summary.finding?.code ?? '';
  const header = summary.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  // The background stores the raw challenge; the core parses it here, in the popup.
  const parsed = core.parseChallenges(summary.challenge ?? '');
  /** @type {HTMLElement} */ (document.getElementById('latest-challenge')).replaceChildren(
    renderChallenges(parsed, header),
  );
}

const stored = await api.storage.session.get(key);
render(/** @type {TabFailures | undefined} */ (stored[key]) ?? emptyTab());
api.storage.session.onChanged.addListener((changes) => {
  if (key in changes) render(/** @type {TabFailures | undefined} */ (changes[key].newValue) ?? emptyTab());
});
document.body.dataset.ready = 'true';
