// The detail of the selected request, in tabs: Diagnosis, Challenge, Credentials, Cookies
// and Related requests. Secrets are masked until the user reveals them, each time.
import { t } from '../shared/i18n.js';
import { renderChallenges, renderProblem } from '../shared/render.js';
import { el, faultNames, findingText, renderFinding, renderJsonObject, renderJwt } from '../shared/view.js';
import { header } from './model.js';
import { renderFlow } from './flow-view.js';
import { PARAM_SPECS } from './params.js';

/** @typedef {import('./model.js').Rec} Rec */
/** @typedef {import('./model.js').Model} Model */
/** @typedef {import('../pkg/authlens.js').Annotation} Annotation */
/** @typedef {typeof import('../pkg/authlens_engine.js')} Core */
/** @typedef {import('./settings.js').Settings} Settings */

export const TABS = /** @type {const} */ (['diagnosis', 'challenge', 'credentials', 'cookies', 'related']);
/** @typedef {typeof TABS[number]} Tab */

/**
 * Copies text and says so in a toast. DevTools may deny the async clipboard to an
 * extension frame; execCommand on a selected textarea is the fallback.
 * @param {string} text
 * @param {(message: string) => void} toast
 */
export async function copyText(text, toast) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast(t('panel_copied'));
}

export class Detail {
  /**
   * @param {{core: Core, model: Model, settings: Settings, toast: (m: string) => void,
   *   flow: (id: number) => import('../pkg/authlens.js').Flow | null}} options
   *   `flow`: the core's sign-in flow by id (the panel's Inspector.flow)
   */
  constructor(options) {
    this.o = options;
    this.pane = /** @type {HTMLElement} */ (document.getElementById('detail-pane'));
    /** @type {Tab} */
    this.tab = 'diagnosis';
    /** @type {Rec | null} */
    this.rec = null;
    /** @type {Set<Tab>} the tabs built for `rec` */
    this.built = new Set();
    this.reveal = false;
    for (const button of this.pane.querySelectorAll('[role="tab"]')) {
      button.addEventListener('click', () => this.show(/** @type {Tab} */ (button.getAttribute('data-tab'))));
    }
    this.pane.querySelector('[role="tablist"]')?.addEventListener('keydown', (event) => {
      const e = /** @type {KeyboardEvent} */ (event);
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const i = TABS.indexOf(this.tab) + (e.key === 'ArrowRight' ? 1 : TABS.length - 1);
      this.show(TABS[i % TABS.length]);
      /** @type {HTMLElement | null} */ (this.pane.querySelector(`[data-tab="${this.tab}"]`))?.focus();
    });
  }

  /** @param {Tab} tab */
  show(tab) {
    this.tab = tab;
    this.build(tab);
    for (const button of this.pane.querySelectorAll('[role="tab"]')) {
      const on = button.getAttribute('data-tab') === tab;
      button.setAttribute('aria-selected', String(on));
      /** @type {HTMLElement} */ (button).tabIndex = on ? 0 : -1;
    }
    for (const panel of this.pane.querySelectorAll('[role="tabpanel"]')) {
      /** @type {HTMLElement} */ (panel).hidden = panel.id !== `tab-${tab}`;
    }
  }

  /** @param {Rec} rec */
  open(rec) {
    if (this.rec !== rec) this.reveal = false;
    this.rec = rec;
    document.body.dataset.detail = 'open';
    this.pane.hidden = false;
    const { annotation, group } = rec;
    const url = new URL(annotation.url);
    /** @type {HTMLElement} */ (document.getElementById('detail-title')).textContent = `${annotation.status} ${annotation.method} ${url.host}${url.pathname}`;
    const summary = /** @type {HTMLElement} */ (document.getElementById('detail-summary'));
    if (group.records.length > 1) {
      const time = (/** @type {number} */ at) => new Date(at).toLocaleTimeString();
      summary.textContent = t(group.fingerprint ? 'panel_groupSummaryCredential' : 'panel_groupSummary', [
        String(group.records.length),
        time(group.records[0].at),
        time(group.records[group.records.length - 1].at),
        group.fingerprint,
      ]);
      summary.hidden = false;
    } else {
      summary.hidden = true;
    }
    // Only the tab on screen is built now, the others when they are first shown: the
    // selection must paint within a frame (tools/bench-browser.mjs, "select a row").
    // The others are emptied, so that no earlier request's (revealed) values linger.
    this.built.clear();
    for (const panel of this.pane.querySelectorAll('[role="tabpanel"]')) panel.replaceChildren();
    this.show(this.tab);
  }

