// The self-help page: one input that takes whatever the user has, tells what it got, and
// answers with a verdict in plain words first, then the developer detail. The AuthLens
// core (Wasm) does all parsing and judgement; this file only draws. Everything pasted is
// hostile and secret: it is rendered with textContent / DOM APIs only (never innerHTML),
// masked, never stored, and never sent (the CSP allows no request off this origin).
import init, {
  annotateHarEntry, diagnoseTranscript, inspectToken, looksLikeTranscript, parseAuthorization,
  parseChallenges, parseSetCookie, signatureFinding,
} from './pkg/authlens.js';
import { detect, KIND_NAMES } from './detect.js';
import { el, findingLink, renderCatalogue } from './guide.js';
// The panel's and the popup's own rendering of a finding (extension/shared/view.js, copied
// next to this page by tools/assemble.mjs): a finding reads the same on every surface.
import { renderFinding, setTranslator } from './shared/view.js';
// The signature check on request (issue #16), the panel's own: WebCrypto in this page,
// keys pasted (this page makes no request: its CSP allows none off this origin).
import { renderSignatureCheck } from './shared/signature-view.js';
// The panel's sign-in flow timeline (issue #16), for the flows of a dropped HAR.
import { renderFlow } from './shared/flow-view.js';

/** @typedef {import('./pkg/authlens.js').Finding} Finding */
/** @typedef {import('./pkg/authlens.js').Token} Token */
/** @typedef {import('./pkg/authlens.js').Problem} Problem */
/** @typedef {'bad' | 'warn' | 'good' | 'info'} Tone */
/** @typedef {{ tone: Tone, headline: string, text?: string, code?: string, fixes?: string[] }} Verdict */

await init({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

/** Texts shared with the extension (param_<name> explains a challenge parameter). */
const messages = /** @type {Record<string, {message: string, placeholders?: Record<string, {content: string}>}>} */ (await fetch('messages.json').then((r) => r.json()).catch(() => ({})));
// chrome.i18n's message format, which www cannot call: `$NAME$` names a placeholder whose
// content is `$1`, `$2`… (the substitutions).
setTranslator((key, substitutions) => {
  const entry = messages[key];
  if (!entry) return key;
  const list = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
  return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name) =>
    (entry.placeholders?.[name.toLowerCase()]?.content ?? '').replace(/\$(\d)/g, (/** @type {string} */ _d, /** @type {string} */ digit) => list[Number(digit) - 1] ?? ''));
});
/** @type {{ findings: { code: string, title: string, explanation: string, fixes: { text: string }[], spec: string }[] }} */
const catalogue = await fetch('findings.json').then((r) => r.json()).catch(() => ({ findings: [] }));
renderCatalogue(/** @type {HTMLElement} */ (document.getElementById('finding-list')), catalogue.findings);

const input = /** @type {HTMLTextAreaElement} */ (document.getElementById('input'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('har-input'));
const detected = /** @type {HTMLElement} */ (document.getElementById('detected'));
const result = /** @type {HTMLElement} */ (document.getElementById('result'));
const verdictBox = /** @type {HTMLElement} */ (document.getElementById('verdict'));
const plain = /** @type {HTMLElement} */ (document.getElementById('plain'));
const developer = /** @type {HTMLElement} */ (document.getElementById('developer'));
const progress = /** @type {HTMLElement} */ (document.getElementById('progress'));
const progressBar = /** @type {HTMLProgressElement} */ (document.getElementById('progress-bar'));
const progressText = /** @type {HTMLElement} */ (document.getElementById('progress-text'));
const overlay = /** @type {HTMLElement} */ (document.getElementById('drop-overlay'));

// ---- small helpers ----------------------------------------------------------------------

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "2 hours ago" / "in 5 minutes", from a difference in seconds (negative: past). */
function when(/** @type {number} */ seconds) {
  const units = /** @type {const} */ ([['year', 31_536_000], ['month', 2_592_000], ['day', 86_400], ['hour', 3_600], ['minute', 60]]);
  for (const [unit, size] of units) {
    // A token made to last an hour, read a few seconds later, still lasts "1 hour".
    if (Math.abs(seconds) >= size * 0.98) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds), 'second');
}

