// A site's sign-in data (its cookies and its stored data), listed and removed precisely.
// Shared by the background (on the DevTools panel's request: DevTools pages only get the
// content-script subset of the APIs) and the popup, which calls it directly so that its
// fix works even while Chrome has the service worker stopped.
import { api, isFirefox } from './browser.js';

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
 * Only web origins: never another extension's or the browser's own pages.
 * @param {string} url
 */
function webUrl(url) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`not a web URL: ${parsed.protocol}`);
  return parsed;
}

/**
 * This site's cookies, partitioned ones (CHIPS) included: `partitionKey: {}` asks Chrome
 * for every partition (developer.chrome.com/docs/extensions/reference/api/cookies).
 * Firefox gets no key, as the panel always did (background.js before this module).
 * @param {string} url
 */
export async function siteCookies(url) {
  const host = webUrl(url).hostname.toLowerCase();
  /** @type {chrome.cookies.GetAllDetails} */
  const everywhere = isFirefox ? {} : /** @type {any} */ ({ partitionKey: {} });
  const all = await api.cookies.getAll(everywhere);
  return all.filter((cookie) => domainMatches(cookie, host));
}

/**
 * Removes exactly the cookies `siteCookies` lists. Returns their names (never values).
 * @param {string} url
 */
export async function clearSiteCookies(url) {
  const cookies = await siteCookies(url);
  for (const cookie of cookies) {
    const scheme = cookie.secure ? 'https' : 'http';
    await api.cookies.remove({
      url: `${scheme}://${cookie.domain.replace(/^\./, '')}${cookie.path}`,
      name: cookie.name,
      storeId: cookie.storeId,
      ...(cookie.partitionKey ? { partitionKey: cookie.partitionKey } : {}),
    });
  }
  return cookies.map((c) => c.name);
}

/**
 * The data types `clearSiteStorage` removes. Chrome clears by origin; Firefox only by
 * host name, and cannot clear the HTTP cache of one site (MDN
 * browsingData.RemovalOptions), so `cache` is left out there.
 * @param {boolean} withCache
 */
export function storageTypes(withCache) {
  if (isFirefox) return { localStorage: true, indexedDB: true, serviceWorkers: true };
  return {
    ...(withCache ? { cache: true } : {}),
    cacheStorage: true,
    localStorage: true,
    indexedDB: true,
    serviceWorkers: true,
    fileSystems: true,
  };
}

/**
 * Clears the stored data of `url`'s origin (Firefox: its host name). Never cookies:
 * browsingData's cookie removal in Chrome covers the whole registrable domain
 * (DESIGN.md, "Clearing cookies is wider than one origin"); `clearSiteCookies` is precise.
 * @param {string} url
 * @param {{withCache?: boolean}} [options] the panel's "cache and storage" also clears the HTTP cache
 */
export async function clearSiteStorage(url, { withCache = true } = {}) {
  const parsed = webUrl(url);
  const where = isFirefox ? { hostnames: [parsed.hostname] } : { origins: /** @type {[string]} */ ([parsed.origin]) };
  const types = storageTypes(withCache);
  await api.browsingData.remove(/** @type {any} */ (where), types);
  return Object.keys(types);
}

/**
 * Empties the local and session storage of the page in `tabId`, from inside the page.
 * browsingData cannot do it there: it has no sessionStorage at all, and Firefox's
 * `hostnames` removal leaves a live page's localStorage in place (seen in Firefox ESR
 * 153 with the lab on 127.0.0.1 and localhost: removal by host name returned, and a
 * fresh load still read the old value; removing every site's worked). Top frame only:
 * the page whose sign-in is being cleared.
 * @param {number} tabId
 */
export async function clearPageStorage(tabId) {
  await api.scripting.executeScript({
    target: { tabId },
    func: () => {
      localStorage.clear();
      sessionStorage.clear();
    },
  });
}
