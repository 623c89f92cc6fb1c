// From a finding code to what it means for someone who is not a developer: the cause it
// belongs to, who can fix it, and how bad it is. Pure functions, no DOM and no extension
// API, so that the background (badge), the popup and the www page share one table.
//
// A cause groups the finding codes (docs/findings.md) that call for the same advice:
// "your sign-in expired" and "the site ended your session" both want "sign in again".

/**
 * @typedef {'expired' | 'signed_out' | 'refused' | 'not_signed_in' | 'reconfirm' | 'password'
 *   | 'retry' | 'forbidden' | 'clock' | 'proxy' | 'company' | 'site' | 'unknown'} Cause
 */

/**
 * What the primary button does for a cause:
 * - `clear_signin`: remove this site's cookies and stored data, then reload or open the
 *   sign-in page;
 * - `sign_in`: reload or open the sign-in page, nothing removed;
 * - `reload`: reload the page (the browser asks for the password again);
 * - `report_admin` / `report_site`: copy the sanitized report (nothing on this computer
 *   can fix it);
 * - `clock` / `proxy`: show the steps for this computer's system.
 * @typedef {'clear_signin' | 'sign_in' | 'reload' | 'report_admin' | 'report_site' | 'clock' | 'proxy'} FixKind
 */

/**
 * Cause by finding code. Codes not listed fall back by prefix (`fallbackCause`), so a
 * finding added to the core later still gets sensible advice.
 * @type {Record<string, Cause>}
 */
const CAUSE_BY_CODE = {
  'token.expired': 'expired',
  'pattern.expiry_boundary': 'expired',
  'session.cookie_expired': 'expired',
  'status.nonstandard': 'expired', // 419 page expired, 440 login time-out, 498 token invalid
  'oauth.invalid_grant': 'expired', // the sign-in could not be renewed
  'pattern.refresh_race': 'expired',
  'session.cleared_by_server': 'signed_out',
  'session.rejected': 'signed_out',
  'token.rejected': 'refused',
  'auth.missing': 'not_signed_in',
  'pattern.public_page': 'not_signed_in',
  'session.cookie_not_sent': 'not_signed_in',
  'oauth.access_denied': 'not_signed_in',
  'challenge.step_up': 'reconfirm',
  'challenge.claims': 'reconfirm',
  'auth.basic_rejected': 'password',
  'auth.digest_rejected': 'password',
  'challenge.digest_stale': 'retry',
  'status.forbidden': 'forbidden',
  'token.scope_insufficient': 'forbidden',
  'clock.skew': 'clock',
  'token.not_yet_valid': 'clock',
  'status.proxy_auth': 'proxy',
  'challenge.negotiate': 'company',
  // The site's (or its app's) own bugs: nothing the user changes will fix them.
  'auth.malformed': 'site',
  'auth.scheme_mismatch': 'site',
  'auth.basic_invalid': 'site',
  'challenge.missing': 'site',
  'challenge.malformed': 'site',
  'challenge.dpop_nonce': 'site',
  'cors.preflight_unauthorized': 'site',
  'cors.auth_dropped_on_redirect': 'site',
  'cors.credentials_not_included': 'site',
  'cors.challenge_not_exposed': 'site',
  'token.exp_in_millis': 'site',
  'token.id_token_as_access': 'site',
  'token.refresh_token_as_access': 'site',
  'token.audience_mismatch': 'site',
  'token.issuer_suspect': 'site',
  'token.alg_none': 'site',
  // Signature checks run only when asked (issue #16, `--jwks`): a signature the issuer's keys
  // refuse points at the wrong issuer or environment, the site's set-up; a key id the JWKS
  // no longer has is usually a key rotation, which a fresh sign-in fixes.
  'token.signature_invalid': 'site',
  'token.key_unknown': 'refused',
  'token.dpop_bound_as_bearer': 'site',
  // A proof made for another token or request is the app's bug: the user cannot fix it.
  'token.dpop_proof_mismatch': 'site',
  'token.foreign': 'site',
  'token.opaque': 'site',
  'token.encrypted': 'unknown',
  'pattern.after_login': 'site',
  'pattern.env_mismatch': 'site',
  'pattern.retry_storm': 'site',
  'transport.insecure_credentials': 'site',
  'oauth.invalid_client': 'site',
  'oauth.unauthorized_client': 'site',
  'oauth.invalid_scope': 'site',
  'oauth.error': 'site',
  // Sign-in flows (issue #16, src/diagnose/flow.rs): the app's or the provider's setup.
  'oauth.redirect_uri_mismatch': 'site',
  'oauth.state_mismatch': 'site',
  'oauth.pkce_failed': 'site',
  'oauth.implicit_deprecated': 'site',
  'oidc.nonce_mismatch': 'site',
  'oidc.issuer_mismatch': 'site',
  // A request failing after a sign-in flow broke: the broken step is the cause, and
  // every flow code but access_denied is the site's setup.
  'pattern.flow_broken': 'site',
};

/** @param {string} code */
function fallbackCause(code) {
  // Sign-in flow findings (issue #16: oauth.*, oidc.*) are the app's configuration.
  if (code.startsWith('oauth.') || code.startsWith('oidc.') || code.startsWith('cors.')) return 'site';
  if (code.startsWith('session.')) return 'signed_out';
  return 'unknown';
}

