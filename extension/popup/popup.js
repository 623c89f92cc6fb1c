// The toolbar popup, a quick check for people who are not developers (issue #14): one
// sentence that says what went wrong on this site, the one safe fix for it, the usual
// self-help steps, and a sanitized report to copy for support.
//
// It reads the background's summaries from storage.session and acts with the extension
// APIs itself (shared/sitedata.js), so it works without DevTools and while Chrome has
// the service worker stopped. The Wasm core is loaded only to sanitize the report, off
// the first paint.
import { api, isFirefox } from '../shared/browser.js';
import { groupByCause } from '../shared/causes.js';
import { localize, t } from '../shared/i18n.js';
import { clearPageStorage, clearSiteCookies, clearSiteStorage, siteCookies } from '../shared/sitedata.js';
import { emptyTab, tabKey } from '../shared/summary.js';
import {
  detectOs,
  explanation,
  headline,
  renderDetails,
  renderHowTo,
  renderSteps,
  reportMarkdown,
  secondarySteps,
  siteOf,
} from '../shared/verdict.js';

/** @typedef {import('../shared/summary.js').TabFailures} TabFailures */
/** @typedef {import('../shared/verdict.js').Group} Group */

// For tools/bench-popup.mjs: when this module starts, after its imports have loaded.
performance.mark('authlens-popup-start');
localize();
const os = detectOs(navigator);
const causesBox = /** @type {HTMLElement} */ (document.getElementById('causes'));

/**
 * The tab to report on: `?tab=ID` when given (the popup opened as a page, as the e2e
 * suite does in Firefox), otherwise the active tab of this window.
 */
async function currentTab() {
  const fromQuery = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return api.tabs.get(fromQuery);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab;
}

// Every tab's summaries are read at once, while the tab is looked up: two round trips
// to the browser in parallel instead of one after the other (they are small: at most
// MAX_RECENT summaries a tab).
const [tab, allSummaries] = await Promise.all([currentTab(), api.storage.session.get(null)]);
const tabId = tab?.id ?? -1;
/** The tab's page, when it is a web page (host permission gives its URL without `tabs`). */
const pageUrl = tab?.url && /^https?:/.test(tab.url) ? new URL(tab.url) : null;
const key = tabKey(tabId);

/** @type {Group[]} */
let groups = [];
/** @type {TabFailures} */
let current = emptyTab();
/** Focus goes to the primary button once, on the first render: later updates must not steal it. */
let focused = false;

/** @param {TabFailures} state */
function render(state) {
  current = state;
  groups = groupByCause(state.recent);
  document.body.dataset.count = String(state.count);
  const site = pageUrl?.hostname ?? state.site ?? '';
  if (groups.length === 0) {
    causesBox.replaceChildren(renderAllGood(site));
  } else {
    causesBox.replaceChildren(...groups.map((group, i) => renderCause(group, i, state.count, site)));
    if (groups.length > 1) {
      const also = document.createElement('h2');
      also.className = 'also';
      also.textContent = t('popup_also');
      causesBox.children[0].after(also);
    }
  }
  const steps = /** @type {HTMLElement} */ (document.getElementById('steps'));
  steps.hidden = groups.length === 0;
  if (groups[0]) {
    /** @type {HTMLElement} */ (document.getElementById('steps-list')).replaceChildren(
      renderSteps(secondarySteps(groups[0].cause), t),
    );
  }
  /** @type {HTMLElement} */ (document.getElementById('report')).hidden = groups.length === 0;
}

/** @param {string} site */
function renderAllGood(site) {
  const box = document.createElement('section');
  box.className = 'cause all-good';
  box.setAttribute('role', 'status');
  const title = document.createElement('h1');
  title.id = 'verdict';
  title.textContent = pageUrl || site ? t('popup_all_good') : t('popup_no_tab');
  const text = document.createElement('p');
  text.textContent = t('popup_all_good_detail');
  box.append(title, text);
  return box;
}

/**
 * One cause: its verdict, the core's explanation, what the fix will do, the fix's button,
 * and the details (collapsed). The first cause is the verdict of the popup (its h1).
 * @param {Group} group
 * @param {number} index
 * @param {number} count failures not yet fixed in the tab
 * @param {string} tabSite
 */
