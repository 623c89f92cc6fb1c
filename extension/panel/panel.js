// The AuthLens DevTools panel: lists the inspected page's auth failures, each with its
// parsed challenge and the top finding.
//
// The panel's page only exists once its tab is first selected, so it replays the HAR log
// collected so far, then follows devtools.network.onRequestFinished.
import { api, evalInPage, getHar, isFirefox, responseBody } from '../shared/browser.js';
import { loadCore } from '../shared/core.js';
import { localize, t } from '../shared/i18n.js';
import { renderChallenges, renderProblem } from '../shared/render.js';
import { PARAM_SPECS } from './params.js';

/** @typedef {import('../pkg/authlens.js').HarEntryLike} HarEntryLike */

const core = await loadCore();
localize();

// Follow the DevTools theme (devtools.panels.themeName: "default"/"light" or "dark").
document.documentElement.dataset.theme = api.devtools.panels.themeName === 'dark' ? 'dark' : 'light';

/** One diagnosis session for the inspected page: every entry goes through it, so that
 * findings spanning requests (a token obtained and not sent, a cookie set and not sent)
 * can be made. */
const inspector = new core.Inspector();

const table = /** @type {HTMLTableElement} */ (document.getElementById('failures'));
const body = /** @type {HTMLTableSectionElement} */ (table.tBodies[0]);
const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));

// Firefox fires onRequestFinished only once its Network panel has been opened
// (MDN: devtools.network.onRequestFinished), so its empty state says so.
empty.textContent = t(isFirefox ? 'panelEmptyFirefox' : 'panelEmpty');

/** Entries seen, so that one delivered by both the replay and the listener shows once. */
const seen = new Set();

/**
 * Settings, in storage.local: never a secret (a tolerance, a bound, sign-in URLs by site).
 * @typedef {{toleranceSeconds: number, maxRows: number, signIn: Record<string, string>, audience: Record<string, string>, issuer: Record<string, string>}} Settings
 */
/** @type {Settings} */
const DEFAULTS = { toleranceSeconds: 60, maxRows: 5000, signIn: {}, audience: {}, issuer: {} };
const stored = /** @type {{settings?: Partial<Settings>}} */ (await api.storage.local.get('settings'));
/** @type {Settings} */
const settings = { ...DEFAULTS, ...stored.settings };
settings.audience ??= {};
settings.issuer ??= {};
inspector.setClockSkewTolerance(settings.toleranceSeconds);

/** The list keeps this many failures; older ones are dropped (and counted). */
let MAX_ROWS = settings.maxRows;
let dropped = 0;

/**
 * The entry behind each row, for the detail view and the actions. In memory only, never
 * stored: entries carry credentials.
 * @type {WeakMap<HTMLTableRowElement, {entry: HarEntryLike, annotation: import('../pkg/authlens.js').Annotation}>}
 */
const rowData = new WeakMap();

/**
 * Where rows go: the table body, or a fragment while the HAR is replayed in one batch.
 * @type {DocumentFragment | null}
 */
let target = null;

/**
 * The row of the previous entry: when the next one answers its challenge, it was a
 * handshake's first leg (Digest, NTLM, Negotiate, Basic through the prompt), not a failure.
 * @type {HTMLTableRowElement | null}
 */
let previousRow = null;

/** @param {HarEntryLike} entry */
function addEntry(entry) {
  const key = `${entry.startedDateTime} ${entry.request.method} ${entry.request.url}`;
  if (seen.has(key)) return;
  seen.add(key);
  const annotation = inspector.annotateHarEntry(entry);
  if (annotation.resolvesPrevious && previousRow) {
    previousRow.dataset.healthy = 'true';
    previousRow.dataset.handshake = 'true';
    applyFilter(previousRow);
    updateStatus();
  }
  const kind = remember(entry);
  // Token requests, redirects and preflights explain failures: listed by default too.
  const healthy = !annotation.isAuthFailure && annotation.findings.length === 0 && !kind;
  const row = renderRow(annotation);
  if (healthy) row.dataset.healthy = 'true';
  else {
    offer(hostFilter, new URL(annotation.url).host);
    offer(findingFilter, annotation.findings[0]?.code ?? '');
  }
  rowData.set(row, { entry, annotation });
  previousRow = row;
  (target ?? body).append(row);
  trim();
  applyFilter(row);
  if (healthy) return;
  table.hidden = false;
  empty.hidden = true;
  updateStatus();
}