/** @param {number} seconds since the epoch */
function dateText(seconds) {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * A line shown under a problem, with its secret part masked character for character, so
 * that the caret still points at the right column.
 * @param {string} line
 */
function maskLine(line) {
  const secret = /^([<>]\s)?(authorization|proxy-authorization|cookie|set-cookie|dpop)\s*:/i.exec(line);
  if (!secret) return line;
  const rest = line.slice(secret[0].length);
  return line.slice(0, secret[0].length) + (/^set-cookie$/i.test(secret[2]) ? maskSetCookie(rest) : /^cookie$/i.test(secret[2]) ? maskCookie(rest) : maskCredential(rest));
}

/**
 * A request Cookie line with every value masked character for character (the names stay:
 * they are what a problem is about). RFC 6265bis §4.2.1: `name=value; name=value`.
 * @param {string} line
 */
function maskCookie(line) {
  return line.replace(/(=)([^;]*)/g, (_, eq, value) => eq + [...value].map((c, i) => (i < 4 ? c : '•')).join(''));
}

/**
 * Keeps the scheme and the characters a defect is about (spaces, quotes), masks the rest
 * of a credential of 16 characters or more (shorter ones are placeholders, not secrets).
 * @param {string} value
 */
function maskCredential(value) {
  const match = /^(\s*\S+\s+)([\s\S]*)$/.exec(value);
  const [lead, credential] = match ? [match[1], match[2]] : ['', value];
  if (credential.replace(/\s/g, '').length < 16) return value;
  let seen = 0;
  return lead + [...credential].map((c) => (/[\s"'\\]/.test(c) || seen++ < 4 ? c : '•')).join('');
}

/**
 * The line of `text` that holds byte `offset`, with a caret under it (offsets are UTF-8
 * byte positions, the core's unit; columns are characters).
 * @param {string} text
 * @param {number} offset
 * @param {(line: string) => string} mask
 */
function caret(text, offset, mask) {
  const bytes = new TextEncoder().encode(text);
  const before = new TextDecoder().decode(bytes.slice(0, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineNumber = before.split('\n').length;
  const column = [...before.slice(lineStart)].length;
  const end = text.indexOf('\n', before.length);
  const line = text.slice(lineStart, end === -1 ? undefined : end).replace(/\r$/, '');
  return { lineNumber, column: column + 1, node: el('pre', { className: 'caret' }, `${mask(line)}\n${' '.repeat(column)}^`) };
}

/**
 * @param {Problem[]} problems
 * @param {string} text what the offsets point into
 * @param {(line: string) => string} [mask]
 */
function renderProblems(problems, text, mask = (l) => l) {
  const box = el('div', { className: 'problems' });
  for (const problem of problems) {
    const error = problem.severity === 'error';
    const at = caret(text, problem.offset, mask);
    const multiline = text.includes('\n');
    const where = multiline ? `line ${at.lineNumber}, column ${at.column}` : `byte ${problem.offset}`;
    const note = el('p', { className: `problem ${error ? 'error' : 'warning'}` }, `${error ? 'Error' : 'Warning'} at ${where}: ${problem.message}`);
    note.dataset.offset = String(problem.offset);
    note.dataset.severity = problem.severity;
    box.append(note, at.node);
  }
  return box;
}

/**
 * A pane of JSON with a copy button; the text holds no secret (a JWT's header or claims:
 * the signature is never in it).
 * @param {string} title
 * @param {unknown} value
 * @param {string} id
 */
function jsonPane(title, value, id) {
  const text = JSON.stringify(value, null, 2);
  const pre = el('pre', { className: 'json', id }, text);
  const copy = el('button', { type: 'button', className: 'copy' }, 'Copy');
  copy.setAttribute('aria-label', `Copy the ${title.toLowerCase()}`);
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Copy failed';
    }
  });
  return el('div', { className: 'pane' }, el('div', { className: 'pane-head' }, el('h4', {}, title), copy), pre);
}

// ---- the verdict and the two views -------------------------------------------------------

/**
 * @param {Verdict} verdict
 * @param {string} kind what was detected, for tests and styling
 */
function showVerdict(verdict, kind) {
  result.hidden = false;
  result.dataset.kind = kind;
  verdictBox.className = `verdict tone-${verdict.tone}`;
  verdictBox.dataset.tone = verdict.tone;
  if (verdict.code) verdictBox.dataset.code = verdict.code;
  else delete verdictBox.dataset.code;
  const label = { bad: 'Problem', warn: 'Warning', good: 'Looks fine', info: 'Information' }[verdict.tone];
  verdictBox.replaceChildren(el('p', { className: 'verdict-label' }, label), el('p', { className: 'headline' }, verdict.headline));
  if (verdict.text) verdictBox.append(el('p', { className: 'verdict-text' }, verdict.text));
  if (verdict.fixes?.length) {
    verdictBox.append(el('p', { className: 'try' }, 'What to try:'), el('ol', { className: 'fixes' }, ...verdict.fixes.map((f) => el('li', {}, f))));
  }
  if (verdict.code) verdictBox.append(el('p', { className: 'more' }, findingLink(verdict.code, 'Why this happens')));
}

/** Fixes for the person in front of the screen, not for the app's developers. */
function userFixes(/** @type {Finding} */ finding) {
  return finding.fixes.map((f) => f.text).filter((t) => !/^(client|server|developer|api|app)\b[^:]*:/i.test(t));
}

/** @param {Finding[]} findings */
function plainFindings(findings) {
  const list = el('ul', { className: 'plain-findings' });
  for (const finding of findings.slice(0, 3)) {
    const item = el('li', {}, el('span', {}, finding.explanation), ' ', findingLink(finding.code, 'more'));
    item.dataset.code = finding.code;
    list.append(item);
  }
  return list;
}

/** @param {Finding[]} findings */
function developerFindings(findings) {
  const list = el('ol', { className: 'findings' });
  findings.forEach((finding, index) => {
    const card = renderFinding(finding, { rank: index + 1 });
    card.append(el('p', { className: 'guide-link' }, findingLink(finding.code, 'In the guide')));
    list.append(card);
  });
  return el('div', { className: 'dev-findings' }, el('h3', {}, 'Findings, best first'), list);
}

/** @param {'plain' | 'developer'} view */
function setView(view) {
  document.body.dataset.view = view;
  plain.hidden = view !== 'plain';
  developer.hidden = view !== 'developer';
  for (const [id, name] of [['view-plain', 'plain'], ['view-developer', 'developer']]) {
    document.getElementById(id)?.setAttribute('aria-pressed', String(view === name));
  }
}
document.getElementById('view-plain')?.addEventListener('click', () => setView('plain'));
document.getElementById('view-developer')?.addEventListener('click', () => setView('developer'));
setView('plain');

/** @param {Finding} finding */
function verdictOf(finding) {
  /** @type {Tone} */
  const tone = finding.likelihood === 'low' ? 'warn' : 'bad';
  return { tone, headline: finding.explanation, text: finding.likelihood === 'high' ? undefined : 'This is the most likely cause, not a certainty.', code: finding.code, fixes: userFixes(finding) };
}

// ---- credentials: a JWT, a token, an Authorization value ---------------------------------

/** Codes that would only be guesses from the exchange we invent around pasted credentials. */
const NEEDS_A_REAL_EXCHANGE = /^(token\.rejected|token\.audience_mismatch|token\.issuer_suspect|token\.foreign|auth\.scheme_mismatch|auth\.basic_rejected|auth\.missing|challenge\.|status\.|pattern\.|session\.|cors\.|clock\.)/;

/**
 * Findings about the credentials alone: the core judges them as if a server had just
 * refused them (now, by this computer's clock), and guesses about the server are dropped.
 * @param {string} authorization
 */
function credentialFindings(authorization) {
  const annotation = annotateHarEntry({
    startedDateTime: new Date().toISOString(),
    request: { method: 'GET', url: 'https://api.invalid/', headers: [{ name: 'Authorization', value: authorization }] },
    response: { status: 401, headers: [] },
  });
  return annotation.findings.filter((f) => !NEEDS_A_REAL_EXCHANGE.test(f.code));
}

/**
 * The verdict on a token by its time claims, in this computer's clock.
 * @param {Token} token
 * @param {Finding[]} findings
 * @returns {Verdict | null}
 */
function timeVerdict(token, findings) {
  const now = Date.now() / 1000;
  const exp = token.claims.exp?.seconds;
  const nbf = token.claims.nbf?.seconds;
  const expired = findings.find((f) => f.code === 'token.expired');
  if (expired && exp !== undefined) {
    return { tone: 'bad', headline: `Your token expired ${when(exp - now)}.`, text: expired.explanation, code: expired.code, fixes: userFixes(expired) };
  }
  const early = findings.find((f) => f.code === 'token.not_yet_valid');
  if (early && nbf !== undefined) {
    return { tone: 'bad', headline: `Your token is not valid yet: it starts ${when(nbf - now)}.`, text: early.explanation, code: early.code, fixes: userFixes(early) };
  }
  return null;
}

/**
 * @param {Token} token
 * @param {HTMLElement} box
 */
function tokenDetail(token, box) {
  box.append(el('h3', {}, `Token: ${token.kind.toUpperCase()}${token.format ? ` (${token.format})` : ''}`));
  const use = token.usage.kind === 'unknown'
    ? 'What it is for (access, ID or refresh) cannot be told from its claims.'
    : `Looks like ${token.usage.kind === 'id' ? 'an ID' : `a${token.usage.kind === 'access' ? 'n' : ''} ${token.usage.kind.replace('_', ' ')}`} token${token.usage.evidence.length ? ` (${token.usage.evidence.join('; ')})` : ''}.`;
  box.append(el('p', {}, `${use} ${token.length} characters; the signature is not shown and was not verified.`));
  const panes = el('div', { className: 'panes' });
  if (token.header) panes.append(jsonPane('Header', token.header, 'jwt-header'));
  if (token.payload) panes.append(jsonPane('Payload', token.payload, 'jwt-payload'));
  if (panes.childElementCount) box.append(panes);
  const now = Date.now() / 1000;
  const times = /** @type {const} */ ([['exp', 'Expires'], ['nbf', 'Not before'], ['iat', 'Issued']]);
  const rows = times.flatMap(([claim, label]) => {
    const time = token.claims[claim];
    if (!time) return [];
    return [el('dt', {}, `${label} (${claim})`), el('dd', {}, `${dateText(time.seconds)}, ${when(time.seconds - now)} by this computer's clock${time.millis ? ' (written in milliseconds, not seconds)' : ''}`)];
  });
  if (rows.length) box.append(el('dl', { className: 'claims' }, ...rows));
}

/**
 * @param {string} authorization the full Authorization value
 * @param {string} shown what the user pasted, for positions
 * @param {string} kind
 */
function showCredentials(authorization, shown, kind) {
  const parsed = parseAuthorization(authorization, false);
  const findings = credentialFindings(authorization);
  const token = parsed.token ?? null;
  /** @type {Verdict} */
  let verdict;
  const timed = token ? timeVerdict(token, findings) : null;
  if (timed) verdict = timed;
  else if (findings[0]) verdict = verdictOf(findings[0]);
  else if (token && token.kind === 'invalid') verdict = { tone: 'bad', headline: 'This token cannot be read.', text: 'It looks like a token but is damaged: part of it may be missing from the copy.' };
  else if (token?.claims.exp) {
    verdict = { tone: 'good', headline: `This token is valid until ${dateText(token.claims.exp.seconds)} (${when(token.claims.exp.seconds - Date.now() / 1000)}).`, text: 'Nothing is wrong with it on its face. If a server still refuses it, the reason is on the server\'s side (it was revoked, or it is meant for another service): paste the whole exchange (curl -v) to see.' };
  } else if (parsed.basic) {
    verdict = { tone: 'info', headline: `A user name and password, for the user "${parsed.basic.user}".`, text: 'They are well formed. If they are refused, the password or the user name is wrong, or the account is locked.' };
  } else {
    verdict = { tone: 'info', headline: `${parsed.scheme || 'These'} credentials are well formed.`, text: 'Only the server that issued them can tell whether they are still valid.' };
  }
  showVerdict(verdict, kind);
  plain.replaceChildren();
  if (findings.length > 1) plain.append(el('p', {}, 'Also worth knowing:'), plainFindings(findings.slice(1)));
  plain.append(el('p', { className: 'note' }, 'Your token is shown masked and was not sent anywhere.'));

  developer.replaceChildren();
  developer.append(el('h3', {}, 'What was sent'));
  const facts = [el('dt', {}, 'Scheme'), el('dd', {}, parsed.scheme || '(none)')];
  if (parsed.token68) facts.push(el('dt', {}, 'Credentials'), el('dd', { className: 'masked' }, parsed.token68));
  if (parsed.basic) facts.push(el('dt', {}, 'User'), el('dd', {}, parsed.basic.user), el('dt', {}, 'Password'), el('dd', { className: 'masked' }, parsed.basic.password));
  for (const param of parsed.params) facts.push(el('dt', {}, param.name), el('dd', {}, param.value));
  developer.append(el('dl', { className: 'facts' }, ...facts));
  const offset = authorization.length - shown.length;
  if (parsed.defects.length) {
    developer.append(el('h3', {}, 'Mistakes in the value, at their positions'));
    for (const defect of parsed.defects) {
      const at = Math.max(0, defect.offset - new TextEncoder().encode(authorization.slice(0, offset)).length);
      const note = el('p', { className: 'problem error' }, `At byte ${at}: ${defect.message}`);
      note.dataset.defect = defect.kind;
      developer.append(note, caret(shown, at, maskCredential).node);
    }
  }
  if (parsed.problems.length) developer.append(renderProblems(parsed.problems.map((p) => ({ ...p, offset: Math.max(0, p.offset - offset) })), shown, maskCredential));
  if (token) tokenDetail(token, developer);
  if (token?.kind === 'jws') {
    developer.append(renderSignatureCheck(authorization.trim().replace(/^\S+\s+/, '').trim(), { signatureFinding, source: 'Authorization' }));
  }
  if (findings.length) developer.append(developerFindings(findings));
}

// ---- challenges ----------------------------------------------------------------------------

/**
 * @param {import('./pkg/authlens.js').Challenge} challenge
 * @param {boolean} proxy
 * @returns {Verdict}
 */
function challengeVerdict(challenge, proxy) {
  const d = /** @type {Record<string, any>} */ (challenge.details ?? { type: 'other' });
  const who = proxy ? 'A proxy on your network' : 'The server';
  const said = typeof d.error_description === 'string' ? `It says: "${d.error_description}".` : undefined;
  if (d.error === 'invalid_token') return { tone: 'bad', headline: `${who} refused the token it was given.`, text: said ?? 'It is expired, revoked, or meant for another service. Signing in again gets a new one.', fixes: ['Sign out and sign in again.'] };
  if (d.error === 'insufficient_scope') return { tone: 'bad', headline: 'You are signed in, but your sign-in lacks a permission this needs.', text: said ?? (Array.isArray(d.scope) ? `It needs: ${d.scope.join(', ')}.` : undefined), fixes: ['Sign in again and accept the permissions asked for, or ask an administrator for access.'] };
  if (d.error === 'invalid_request') return { tone: 'bad', headline: 'The app sent a malformed request.', text: said ?? 'This is a bug in the app, not something you did.' };
  if (typeof d.error === 'string') return { tone: 'bad', headline: `${who} refused the sign-in (${d.error}).`, text: said };
  if (d.acr_values !== undefined || d.max_age !== undefined) return { tone: 'warn', headline: `${who} wants a stronger or more recent sign-in, for example with a second factor.`, fixes: ['Sign in again, with your second factor if asked.'] };
  if (d.type === 'digest' && d.stale === true) return { tone: 'info', headline: 'Your password was right, but the request was too old.', text: 'Retrying gives a fresh one; browsers do this by themselves.' };
  const realm = typeof d.realm === 'string' ? ` for "${d.realm}"` : '';
  if (d.type === 'basic' || d.type === 'digest') return { tone: 'info', headline: `${who} asks for a user name and password${realm}.`, text: 'No valid password came with the request, or the one that came was wrong.' };
  if (d.type === 'negotiate' || d.type === 'ntlm') return { tone: 'info', headline: `${who} wants Windows (Kerberos or NTLM) sign-in.`, text: 'Your computer signs you in by itself when it is on the company network and the site is trusted for it.' };
  if (d.type === 'bearer' || d.type === 'dpop') return { tone: 'info', headline: `${who} wants a sign-in token${realm}, and none came with the request.`, text: 'Sign in to the app first. If you are signed in, the app did not send your sign-in: sign out and in again.', fixes: ['Sign out and sign in again.'] };
  return { tone: 'info', headline: `${who} asks you to sign in with ${challenge.scheme}${realm}.` };
}

/**
 * @param {import('./pkg/authlens.js').ChallengeList} list
 * @param {HTMLElement} box
 */
function challengeDetail(list, box) {
  for (const challenge of list.challenges) {
    const card = el('div', { className: 'challenge' }, el('h3', { className: 'scheme' }, challenge.scheme));
    card.dataset.scheme = challenge.scheme;
    if (challenge.token68 !== null) card.append(el('p', {}, 'token68: ', el('code', {}, challenge.token68)));
    if (challenge.params.length) {
      const rows = challenge.params.map((param) => {
        const row = el('tr', {}, el('th', { scope: 'row' }, param.name), el('td', {}, el('code', {}, param.value)), el('td', {}, messages[`param_${param.name.toLowerCase()}`]?.message ?? 'Not a parameter AuthLens knows: the server\'s own.'));
        row.dataset.param = param.name;
        return row;
      });
      card.append(el('div', { className: 'table-wrap' }, el('table', { className: 'params' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Parameter'), el('th', { scope: 'col' }, 'Value'), el('th', { scope: 'col' }, 'What it means'))),
        el('tbody', {}, ...rows))));
    }
    box.append(card);
  }
}

/** @param {{ value: string, proxy?: boolean }} found */
function showChallenge(found) {
  const lines = found.value.split(/\r?\n/).filter((l) => l.trim());
  const parsed = lines.map((line) => ({ line, list: parseChallenges(line) }));
  const first = parsed.flatMap((p) => p.list.challenges)[0];
  const errors = parsed.flatMap((p) => p.list.problems).filter((p) => p.severity === 'error');
  /** @type {Verdict} */
  const verdict = first
    ? challengeVerdict(first, Boolean(found.proxy))
    : { tone: 'bad', headline: 'This challenge cannot be read.', text: 'The header is malformed: the developer detail shows where.' };
  if (first && errors.length) verdict.text = `${verdict.text ?? ''} The header also has mistakes in it (see the developer detail).`.trim();
  showVerdict(verdict, 'challenge');
  plain.replaceChildren(el('p', {}, 'This is what the server asks for when it answers 401. ', el('a', { href: '#www-authenticate' }, 'How to read it')));
  developer.replaceChildren();
  for (const { line, list } of parsed) {
    challengeDetail(list, developer);
    if (list.problems.length) developer.append(renderProblems(list.problems, line));
  }
}

// ---- Set-Cookie --------------------------------------------------------------------------

/**
 * A Set-Cookie value with its cookie value masked character for character.
 * @param {string} line
 */
function maskSetCookie(line) {
  return line.replace(/^([^=;]*=)([^;]*)/, (_, name, value) => name + [...value].map((c, i) => (i < 4 ? c : '•')).join(''));
}

/** @param {string} value */
function showSetCookie(value) {
  const cookie = parseSetCookie(value, false);
  const now = Date.now() / 1000;
  const deletes = (cookie.max_age !== null && cookie.max_age <= 0) || (cookie.max_age === null && cookie.expires !== null && cookie.expires <= now);
  const refusal = cookie.problems.find((p) => p.severity === 'error');
  /** @type {Verdict} */
  let verdict;
  if (cookie.rejected) verdict = { tone: 'bad', headline: `Your browser will refuse the cookie "${cookie.name}".`, text: refusal ? `${refusal.message}.` : undefined };
  else if (deletes) verdict = { tone: 'warn', headline: `This signs you out: it deletes the cookie "${cookie.name}".`, text: 'A server sends this when a session ends. If it comes right after signing in, the server is ending the session it just started.' };
  else {
    const lasts = cookie.max_age !== null ? `for ${when(cookie.max_age).replace(/^in /, '')}` : cookie.expires !== null ? `until ${dateText(cookie.expires)}` : 'until the browser is closed';
    verdict = { tone: 'good', headline: `Your browser will store the cookie "${cookie.name}" ${lasts}.`, text: cookie.same_site === 'Strict' ? 'It is SameSite=Strict: it is not sent when you arrive from another site, which can look like being signed out.' : undefined };
  }
  showVerdict(verdict, 'set-cookie');
  plain.replaceChildren(el('p', { className: 'note' }, 'The cookie\'s value is masked and was not sent anywhere.'));
  const facts = [
    ['Name', cookie.name], ['Value', cookie.value], ['Domain', cookie.domain ?? '(this host only)'], ['Path', cookie.path ?? '(the page\'s folder)'],
    ['Secure', String(cookie.secure)], ['HttpOnly', String(cookie.http_only)], ['SameSite', cookie.same_site ?? '(not set: Lax in Chromium)'],
    ['Partitioned', String(cookie.partitioned)],
  ];
  if (cookie.expires !== null) facts.push(['Expires', dateText(cookie.expires)]);
  if (cookie.max_age !== null) facts.push(['Max-Age', `${cookie.max_age} s`]);
  developer.replaceChildren(el('h3', {}, 'The cookie as a browser reads it'), el('dl', { className: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
  if (cookie.problems.length) developer.append(renderProblems(cookie.problems, value, maskSetCookie));
}

// ---- transcripts ---------------------------------------------------------------------------

/** @param {string} text */
function showTranscript(text) {
  const report = diagnoseTranscript(text, Date.now());
  const { annotation } = report;
  const kindName = { curl_verbose: 'curl -v output', curl_include: 'curl -i output', raw: 'a raw HTTP message' }[report.kind];
  const parts = report.hasRequest && report.hasResponse ? 'the request and its response, read as one exchange' : report.hasResponse ? 'a response without its request' : 'a request without its response';
  detected.textContent = `Got ${KIND_NAMES.transcript}: ${kindName}, ${parts}.`;
  // Without the request, "nothing was sent" is unknowable: drop what rests on it.
  const findings = report.hasRequest ? annotation.findings : annotation.findings.filter((f) => f.code !== 'auth.missing');
  /** @type {Verdict} */
  let verdict;
  if (!report.hasResponse) verdict = { tone: 'info', headline: 'This is only the request: paste the response too.', text: 'curl -v prints both; with only the request, AuthLens can judge the credentials but not the answer.' };
  else if (findings[0]) {
    verdict = verdictOf(findings[0]);
    const exp = report.credentials?.token?.claims.exp?.seconds;
    if (findings[0].code === 'token.expired' && exp !== undefined) verdict.headline = `Your token had expired: ${findings[0].title.replace(/^The token expired/, 'it ran out')}.`;
  } else if (annotation.isAuthFailure) {
    verdict = { tone: 'warn', headline: `The server refused the request (${annotation.status}) without saying why.` };
  } else {
    verdict = { tone: 'good', headline: `The server answered ${annotation.status}: this is not a sign-in failure.` };
  }
  showVerdict(verdict, 'transcript');
  plain.replaceChildren();
  if (!report.hasRequest) plain.append(el('p', { className: 'note' }, 'The request is not in this transcript, so what was sent is unknown. curl -v shows both.'));
  if (findings.length > 1) plain.append(el('p', {}, 'Also worth knowing:'), plainFindings(findings.slice(1)));

  developer.replaceChildren(el('h3', {}, `The exchange (from ${kindName})`),
    el('p', { className: 'exchange-line' }, el('code', {}, `${annotation.method} ${annotation.url || '(no URL)'} → ${annotation.status || 'no response'}`)));
  if (report.problems.length) developer.append(el('h3', {}, 'Problems in the transcript'), renderProblems(report.problems, text, maskLine));
  if (annotation.challenges.challenges.length) {
    developer.append(el('h3', {}, `${annotation.challengeHeader}`));
    challengeDetail(annotation.challenges, developer);
  }
  const credentials = report.credentials;
  if (credentials) {
    const facts = [el('dt', {}, 'Scheme'), el('dd', {}, credentials.scheme)];
    if (credentials.token68) facts.push(el('dt', {}, 'Credentials'), el('dd', { className: 'masked' }, credentials.token68));
    if (credentials.basic) facts.push(el('dt', {}, 'User'), el('dd', {}, credentials.basic.user));
    developer.append(el('h3', {}, 'What was sent'), el('dl', { className: 'facts' }, ...facts));
    for (const defect of credentials.defects) {
      const note = el('p', { className: 'problem error' }, `In the Authorization value, at byte ${defect.offset}: ${defect.message}`);
      note.dataset.defect = defect.kind;
      developer.append(note);
    }
    if (credentials.token) tokenDetail(credentials.token, developer);
  }
  if (findings.length) developer.append(developerFindings(findings));
}

// ---- HAR files: read and diagnosed in a worker ---------------------------------------------

/** @type {Worker | null} */
let worker = null;
/** @type {((message: any) => void) | null} */
let onDownload = null;

function harWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./har-worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'progress') {
      progress.hidden = false;
      const total = message.total || 1;
      progressBar.max = 1;
      progressBar.value = message.done / total;
      const percent = Math.round((100 * message.done) / total);
      progressText.textContent = `${message.phase === 'read' ? 'Reading' : 'Diagnosing'} ${(message.done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB (${percent}%)`;
      document.body.dataset.progress = message.phase;
    } else if (message.type === 'report') {
      progress.hidden = true;
      showHarReport(message.report, message.bytes);
    } else if (message.type === 'download') {
      onDownload?.(message);
    } else if (message.type === 'error') {
      progress.hidden = true;
      if (message.phase === 'diagnose') showWrongFile(message.message);
      else onDownload?.(message);
    }
  });
  return worker;
}

let harName = 'har';

/** @param {File} file */
function analyseFile(file) {
  input.value = '';
  harName = file.name.replace(/\.(har|json)$/i, '') || 'har';
  detected.textContent = `Got ${KIND_NAMES.har}: ${file.name} (${(file.size / 1e6).toFixed(1)} MB). Reading it here…`;
  detected.dataset.kind = 'har';
  if (file.size === 0) {
    showWrongFile('the file is empty (0 bytes)');
    return;
  }
  harWorker().postMessage({ type: 'diagnose', file, name: harName });
}

/** @param {string} technical the core's own words */
function showWrongFile(technical) {
  showVerdict({
    tone: 'bad',
    headline: 'This file is not a HAR file AuthLens can read.',
    text: 'A HAR file is what the browser\'s Network panel saves with "Export HAR" or "Save all as HAR" (see below how). If you saved one, it may have been cut short while saving: save it again.',
  }, 'wrong-file');
  const detail = el('details', { className: 'technical', open: true }, el('summary', {}, 'Technical detail'), el('p', { className: 'technical-text' }, technical));
  plain.replaceChildren(el('p', {}, el('a', { href: '#export-har' }, 'How to save a HAR file')));
  developer.replaceChildren(detail);
  plain.append(detail.cloneNode(true));
}

/**
 * @param {import('./pkg/authlens.js').HarReport} report
 * @param {number} bytes
 */
function showHarReport(report, bytes) {
  const { summary } = report;
  detected.textContent = `Got ${KIND_NAMES.har}: ${summary.entries} requests, ${(bytes / 1e6).toFixed(1)} MB, read in this page.`;
  const byCode = new Map(report.entries.map((e) => [e.findings[0]?.code, e.findings[0]]));
  // Most frequent first; between equals, the core's stronger explanation (its score).
  const causes = Object.entries(summary.top_causes)
    .sort((a, b) => b[1] - a[1] || (byCode.get(b[0])?.score ?? 0) - (byCode.get(a[0])?.score ?? 0) || a[0].localeCompare(b[0]));
  if (summary.entries === 0) {
    showVerdict({ tone: 'warn', headline: 'This HAR file holds no requests.', text: 'The recording was probably not on, or was cleared before saving. Record again with "Preserve log" ticked.' }, 'har');
  } else if (summary.failures === 0) {
    showVerdict({ tone: 'good', headline: `None of the ${summary.entries} requests failed to sign in.`, text: 'The problem did not happen while recording, or it is not a sign-in problem.' }, 'har');
  } else {
    const top = byCode.get(causes[0]?.[0]);
    showVerdict({
      tone: 'bad',
      headline: `${summary.failures} of ${summary.entries} requests failed to sign in.`,
      text: top ? `${causes[0][1] > (causes[1]?.[1] ?? 0) ? 'The most common cause' : 'The likeliest cause'}: ${top.explanation}` : undefined,
      code: top?.code,
      fixes: top ? userFixes(top) : [],
    }, 'har');
  }
  const downloads = el('div', { className: 'downloads' },
    downloadButton('download-sanitized', 'Download a sanitized HAR to share', 'sanitize'),
    downloadButton('download-report', 'Download the report (Markdown)', 'markdown'));

  // Plain words: the top causes, each once, with how often.
  const top = el('ol', { className: 'top-causes', id: 'top-causes' });
  for (const [code, count] of causes.slice(0, 5)) {
    const finding = byCode.get(code);
    const item = el('li', {}, el('b', {}, `${count} × `), finding?.explanation ?? code, ' ', findingLink(code, 'more'));
    item.dataset.code = code;
    top.append(item);
  }
  plain.replaceChildren();
  if (causes.length) plain.append(el('h3', {}, 'Top causes'), top);
  plain.append(downloads, el('p', { className: 'note' }, 'Share only the sanitized copy: the original file holds your sign-in secrets.'));

  // Developer detail: failures grouped by cause, a timeline, hosts.
  developer.replaceChildren(el('h3', {}, 'Failures by cause'));
  for (const [code, count] of causes) {
    const entries = report.entries.filter((e) => e.findings[0]?.code === code);
    const group = el('details', { className: 'group' }, el('summary', {}, el('code', {}, code), ` ${count} failure${count === 1 ? '' : 's'}: ${byCode.get(code)?.title ?? ''}`));
    group.dataset.code = code;
    group.append(el('ul', {}, ...entries.slice(0, 200).map((e) => el('li', {}, el('code', {}, `#${e.index} ${e.status} ${e.method} ${e.url}`), e.started ? ` at ${new Date(e.started).toLocaleTimeString('en')}` : ''))));
    if (entries.length > 200) group.append(el('p', {}, `and ${entries.length - 200} more (in the report).`));
    developer.append(group);
  }
  developer.append(timeline(report));
  const flows = signInFlows(report);
  if (flows) developer.append(flows);
  const broken = report.summary.flows.filter((f) => f.broken);
  if (broken.length) {
    plain.append(el('p', { className: 'flow-note' }, `${broken.length === 1 ? 'A sign-in' : `${broken.length} sign-ins`} broke while recording: ${broken.map((f) => f.broken?.title).join('; ')}. The developer view shows each step.`));
  }
  const hosts = Object.entries(summary.hosts).sort((a, b) => b[1] - a[1]);
  if (hosts.length) developer.append(el('h3', {}, 'Failures by host'), el('dl', { className: 'facts' }, ...hosts.slice(0, 20).flatMap(([h, n]) => [el('dt', {}, h), el('dd', {}, String(n))])));
  developer.append(downloads.cloneNode(true));
  for (const button of developer.querySelectorAll('button[data-action]')) wireDownload(/** @type {HTMLButtonElement} */ (button));
}

/**
 * The HAR's sign-in flows as the panel's timeline shows them (shared/flow-view.js), the
 * broken step highlighted, with its finding in full. The report keeps each step as [entry
 * index, kind, status]; the method and URL come from the report's entries (failures
 * only), so a healthy step shows its kind and status.
 * @param {import('./pkg/authlens.js').HarReport} report
 */
function signInFlows(report) {
  if (!report.summary.flows.length) return null;
  const byIndex = new Map(report.entries.map((e) => [e.index, e]));
  const box = el('section', { className: 'sign-in-flows', id: 'sign-in-flows' }, el('h3', {}, 'Sign-in flows'));
  for (const flow of report.summary.flows.slice(0, 20)) {
    /** @type {import('./pkg/authlens.js').Flow} */
    const view = {
      id: flow.id, client_id: flow.client_id, issuer: flow.issuer, grant: flow.grant, broken: flow.broken,
      steps: flow.steps.map(([index, kind, status]) => {
        const entry = byIndex.get(index);
        return { index, kind, status, method: entry?.method ?? '', url: entry?.url.split(/[?#]/)[0] ?? '', params: [], finding: flow.broken?.index === index ? flow.broken.code : undefined };
      }),
    };
    box.append(renderFlow(view));
    const finding = flow.broken && byIndex.get(flow.broken.index)?.findings.find((f) => f.code === flow.broken?.code);
    if (finding) box.append(el('ol', { className: 'findings flow-finding' }, renderFinding(finding)));
  }
  return box;
}

/**
 * When the failures began, and how they spread over the recording: one bar per time slice.
 * @param {import('./pkg/authlens.js').HarReport} report
 */
function timeline(report) {
  const box = el('div', { className: 'timeline', id: 'timeline' }, el('h3', {}, 'When the failures happened'));
  const times = report.entries.map((e) => Date.parse(e.started ?? '')).filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  if (!times.length) return box.appendChild(el('p', {}, 'The file has no times for its requests.')).parentElement ?? box;
  const first = times[0];
  const last = times[times.length - 1];
  const firstEntry = report.entries.find((e) => Date.parse(e.started ?? '') === first);
  box.append(el('p', { className: 'began' }, `The first failure was at ${new Date(first).toLocaleString('en')}${firstEntry ? `: ${firstEntry.status} ${firstEntry.method} ${firstEntry.url}` : ''}.`));
  const slices = 12;
  const width = Math.max(1, (last - first) / slices);
  const counts = new Array(slices).fill(0);
  for (const t of times) counts[Math.min(slices - 1, Math.floor((t - first) / width))] += 1;
  const max = Math.max(...counts);
  const bars = el('ol', { className: 'bars' });
  bars.setAttribute('aria-label', 'Failures over time');
  counts.forEach((count, i) => {
    // The first slice by the clock, the others by how long after it: seconds apart would
    // otherwise print the same time twelve times.
    const offset = (i * width) / 1000;
    const at = i === 0 ? new Date(first).toLocaleTimeString('en') : `+${offset < 120 ? `${offset.toFixed(offset < 10 ? 1 : 0)} s` : offset < 7200 ? `${Math.round(offset / 60)} min` : `${(offset / 3600).toFixed(1)} h`}`;
    const bar = el('li', {}, el('span', { className: 'bar-time' }, at), el('span', { className: 'bar' }), el('span', { className: 'bar-count' }, String(count)));
    /** @type {HTMLElement} */ (bar.children[1]).style.inlineSize = `${(100 * count) / max}%`;
    bars.append(bar);
  });
  box.append(bars);
  return box;
}

/**
 * @param {string} id
 * @param {string} label
 * @param {'sanitize' | 'markdown'} action
 */
function downloadButton(id, label, action) {
  const button = el('button', { type: 'button', className: 'download' }, label);
  button.dataset.action = action;
  button.dataset.id = id;
  wireDownload(button);
  return button;
}

/** @param {HTMLButtonElement} button */
function wireDownload(button) {
  button.onclick = () => {
    button.disabled = true;
    onDownload = (message) => {
      button.disabled = false;
      if (message.type === 'error') {
        button.after(el('p', { className: 'problem error' }, `The copy could not be made: ${message.message}`));
        return;
      }
      const link = el('a', { href: URL.createObjectURL(message.blob), download: message.name });
      link.click();
      document.body.dataset.downloaded = message.what;
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    };
    harWorker().postMessage({ type: button.dataset.action === 'markdown' ? 'markdown' : 'sanitize' });
  };
}

// ---- the one input ---------------------------------------------------------------------------

function analyse() {
  const text = input.value;
  const found = detect(text, looksLikeTranscript);
  detected.dataset.kind = text.trim() ? found.kind : '';
  if (!text.trim()) {
    detected.textContent = '';
    result.hidden = true;
    return;
  }
  detected.textContent = `Got ${KIND_NAMES[found.kind]}${found.header ? ` (with its header name, ${found.header})` : ''}.`;
  try {
    switch (found.kind) {
      case 'jwt': showCredentials(`Bearer ${found.value}`, found.value, 'jwt'); break;
      case 'token': {
        const token = inspectToken(found.value);
        showCredentials(`Bearer ${found.value}`, found.value, token.kind === 'opaque' ? 'token' : 'jwt');
        break;
      }
      case 'authorization': showCredentials(found.value, found.value, 'authorization'); break;
      case 'challenge': showChallenge(found); break;
      case 'set-cookie': showSetCookie(found.value); break;
      case 'transcript': showTranscript(found.value); break;
      case 'har':
        harName = 'pasted';
        harWorker().postMessage({ type: 'diagnose', text: found.value, name: 'pasted' });
        break;
      default:
        showVerdict({ tone: 'info', headline: 'AuthLens does not recognise this.', text: 'Paste a token, one header line (with or without its name), or a whole curl -v transcript.' }, 'unknown');
        plain.replaceChildren();
        developer.replaceChildren(el('p', {}, 'Tried: a JWT (three or five base64url segments), a header line (name: value), an Authorization value or a challenge (scheme, then credentials or parameters), a Set-Cookie value (name=value; attributes), an HTTP start line (GET /path HTTP/1.1 or HTTP/1.1 401), a HAR file ({"log": …}).'));
    }
  } catch (error) {
    showVerdict({ tone: 'bad', headline: 'AuthLens could not read this.', text: 'The technical detail is below.' }, 'error');
    developer.replaceChildren(el('p', { className: 'technical-text' }, error instanceof Error ? error.message : String(error)));
    plain.replaceChildren(developer.firstChild?.cloneNode(true) ?? '');
  }
}

input.addEventListener('input', analyse);
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) analyseFile(file);
  fileInput.value = '';
});
document.getElementById('clear')?.addEventListener('click', () => {
  input.value = '';
  analyse();
  input.focus();
});

// A HAR dropped anywhere on the page (Firefox's Network Monitor has the same: DropHarHandler).
let dragDepth = 0;
/** @param {DragEvent} event */
const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
document.addEventListener('dragenter', (event) => {
  if (!carriesFiles(event)) return;
  dragDepth += 1;
  overlay.hidden = false;
});
document.addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) overlay.hidden = true;
});
document.addEventListener('drop', (event) => {
  dragDepth = 0;
  overlay.hidden = true;
  const file = event.dataTransfer?.files[0];
  if (!file) return;
  event.preventDefault();
  analyseFile(file);
});

// Offline after the first load (www/sw.js). Only on the web: an extension page is local.
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {});
}

analyse();
document.body.dataset.ready = 'true';
