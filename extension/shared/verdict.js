// The plain-language verdict: what went wrong, in one sentence that names the site, what
// the one safe fix will do, the usual self-help steps, and a report for support. For
// people who have never opened DevTools (issue #14). Used by the popup; the www page can
// use it too: nothing here touches an extension API. Strings come through `t` (a
// translator over _locales keys), so each surface brings its own i18n.
//
// Network data is hostile: everything goes in through textContent/append, never
// innerHTML. Raw header syntax (`Bearer realm=…`) is never put on screen outside the
// collapsed details.
import { clockSkewMinutes } from './causes.js';

/** @typedef {(key: string, substitutions?: string | string[]) => string} Translate */
/** @typedef {import('./summary.js').FailureSummary} FailureSummary */
/** @typedef {import('./causes.js').Group<FailureSummary>} Group */
/** @typedef {import('./causes.js').Cause} Cause */
/** @typedef {'windows' | 'mac' | 'linux' | 'chromeos' | 'android' | 'ios'} Os */

/** The site to name: the host the failures came from, else the tab's. */
/** @param {Group} group @param {string} [tabSite] */
export function siteOf(group, tabSite) {
  return group.hosts[0] ?? tabSite ?? '';
}

/**
 * The verdict in one sentence, naming the site ("Your sign-in to shop.example.com has
 * expired."). Clock skew names the minutes when the core's evidence gives them.
 * @param {Group} group
 * @param {string} site
 * @param {Translate} t
 */
export function headline(group, site, t) {
  if (group.cause === 'clock') {
    const minutes = clockSkewMinutes(group.failures.find((f) => f.finding?.code === 'clock.skew')?.finding);
    if (minutes !== null && minutes !== 0) return t('popup_verdict_clock_minutes', String(Math.abs(minutes)));
    return t('popup_verdict_clock');
  }
  return t(`popup_verdict_${group.cause}`, site);
}

/**
 * The core's end-user explanation of the group's top finding (English: the core's
 * catalogue, src/diagnose/), or the cause's own words when the core gave none.
 * @param {Group} group
 * @param {Translate} t
 */
export function explanation(group, t) {
  return group.failures.find((f) => f.finding?.explanation)?.finding?.explanation ?? t(`popup_explain_${group.cause}`);
}

/** What this computer runs, for the clock and proxy how-to. */
/** @param {{userAgent: string, platform?: string}} nav @returns {Os} */
export function detectOs(nav) {
  const ua = `${nav.platform ?? ''} ${nav.userAgent}`;
  if (/Android/i.test(ua)) return 'android';
  if (/iPhone|iPad|iPod/i.test(ua)) return 'ios';
  if (/CrOS/i.test(ua)) return 'chromeos';
  if (/Win/i.test(ua)) return 'windows';
  if (/Mac/i.test(ua)) return 'mac';
  return 'linux';
}

/** @type {Os[]} */
export const ALL_OS = ['windows', 'mac', 'linux', 'chromeos', 'android', 'ios'];

/**
 * The self-help steps that usually come next, for this cause (issue #14, item 3): the
 * primary fix is not repeated, and a step that cannot help is left out (signing in
 * again does not help with a 403).
 * @param {Cause} cause
 * @returns {string[]} message keys
 */
export function secondarySteps(cause) {
  /** @type {Record<string, string[]>} */
  const steps = {
    expired: ['password', 'sign_out_in', 'clear_cookies_cache', 'clock', 'support'],
    signed_out: ['password', 'sign_out_in', 'clear_cookies_cache', 'clock', 'support'],
    refused: ['sign_out_in', 'clear_cookies_cache', 'clock', 'support'],
    not_signed_in: ['password', 'clear_cookies_cache', 'clock', 'support'],
    reconfirm: ['password', 'sign_out_in', 'support'],
    password: ['password', 'clear_cookies_cache', 'sign_out_in', 'support'],
    retry: ['password', 'clear_cookies_cache', 'support'],
    forbidden: ['other_account', 'sign_out_in', 'support'],
    clock: ['clear_cookies_cache', 'sign_out_in', 'support'],
    proxy: ['password', 'support'],
    company: ['company_network', 'support'],
    site: ['later', 'clear_cookies_cache', 'support'],
    unknown: ['password', 'clear_cookies_cache', 'sign_out_in', 'clock', 'support'],
  };
  return (steps[cause] ?? steps.unknown).map((step) => `popup_step_${step}`);
}

/**
 * A list of steps (message keys) as an ordered list.
 * @param {string[]} keys
 * @param {Translate} t
 */
export function renderSteps(keys, t) {
  const list = document.createElement('ol');
  for (const key of keys) {
    const item = document.createElement('li');
    item.textContent = t(key);
    item.dataset.step = key;
    list.append(item);
  }
  return list;
}