/** Keeps the list bounded: healthy rows go first, then the oldest failures (counted). */
function trim() {
  while (body.rows.length > MAX_ROWS) {
    const victim = body.querySelector('tr[data-healthy]') ?? body.rows[0];
    if (!victim.hasAttribute('data-healthy')) dropped += 1;
    victim.remove();
  }
}

function updateStatus() {
  const failures = body.querySelectorAll('tr:not([data-healthy])').length;
  status.textContent = t('panelCount', String(failures)) + (dropped ? ` ${t('droppedRows', String(dropped))}` : '');
}

const filter = /** @type {HTMLInputElement} */ (document.getElementById('filter'));
filter.placeholder = t('filterPlaceholder');
const statusFilter = /** @type {HTMLSelectElement} */ (document.getElementById('filter-status'));
/** Text matches status, method, host, path, challenge, finding title or code. */
/** @param {HTMLTableRowElement} row */
function applyFilter(row) {
  const needle = filter.value.trim().toLowerCase();
  const text = `${row.textContent ?? ''} ${row.querySelector('.finding')?.getAttribute('data-code') ?? ''}`.toLowerCase();
  const host = hostFilter.value;
  const code = findingFilter.value;
  if (host && row.querySelector('.host')?.textContent !== host) {
    row.hidden = true;
    return;
  }
  if (code && row.querySelector('.finding')?.getAttribute('data-code') !== code) {
    row.hidden = true;
    return;
  }
  const wanted = statusFilter.value;
  const status = row.dataset.status ?? '';
  const statusOk = wanted === '' || (wanted === 'other' ? !['401', '403', '407'].includes(status) : status === wanted);
  const shown = showAll.checked || row.dataset.healthy !== 'true';
  row.hidden = !shown || !statusOk || (needle !== '' && !text.includes(needle));
}
const hostFilter = /** @type {HTMLSelectElement} */ (document.getElementById('filter-host'));
const findingFilter = /** @type {HTMLSelectElement} */ (document.getElementById('filter-finding'));

/**
 * Adds a value to a filter's choices the first time it is seen.
 * @param {HTMLSelectElement} select
 * @param {string} value
 */
function offer(select, value) {
  if (!value || [...select.options].some((o) => o.value === value)) return;
  const option = document.createElement('option');
  option.value = value;
  option.textContent = value;
  select.append(option);
}

const showAll = /** @type {HTMLInputElement} */ (document.getElementById('show-all'));
for (const control of [filter, statusFilter, hostFilter, findingFilter, showAll]) {
  control.addEventListener('input', () => {
    for (const row of body.rows) applyFilter(row);
  });
}

/**
 * Recent entries of the page, for the related-request chain. Only what the chain shows is
 * kept (no header values).
 * @type {{at: number, method: string, url: string, status: number, kind: string}[]}
 */
const recent = [];

/**
 * @param {HarEntryLike} entry
 * @returns {string} the kind of related request, or ''
 */
function remember(entry) {
  const url = new URL(entry.request.url);
  const status = entry.response.status;
  const kind =
    entry.request.method === 'OPTIONS' ? 'preflight'
    : status >= 300 && status < 400 ? 'redirect'
    : entry.request.method === 'POST' && /token|grant_type/.test(`${url.pathname} ${entry.request.postData?.text ?? ''}`) ? 'token'
    : '';
  if (!kind) return '';
  recent.push({ at: Date.parse(entry.startedDateTime ?? '') || 0, method: entry.request.method, url: `${url.origin}${url.pathname}`, status, kind });
  if (recent.length > 200) recent.shift();
  return kind;
}

// A navigation starts a new list and a new session, like the Network panel, unless
// "Preserve log" is on.
const preserve = /** @type {HTMLInputElement} */ (document.getElementById('preserve'));
api.devtools.network.onNavigated.addListener(() => {
  if (preserve.checked) return;
  body.replaceChildren();
  seen.clear();
  recent.length = 0;
  dropped = 0;
  inspector.reset();
  detail.hidden = true;
  updateStatus();
});

// ---- Detail view -----------------------------------------------------------------------

const detail = /** @type {HTMLElement} */ (document.getElementById('detail'));
/** @type {{entry: HarEntryLike, annotation: import('../pkg/authlens.js').Annotation} | undefined} */
let selected;

/**
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** @param {HTMLTableRowElement} row */
function select(row) {
  for (const r of body.querySelectorAll('tr[aria-selected="true"]')) r.setAttribute('aria-selected', 'false');
  row.setAttribute('aria-selected', 'true');
  row.focus();
  selected = rowData.get(row);
  if (selected) showDetail(selected.entry, selected.annotation);
}

