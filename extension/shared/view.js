// Rendering helpers shared by the DevTools panel, the popup and the self-help page (www),
// so that a finding, a challenge and a token read and look the same everywhere.
//
// This module imports nothing: www has no extension APIs (no i18n.getMessage), so each
// surface hands in its own translator with setTranslator(). tools/assemble.mjs copies this
// file to dist/www/shared/view.js, where `../pkg/` is the same relative path as in the
// extension builds.
//
// Network data is hostile: text goes in with textContent (and append of strings), never
// innerHTML.

/** @typedef {import('../pkg/authlens.js').Finding} Finding */
/** @typedef {import('../pkg/authlens.js').ChallengeList} ChallengeList */
/** @typedef {import('../pkg/authlens.js').Token} Token */
/** @typedef {(key: string, substitutions?: string | string[]) => string} Translate */

/** @type {Translate} */
let translate = (key) => key;

/**
 * Sets the function that turns a message key (from extension/_locales/en/messages.json,
 * `view_…` keys) into text. The extension passes i18n's `t`; www passes its own.
 * @param {Translate} t
 */
export function setTranslator(t) {
  translate = t;
}

/**
 * A message through the surface's translator (for the other shared views, which must
 * import nothing extension-only either).
 * @type {Translate}
 */
export function tr(key, substitutions) {
  return translate(key, substitutions);
}

/**
 * An element with text (as a text node: never parsed as markup) and a class.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [text]
 * @param {string} [className]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * A challenge list in a few words, for a list cell: each scheme with its error code
 * (RFC 6750 §3.1 `error`, RFC 9449 §7.1) or Digest's `stale` (RFC 7616 §3.3). The full
 * value belongs in a detail view.
 * @param {ChallengeList} list
 * @param {string} headerName WWW-Authenticate or Proxy-Authenticate
 * @returns {string}
 */
export function shortChallenge(list, headerName) {
  if (list.challenges.length === 0) return translate('view_noChallenge', headerName);
  return list.challenges
    .map((challenge) => {
      const error = challenge.params.find((p) => p.name.toLowerCase() === 'error')?.value;
      const stale = challenge.params.find((p) => p.name.toLowerCase() === 'stale')?.value;
      if (error) return `${challenge.scheme} ${error}`;
      if (stale && stale.toLowerCase() === 'true') return `${challenge.scheme} stale`;
      return challenge.scheme;
    })
    .join(', ');
}

/**
 * What a finding's evidence points at: the claim names (`token claim: exp …`), token
 * header fields (`token header: alg …`) and challenge parameters (`WWW-Authenticate:
 * error=invalid_token`). Views highlight these where they show the token or challenge.
 * @param {Finding | undefined} finding
 * @returns {Set<string>} lower-case names
 */
export function faultNames(finding) {
  const names = new Set();
  for (const { source, fact } of finding?.evidence ?? []) {
    const s = source.toLowerCase();
    if (s === 'token claim' || s === 'token header') {
      const name = /^([a-z_]+)/i.exec(fact)?.[1];
      if (name) names.add(name.toLowerCase());
    } else if (/authenticate/.test(s)) {
      for (const match of fact.matchAll(/([a-z_]+)=/gi)) names.add(match[1].toLowerCase());
      if (s.endsWith(' claims')) names.add('claims');
    }
  }
  return names;
}

/**
 * One finding as a card: title and likelihood, the explanation, the evidence (always
 * visible: it is what the diagnosis rests on), the fixes, the developer detail and the
 * governing spec.
 * @param {Finding} finding
 * @param {{rank?: number}} [options]
 */
export function renderFinding(finding, options = {}) {
  const item = el('li', undefined, `finding-card likelihood-${finding.likelihood}`);
  item.dataset.code = finding.code;
  const head = el('div', undefined, 'finding-head');
  if (options.rank !== undefined) head.append(el('span', `${options.rank}.`, 'finding-rank'));
  head.append(el('strong', finding.title, 'finding-title'), el('span', translate(`view_likelihood_${finding.likelihood}`), `badge likelihood-${finding.likelihood}`));
  head.append(el('code', finding.code, 'finding-code'));
  item.append(head, el('p', finding.explanation, 'finding-explanation'));
  if (finding.evidence.length) {
    const evidence = el('dl', undefined, 'evidence');
    for (const e of finding.evidence) evidence.append(el('dt', e.source), el('dd', e.fact));
    item.append(evidence);
  }
  if (finding.fixes.length) {
    const fixes = el('ul', undefined, 'fixes');
    for (const fix of finding.fixes) {
      const li = el('li', fix.text);
      li.append(' ', el('span', translate(`view_effort_${fix.effort}`), `effort effort-${fix.effort}`));
      if (fix.action) li.dataset.action = fix.action;
      fixes.append(li);
    }
    item.append(fixes);
  }
  const more = el('details', undefined, 'finding-detail');
  more.append(el('summary', translate('view_forDevelopers')), el('p', finding.detail));
  const spec = el('a', finding.spec, 'spec');
  spec.href = finding.spec; // a constant from the core, never network data
  spec.target = '_blank';
  spec.rel = 'noopener noreferrer';
  more.append(spec);
  item.append(more);
  return item;
}