  /**
   * Builds a tab's content for the open request, once per selection.
   * @param {Tab} tab
   */
  build(tab) {
    const rec = this.rec;
    if (!rec || this.built.has(tab)) return;
    this.built.add(tab);
    if (tab === 'diagnosis') this.diagnosis(rec);
    else if (tab === 'challenge') this.challenge(rec.annotation, rec);
    else if (tab === 'credentials') this.credentials(rec);
    else if (tab === 'cookies') this.cookies(rec);
    else this.related(rec);
  }

  close() {
    this.rec = null;
    this.pane.hidden = true;
    delete document.body.dataset.detail;
  }

  /** @param {Rec} rec */
  diagnosis(rec) {
    const box = /** @type {HTMLElement} */ (document.getElementById('tab-diagnosis'));
    const { findings } = rec.annotation;
    if (findings.length === 0) {
      box.replaceChildren(el('p', t(rec.kind ? `panel_relatedExplained_${rec.kind}` : 'panel_noFindings'), 'muted'));
      return;
    }
    const list = el('ol', undefined, 'findings');
    findings.forEach((finding, i) => {
      const card = renderFinding(finding, { rank: i + 1 });
      const copy = el('button', t('panel_copyFinding'), 'copy-finding small');
      copy.type = 'button';
      copy.addEventListener('click', () => {
        copy.dataset.copied = 'true';
        copyText(findingText(finding), this.o.toast);
      });
      card.append(copy);
      list.append(card);
    });
    box.replaceChildren(list);
  }

  /**
   * The full challenge value(s), each parameter explained with its spec, the one at fault
   * highlighted, and Entra's `claims` decoded (the core decodes it: schemes.rs).
   * @param {Annotation} annotation
   * @param {Rec} rec
   */
  challenge(annotation, rec) {
    const box = /** @type {HTMLElement} */ (document.getElementById('tab-challenge'));
    const faults = faultNames(annotation.findings[0]);
    const raw = rec.entry.response.headers.filter((h) => h.name.toLowerCase() === annotation.challengeHeader.toLowerCase()).map((h) => h.value ?? '');
    /** @type {Node[]} */
    const parts = [];
    if (raw.length) {
      const pre = el('pre', raw.join('\n'), 'raw-value');
      pre.dataset.header = annotation.challengeHeader;
      parts.push(el('h4', annotation.challengeHeader), pre);
    }
    // The annotation's challenges carry no scheme details; parseChallenges adds them (Entra's
    // claims decoded, schemes.rs). Field lines combine with ", " (RFC 9110 §5.3).
    const described = raw.length ? this.o.core.parseChallenges(raw.join(', ')) : annotation.challenges;
    parts.push(renderChallenges(described, annotation.challengeHeader));
    const list = el('dl', undefined, 'params');
    for (const challenge of described.challenges) {
      for (const param of challenge.params) {
        const name = param.name.toLowerCase();
        const term = el('dt', param.name);
        term.dataset.param = name;
        const value = el('dd', undefined, 'param-value');
        value.append(el('code', param.value));
        const spec = PARAM_SPECS[name];
        const meaning = el('dd', spec ? t(`param_${name}`) : t('panel_paramUnknown'), 'param-meaning');
        if (spec) {
          const link = el('a', ` ${new URL(spec).pathname.split('/').pop()}${new URL(spec).hash}`);
          link.href = spec; // a constant of params.js, never network data
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          meaning.append(link);
        }
        if (faults.has(name)) {
          term.classList.add('fault');
          term.dataset.fault = 'true';
        }
        list.append(term, value, meaning);
      }
      const claims = challenge.details?.claims;
      if (claims && typeof claims === 'object') {
        parts.push(el('h4', t('panel_entraClaims')), renderJsonObject(/** @type {Record<string, unknown>} */ (claims), { className: 'entra-claims' }));
      }
    }
    if (list.childElementCount) parts.splice(raw.length ? 2 : 0, 0, list);
    box.replaceChildren(...parts);
  }