body.addEventListener('click', (event) => {
  const row = /** @type {HTMLElement} */ (event.target).closest('tr');
  if (row) select(/** @type {HTMLTableRowElement} */ (row));
});
body.addEventListener('keydown', (event) => {
  const row = /** @type {HTMLElement} */ (event.target).closest('tr');
  if (!row) return;
  const next = event.key === 'ArrowDown' ? row.nextElementSibling : event.key === 'ArrowUp' ? row.previousElementSibling : null;
  if (next) {
    event.preventDefault();
    select(/** @type {HTMLTableRowElement} */ (next));
  } else if (event.key === 'Enter') {
    select(/** @type {HTMLTableRowElement} */ (row));
  }
});

/**
 * @param {HarEntryLike} entry
 * @param {import('../pkg/authlens.js').Annotation} annotation
 */
function showDetail(entry, annotation) {
  detail.hidden = false;
  /** @type {HTMLElement} */ (document.getElementById('detail-title')).textContent =
    `${annotation.status} ${annotation.method} ${new URL(annotation.url).pathname}`;
  const list = /** @type {HTMLElement} */ (document.getElementById('detail-findings'));
  list.replaceChildren(
    ...annotation.findings.map((finding) => {
      const item = el('li');
      item.dataset.code = finding.code;
      item.append(el('strong', finding.title), el('span', finding.likelihood, `badge likelihood-${finding.likelihood}`), el('p', finding.explanation));
      const more = el('details');
      more.append(el('summary', t('detailDeveloper')), el('p', finding.detail));
      const evidence = el('ul');
      for (const e of finding.evidence) evidence.append(el('li', `${e.source}: ${e.fact}`));
      const spec = /** @type {HTMLAnchorElement} */ (el('a', `${t('detailSpec')}: ${finding.spec}`));
      spec.href = finding.spec; // a constant from the core, never network data
      spec.target = '_blank';
      spec.rel = 'noopener noreferrer';
      more.append(evidence, spec);
      const fixes = el('ul', undefined, 'fixes');
      for (const fix of finding.fixes) fixes.append(el('li', `${fix.text} (${t('effort', fix.effort)})`));
      // Findings hold no secret (the core masks evidence), so they can be copied as is.
      const copy = el('button', t('copyFinding'), 'copy-finding');
      copy.addEventListener('click', () => {
        const text = [finding.title, finding.detail, ...finding.evidence.map((e) => `- ${e.source}: ${e.fact}`), finding.spec].join('\n');
        navigator.clipboard.writeText(text).catch(() => {});
        copy.dataset.copied = 'true';
      });
      item.append(more, fixes, copy);
      return item;
    }),
  );
  /** @type {HTMLElement} */ (document.getElementById('detail-challenge')).replaceChildren(
    renderChallenges(annotation.challenges, annotation.challengeHeader),
    explainParams(annotation),
  );
  showCredentials(entry, false);
  showCookies(entry, annotation.cookies);
  showChain(entry);
  /** @type {HTMLElement} */ (document.getElementById('replay-result')).textContent = '';
  actionResult.textContent = '';
  confirmBox.hidden = true;
  /** @type {HTMLElement} */ (document.getElementById('curl')).hidden = true;
}

/**
 * Each challenge parameter, what it means and where it is specified.
 * @param {import('../pkg/authlens.js').Annotation} annotation
 */
function explainParams(annotation) {
  const list = el('dl', undefined, 'params');
  for (const challenge of annotation.challenges.challenges) {
    for (const param of challenge.params) {
      const name = param.name.toLowerCase();
      const spec = PARAM_SPECS[name];
      if (!spec) continue;
      const term = el('dt', `${param.name}`);
      term.dataset.param = name;
      const definition = el('dd', t(`param_${name}`));
      const link = /** @type {HTMLAnchorElement} */ (el('a', ` ${new URL(spec).pathname.split('/').pop()}${new URL(spec).hash}`));
      link.href = spec;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      definition.append(link);
      list.append(term, definition);
    }
  }
  return list;
}

/**
 * The Authorization header, masked unless `reveal` (a deliberate click each time).
 * @param {HarEntryLike} entry
 * @param {boolean} reveal
 */