/**
 * A finding as plain text (for a copy button): it holds no secret, the core masks its
 * evidence.
 * @param {Finding} finding
 */
export function findingText(finding) {
  return [finding.title, finding.detail, ...finding.evidence.map((e) => `- ${e.source}: ${e.fact}`), finding.spec].join('\n');
}

/**
 * A NumericDate claim (RFC 7519 §2) as a Date. Values above 1e11 are read as milliseconds
 * (a common bug the core reports as token.exp_in_millis).
 * @param {number} value
 */
export function numericDate(value) {
  return new Date(value > 1e11 ? value : value * 1000);
}

/**
 * How far `when` is from `at`, in minutes: "5 min before the request".
 * @param {Date} when
 * @param {number} at ms since the epoch
 */
export function relativeMinutes(when, at) {
  const minutes = Math.round((when.getTime() - at) / 60000);
  return minutes >= 0 ? translate('view_minutesAfter', String(minutes)) : translate('view_minutesBefore', String(-minutes));
}

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

/**
 * A JSON object (a JWT header or payload) laid out as jwt.io does: one member a line,
 * times spelled out, the names at fault highlighted.
 * @param {Record<string, unknown>} object
 * @param {{faults?: Set<string>, at?: number, serverAt?: number, className?: string}} [options]
 */
export function renderJsonObject(object, options = {}) {
  const box = el('div', undefined, `json ${options.className ?? ''}`);
  box.append(el('span', '{', 'json-punct'));
  const entries = Object.entries(object);
  entries.forEach(([name, value], index) => {
    const line = el('div', undefined, 'json-member');
    line.dataset.name = name;
    if (options.faults?.has(name.toLowerCase())) {
      line.classList.add('fault');
      line.dataset.fault = 'true';
    }
    line.append(el('span', JSON.stringify(name), 'json-key'), el('span', ': ', 'json-punct'));
    const text = JSON.stringify(value) ?? 'null';
    line.append(el('span', text, `json-value json-${value === null ? 'null' : typeof value}`));
    if (index < entries.length - 1) line.append(el('span', ',', 'json-punct'));
    const when = typeof value === 'number' ? numericDate(value) : null;
    if (TIME_CLAIMS.has(name) && when && !Number.isNaN(when.getTime()) && options.at !== undefined) {
      let comment = `${when.toISOString()}: ${relativeMinutes(when, options.at)} (${translate('view_clientClock')})`;
      // The server's clock is the one that judged the token (Date header, RFC 9110 §6.6.1).
      if (options.serverAt !== undefined) comment += `; ${relativeMinutes(when, options.serverAt)} (${translate('view_serverClock')})`;
      line.append(el('span', `  // ${comment}`, 'json-comment'));
    }
    box.append(line);
  });
  box.append(el('span', '}', 'json-punct'));
  return box;
}

/**
 * A decoded JWT as jwt.io shows it: header, payload and signature, each in its colour.
 * The signature is never shown (it is what makes the token a credential: the lab's canary
 * check treats it as a secret).
 * @param {Token} token
 * @param {{faults?: Set<string>, at?: number, serverAt?: number}} [options]
 */
export function renderJwt(token, options = {}) {
  const box = el('div', undefined, 'jwt');
  box.dataset.kind = token.kind;
  /** @param {string} label @param {string} part @param {Node} content */
  const section = (label, part, content) => {
    const s = el('section', undefined, `jwt-part jwt-${part}`);
    s.append(el('h4', label), content);
    box.append(s);
  };
  if (token.header) section(translate('view_jwtHeader'), 'header', renderJsonObject(token.header, { faults: options.faults }));
  if (token.payload) section(translate('view_jwtPayload'), 'payload', renderJsonObject(token.payload, options));
  if (token.kind === 'jws' || token.kind === 'unsecured') {
    section(translate('view_jwtSignature'), 'signature', el('p', translate(token.kind === 'unsecured' ? 'view_jwtUnsecured' : 'view_jwtNotVerified')));
  } else if (!token.payload) {
    section(translate('view_jwtOpaque'), 'signature', el('p', translate('view_jwtOpaqueText', [token.kind, String(token.length)])));
  }
  return box;
}