  /** @param {Rec} rec */
  credentials(rec) {
    const box = /** @type {HTMLElement} */ (document.getElementById('tab-credentials'));
    const { entry } = rec;
    const name = header(entry, 'authorization') !== undefined ? 'Authorization' : 'Proxy-Authorization';
    const value = header(entry, name.toLowerCase());
    if (!value) {
      box.replaceChildren(el('p', t('panel_noCredentials'), 'muted'));
      return;
    }
    const reveal = this.reveal;
    const credentials = this.o.core.parseAuthorization(value, reveal);
    const parts = [];
    const line = el('p', undefined, 'credential-line');
    line.append(el('strong', `${name}: `), el('span', credentials.scheme || '?', 'scheme'), ' ', el('span', credentials.token68 ?? '', 'masked'));
    const toggle = el('button', t(reveal ? 'panel_hide' : 'panel_reveal'), 'small');
    toggle.type = 'button';
    toggle.id = 'reveal';
    toggle.addEventListener('click', () => {
      this.reveal = !this.reveal;
      this.credentials(rec);
    });
    line.append(' ', toggle);
    if (reveal && credentials.token68) {
      // Copying the credential is a deliberate act: only once it is revealed.
      const copy = el('button', t('panel_copyToken'), 'small');
      copy.type = 'button';
      copy.id = 'copy-token';
      copy.addEventListener('click', () => copyText(credentials.token68 ?? '', this.o.toast));
      line.append(' ', copy);
    }
    parts.push(line);
    for (const defect of credentials.defects) parts.push(el('p', t('problemAt', [String(defect.offset), `${defect.message} (${defect.kind})`]), 'problem'));
    for (const problem of [...credentials.problems, ...(credentials.token?.problems ?? [])]) parts.push(renderProblem(problem, 'p'));
    if (credentials.basic) {
      const dl = el('dl', undefined, 'kv basic');
      dl.append(el('dt', t('panel_basicUser')), el('dd', credentials.basic.user), el('dt', t('panel_basicPassword')), el('dd', credentials.basic.password, 'masked'), el('dt', 'charset'), el('dd', credentials.basic.charset));
      parts.push(dl);
    }
    if (credentials.params.length) {
      const dl = el('dl', undefined, 'kv digest');
      for (const p of credentials.params) {
        const dt = el('dt', p.name);
        dt.dataset.param = p.name.toLowerCase();
        dl.append(dt, el('dd', p.value));
      }
      parts.push(dl);
    }
    const token = credentials.token;
    if (token) {
      const origin = new URL(entry.request.url).origin;
      const expectations = /** @type {[string, string | undefined, string[]][]} */ ([
        ['aud', this.o.settings.audience[origin], token.claims.aud ?? []],
        ['iss', this.o.settings.issuer[origin], token.claims.iss ? [token.claims.iss] : []],
      ]);
      for (const [what, expected, actual] of expectations) {
        if (expected && token.payload && !actual.includes(expected)) {
          const warning = el('p', t('expectedMismatch', [what, expected, actual.join(', ') || '—']), 'problem');
          warning.dataset.expected = what;
          parts.push(warning);
        }
      }
      const date = Date.parse(entry.response.headers.find((h) => h.name.toLowerCase() === 'date')?.value ?? '');
      parts.push(renderJwt(token, { faults: faultNames(rec.annotation.findings[0]), at: rec.at, serverAt: Number.isNaN(date) ? undefined : date }));
      if (token.payload) {
        const copy = el('button', t('panel_copyClaims'), 'small');
        copy.type = 'button';
        copy.id = 'copy-claims';
        // The header and claims are not the secret (the signature is): jwt.io shows them.
        copy.addEventListener('click', () => copyText(JSON.stringify({ header: token.header, payload: token.payload }, null, 2), this.o.toast));
        parts.push(copy);
      }
    }
    box.replaceChildren(...parts);
  }

