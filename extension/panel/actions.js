// What the user can do about the selected request, and doing it. The actions offered fit
// the findings: each finding's fixes name the action that helps (finding.rs `Action`), the
// top finding's first one is the primary button, and an action no finding asks for is
// not offered ("sign in again" cannot fix a server's CORS configuration). Replay is a
// diagnostic, offered for any request except a CORS preflight (the browser sends those
// itself: replaying one from the page only makes a new request with a new preflight).
import { api, evalInPage, isFirefox } from '../shared/browser.js';
import { t } from '../shared/i18n.js';
import { el } from '../shared/view.js';
import { copyText } from './detail.js';
import { header } from './model.js';

/** @typedef {import('./model.js').Rec} Rec */
/** @typedef {typeof import('../pkg/authlens_engine.js')} Core */
/** @typedef {import('./settings.js').Settings} Settings */
/** @typedef {'sign_in' | 'clear_cookies' | 'clear_storage' | 'clear_cache' | 'replay'} ActionId */

/** Message names may hold only letters, digits and _ (chrome.i18n: a hyphen stops the
 * extension from loading). */
/** @type {Record<string, string>} */
const REPLAY_LABELS = { 'as-sent': 'panel_replay_asSent', 'no-cookies': 'panel_replay_noCookies', 'no-auth': 'panel_replay_noAuth' };

/** The browser actions the panel can run (sync_clock and copy_report are advice). */
const RUNNABLE = new Set(['sign_in', 'clear_cookies', 'clear_storage', 'clear_cache', 'replay']);

/**
 * The actions that fit `rec`, primary first.
 * @param {Rec} rec
 * @returns {ActionId[]}
 */
export function actionsFor(rec) {
  /** @type {ActionId[]} */
  const out = [];
  for (const finding of rec.annotation.findings) {
    for (const fix of finding.fixes) {
      const action = /** @type {ActionId | undefined} */ (fix.action);
      if (action && RUNNABLE.has(action) && !out.includes(action)) out.push(action);
    }
  }
  // Where cookies are the problem, the site's other storage (a token kept in
  // localStorage, a cached sign-in page) is worth clearing too: it sits next to them.
  const cookies = out.indexOf('clear_cookies');
  if (cookies >= 0 && !out.includes('clear_storage') && !out.includes('clear_cache')) out.splice(cookies + 1, 0, 'clear_storage');
  const replayable = rec.annotation.method !== 'OPTIONS';
  if (!replayable) return out.filter((a) => a !== 'replay');
  if (!out.includes('replay')) out.push('replay');
  return out;
}

/**
 * The copies that make sense for `rec`.
 * @param {Rec} rec
 */
export function copiesFor(rec) {
  const copies = ['url', 'curl', 'fetch'];
  if (rec.entry.response.headers.some((h) => h.name.toLowerCase() === rec.annotation.challengeHeader.toLowerCase())) copies.unshift('value');
  return copies;
}

/** Headers fetch() may not set, or that the browser sets itself (Fetch §forbidden header name). */
const FORBIDDEN = /^(:|host$|connection$|content-length$|cookie$|origin$|referer$|user-agent$|accept-encoding$|sec-|proxy-|keep-alive$|te$|trailer$|transfer-encoding$|upgrade$)/i;

/**
 * A URL with the query parameters that carry secrets (RFC 6750 §2.3 access_token, OAuth's
 * code and state) redacted.
 * @param {string} url
 */
