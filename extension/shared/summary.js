// What the background keeps about a tab's auth failures, in storage.session.
// Summaries only: never a header value that could carry a credential (DESIGN.md, Secrets).

/**
 * @typedef {object} FailureSummary
 * @property {number} at          when the response completed (ms since the epoch)
 * @property {string} method
 * @property {string} origin
 * @property {string} path        pathname only: query strings can carry tokens
 * @property {number} status
 * @property {string | null} challenge  the WWW-/Proxy-Authenticate value (server data, not a secret), capped
 * @property {{code: string, title: string, likelihood: string} | null} finding  the top finding
 */

/**
 * @typedef {object} TabFailures
 * @property {number} count            auth failures since the tab's last navigation
 * @property {FailureSummary[]} recent newest first, at most MAX_RECENT
 */

export const MAX_RECENT = 20;

/** @param {number} tabId */
export function tabKey(tabId) {
  return `tab:${tabId}`;
}

/** @returns {TabFailures} */
export function emptyTab() {
  return { count: 0, recent: [] };
}