  /**
   * Cookie names sent and set, never their values; and each cookie the core's cookie model
   * (cookie_store.rs) says the browser withheld, with its reason. DevTools shows such
   * blocked reasons, but extensions cannot read them, so the core replays the jar.
   * @param {Rec} rec
   */
  cookies(rec) {
    const { entry } = rec;
    const verdict = rec.annotation.cookies;
    const sent = (header(entry, 'cookie') ?? '').split(';').map((c) => c.split('=')[0].trim()).filter(Boolean);
    const set = entry.response.headers
      .filter((h) => h.name.toLowerCase() === 'set-cookie')
      .flatMap((h) => (h.value ?? '').split('\n'))
      .map((line) => ({
        name: line.split('=')[0].trim(),
        deleted: /max-age=0|max-age=-|expires=thu, 01 jan 1970/i.test(line) || /^[^=]*=\s*;/.test(line),
      }));
    /** @param {string} title @param {HTMLElement[]} items @param {string} kind */
    const section = (title, items, kind) => {
      const s = el('section', undefined, `cookies cookies-${kind}`);
      s.dataset.kind = kind;
      s.append(el('h4', title));
      if (items.length) {
        const ul = el('ul');
        ul.append(...items);
        s.append(ul);
      } else s.append(el('p', t('none'), 'muted'));
      return s;
    };
    const withheld = verdict.withheld.filter((w) => !w.name_sent);
    const box = /** @type {HTMLElement} */ (document.getElementById('tab-cookies'));
    box.replaceChildren(
      section(t('panel_cookiesSent'), sent.map((name) => el('li', name)), 'sent'),
      section(t('panel_cookiesSet'), set.map((c) => {
        const li = el('li', c.deleted ? t('deleted', c.name) : c.name);
        if (c.deleted) li.dataset.deleted = 'true';
        return li;
      }), 'set'),
      section(t('panel_cookiesWithheld'), withheld.map((cookie) => {
        const li = el('li', undefined, 'withheld');
        li.dataset.reason = cookie.reason;
        li.append(el('code', cookie.name || t('emptyName')), ' ', el('span', cookie.certain ? cookie.reason : t('cookieInferred', cookie.reason), 'reason'), el('span', ` ${cookie.explanation}`, 'why'));
        return li;
      }), 'withheld'),
    );
  }

  /** @param {Rec} rec */
  related(rec) {
    const box = /** @type {HTMLElement} */ (document.getElementById('tab-related'));
    const chain = this.o.model.related(rec);
    const list = el('ol', undefined, 'chain');
    for (const r of chain) {
      const url = new URL(r.entry.request.url);
      const item = el('li', `${t(`panel_related_${r.kind}`)}: ${r.entry.request.method} ${url.origin}${url.pathname} → ${r.entry.response.status}`);
      item.dataset.kind = r.kind;
      list.append(item);
    }
    if (!chain.length) list.append(el('li', t('noChain'), 'muted'));
    // The sign-in flow this request is a step of, or that broke before it (issue #16: the
    // core groups OAuth/OIDC steps into flows and links its flow findings to them).
    const slot = el('section', undefined, 'flow-slot');
    slot.id = 'flow-slot';
    slot.dataset.slot = 'sign-in-flow';
    const link = rec.annotation.findings.find((f) => f.flow)?.flow;
    const flow = link ? this.o.flow(link.id) : null;
    slot.append(el('h4', t('panel_flowTitle')), flow ? renderFlow(flow) : el('p', t('panel_flowNone'), 'muted'));
    box.replaceChildren(el('h4', t('panel_relatedTitle')), list, slot);
  }
}
