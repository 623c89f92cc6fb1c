// The "Verify signature" control for a JWT, shared by the panel's Credentials tab and the
// self-help page (issue #16 item 3). Nothing is checked until the user clicks; the keys
// come from a JWKS seen in the traffic (panel), a pasted JWKS or JWK, or, in the panel
// only, one fetch of the issuer's keys on an explicit click (the one request AuthLens
// makes itself, said on screen). An HS* secret is typed into a masked input, used once,
// and the input is emptied: it is never stored and never stays in the DOM.
//
// Results: valid, or the core's finding (`token.signature_invalid`, `token.key_unknown`,
// the CLI's codes and texts: src/signature.rs), or why it was not checked.
import { el, renderFinding, tr } from './view.js';
import { jwsHeader, parseJwks, pickJwks, verifyJws } from './signature.js';

/** @typedef {import('../pkg/authlens.js').Finding} Finding */
/** @typedef {import('../pkg/authlens.js').SignatureVerdict} SignatureVerdict */
/** @typedef {import('./signature.js').PublicJwk} PublicJwk */

/**
 * @typedef {object} SignatureOptions
 * @property {(verdict: SignatureVerdict, source: string) => Finding | null} signatureFinding the core's
 * @property {string} [source] where the token was (a header name), for the evidence
 * @property {string} [issuer] the token's `iss`
 * @property {() => Promise<{ url: string, keys: PublicJwk[] }[]>} [seenKeys] the JWKS answers in the traffic
 * @property {string | null} [fetchUrl] a JWKS or discovery URL to fetch on request
 * @property {(url: string) => Promise<string>} [fetchText] fetches it (no credentials)
 */

/**
 * @param {string} token the compact JWS
 * @param {SignatureOptions} options
 * @returns {HTMLElement}
 */
export function renderSignatureCheck(token, options) {
  const section = el('section', undefined, 'signature-check');
  section.id = 'signature-check';
  section.append(el('h4', tr('sig_title')), el('p', tr('sig_onRequest'), 'muted'));
  const header = jwsHeader(token);
  const alg = typeof header?.alg === 'string' ? header.alg : '';
  const result = el('div', undefined, 'sig-result');
  result.id = 'sig-result';
  result.setAttribute('aria-live', 'polite');
  const verify = el('button', tr('sig_verify'), 'small');
  verify.type = 'button';
  verify.id = 'sig-verify';
  /** @type {() => Promise<{ keys?: PublicJwk[], secret?: string, from?: string } | string>} */
  let gather;

  if (alg.startsWith('HS')) {
    const label = el('label', tr('sig_secret'));
    const input = el('input');
    input.type = 'password';
    input.id = 'sig-secret';
    input.autocomplete = 'off';
    input.spellcheck = false;
    label.append(' ', input);
    section.append(label, el('p', tr('sig_secretNeverStored'), 'muted'));
    gather = async () => {
      const secret = input.value;
      // Used once: the value leaves the DOM before the check runs.
      input.value = '';
      return secret ? { secret } : tr('sig_secretMissing');
    };
  } else {
    const sources = /** @type {[string, string][]} */ ([]);
    if (options.seenKeys) sources.push(['seen', tr('sig_sourceSeen')]);
    sources.push(['paste', tr('sig_sourcePaste')]);
    if (options.fetchUrl && options.fetchText) sources.push(['fetch', tr('sig_sourceFetch', options.fetchUrl)]);
    const group = el('fieldset', undefined, 'sig-sources');
    group.append(el('legend', tr('sig_keys')));
    for (const [value, text] of sources) {
      const label = el('label');
      const radio = el('input');
      radio.type = 'radio';
      radio.name = 'sig-source';
      radio.value = value;
      radio.checked = value === sources[0][0];
      label.append(radio, ' ', text);
      group.append(label);
    }
    const pasted = el('textarea', undefined, 'sig-jwks');
    pasted.id = 'sig-jwks';
    pasted.rows = 3;
    pasted.placeholder = '{"keys":[…]}';
    pasted.setAttribute('aria-label', tr('sig_sourcePaste'));
    section.append(group, pasted);
    if (options.fetchUrl) {
      const note = el('p', tr('sig_fetchNote'), 'muted');
      note.id = 'sig-fetch-note';
      section.append(note);
    }
    const chosen = () => /** @type {HTMLInputElement | null} */ (group.querySelector('input:checked'))?.value ?? 'paste';
    gather = async () => {
      const source = chosen();
      if (source === 'seen') {
        const picked = pickJwks(header, options.issuer, await (options.seenKeys?.() ?? Promise.resolve([])));
        return picked ? { keys: picked.keys, from: picked.url } : tr('sig_noneSeen');
      }
      if (source === 'fetch' && options.fetchUrl && options.fetchText) {
        let url = options.fetchUrl;
        let text = await options.fetchText(url);
        // Discovery first, then its jwks_uri (OIDC Discovery §3): at most two requests.
        const doc = JSON.parse(text);
        if (doc && typeof doc.jwks_uri === 'string' && !Array.isArray(doc.keys)) {
          url = new URL(doc.jwks_uri, url).href;
          text = await options.fetchText(url);
        }
        return { keys: parseJwks(text), from: url };
      }
      return pasted.value.trim() ? { keys: parseJwks(pasted.value), from: tr('sig_pasted') } : tr('sig_pasteMissing');
    };
  }

  verify.addEventListener('click', async () => {
    result.replaceChildren(el('p', tr('sig_checking'), 'muted'));
    delete result.dataset.status;
    /** @type {SignatureVerdict} */
    let verdict;
    let from = '';
    try {
      const got = await gather();
      if (typeof got === 'string') {
        result.dataset.status = 'unchecked';
        result.replaceChildren(el('p', got, 'problem'));
        return;
      }
      from = got.from ?? '';
      verdict = await verifyJws(token, got);
    } catch (error) {
      result.dataset.status = 'error';
      result.replaceChildren(el('p', tr('sig_error', String(/** @type {Error} */ (error)?.message ?? error)), 'problem'));
      return;
    }
    result.dataset.status = verdict.status;
    if (verdict.status === 'valid') {
      result.replaceChildren(el('p', tr('sig_valid', [verdict.alg, verdict.kid ?? '—', from || '—']), 'sig-valid'));
      return;
    }
    if (verdict.status === 'unchecked') {
      result.replaceChildren(el('p', tr('sig_unchecked', verdict.reason), 'problem'));
      return;
    }
    const finding = options.signatureFinding(verdict, options.source ?? 'Authorization');
    const list = el('ol', undefined, 'findings');
    if (finding) list.append(renderFinding(finding));
    result.replaceChildren(el('p', tr('sig_checkedAgainst', from || '—'), 'muted'), list);
  });
  section.append(verify, result);
  return section;
}
