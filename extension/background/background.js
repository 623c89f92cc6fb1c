// Background: watches every tab's traffic with webRequest and counts auth failures.
//
// Request headers arrive in onSendHeaders and responses in onCompleted; the two are joined
// by requestId. The joined exchange goes to the core, and only a summary is kept, in
// storage.session: in Chrome this script is a service worker that is stopped when idle,
// and session storage outlives it without ever touching the disk.
import { api, webRequestExtraHeaders } from '../shared/browser.js';
import { BADGE_COLOURS, causeOf, fixedBySignIn, severityOf, worstSeverity } from '../shared/causes.js';
import { loadEngine } from '../shared/core.js';
import { clearSiteCookies, clearSiteStorage, siteCookies } from '../shared/sitedata.js';
import { MAX_RECENT, emptyTab, tabKey } from '../shared/summary.js';

/** @typedef {import('../shared/summary.js').TabFailures} TabFailures */
/** @typedef {{name: string, value?: string}} Header */

const ALL_URLS = { urls: ['<all_urls>'] };

/**
 * When each tab last moved to another site (the main-frame request's timeStamp), in memory:
 * responses to requests sent before then belong to the site it left.
 * @type {Map<number, number>}
 */
const siteSince = new Map();

/**
 * Tabs closed in this run of the background: a response that completes, or an update
 * queued, after its tab is gone must not bring its summary back. Tab ids are not reused
 * within a browser session; the set is bounded all the same.
 * @type {Set<number>}
 */
const closedTabs = new Set();
const MAX_CLOSED = 1000;

/** Responses being recorded (for `authlens:state`, which answers once they are done). */
const recordings = new Set();
/** Bounds the join table if onCompleted never comes (aborted requests, worker restarts). */
const MAX_PENDING = 2000;
const MAX_CHALLENGE_CHARS = 1024;
/** The core's texts are short; these caps bound storage.session against hostile servers. */
const MAX_TEXT_CHARS = 600;
const MAX_EVIDENCE = 6;

/**
 * Request headers (and the tab that sent them, and when) by requestId, until the response
 * completes. In memory only: they hold credentials, which AuthLens never stores.
 * @type {Map<string, {tabId: number, at: number, headers: Header[]}>}
 */
const sentHeaders = new Map();

/**
 * One diagnosis session per tab, in memory only (it forgets when Chrome stops the worker,
 * which only costs the cross-request findings of that moment).
 * @type {Map<number, import('../pkg/authlens_engine.js').Inspector>}
 */
const inspectors = new Map();

// Listeners are registered synchronously at the top level, so that Chrome can wake the
// service worker for them (developer.chrome.com, "Migrate to a service worker").
api.webRequest.onSendHeaders.addListener(
  (details) => {
    if (details.tabId < 0) return; // the extension's own pages and other non-tab requests
    if (sentHeaders.size >= MAX_PENDING) {
      const oldest = sentHeaders.keys().next().value;
      if (oldest !== undefined) sentHeaders.delete(oldest);
    }
    sentHeaders.set(details.requestId, { tabId: details.tabId, at: details.timeStamp, headers: details.requestHeaders ?? [] });
  },
  ALL_URLS,
  /** @type {any} */ (['requestHeaders', ...webRequestExtraHeaders]),
);

api.webRequest.onCompleted.addListener(
  (details) => {
    const sent = sentHeaders.get(details.requestId);
    const requestHeaders = sent?.headers ?? [];
    sentHeaders.delete(details.requestId);
    if (details.tabId < 0 || closedTabs.has(details.tabId)) return;
    // A request sent before its tab moved to another site, answered after: a `keepalive`
    // fetch outlives its document (Fetch §4.9), and its 401 is the old site's, not the one
    // the tab shows now (issue #17, "no stale state").
    if (sent && sent.at < (siteSince.get(details.tabId) ?? -Infinity)) return;
    const recording = recordResponse(details, requestHeaders).catch((error) =>
      console.error('AuthLens: could not record a response', error),
    );
    recordings.add(recording);
    recording.finally(() => recordings.delete(recording));
  },
  ALL_URLS,
  /** @type {any} */ (['responseHeaders', ...webRequestExtraHeaders]),
);

api.webRequest.onErrorOccurred.addListener((details) => {
  sentHeaders.delete(details.requestId);
}, ALL_URLS);

// A top-level navigation to another site starts a new count (issue #14: the badge clears
// "on navigation to another site"). A reload or a same-site navigation keeps the failures:
// they are what the person came to the popup about, and a success clears them.
api.webRequest.onBeforeRequest.addListener(
  (details) => {
    if (details.tabId < 0) return;
    const host = hostname(details.url);
    updateTab(details.tabId, (tab) => {
      if (tab.site === host) return tab;
      siteSince.set(details.tabId, details.timeStamp);
      inspectors.get(details.tabId)?.reset();
      return { ...emptyTab(), site: host };
    });
  },
  { urls: ['<all_urls>'], types: ['main_frame'] },
);