/**
 * @param {string | null | undefined} code a finding code, or nothing (no finding)
 * @returns {Cause}
 */
export function causeOf(code) {
  if (!code) return 'unknown';
  return CAUSE_BY_CODE[code] ?? fallbackCause(code);
}

/** @type {Record<Cause, FixKind>} */
const FIX_BY_CAUSE = {
  expired: 'clear_signin',
  signed_out: 'clear_signin',
  refused: 'clear_signin',
  reconfirm: 'sign_in',
  not_signed_in: 'sign_in',
  password: 'reload',
  retry: 'reload',
  forbidden: 'report_admin',
  clock: 'clock',
  proxy: 'proxy',
  company: 'report_admin',
  site: 'report_site',
  unknown: 'report_site',
};

/** @param {Cause} cause */
export function fixOf(cause) {
  return FIX_BY_CAUSE[cause];
}

/**
 * Causes the person at the keyboard can fix themselves (sign in, type the password, set
 * the clock or the proxy). Only these are cleared by a later success on the same site:
 * a working sign-in fixes them, while a 403 or a site bug stays until that request works.
 */
const USER_FIXABLE = new Set(['expired', 'signed_out', 'refused', 'not_signed_in', 'reconfirm', 'password', 'retry', 'clock', 'proxy']);

/** @param {Cause} cause */
export function fixedBySignIn(cause) {
  return USER_FIXABLE.has(cause);
}

/**
 * How bad a failure is, for the badge colour:
 * - `high` (red): the person can and must act to get in (sign in again, clock, proxy);
 * - `medium` (amber): someone else must act (an admin, the site), or a user cause the
 *   core is only guessing at;
 * - `low` (grey): only low-likelihood findings (a Negotiate first leg, an unreadable JWE).
 * @typedef {'high' | 'medium' | 'low'} Severity
 * @param {{code: string, likelihood: string} | null | undefined} finding the top finding
 * @returns {Severity}
 */
export function severityOf(finding) {
  if (!finding || finding.likelihood === 'low') return 'low';
  const cause = causeOf(finding.code);
  if (USER_FIXABLE.has(cause) && cause !== 'password') return 'high';
  return cause === 'password' && finding.likelihood === 'high' ? 'high' : 'medium';
}

const RANK = { high: 2, medium: 1, low: 0 };

/**
 * The worst of several severities (the badge shows one colour per tab).
 * @param {Severity[]} severities
 * @returns {Severity | null}
 */
export function worstSeverity(severities) {
  let worst = /** @type {Severity | null} */ (null);
  for (const s of severities) if (worst === null || RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/**
 * Badge colours by severity; the same hues as the popup's light theme, with white text
 * (contrast ≥ 4.5:1 for the red and the grey, 3:1 large-text for the amber).
 * @type {Record<Severity, string>}
 */
export const BADGE_COLOURS = { high: '#b91c1c', medium: '#b45309', low: '#4b5563' };

/**
 * How far this computer's clock is off, in whole minutes (positive: ahead), from a
 * `clock.skew` finding's evidence: the core states the request start by the client's
 * clock and the server's Date (plus Age), as HTTP dates (src/diagnose/token.rs,
 * clock_skew). Null when the finding does not carry both.
 * @param {{evidence?: {source: string, fact: string}[]} | null | undefined} finding
 */
export function clockSkewMinutes(finding) {
  const evidence = finding?.evidence ?? [];
  const at = (/** @type {RegExp} */ re) => {
    const item = evidence.find((e) => re.test(e.source));
    const ms = item ? Date.parse(item.fact) : NaN;
    return Number.isFinite(ms) ? ms : null;
  };
  const client = at(/client clock/i);
  const server = at(/server clock/i);
  if (client === null || server === null) return null;
  return Math.round((client - server) / 60_000);
}

/**
 * @template {{finding: {code: string, likelihood: string} | null, origin: string}} T
 * @typedef {{cause: Cause, fix: FixKind, severity: Severity, failures: T[], hosts: string[]}} Group
 */

/**
 * Failures grouped by cause, the group to act on first: worst severity, then most
 * failures, then the newest (failures come newest first).
 * @template {{finding: {code: string, likelihood: string} | null, origin: string}} T
 * @param {T[]} failures
 * @returns {Group<T>[]}
 */
export function groupByCause(failures) {
  /** @type {Map<Cause, Group<T>>} */
  const groups = new Map();
  failures.forEach((failure) => {
    const cause = causeOf(failure.finding?.code);
    let group = groups.get(cause);
    if (!group) {
      group = { cause, fix: fixOf(cause), severity: 'low', failures: [], hosts: [] };
      groups.set(cause, group);
    }
    group.failures.push(failure);
    group.severity = /** @type {Severity} */ (worstSeverity([group.severity, severityOf(failure.finding)]));
    const host = hostOf(failure.origin);
    if (!group.hosts.includes(host)) group.hosts.push(host);
  });
  const order = [...groups.values()];
  order.sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.failures.length - a.failures.length);
  return order;
}

/** @param {string} origin */
export function hostOf(origin) {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}