function showCredentials(entry, reveal) {
  const box = /** @type {HTMLElement} */ (document.getElementById('detail-credentials'));
  const header = entry.request.headers.find((h) => h.name.toLowerCase() === 'authorization');
  if (!header?.value) {
    box.replaceChildren(el('p', t('noCredentials')));
    return;
  }
  const credentials = core.parseAuthorization(header.value, reveal);
  const line = el('p');
  line.append(el('strong', credentials.scheme || '?'), ' ', el('span', credentials.token68 ?? '', 'masked'));
  const toggle = el('button', t(reveal ? 'hide' : 'reveal'));
  toggle.id = 'reveal';
  toggle.addEventListener('click', () => showCredentials(entry, !reveal));
  line.append(' ', toggle);
  const parts = [line];
  for (const defect of credentials.defects) parts.push(el('p', t('problemAt', [String(defect.offset), `${defect.message} (${defect.kind})`]), 'problem'));
  // Offsets of the token's problems are into the token, the others' into the value.
  for (const problem of [...credentials.problems, ...(credentials.token?.problems ?? [])]) parts.push(renderProblem(problem, 'p'));
  const jwtHeader = credentials.token?.header;
  if (jwtHeader) {
    const head = el('table', undefined, 'claims jwt-header');
    const caption = el('caption', t('jwtHeader'));
    head.append(caption);
    for (const [name, value] of Object.entries(jwtHeader)) {
      const row = el('tr');
      row.append(el('td', name), el('td', typeof value === 'string' ? value : JSON.stringify(value)));
      head.append(row);
    }
    parts.push(head);
  }
  const origin = new URL(entry.request.url).origin;
  const token = credentials.token;
  const expectations = /** @type {[string, string | undefined, string[]][]} */ ([
    ['aud', settings.audience[origin], token?.claims.aud ?? []],
    ['iss', settings.issuer[origin], token?.claims.iss ? [token.claims.iss] : []],
  ]);
  for (const [what, expected, actual] of expectations) {
    if (expected && token?.payload && !actual.includes(expected)) {
      const warning = el('p', t('expectedMismatch', [what, expected, actual.join(', ') || '—']), 'problem');
      warning.dataset.expected = what;
      parts.push(warning);
    }
  }
  const claims = credentials.token?.payload;
  if (claims) {
    const table = el('table', undefined, 'claims');
    table.append(el('caption', t('jwtClaims')));
    for (const [name, value] of Object.entries(claims)) {
      const row = el('tr');
      let shown = typeof value === 'string' ? value : JSON.stringify(value);
      if ((name === 'exp' || name === 'nbf' || name === 'iat') && typeof value === 'number') {
        const when = new Date((value > 1e11 ? value : value * 1000));
        const started = Date.parse(entry.startedDateTime ?? '') || Date.now();
        const relative = (/** @type {number} */ at) => {
          const minutes = Math.round((when.getTime() - at) / 60000);
          return minutes >= 0 ? t('minutesAfter', String(minutes)) : t('minutesBefore', String(-minutes));
        };
        shown += ` = ${when.toISOString()} (${relative(started)}, ${t('clientClock')}`;
        // The server's clock is the one that judged the token (Date header, RFC 9110 §6.6.1).
        const date = Date.parse(entry.response.headers.find((h) => h.name.toLowerCase() === 'date')?.value ?? '');
        if (!Number.isNaN(date)) shown += `; ${relative(date)}, ${t('serverClock')}`;
        shown += ')';
      }
      row.append(el('td', name), el('td', shown));
      table.append(row);
    }
    parts.push(table);
  }
  box.replaceChildren(...parts);
}

/**
 * Cookie names sent and set, never their values; and each cookie the core's cookie model
 * (cookie_store.rs) says the browser withheld, with its reason. DevTools shows such
 * blocked reasons, but extensions cannot read them, so the core replays the jar.
 * @param {HarEntryLike} entry
 * @param {import('../pkg/authlens.js').CookieVerdict} verdict
 */
function showCookies(entry, verdict) {
  const sent = (entry.request.headers.find((h) => h.name.toLowerCase() === 'cookie')?.value ?? '')
    .split(';')
    .map((c) => c.split('=')[0].trim())
    .filter(Boolean);
  const set = entry.response.headers
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .flatMap((h) => (h.value ?? '').split('\n'))
    .map((line) => {
      const name = line.split('=')[0].trim();
      const deleted = /max-age=0|max-age=-|expires=thu, 01 jan 1970/i.test(line) || /^[^=]*=\s*;/.test(line);
      return deleted ? t('deleted', name) : name;
    });
  const parts = [
    el('p', t('cookiesSent', sent.length ? sent.join(', ') : t('none'))),
    el('p', t('cookiesSet', set.length ? set.join(', ') : t('none'))),
  ];
  // Only what says something: a withheld cookie shadowed by one of the same name that
  // was sent is not shown.
  const withheld = verdict.withheld.filter((w) => !w.name_sent);
  if (withheld.length) {
    const list = el('ul', undefined, 'withheld');
    for (const cookie of withheld) {
      const item = el('li');
      item.dataset.reason = cookie.reason;
      const name = el('code', cookie.name || t('emptyName'));
      const reason = el('span', cookie.certain ? cookie.reason : t('cookieInferred', cookie.reason), 'reason');
      item.append(name, ' ', reason, el('span', ` ${cookie.explanation}`, 'why'));
      list.append(item);
    }
    parts.push(el('p', t('cookiesWithheld')), list);
  }
  /** @type {HTMLElement} */ (document.getElementById('detail-cookies')).replaceChildren(...parts);
}