/**
 * The how-to for setting the clock or the proxy, for this computer's system first and
 * the others collapsed (a guess from the user agent can be wrong).
 * @param {'clock' | 'proxy'} topic
 * @param {Os} os
 * @param {Translate} t
 */
export function renderHowTo(topic, os, t) {
  const box = document.createElement('div');
  box.className = 'howto';
  box.dataset.topic = topic;
  box.dataset.os = os;
  const title = document.createElement('p');
  title.className = 'howto-title';
  title.textContent = t(`popup_os_${os}`);
  const steps = document.createElement('p');
  steps.textContent = t(`popup_${topic}_${os}`);
  box.append(title, steps);
  const others = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = t('popup_howto_other_systems');
  others.append(summary);
  for (const other of ALL_OS.filter((o) => o !== os)) {
    const line = document.createElement('p');
    const name = document.createElement('strong');
    name.textContent = t(`popup_os_${other}`);
    line.append(name, ' ', t(`popup_${topic}_${other}`));
    others.append(line);
  }
  box.append(others);
  return box;
}

/**
 * The details for those who open them: each failed request and what the core found,
 * with the developer's wording. Collapsed by default: this is where technical words live.
 * @param {Group} group
 * @param {Translate} t
 */
export function renderDetails(group, t) {
  const details = document.createElement('details');
  details.className = 'details';
  const summary = document.createElement('summary');
  summary.textContent = t('popup_details', String(group.failures.length));
  details.append(summary);
  const list = document.createElement('ul');
  for (const failure of group.failures) {
    const item = document.createElement('li');
    item.className = 'failure';
    item.dataset.status = String(failure.status);
    const request = document.createElement('div');
    request.className = 'request';
    request.textContent = t('popup_request_line', [String(failure.status), failure.method, `${failure.origin}${failure.path}`, new Date(failure.at).toLocaleTimeString()]);
    item.append(request);
    if (failure.finding) {
      const title = document.createElement('div');
      title.className = 'finding-title';
      title.dataset.code = failure.finding.code;
      title.textContent = failure.finding.title;
      item.append(title);
      if (failure.finding.detail) {
        const detail = document.createElement('div');
        detail.className = 'finding-detail';
        detail.textContent = failure.finding.detail;
        item.append(detail);
      }
    }
    list.append(item);
  }
  details.append(list);
  return details;
}

// ---- The report for support -----------------------------------------------------------

/**
 * Escapes text for Markdown: server words and page paths are hostile and must read as
 * text, not as links, images, HTML or headings once pasted into a ticket (CommonMark
 * §2.4: any ASCII punctuation may be backslash-escaped; `!` and `(` are inert without
 * the `[` they follow). Line breaks become spaces.
 * @param {string} text
 */
export function mdText(text) {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>|~]/g, '\\$&') // emphasis, code, links and images, HTML, tables
    .replace(/^([#+\-=]|\d+[.)])/, '\\$1'); // a heading, list or rule where a line starts
}

/**
 * The report for support, in Markdown, ready to paste. It is made from the summaries
 * only (no header value, no token, no cookie value: summary.js), and the caller still
 * runs it through the core's sanitizer (which scans every string for secret shapes)
 * before it reaches the clipboard.
 * @param {Group[]} groups
 * @param {{site: string, now: Date, browser: string, t: Translate}} context
 */
export function reportMarkdown(groups, { site, now, browser, t }) {
  const lines = [`# ${mdText(t('popup_report_title', site))}`, ''];
  lines.push(mdText(t('popup_report_made', [now.toISOString(), browser])), '');
  const total = groups.reduce((n, g) => n + g.failures.length, 0);
  lines.push(mdText(t('popup_report_summary', [String(total), String(groups.length)])), '');
  for (const group of groups) {
    const groupSite = siteOf(group, site);
    lines.push(`## ${mdText(headline(group, groupSite, t))}`, '');
    lines.push(mdText(explanation(group, t)), '');
    for (const failure of group.failures) {
      const at = new Date(failure.at).toISOString();
      lines.push(`- ${mdText(t('popup_report_request', [String(failure.status), failure.method, `${failure.origin}${failure.path}`, at]))}`);
      const f = failure.finding;
      if (!f) continue;
      lines.push(`  - ${mdText(t('popup_report_finding', [f.title, f.code, f.likelihood]))}`);
      for (const e of f.evidence ?? []) lines.push(`  - ${mdText(`${e.source}: ${e.fact}`)}`);
    }
    lines.push('');
  }
  lines.push(mdText(t('popup_report_footer')), '');
  return lines.join('\n');
}