function renderCause(group, index, count, tabSite) {
  const site = siteOf(group, tabSite);
  const id = `cause-${index}`;
  const box = document.createElement('section');
  box.className = 'cause';
  box.dataset.cause = group.cause;
  box.dataset.severity = group.severity;
  box.setAttribute('aria-labelledby', `${id}-verdict`);
  const title = document.createElement(index === 0 ? 'h1' : 'h3');
  title.id = `${id}-verdict`;
  if (index === 0) title.dataset.verdict = '';
  title.textContent = headline(group, site, t);
  const why = document.createElement('p');
  why.className = 'explanation';
  why.textContent = explanation(group, t);
  box.append(title, why);
  if (index === 0) {
    const total = document.createElement('p');
    total.className = 'count';
    total.textContent = t('popup_count', String(count));
    box.append(total);
  }
  const plan = document.createElement('p');
  plan.className = 'plan';
  plan.id = `${id}-plan`;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = index === 0 ? 'primary' : 'secondary';
  button.dataset.fix = group.fix;
  button.textContent = t(`popup_fix_${group.fix}`);
  button.setAttribute('aria-describedby', plan.id);
  const result = document.createElement('p');
  result.className = 'result';
  result.setAttribute('role', 'status');
  result.setAttribute('aria-live', 'polite');
  const howto = document.createElement('div');
  howto.id = `${id}-howto`;
  howto.hidden = true;
  box.append(plan, button, howto, result, renderDetails(group, t));

  // Before acting, say exactly what it will do. For clearing, that needs the cookie
  // names: the button waits for them.
  button.disabled = true;
  planFor(group, site)
    .then((text) => {
      plan.textContent = text;
      button.disabled = false;
      if (index === 0 && !focused) {
        focused = true;
        button.focus();
      }
    })
    .catch((error) => {
      plan.textContent = t('popup_fix_failed', String(error?.message ?? error));
    });
  if (group.fix === 'clock' || group.fix === 'proxy') {
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', howto.id);
  }
  button.addEventListener('click', () => {
    button.disabled = true;
    runFix(group, site, howto, button)
      .then((text) => {
        if (text) result.textContent = text;
      })
      .catch((error) => {
        result.textContent = t('popup_fix_failed', String(error?.message ?? error));
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return box;
}

/**
 * The web origins whose sign-in data the fix for `group` clears: each failing request's,
 * and the page's own (an app on one host keeps the tokens for its API on another).
 * @param {Group} group
 */
function originsOf(group) {
  const origins = new Set(group.failures.map((f) => f.origin));
  if (pageUrl) origins.add(pageUrl.origin);
  return [...origins].filter((o) => /^https?:/.test(o));
}

/**
 * The sign-in page set for this site in the DevTools panel's settings (storage.local:
 * never a secret, only URLs by origin), or null: then the fix reloads the page.
 * @param {Group} group
 */
async function signInUrl(group) {
  const stored = /** @type {{settings?: {signIn?: Record<string, string>}}} */ (await api.storage.local.get('settings'));
  const signIn = stored.settings?.signIn ?? {};
  for (const origin of originsOf(group)) {
    const url = signIn[origin];
    if (url && /^https?:\/\//.test(url)) return url;
  }
  return null;
}

/**
 * The cookie names that would be removed (names only: values are never read out).
 * @param {Group} group
 */
async function cookieNames(group) {
  const lists = await Promise.all(originsOf(group).map((o) => siteCookies(o)));
  return [...new Set(lists.flat().map((c) => c.name))];
}

/**
 * What the fix will do, in words, before it is done.
 * @param {Group} group
 * @param {string} site
 */
async function planFor(group, site) {
  const url = group.fix === 'clear_signin' || group.fix === 'sign_in' ? await signInUrl(group) : null;
  const then = url ? t('popup_plan_then_sign_in', url) : t('popup_plan_then_reload');
  switch (group.fix) {
    case 'clear_signin': {
      const names = await cookieNames(group);
      const cookies = names.length ? t('popup_plan_cookies', [String(names.length), names.join(', ')]) : t('popup_plan_no_cookies');
      return t('popup_plan_clear_signin', [cookies, site, then]);
    }
    case 'sign_in':
      return t('popup_plan_sign_in', then);
    case 'reload':
      return t('popup_plan_reload');
    case 'report_admin':
      return t('popup_plan_report_admin', site);
    case 'report_site':
      return t('popup_plan_report_site', site);
    default:
      return t(`popup_plan_${group.fix}`);
  }
}

/**
 * Runs the fix for `group`, and says what was done.
 * @param {Group} group
 * @param {string} site
 * @param {HTMLElement} howto
 * @param {HTMLButtonElement} button
 * @returns {Promise<string>}
 */
async function runFix(group, site, howto, button) {
  switch (group.fix) {
    case 'clear_signin': {
      const removed = new Set();
      for (const origin of originsOf(group)) {
        for (const name of await clearSiteCookies(origin)) removed.add(name);
        // Storage only, not the HTTP cache: the cache holds no sign-in (and Chrome's
        // per-origin cache removal is slow on a large profile).
        await clearSiteStorage(origin, { withCache: false });
      }
      // The page's own local and session storage, from inside it (sitedata.js says why).
      if (pageUrl) await clearPageStorage(tabId);
      const done = t('popup_done_clear_signin', String(removed.size));
      await goToSignIn(group);
      return done;
    }
    case 'sign_in':
      return goToSignIn(group);
    case 'reload':
      await api.tabs.reload(tabId);
      return t('popup_done_reload');
    case 'report_admin':
    case 'report_site':
      return copyReport(site);
    case 'clock':
    case 'proxy': {
      const open = howto.hidden;
      howto.replaceChildren(...(open ? [renderHowTo(group.fix, os, t)] : []));
      howto.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      return '';
    }
    default:
      return '';
  }
}

/** @param {Group} group */
async function goToSignIn(group) {
  const url = await signInUrl(group);
  if (url) {
    await api.tabs.update(tabId, { url });
    return t('popup_done_sign_in');
  }
  await api.tabs.reload(tabId);
  return t('popup_done_reload');
}

// ---- The report for support -----------------------------------------------------------

/**
 * The report, sanitized by the core: the Markdown is made from summaries that hold no
 * secret, and then goes through the same sanitizer as an exported HAR (as the HAR's
 * comment, which it scans for JWTs, known token prefixes and high-entropy runs), so that
 * a secret a server echoed in its words is replaced too (DESIGN.md, Secrets).
 * @param {string} site
 */
async function sanitizedReport(site) {
  const browser = isFirefox ? 'Firefox' : 'Chrome';
  const markdown = reportMarkdown(groups, { site, now: new Date(), browser, t });
  const { loadHarTools } = await import('../shared/core.js');
  const core = await loadHarTools();
  const har = { log: { version: '1.2', creator: { name: 'AuthLens', version: api.runtime.getManifest().version }, entries: [], comment: markdown } };
  const key = crypto.getRandomValues(new Uint32Array(4));
  const clean = JSON.parse(core.sanitizeHar(JSON.stringify(har), false, key));
  const text = clean?.log?.comment;
  if (typeof text !== 'string') throw new Error('the sanitizer returned no report');
  return text;
}

/** @param {string} site */
async function copyReport(site) {
  const text = await sanitizedReport(site);
  const box = /** @type {HTMLTextAreaElement} */ (document.getElementById('report-text'));
  box.value = text;
  try {
    await navigator.clipboard.writeText(text);
    box.hidden = true;
    return t('popup_copied');
  } catch {
    // A popup that lost focus may be refused the clipboard: show the report to copy by hand.
    box.hidden = false;
    box.select();
    return t('popup_copy_failed');
  }
}

document.getElementById('copy-report')?.addEventListener('click', () => {
  const status = /** @type {HTMLElement} */ (document.getElementById('report-result'));
  const site = pageUrl?.hostname ?? current.site ?? '';
  copyReport(site).then(
    (text) => (status.textContent = text),
    (error) => (status.textContent = t('popup_fix_failed', String(error?.message ?? error))),
  );
});

// ---- Links ---------------------------------------------------------------------------

// An extension cannot open DevTools itself: the popup says how.
const devtoolsButton = /** @type {HTMLButtonElement} */ (document.getElementById('devtools'));
const devtoolsHow = /** @type {HTMLElement} */ (document.getElementById('devtools-how'));
devtoolsHow.textContent = t('popup_devtools_how', t(os === 'mac' ? 'popup_devtools_keys_mac' : 'popup_devtools_keys_other'));
devtoolsButton.addEventListener('click', () => {
  devtoolsHow.hidden = !devtoolsHow.hidden;
  devtoolsButton.setAttribute('aria-expanded', String(!devtoolsHow.hidden));
});

render(/** @type {TabFailures | undefined} */ (allSummaries[key]) ?? emptyTab());
api.storage.session.onChanged.addListener((changes) => {
  if (key in changes) render(/** @type {TabFailures | undefined} */ (changes[key].newValue) ?? emptyTab());
});
document.body.dataset.ready = 'true';
// For tools/bench-popup.mjs: when the verdict is in the DOM (docs/performance.md).
performance.mark('authlens-verdict');
