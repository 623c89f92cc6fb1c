// The popup's verdict logic in Node (shared/causes.js, shared/verdict.js): every finding
// code of the catalogue has advice, every message it uses exists in _locales, and
// hostile server words cannot become Markdown in the report. The DOM side is tested in
// real browsers (popup.test.mjs, popup-firefox.test.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { causeOf, clockSkewMinutes, fixOf, groupByCause, severityOf } from '../../extension/shared/causes.js';
import { ALL_OS, headline, mdText, reportMarkdown, secondarySteps } from '../../extension/shared/verdict.js';
import { root } from './support/lab.mjs';

/** @type {Record<string, {message: string, placeholders?: Record<string, {content: string}>}>} */
const messages = JSON.parse(readFileSync(join(root, 'extension', '_locales', 'en', 'messages.json'), 'utf8'));

/**
 * i18n.getMessage as the browsers implement it (named placeholders → $1…), failing on a
 * missing key instead of returning "".
 * @param {string} key
 * @param {string | string[]} [subs]
 */
function t(key, subs) {
  const entry = messages[key];
  if (!entry) throw new Error(`missing message ${key}`);
  const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
  return entry.message.replace(/\$([A-Za-z_]+)\$/g, (_, name) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/g, (/** @type {string} */ _m, /** @type {string} */ n) => list[Number(n) - 1] ?? '');
  });
}

const CODES = [...readFileSync(join(root, 'docs', 'findings.md'), 'utf8').matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]);

test('every finding code of the catalogue has a cause, and its messages exist', () => {
  assert.ok(CODES.length >= 45, `read ${CODES.length} codes from docs/findings.md`);
  // An encrypted token alone says nothing about the cause.
  const unknown = CODES.filter((code) => causeOf(code) === 'unknown');
  assert.deepEqual(unknown, ['token.encrypted']);
  for (const code of CODES) {
    const cause = causeOf(code);
    const group = { cause, fix: fixOf(cause), severity: severityOf({ code, likelihood: 'high' }), failures: [], hosts: ['shop.example.com'] };
    assert.ok(headline(group, 'shop.example.com', t).length > 10, code);
    t(`popup_fix_${fixOf(cause)}`);
    t(`popup_explain_${cause}`);
    for (const key of secondarySteps(cause)) t(key);
  }
  for (const os of ALL_OS) for (const key of [`popup_os_${os}`, `popup_clock_${os}`, `popup_proxy_${os}`]) t(key);
  // Codes the core does not have yet (issue #16's flows) still get advice.
  assert.equal(causeOf('oidc.nonce_mismatch'), 'site');
});

test('the verdict names the site, and the clock its minutes', () => {
  /**
   * @param {string} code
   * @param {{evidence?: {source: string, fact: string}[]}} [more]
   */
  const group = (code, more = {}) =>
    groupByCause([{
      at: 0, method: 'GET', origin: 'https://shop.example.com', path: '/', status: 401, challenge: null,
      finding: { code, title: '', likelihood: 'high', ...more },
    }])[0];
  assert.equal(headline(group('token.expired'), 'shop.example.com', t), 'Your sign-in to shop.example.com has expired.');
  assert.equal(headline(group('status.forbidden'), 'shop.example.com', t), 'You are signed in to shop.example.com, but not allowed here.');
  assert.equal(headline(group('status.proxy_auth'), 'shop.example.com', t), 'A proxy on your network wants you to sign in before you can reach shop.example.com.');
  assert.equal(headline(group('challenge.missing'), 'shop.example.com', t), "This is shop.example.com's problem, not yours.");
  // The evidence of src/diagnose/token.rs clock_skew: both clocks as HTTP dates.
  const evidence = [
    { source: 'request start (client clock)', fact: 'Wed, 02 Dec 2026 12:14:00 GMT' },
    { source: 'Date header (server clock)', fact: 'Wed, 02 Dec 2026 12:00:00 GMT' },
  ];
  assert.equal(clockSkewMinutes({ evidence }), 14);
  assert.equal(headline(group('clock.skew', { evidence }), '', t), "Your computer's clock is 14 minutes off.");
  assert.equal(headline(group('clock.skew'), '', t), "Your computer's clock is wrong.");
});

test('failures are grouped by cause, the one to act on first', () => {
  const failures = [
    { origin: 'https://a.example', finding: { code: 'status.forbidden', likelihood: 'medium' } },
    { origin: 'https://a.example', finding: { code: 'token.expired', likelihood: 'high' } },
    { origin: 'https://api.a.example', finding: { code: 'pattern.expiry_boundary', likelihood: 'high' } },
    { origin: 'https://a.example', finding: { code: 'challenge.negotiate', likelihood: 'low' } },
  ];
  const groups = groupByCause(failures);
  assert.deepEqual(groups.map((g) => [g.cause, g.severity, g.failures.length]), [
    ['expired', 'high', 2],
    ['forbidden', 'medium', 1],
    ['company', 'low', 1],
  ]);
  assert.deepEqual(groups[0].hosts, ['a.example', 'api.a.example']);
});

test('hostile server words stay text in the Markdown report', () => {
  assert.equal(mdText('[click](https://evil.example) <img src=x onerror=alert(1)>'), '\\[click\\](https://evil.example) \\<img src=x onerror=alert(1)\\>');
  assert.equal(mdText('# not a heading\n- not a list'), '\\# not a heading - not a list');
  const report = reportMarkdown(
    groupByCause([{
      at: Date.UTC(2026, 11, 2, 12), method: 'GET', origin: 'https://shop.example.com', path: '/api/me', status: 401, challenge: null,
      finding: { code: 'token.rejected', title: 'Refused', likelihood: 'medium', explanation: 'x', evidence: [{ source: 'error_description', fact: '![pixel](https://evil.example/p.png)\n# Injected' }] },
    }]),
    { site: 'shop.example.com', now: new Date(Date.UTC(2026, 11, 2, 12, 5)), browser: 'Chrome', t },
  );
  assert.match(report, /^# Sign-in problem report: shop\.example\.com$/m);
  assert.match(report, /^- 401 GET https:\/\/shop\.example\.com\/api\/me at 2026-12-02T12:00:00\.000Z$/m);
  assert.doesNotMatch(report, /[^\\]\[pixel\]|^# Injected/m, 'no image, no heading from the server');
});