/** @param {string} url */
function hostname(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

// Both browsers reset a tab's own badge text and colour when it navigates (MDN
// action.setBadgeText: "reset when the user navigates this tab to a new page"; Chrome
// clears tab-specific action values on navigation). The failures of a same-site
// navigation are kept, so their badge is put back once the new page has loaded.
api.tabs.onUpdated.addListener((tabId, changeInfo) => {
  if (!changeInfo.status) return;
  const key = tabKey(tabId);
  api.storage.session
    .get(key)
    .then((stored) => {
      const tab = /** @type {TabFailures | undefined} */ (stored[key]);
      if (tab?.count) return setBadge(tabId, tab);
    })
    .catch((error) => console.error('AuthLens: could not restore the badge', error));
});

api.tabs.onRemoved.addListener((tabId) => {
  closedTabs.add(tabId);
  if (closedTabs.size > MAX_CLOSED) closedTabs.delete(/** @type {number} */ (closedTabs.values().next().value));
  siteSince.delete(tabId);
  noFailures.delete(tabId);
  inspectors.get(tabId)?.free();
  inspectors.delete(tabId);
  api.storage.session.remove(tabKey(tabId));
});

/**
 * @param {chrome.webRequest.OnCompletedDetails} details
 * @param {Header[]} requestHeaders
 */
async function recordResponse(details, requestHeaders) {
  const core = await loadEngine();
  let inspector = inspectors.get(details.tabId);
  if (!inspector) {
    inspector = new core.Inspector(200);
    inspectors.set(details.tabId, inspector);
  }
  // A brief: the background keeps only the top finding of a failure (issue #17).
  const brief = inspector.observeWebRequest({
    method: details.method,
    url: details.url,
    statusCode: details.statusCode,
    requestHeaders,
    responseHeaders: details.responseHeaders ?? [],
    timeStamp: details.timeStamp,
    type: details.type,
  });
  const url = new URL(details.url);
  if (!brief.isAuthFailure) {
    if (details.statusCode >= 200 && details.statusCode < 300) await recordSuccess(details.tabId, url, requestHeaders);
    return;
  }
  // At once, not when the queued update runs: a success that completes after this
  // failure must not skip the tab as failure-free.
  noFailures.delete(details.tabId);
  const challengeName = brief.challengeHeader.toLowerCase();
  const challenge = (details.responseHeaders ?? [])
    .filter((h) => h.name.toLowerCase() === challengeName)
    .map((h) => h.value ?? '')
    .join(', ');
  const top = brief.top;
  const summary = {
    at: details.timeStamp,
    method: details.method,
    origin: url.origin,
    path: url.pathname,
    status: details.statusCode,
    challenge: challenge ? challenge.slice(0, MAX_CHALLENGE_CHARS) : null,
    finding: top
      ? {
          code: top.code,
          title: cap(top.title),
          likelihood: top.likelihood,
          // The core's words for end users and developers, and its evidence facts: never
          // made out of a secret (docs/findings.md), and capped here.
          explanation: cap(top.explanation),
          detail: cap(top.detail),
          evidence: top.evidence.slice(0, MAX_EVIDENCE).map((e) => ({ source: cap(e.source), fact: cap(e.fact) })),
        }
      : null,
    severity: severityOf(top),
  };
  await updateTab(details.tabId, (tab) => ({
    ...tab,
    site: tab.site ?? url.hostname,
    count: tab.count + 1,
    recent: [summary, ...tab.recent].slice(0, MAX_RECENT),
  }));
}

/** @param {string} text */
function cap(text) {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 1)}…` : text;
}

/**
 * A success after failures fixes them (issue #14, "Badge"):
 * - a 2xx to the same endpoint (method, origin and path) fixes that endpoint's failures,
 *   whatever their cause;
 * - a 2xx to the same origin that carried credentials (Authorization or a Cookie header)
 *   shows the sign-in works again: it fixes that origin's failures whose cause a sign-in
 *   fixes (shared/causes.js), but not a 403 or a bug of the site.
 * @param {number} tabId
 * @param {URL} url
 * @param {Header[]} requestHeaders
 */
async function recordSuccess(tabId, url, requestHeaders) {
  // Most successes are in tabs without failures: skip the storage round trip for those.
  if (noFailures.has(tabId)) return;
  const credentialed = requestHeaders.some((h) => /^(authorization|cookie)$/i.test(h.name));
  await updateTab(tabId, (tab) => {
    if (tab.count === 0) return tab;
    const fixed = tab.recent.filter(
      (f) =>
        f.origin === url.origin &&
        (f.path === url.pathname || (credentialed && fixedBySignIn(causeOf(f.finding?.code)))),
    );
    if (fixed.length === 0) return tab;
    const recent = tab.recent.filter((f) => !fixed.includes(f));
    // `count` may exceed what `recent` holds (MAX_RECENT): with nothing left to show, none.
    return { ...tab, count: recent.length ? Math.max(recent.length, tab.count - fixed.length) : 0, recent };
  });
}

/** Serialises read-modify-write of storage.session: responses complete concurrently. */
let updates = Promise.resolve();

/**
 * Tabs known to have no failure, in memory only: empty after the worker restarts, which
 * only costs one storage read per tab.
 * @type {Set<number>}
 */
const noFailures = new Set();

/**
 * Changes waiting for their tab's next write, oldest first. A burst of failures (a retry
 * storm, issue #17's 1,000 a second) would otherwise cost a storage read, a write and
 * three badge calls each, one after the other: the worker fell seconds behind. Changes
 * that arrive while a write is under way are applied together in the next one, so there
 * is at most one write per tab in flight and none is delayed by a timer (a summary is
 * stored as soon as the previous write ends: nothing waits to be lost if the worker stops).
 * @type {Map<number, ((tab: TabFailures) => TabFailures)[]>}
 */
const pendingChanges = new Map();

/**
 * Applies `change` to the tab's summary in storage.session; resolves once it is stored.
 * @param {number} tabId
 * @param {(tab: TabFailures) => TabFailures} change
 */
function updateTab(tabId, change) {
  const queued = pendingChanges.get(tabId);
  if (queued) {
    // A write for this tab is scheduled and has not started: it takes this change too.
    // `updates` ends after it, since the chain runs in order.
    queued.push(change);
    return updates;
  }
  pendingChanges.set(tabId, [change]);
  updates = updates
    .then(async () => {
      const changes = pendingChanges.get(tabId) ?? [];
      pendingChanges.delete(tabId);
      if (closedTabs.has(tabId)) return;
      const key = tabKey(tabId);
      const stored = await api.storage.session.get(key);
      const current = /** @type {TabFailures | undefined} */ (stored[key]) ?? emptyTab();
      const next = changes.reduce((tab, apply) => apply(tab), current);
      if (next.count === 0) noFailures.add(tabId);
      else noFailures.delete(tabId);
      if (next === current) return;
      await api.storage.session.set({ [key]: next });
      await setBadge(tabId, next);
    })
    .catch((error) => console.error('AuthLens: could not update the tab summary', error));
  return updates;
}

/**
 * The count, coloured by the worst severity among the tab's failures (shared/causes.js).
 * Per tab: Chrome keeps a tab's badge while the service worker is stopped, and drops it
 * when the tab navigates (developer.chrome.com action.setBadgeText, tabId).
 * @param {number} tabId
 * @param {TabFailures} tab
 */
async function setBadge(tabId, tab) {
  const severity = worstSeverity(tab.recent.map((f) => f.severity ?? severityOf(f.finding)));
  await api.action.setBadgeText({ tabId, text: tab.count ? String(tab.count) : '' });
  if (tab.count && severity) {
    await api.action.setBadgeBackgroundColor({ tabId, color: BADGE_COLOURS[severity] });
    // Chrome picks black or white text by itself; Firefox needs it said (MDN
    // action.setBadgeTextColor; Chrome has it since 110 too).
    await api.action.setBadgeTextColor?.({ tabId, color: '#ffffff' });
  }
}

/**
 * What the background holds in memory, by tab id: for the fault tests (issue #17, "a tab
 * closed mid-request leaves no stale state"), which cannot reach a module's scope. Tab ids
 * and counts only, never a header. Answers once the responses being recorded are stored.
 */
async function backgroundState() {
  await Promise.allSettled([...recordings]);
  await updates;
  return {
    pendingTabs: [...sentHeaders.values()].map((s) => s.tabId),
    inspectorTabs: [...inspectors.keys()],
    noFailureTabs: [...noFailures],
  };
}

// ---- Site-data actions, on request from the DevTools panel ------------------------------
// DevTools pages cannot use the cookies and browsingData APIs themselves (they get the
// content-script subset of extension APIs), so the panel asks the background.

api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (!message || typeof message.type !== 'string' || !message.type.startsWith('authlens:')) return false;
  handleSiteData(message)
    .then(sendResponse, (error) => sendResponse({ error: String(error) }));
  return true; // the response is sent asynchronously
});

/** @param {{type: string, url: string}} message */
async function handleSiteData(message) {
  if (message.type === 'authlens:state') return backgroundState();
  if (message.type === 'authlens:list-cookies') {
    return { names: (await siteCookies(message.url)).map((c) => c.name) };
  }
  if (message.type === 'authlens:clear-cookies') {
    return { names: await clearSiteCookies(message.url) };
  }
  if (message.type === 'authlens:clear-storage') {
    return { cleared: await clearSiteStorage(message.url) };
  }
  throw new Error(`unknown request ${message.type}`);
}