/**
 * Redirects, preflights and token requests on the same host in the 60 s before it.
 * @param {HarEntryLike} entry
 */
function showChain(entry) {
  const at = Date.parse(entry.startedDateTime ?? '') || 0;
  const host = new URL(entry.request.url).host;
  const chain = recent.filter((r) => r.at <= at && at - r.at <= 60_000 && new URL(r.url).host === host && !(r.url === entry.request.url && r.at === at));
  const list = /** @type {HTMLElement} */ (document.getElementById('detail-chain'));
  list.replaceChildren(...(chain.length ? chain.slice(-10).map((r) => {
    const label = t(r.kind === 'preflight' ? 'kindPreflight' : r.kind === 'redirect' ? 'kindRedirect' : 'kindToken');
    const item = el('li', `${label}: ${r.method} ${r.url} → ${r.status}`);
    item.dataset.kind = r.kind;
    return item;
  }) : [el('li', t('noChain'))]));
}

// ---- Actions ---------------------------------------------------------------------------

/** Headers fetch() may not set, or that the browser sets itself. */
const FORBIDDEN = /^(:|host$|connection$|content-length$|cookie$|origin$|referer$|user-agent$|accept-encoding$|sec-|proxy-|keep-alive$|te$|trailer$|transfer-encoding$|upgrade$)/i;

/**
 * Replays the selected request from the page's own context, so that its cookies and
 * origin apply. Variants show which credential matters.
 * @param {'as-sent' | 'no-cookies' | 'no-auth'} variant
 */
