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
 * @property {FindingSummary | null} finding  the top finding
 * @property {import('./causes.js').Severity} [severity]  for the badge colour (shared/causes.js)
 */

/**
 * The top finding as the popup needs it: the core's own words for end users
 * (`explanation`) and for developers (`detail`, shown only when the details are opened),
 * and the evidence facts (which the core never makes out of a secret: docs/findings.md).
 * All capped in length by the background.
 * @typedef {object} FindingSummary
 * @property {string} code
 * @property {string} title
 * @property {string} likelihood
 * @property {string} [explanation]
 * @property {string} [detail]
 * @property {{source: string, fact: string}[]} [evidence]
 */

/**
 * @typedef {object} TabFailures
 * @property {number} count            auth failures not yet fixed: cleared by a success after them
 *                                     or a navigation to another site (background.js)
 * @property {FailureSummary[]} recent newest first, at most MAX_RECENT
 * @property {string} [site]           the host name of the tab's page when the failures began
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
