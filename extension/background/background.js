// Background: watches every tab's traffic with webRequest and counts auth failures.
//
// Request headers arrive in onSendHeaders and responses in onCompleted; the two are joined
// by requestId. The joined exchange goes to the core, and only a summary is kept, in
// storage.session: in Chrome this script is a service worker that is stopped when idle,
// and session storage outlives it without ever touching the disk.
import { api, isFirefox, webRequestExtraHeaders } from '../shared/browser.js';
import { loadEngine } from '../shared/core.js';
import { MAX_RECENT, emptyTab, tabKey } from '../shared/summary.js';

/** @typedef {import('../shared/summary.js').TabFailures} TabFailures */
/** @typedef {{name: string, value?: string}} Header */

const ALL_URLS = { urls: ['<all_urls>'] };
/** Bounds the join table if onCompleted never comes (aborted requests, worker restarts). */
const MAX_PENDING = 2000;
const MAX_CHALLENGE_CHARS = 1024;

/**
 * Request headers by requestId, until the response completes. In memory only: they hold
 * credentials, which AuthLens never stores.
 * @type {Map<string, Header[]>}
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
    sentHeaders.set(details.requestId, details.requestHeaders ?? []);
  },
  ALL_URLS,
  /** @type {any} */ (['requestHeaders', ...webRequestExtraHeaders]),
);

api.webRequest.onCompleted.addListener(
  (details) => {
    const requestHeaders = sentHeaders.get(details.requestId) ?? [];
    sentHeaders.delete(details.requestId);
    if (details.tabId < 0) return;
    recordResponse(details, requestHeaders).catch((error) =>
      console.error('AuthLens: could not record a response', error),
    );
  },
  ALL_URLS,
  /** @type {any} */ (['responseHeaders', ...webRequestExtraHeaders]),
);

api.webRequest.onErrorOccurred.addListener((details) => {
  sentHeaders.delete(details.requestId);
}, ALL_URLS);

// A new top-level navigation starts a new count, like the Network panel's log.
api.webRequest.onBeforeRequest.addListener(
  (details) => {
    if (details.tabId < 0) return;
    inspectors.get(details.tabId)?.reset();
    updateTab(details.tabId, () => emptyTab());
  },
  { urls: ['<all_urls>'], types: ['main_frame'] },
);

api.tabs.onRemoved.addListener((tabId) => {
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
  const annotation = inspector.annotateWebRequest({
    method: details.method,
    url: details.url,
    statusCode: details.statusCode,
    requestHeaders,
    responseHeaders: details.responseHeaders ?? [],
    timeStamp: details.timeStamp,
    type: details.type,
  });
  if (!annotation.isAuthFailure) return;
  const url = new URL(details.url);
  const challengeName = annotation.challengeHeader.toLowerCase();
  const challenge = (details.responseHeaders ?? [])
    .filter((h) => h.name.toLowerCase() === challengeName)
    .map((h) => h.value ?? '')
    .join(', ');
  const top = annotation.findings[0];
  const summary = {
    at: details.timeStamp,
    method: details.method,
    origin: url.origin,
    path: url.pathname,
    status: details.statusCode,
    challenge: challenge ? challenge.slice(0, MAX_CHALLENGE_CHARS) : null,
    finding: top ? { code: top.code, title: top.title, likelihood: top.likelihood } : null,
  };
  await updateTab(details.tabId, (tab) => ({
    count: tab.count + 1,
    recent: [summary, ...tab.recent].slice(0, MAX_RECENT),
  }));
}

/** Serialises read-modify-write of storage.session: responses complete concurrently. */
let updates = Promise.resolve();

/**
 * @param {number} tabId
 * @param {(tab: TabFailures) => TabFailures} change
 */
function updateTab(tabId, change) {
  updates = updates
    .then(async () => {
      const key = tabKey(tabId);
      const stored = await api.storage.session.get(key);
      const next = change(/** @type {TabFailures | undefined} */ (stored[key]) ?? emptyTab());
      await api.storage.session.set({ [key]: next });
      await api.action.setBadgeText({ tabId, text: next.count ? String(next.count) : '' });
    })
    .catch((error) => console.error('AuthLens: could not update the tab summary', error));
  return updates;
}

api.action.setBadgeBackgroundColor({ color: '#b91c1c' });

// ---- Site-data actions, on request from the DevTools panel ------------------------------
// DevTools pages cannot use the cookies and browsingData APIs themselves (they get the
// content-script subset of extension APIs), so the panel asks the background.

/**
 * Whether a cookie would be sent to `host` (RFC 6265 §5.1.3 domain match).
 * @param {chrome.cookies.Cookie} cookie
 * @param {string} host
 */
function domainMatches(cookie, host) {
  const domain = cookie.domain.replace(/^\./, '').toLowerCase();
  return host === domain || (!cookie.hostOnly && host.endsWith(`.${domain}`));
}

/**
 * This site's cookies, partitioned ones (CHIPS) included: `partitionKey: {}` asks Chrome
 * for every partition (developer.chrome.com/docs/extensions/reference/api/cookies).
 * @param {string} url
 */
async function siteCookies(url) {
  const host = new URL(url).hostname.toLowerCase();
  /** @type {chrome.cookies.GetAllDetails} */
  const everywhere = isFirefox ? {} : /** @type {any} */ ({ partitionKey: {} });
  const all = await api.cookies.getAll(everywhere);
  return all.filter((cookie) => domainMatches(cookie, host));
}

api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (!message || typeof message.type !== 'string' || !message.type.startsWith('authlens:')) return false;
  handleSiteData(message)
    .then(sendResponse, (error) => sendResponse({ error: String(error) }));
  return true; // the response is sent asynchronously
});

/** @param {{type: string, url: string}} message */
async function handleSiteData(message) {
  const url = new URL(message.url);
  // Only web origins: never another extension's or the browser's own pages.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`not a web URL: ${url.protocol}`);
  if (message.type === 'authlens:list-cookies') {
    return { names: (await siteCookies(url.href)).map((c) => c.name) };
  }
  if (message.type === 'authlens:clear-cookies') {
    const cookies = await siteCookies(url.href);
    for (const cookie of cookies) {
      const scheme = cookie.secure ? 'https' : 'http';
      await api.cookies.remove({
        url: `${scheme}://${cookie.domain.replace(/^\./, '')}${cookie.path}`,
        name: cookie.name,
        storeId: cookie.storeId,
        ...(cookie.partitionKey ? { partitionKey: cookie.partitionKey } : {}),
      });
    }
    return { names: cookies.map((c) => c.name) };
  }
  if (message.type === 'authlens:clear-storage') {
    // Chrome clears by origin; Firefox only by hostname, and cannot clear the cache per
    // site (MDN browsingData.RemovalOptions): it says so in the panel.
    const options = isFirefox ? { hostnames: [url.hostname] } : { origins: /** @type {[string]} */ ([url.origin]) };
    const types = isFirefox
      ? { localStorage: true, indexedDB: true, serviceWorkers: true }
      : { cache: true, cacheStorage: true, localStorage: true, indexedDB: true, serviceWorkers: true, fileSystems: true };
    await api.browsingData.remove(/** @type {any} */ (options), types);
    return { cleared: Object.keys(types) };
  }
  throw new Error(`unknown request ${message.type}`);
}