async function replay(variant) {
  if (!selected) return;
  const { entry } = selected;
  /** @type {Record<string, string>} */
  const headers = {};
  for (const h of entry.request.headers) {
    if (FORBIDDEN.test(h.name) || (variant === 'no-auth' && /^authorization$/i.test(h.name))) continue;
    headers[h.name] = h.value ?? '';
  }
  const init = {
    method: entry.request.method,
    headers,
    credentials: variant === 'no-cookies' ? 'omit' : 'include',
    body: entry.request.postData?.text,
    cache: 'no-store',
  };
  const key = `__authlensReplay${Math.random().toString(36).slice(2)}`;
  const output = /** @type {HTMLElement} */ (document.getElementById('replay-result'));
  output.textContent = '…';
  // inspectedWindow.eval does not await promises: start the fetch, then poll its result.
  await evalInPage(
    `(() => { const k = ${JSON.stringify(key)}; fetch(${JSON.stringify(entry.request.url)}, ${JSON.stringify(init)}).then((r) => { window[k] = String(r.status); }, (e) => { window[k] = 'error: ' + e.message; }); return true; })()`,
  );
  for (let i = 0; i < 100; i++) {
    const result = await evalInPage(`(() => { const v = window[${JSON.stringify(key)}]; if (v !== undefined) delete window[${JSON.stringify(key)}]; return v ?? null; })()`);
    if (result !== null) {
      output.dataset.status = String(result);
      output.textContent = t('replayResult', [variant, String(result)]);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  output.textContent = t('replayResult', [variant, 'timeout']);
}

for (const button of document.querySelectorAll('[data-replay]')) {
  button.addEventListener('click', () =>
    replay(/** @type {'as-sent' | 'no-cookies' | 'no-auth'} */ (/** @type {HTMLElement} */ (button).dataset.replay)).catch((error) => {
      /** @type {HTMLElement} */ (document.getElementById('replay-result')).textContent = String(error);
    }),
  );
}

// ---- Site data: every action states its scope and side effects, then waits for Confirm.

const confirmBox = /** @type {HTMLElement} */ (document.getElementById('confirm'));
const actionResult = /** @type {HTMLElement} */ (document.getElementById('action-result'));
/** @type {(() => Promise<void>) | null} */
let pendingAction = null;

/**
 * @param {string} text what will happen, and its side effects
 * @param {() => Promise<void>} action
 */
function ask(text, action) {
  /** @type {HTMLElement} */ (document.getElementById('confirm-text')).textContent = text;
  confirmBox.hidden = false;
  pendingAction = action;
}

document.getElementById('confirm-yes')?.addEventListener('click', () => {
  const action = pendingAction;
  pendingAction = null;
  confirmBox.hidden = true;
  action?.().catch((error) => {
    actionResult.textContent = String(error);
  });
});
document.getElementById('confirm-no')?.addEventListener('click', () => {
  pendingAction = null;
  confirmBox.hidden = true;
});

/**
 * Asks the background (DevTools pages cannot use the cookies and browsingData APIs).
 * @param {string} type
 * @param {string} url
 * @returns {Promise<any>}
 */
async function background(type, url) {
  const reply = await api.runtime.sendMessage({ type, url });
  if (reply?.error) throw new Error(reply.error);
  return reply;
}

document.getElementById('clear-cookies')?.addEventListener('click', async () => {
  if (!selected) return;
  const url = selected.annotation.url;
  const { names } = await background('authlens:list-cookies', url);
  if (names.length === 0) {
    actionResult.textContent = t('noCookies');
    return;
  }
  ask(t('confirmCookies', [new URL(url).hostname, names.join(', ')]), async () => {
    const { names: removed } = await background('authlens:clear-cookies', url);
    actionResult.dataset.cleared = 'cookies';
    actionResult.textContent = t('clearedCookies', [String(removed.length), removed.join(', ')]);
  });
});

document.getElementById('clear-storage')?.addEventListener('click', () => {
  if (!selected) return;
  const url = new URL(selected.annotation.url);
  ask(isFirefox ? t('confirmStorageFirefox', url.hostname) : t('confirmStorage', url.origin), async () => {
    const { cleared } = await background('authlens:clear-storage', url.href);
    // browsingData cannot clear sessionStorage; the inspected page can, for its own origin.
    await evalInPage(`location.origin === ${JSON.stringify(url.origin)} && (sessionStorage.clear(), true)`).catch(() => {});
    cleared.push('sessionStorage');
    actionResult.dataset.cleared = 'storage';
    actionResult.textContent = t('clearedStorage', cleared.join(', '));
  });
});

/**
 * The selected request as a cURL command, with every credential replaced: Authorization
 * keeps its scheme, cookies their names.
 */
function redactedCurl() {
  if (!selected) return '';
  const { entry } = selected;
  const quote = (/** @type {string} */ s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-i', '-X', entry.request.method, quote(entry.request.url.replace(/([?&#](access_token|id_token|code|state|token)=)[^&#]*/gi, '$1REDACTED'))];
  for (const h of entry.request.headers) {
    if (h.name.startsWith(':')) continue;
    let value = h.value ?? '';
    if (/^(proxy-)?authorization$/i.test(h.name)) value = value.replace(/^(\S+)\s.*$/, '$1 REDACTED');
    else if (/^cookie$/i.test(h.name)) value = value.split(';').map((c) => c.replace(/=.*$/, '=REDACTED')).join(';');
    else if (/token|key|secret|dpop|csrf/i.test(h.name)) value = 'REDACTED';
    parts.push('-H', quote(`${h.name}: ${value}`));
  }
  return parts.join(' ');
}

document.getElementById('copy-curl')?.addEventListener('click', async () => {
  const command = redactedCurl();
  const pre = /** @type {HTMLElement} */ (document.getElementById('curl'));
  pre.textContent = command;
  pre.hidden = false;
  try {
    await navigator.clipboard.writeText(command);
    actionResult.textContent = t('copied');
  } catch {
    // DevTools may deny clipboard access; the command is shown to copy by hand.
  }
});

/**
 * JSON from a metadata URL, on the user's click only (the one kind of request AuthLens
 * makes itself, DESIGN.md "Secrets").
 * @param {string} url
 */
async function metadata(url) {
  const response = await fetch(url, { credentials: 'omit', cache: 'no-store' });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

/**
 * The best sign-in URL known, in this order: the one configured for the site in Settings;
 * the first authorization server of the RFC 9728 protected-resource metadata the challenge
 * points at (§3.2 authorization_servers); Entra's authorization_uri; the token issuer's
 * OpenID Provider (Discovery 1.0 §4, when its configuration answers); the site's root.
 */
async function signInUrl() {
  if (!selected) return null;
  const { annotation, entry } = selected;
  const configured = settings.signIn[new URL(annotation.url).origin];
  if (configured) return configured;
  const params = annotation.challenges.challenges.flatMap((c) => c.params);
  const param = (/** @type {string} */ name) => params.find((p) => p.name.toLowerCase() === name)?.value;
  const resourceMetadata = param('resource_metadata');
  if (resourceMetadata && /^https?:\/\//.test(resourceMetadata)) {
    const servers = await metadata(resourceMetadata).then((m) => m.authorization_servers, () => null);
    if (Array.isArray(servers) && typeof servers[0] === 'string' && /^https?:\/\//.test(servers[0])) return servers[0];
  }
  const authorizationUri = param('authorization_uri');
  if (authorizationUri && /^https:\/\//.test(authorizationUri)) return authorizationUri;
  const authorization = entry.request.headers.find((h) => h.name.toLowerCase() === 'authorization')?.value;
  const issuer = authorization ? core.parseAuthorization(authorization, false).token?.claims.iss : undefined;
  if (issuer && /^https:\/\//.test(issuer)) {
    const found = await metadata(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`).then((m) => m.issuer, () => null);
    if (typeof found === 'string' && /^https:\/\//.test(found)) return found;
  }
  return `${new URL(annotation.url).origin}/`;
}

document.getElementById('sign-in')?.addEventListener('click', async () => {
  const url = await signInUrl();
  if (url) await evalInPage(`location.assign(${JSON.stringify(url)})`).catch(() => {});
});

/** @param {import('../pkg/authlens.js').Annotation} annotation */
function renderRow(annotation) {
  const row = document.createElement('tr');
  row.dataset.status = String(annotation.status);
  row.tabIndex = 0;
  row.setAttribute('aria-selected', 'false');
  const url = new URL(annotation.url);
  const cell = (/** @type {string} */ className, /** @type {string | Node} */ content) => {
    const td = document.createElement('td');
    td.className = className;
    td.append(content);
    row.append(td);
    return td;
  };
  cell('status', String(annotation.status));
  cell('method', annotation.method);
  cell('host', url.host);
  cell('path', url.pathname).title = url.pathname;
  cell('challenge', renderChallenges(annotation.challenges, annotation.challengeHeader));
  const top = annotation.findings[0];
  const finding = cell('finding', top ? top.title : '');
  if (top) {
    finding.dataset.code = top.code;
    finding.classList.add(`likelihood-${top.likelihood}`);
    finding.append(' ', el('span', top.likelihood, 'badge'));
  }
  return row;
}

// Entries are shown through one queue, in slices of ~30 ms: well under the 50 ms that
// makes a long task, so the panel stays responsive while it fills. Both the replay (tens of
// thousands of entries at once) and live traffic need it: Chrome delivers a burst of
// onRequestFinished events in one task (tools/bench-browser.mjs measures both).
const SLICE_MS = 30;
/** @type {HarEntryLike[]} entries waiting to be shown, oldest first */
let queue = [];
let draining = false;
/** @type {HarEntryLike[] | null} entries that finish while the replay is read */
let pending = [];

/** Shows the queued entries, yielding to the event loop every SLICE_MS. */
async function drain() {
  if (draining) return;
  draining = true;
  target = document.createDocumentFragment();
  let sliceStart = performance.now();
  const flush = () => {
    body.append(/** @type {DocumentFragment} */ (target));
    trim();
    updateStatus();
  };
  while (queue.length > 0) {
    const batch = queue;
    queue = [];
    for (const entry of batch) {
      addEntry(entry);
      if (performance.now() - sliceStart > SLICE_MS) {
        flush();
        await new Promise((resolve) => setTimeout(resolve, 0));
        sliceStart = performance.now();
      }
    }
  }
  flush();
  target = null;
  draining = false;
}

// The server's own words (a JSON error body, a token answer) are evidence, but live
// entries carry no response body: it must be asked for with getContent() (MDN:
// devtools.network.Request). Only for the answers the core reads (failures and POSTs, at
// most MAX_BODY_CHARS), and in arrival order, because the session is order-sensitive.
const BODY_STATUSES = new Set([400, 401, 403, 407, 419, 422, 440, 498, 499]);
const MAX_BODY_CHARS = 16 * 1024;
/** @type {Promise<void>} */
let arrivals = Promise.resolve();

/**
 * @param {chrome.devtools.network.Request} request
 * @returns {Promise<HarEntryLike>}
 */
async function withBody(request) {
  const entry = /** @type {HarEntryLike} */ (/** @type {unknown} */ (request));
  const wanted = BODY_STATUSES.has(entry.response.status) || entry.request.method === 'POST';
  if (!wanted || entry.response.content?.text) return entry;
  const text = await responseBody(request);
  if (text !== null && text.length <= MAX_BODY_CHARS) entry.response.content = { ...entry.response.content, text };
  return entry;
}

api.devtools.network.onRequestFinished.addListener((request) => {
  arrivals = arrivals
    .then(() => withBody(request))
    .then((entry) => {
      if (pending) pending.push(entry);
      else {
        queue.push(entry);
        drain();
      }
    });
});

/**
 * Downloads `text` as a file from the panel (an anchor with `download`: no permission).
 * @param {string} name
 * @param {string} text
 * @param {string} type
 */
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The inspected page's HAR as a HAR file's text. The secrets are still in it. */
async function harText() {
  return JSON.stringify({ log: await getHar() });
}

// Exports never contain a secret: the sanitizer replaces every token, cookie and password
// with a keyed marker (a fresh random key per export) before anything leaves the panel.
document.getElementById('export-har')?.addEventListener('click', async () => {
  try {
    const key = crypto.getRandomValues(new Uint32Array(4));
    const clean = core.sanitizeHar(await harText(), false, key);
    download('authlens-sanitized.har', clean, 'application/json');
    status.textContent = t('exportDone', ['authlens-sanitized.har', String((clean.match(/redacted-[0-9a-f]{8}/g) ?? []).length)]);
  } catch (error) {
    status.textContent = t('exportFailed', String(error));
  }
});

document.getElementById('export-report')?.addEventListener('click', async () => {
  try {
    const report = core.markdownReport(await harText(), 'DevTools session');
    download('authlens-report.md', report, 'text/markdown');
    status.textContent = t('exportDone', ['authlens-report.md', '0']);
  } catch (error) {
    status.textContent = t('exportFailed', String(error));
  }
});

const har = await getHar();
queue = /** @type {HarEntryLike[]} */ (/** @type {unknown} */ (har.entries));
queue.push(...pending);
pending = null;
await drain();
document.body.dataset.ready = 'true';

// ---- Settings --------------------------------------------------------------------------

const tolerance = /** @type {HTMLInputElement} */ (document.getElementById('setting-tolerance'));
const maxRows = /** @type {HTMLInputElement} */ (document.getElementById('setting-max-rows'));
const signIn = /** @type {HTMLInputElement} */ (document.getElementById('setting-sign-in'));
tolerance.value = String(settings.toleranceSeconds);
maxRows.value = String(settings.maxRows);

/** The origin the settings' sign-in URL is for: the selected failure's, else the page's. */
async function settingsOrigin() {
  if (selected) return new URL(selected.annotation.url).origin;
  const href = /** @type {string} */ (await evalInPage('location.href'));
  return new URL(href).origin;
}

const audience = /** @type {HTMLInputElement} */ (document.getElementById('setting-audience'));
const issuerSetting = /** @type {HTMLInputElement} */ (document.getElementById('setting-issuer'));
document.getElementById('settings')?.addEventListener('toggle', async () => {
  const origin = await settingsOrigin();
  signIn.value = settings.signIn[origin] ?? '';
  audience.value = settings.audience[origin] ?? '';
  issuerSetting.value = settings.issuer[origin] ?? '';
});

document.getElementById('settings-form')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const origin = await settingsOrigin();
  settings.toleranceSeconds = Math.max(0, Math.min(86_400, Number(tolerance.value) || DEFAULTS.toleranceSeconds));
  settings.maxRows = Math.max(100, Math.min(100_000, Number(maxRows.value) || DEFAULTS.maxRows));
  const url = signIn.value.trim();
  if (url && /^https?:\/\//.test(url)) settings.signIn[origin] = url;
  else delete settings.signIn[origin];
  for (const [map, input] of /** @type {[Record<string, string>, HTMLInputElement][]} */ ([[settings.audience, audience], [settings.issuer, issuerSetting]])) {
    if (input.value.trim()) map[origin] = input.value.trim();
    else delete map[origin];
  }
  await api.storage.local.set({ settings });
  inspector.setClockSkewTolerance(settings.toleranceSeconds);
  MAX_ROWS = settings.maxRows;
  const result = /** @type {HTMLElement} */ (document.getElementById('settings-result'));
  result.dataset.saved = 'true';
  result.textContent = t('saved');
});