export function redactUrl(url) {
  return url.replace(/([?&#](access_token|id_token|refresh_token|code|state|token|client_secret)=)[^&#]*/gi, '$1REDACTED');
}

/**
 * The request's headers with every credential replaced: Authorization keeps its scheme,
 * cookies their names.
 * @param {Rec} rec
 * @returns {[string, string][]}
 */
function redactedHeaders(rec) {
  return rec.entry.request.headers
    .filter((h) => !h.name.startsWith(':'))
    .map((h) => {
      let value = h.value ?? '';
      if (/^(proxy-)?authorization$/i.test(h.name)) value = value.replace(/^(\S+)\s.*$/s, '$1 REDACTED');
      else if (/^cookie$/i.test(h.name)) value = value.split(';').map((c) => c.replace(/=.*$/, '=REDACTED')).join(';');
      else if (/token|key|secret|dpop|csrf|session/i.test(h.name)) value = 'REDACTED';
      return [h.name, value];
    });
}

/**
 * A request body with secret-looking form fields and JSON members redacted.
 * @param {string | undefined} body
 */
function redactBody(body) {
  if (!body) return undefined;
  return body
    .replace(/((?:^|&)(?:password|client_secret|code|refresh_token|access_token|assertion|code_verifier)=)[^&]*/gi, '$1REDACTED')
    .replace(/("(?:password|client_secret|code|refresh_token|access_token|assertion|code_verifier|token)"\s*:\s*)"[^"]*"/gi, '$1"REDACTED"');
}

/** @param {string} s */
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** @param {Rec} rec */
export function redactedCurl(rec) {
  const parts = ['curl', '-i', '-X', rec.entry.request.method, quote(redactUrl(rec.entry.request.url))];
  for (const [name, value] of redactedHeaders(rec)) parts.push('-H', quote(`${name}: ${value}`));
  const body = redactBody(rec.entry.request.postData?.text);
  if (body) parts.push('--data-raw', quote(body));
  return parts.join(' ');
}

/** @param {Rec} rec */
export function redactedFetch(rec) {
  const init = {
    method: rec.entry.request.method,
    headers: Object.fromEntries(redactedHeaders(rec).filter(([name]) => !FORBIDDEN.test(name))),
    body: redactBody(rec.entry.request.postData?.text),
    credentials: 'include',
  };
  return `fetch(${JSON.stringify(redactUrl(rec.entry.request.url))}, ${JSON.stringify(init, null, 2)});`;
}

export class Actions {
  /**
   * @param {{core: Core, settings: Settings, toast: (message: string, kind?: string) => void, exportReport: () => void}} options
   */
  constructor(options) {
    this.o = options;
    this.bar = /** @type {HTMLElement} */ (document.getElementById('actions'));
    this.confirmBox = /** @type {HTMLElement} */ (document.getElementById('confirm'));
    this.preview = /** @type {HTMLElement} */ (document.getElementById('copy-preview'));
    this.result = /** @type {HTMLElement} */ (document.getElementById('action-result'));
    /** @type {(() => Promise<void>) | null} */
    this.pending = null;
    /** @type {Rec | null} */
    this.rec = null;
    document.getElementById('confirm-yes')?.addEventListener('click', () => {
      const action = this.pending;
      this.pending = null;
      this.confirmBox.hidden = true;
      action?.().catch((error) => this.o.toast(String(error), 'error'));
    });
    document.getElementById('confirm-no')?.addEventListener('click', () => {
      this.pending = null;
      this.confirmBox.hidden = true;
    });
  }

  /**
   * Renders the action bar for `rec`.
   * @param {Rec} rec
   */
  show(rec) {
    this.rec = rec;
    this.confirmBox.hidden = true;
    this.preview.hidden = true;
    this.result.textContent = '';
    delete this.result.dataset.status;
    delete this.result.dataset.cleared;
    const actions = actionsFor(rec);
    const buttons = actions.flatMap((action, i) => {
      if (action === 'replay') {
        return ['as-sent', 'no-cookies', 'no-auth'].map((variant) => {
          const b = el('button', t(REPLAY_LABELS[variant]), 'small');
          b.type = 'button';
          b.dataset.replay = variant;
          b.dataset.action = 'replay';
          b.addEventListener('click', () => this.replay(rec, /** @type {any} */ (variant)).catch((e) => this.o.toast(String(e), 'error')));
          return b;
        });
      }
      const b = el('button', t(`panel_action_${action}`), i === 0 ? 'primary' : 'small');
      b.type = 'button';
      b.dataset.action = action;
      b.addEventListener('click', () => this.run(action, rec).catch((e) => this.o.toast(String(e), 'error')));
      return [b];
    });
    if (actions[0] && actions[0] !== 'replay') buttons[0].classList.add('primary');
    const copy = el('select', undefined, 'copy-menu small');
    copy.id = 'copy-as';
    copy.setAttribute('aria-label', t('panel_copyAs'));
    copy.append(new Option(t('panel_copyAs'), ''));
    for (const what of copiesFor(rec)) copy.append(new Option(t(`panel_copy_${what}`), what));
    copy.addEventListener('change', () => {
      const what = copy.value;
      copy.value = '';
      if (what) this.copy(what, rec);
    });
    this.bar.replaceChildren(...buttons, copy);
  }

  /**
   * @param {string} what url, value, curl or fetch
   * @param {Rec} rec
   */
  copy(what, rec) {
    const text =
      what === 'url' ? redactUrl(rec.entry.request.url)
      : what === 'value' ? rec.entry.response.headers.filter((h) => h.name.toLowerCase() === rec.annotation.challengeHeader.toLowerCase()).map((h) => h.value ?? '').join('\n')
      : what === 'curl' ? redactedCurl(rec)
      : redactedFetch(rec);
    // Shown as well as copied: DevTools can deny clipboard access, and the user sees what
    // leaves (redacted).
    this.preview.textContent = text;
    this.preview.dataset.copy = what;
    this.preview.hidden = false;
    copyText(text, this.o.toast);
  }

  /**
   * Asks the background (DevTools pages cannot use the cookies and browsingData APIs).
   * @param {string} type
   * @param {string} url
   * @returns {Promise<any>}
   */
  async background(type, url) {
    const reply = await api.runtime.sendMessage({ type, url });
    if (reply?.error) throw new Error(reply.error);
    return reply;
  }

  /**
   * Every site-data action states its scope and side effects, then waits for Confirm.
   * @param {string} text
   * @param {() => Promise<void>} action
   */
  ask(text, action) {
    /** @type {HTMLElement} */ (document.getElementById('confirm-text')).textContent = text;
    this.confirmBox.hidden = false;
    this.pending = action;
  }

  /**
   * @param {ActionId} action
   * @param {Rec} rec
   */
  async run(action, rec) {
    const url = new URL(rec.annotation.url);
    if (action === 'sign_in') {
      const target = await this.signInUrl(rec);
      if (target) await evalInPage(`location.assign(${JSON.stringify(target)})`).catch(() => {});
      return;
    }
    if (action === 'clear_cookies') {
      const { names } = await this.background('authlens:list-cookies', url.href);
      if (names.length === 0) {
        this.o.toast(t('noCookies'));
        return;
      }
      this.ask(t('confirmCookies', [url.hostname, names.join(', ')]), async () => {
        const { names: removed } = await this.background('authlens:clear-cookies', url.href);
        this.result.dataset.cleared = 'cookies';
        this.result.textContent = t('clearedCookies', [String(removed.length), removed.join(', ')]);
      });
      return;
    }
    // clear_storage and clear_cache: the background clears both (browsingData by origin).
    this.ask(isFirefox ? t('confirmStorageFirefox', url.hostname) : t('confirmStorage', url.origin), async () => {
      const { cleared } = await this.background('authlens:clear-storage', url.href);
      // browsingData cannot clear sessionStorage; the inspected page can, for its own
      // origin. It clears localStorage too: Firefox's browsingData.remove({hostnames},
      // {localStorage}) left the origin's localStorage in place (seen on Firefox ESR 153,
      // tests/e2e/panel.test.mjs).
      await evalInPage(`location.origin === ${JSON.stringify(url.origin)} && (sessionStorage.clear(), localStorage.clear(), true)`).catch(() => {});
      cleared.push('sessionStorage');
      this.result.dataset.cleared = 'storage';
      this.result.textContent = t('clearedStorage', cleared.join(', '));
    });
  }

  /**
   * Replays the request from the page's own context, so that its cookies and origin
   * apply. The variants show which credential matters.
   * @param {Rec} rec
   * @param {'as-sent' | 'no-cookies' | 'no-auth'} variant
   */
  async replay(rec, variant) {
    const { entry } = rec;
    /** @type {Record<string, string>} */
    const headers = {};
    for (const h of entry.request.headers) {
      if (FORBIDDEN.test(h.name) || (variant === 'no-auth' && /^authorization$/i.test(h.name))) continue;
      headers[h.name] = h.value ?? '';
    }
    const init = { method: entry.request.method, headers, credentials: variant === 'no-cookies' ? 'omit' : 'include', body: entry.request.postData?.text, cache: 'no-store' };
    const key = `__authlensReplay${Math.random().toString(36).slice(2)}`;
    this.result.textContent = '…';
    // inspectedWindow.eval does not await promises: start the fetch, then poll its result.
    await evalInPage(`(() => { const k = ${JSON.stringify(key)}; fetch(${JSON.stringify(entry.request.url)}, ${JSON.stringify(init)}).then((r) => { window[k] = String(r.status); }, (e) => { window[k] = 'error: ' + e.message; }); return true; })()`);
    for (let i = 0; i < 100; i++) {
      const result = await evalInPage(`(() => { const v = window[${JSON.stringify(key)}]; if (v !== undefined) delete window[${JSON.stringify(key)}]; return v ?? null; })()`);
      if (result !== null) {
        this.result.dataset.status = String(result);
        this.result.textContent = t('replayResult', [variant, String(result)]);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.result.textContent = t('replayResult', [variant, 'timeout']);
  }

  /**
   * JSON from a metadata URL, on the user's click only (the one kind of request AuthLens
   * makes itself, DESIGN.md "Secrets").
   * @param {string} url
   */
  async metadata(url) {
    const response = await fetch(url, { credentials: 'omit', cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status}`);
    return response.json();
  }

  /**
   * The best sign-in URL known, in this order: the one configured for the site in
   * Settings; the first authorization server of the RFC 9728 protected-resource metadata
   * the challenge points at (§3.2 authorization_servers); Entra's authorization_uri; the
   * token issuer's OpenID Provider (Discovery 1.0 §4, when its configuration answers); the
   * site's root.
   * @param {Rec} rec
   */
  async signInUrl(rec) {
    const { annotation, entry } = rec;
    const configured = this.o.settings.signIn[new URL(annotation.url).origin];
    if (configured) return configured;
    const params = annotation.challenges.challenges.flatMap((c) => c.params);
    const param = (/** @type {string} */ name) => params.find((p) => p.name.toLowerCase() === name)?.value;
    const resourceMetadata = param('resource_metadata');
    if (resourceMetadata && /^https?:\/\//.test(resourceMetadata)) {
      const servers = await this.metadata(resourceMetadata).then((m) => m.authorization_servers, () => null);
      if (Array.isArray(servers) && typeof servers[0] === 'string' && /^https?:\/\//.test(servers[0])) return servers[0];
    }
    const authorizationUri = param('authorization_uri');
    if (authorizationUri && /^https:\/\//.test(authorizationUri)) return authorizationUri;
    const authorization = header(entry, 'authorization');
    const issuer = authorization ? this.o.core.parseAuthorization(authorization, false).token?.claims.iss : undefined;
    if (issuer && /^https:\/\//.test(issuer)) {
      const found = await this.metadata(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`).then((m) => m.issuer, () => null);
      if (typeof found === 'string' && /^https:\/\//.test(found)) return found;
    }
    return `${new URL(annotation.url).origin}/`;
  }
}
