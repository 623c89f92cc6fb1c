// Writes the self-help page's catalogue of findings (dist/www/findings.json) from the core
// itself: the shipped Wasm module diagnoses every recorded HAR under tests/fixtures/har/
// (the lab records one scenario per finding, docs/findings.md), and the first finding of
// each code gives its end-user explanation, fixes and spec link. So the guide's texts are
// the texts the panel and the CLI show, with no copy to drift.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root the repository root
 * @param {string} out the file to write
 */
export async function writeCatalogue(root, out) {
  const glue = await import(join(root, 'pkg', 'authlens.js'));
  await glue.default({ module_or_path: readFileSync(join(root, 'pkg', 'authlens_bg.wasm')) });
  /** @type {Map<string, {code: string, title: string, explanation: string, fixes: {text: string, effort: string}[], spec: string}>} */
  const found = new Map();
  for (const file of hars(join(root, 'tests', 'fixtures', 'har'))) {
    let report;
    try {
      report = glue.diagnoseHar(readFileSync(file, 'utf8'));
    } catch {
      continue; // Some fixtures are broken on purpose.
    }
    for (const entry of report.entries) {
      for (const f of entry.findings) {
        if (!found.has(f.code)) {
          found.set(f.code, { code: f.code, title: f.title, explanation: f.explanation, fixes: f.fixes.map((/** @type {any} */ x) => ({ text: x.text, effort: x.effort })), spec: f.spec });
        }
      }
    }
  }
  // Codes no recording produces (docs/findings.md says which): made here from a few
  // exchanges each, still diagnosed by the core, so the text is still the core's.
  for (const entries of SYNTHETIC) {
    for (const f of glue.diagnoseHar(JSON.stringify({ log: { entries } })).entries.flatMap((/** @type {any} */ e) => e.findings)) {
      if (!found.has(f.code)) {
        found.set(f.code, { code: f.code, title: f.title, explanation: f.explanation, fixes: f.fixes.map((/** @type {any} */ x) => ({ text: x.text, effort: x.effort })), spec: f.spec });
      }
    }
  }
  const findings = [...found.values()].sort((a, b) => a.code.localeCompare(b.code));
  writeFileSync(out, JSON.stringify({ findings }, null, 1) + '\n');
  return findings.length;
}

/**
 * A token endpoint's error answer (RFC 6749 §5.2), and credentials over plain http.
 * @param {string} error
 */
const tokenError = (error) => ({
  startedDateTime: '2026-11-23T12:00:00Z',
  request: { method: 'POST', url: 'https://login.example/oauth/token', headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }], postData: { mimeType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials&client_id=c' } },
  response: { status: 400, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { mimeType: 'application/json', text: JSON.stringify({ error }) } },
});
/**
 * A GET and its answer, optionally a redirect.
 * @param {string} url
 * @param {number} status
 * @param {string} [location]
 */
const get = (url, status, location) => ({
  startedDateTime: '2026-11-23T12:00:00Z',
  request: { method: 'GET', url, headers: [] },
  response: { status, headers: location ? [{ name: 'Location', value: location }] : [], redirectURL: location ?? '' },
});
const part = (/** @type {object} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const callback = 'redirect_uri=https%3A%2F%2Fapp.example%2Fcb';
/** @type {object[][]} each a HAR's entries */
const SYNTHETIC = [
  [tokenError('invalid_scope')],
  [tokenError('unauthorized_client')],
  [tokenError('invalid_request')],
  [{
    startedDateTime: '2026-11-23T12:00:00Z',
    request: { method: 'GET', url: 'http://api.example/v1/me', headers: [{ name: 'Authorization', value: 'Basic dXNlcjpwYXNz' }] },
    response: { status: 401, headers: [{ name: 'WWW-Authenticate', value: 'Basic realm="api"' }] },
  }],
  // RFC 6749 §10.12: the callback's state is not the one sent.
  [get(`https://as.example/authorize?response_type=code&client_id=app&${callback}&state=s1`, 302, 'https://app.example/cb?code=c1&state=s2'), get('https://app.example/cb?code=c1&state=s2', 200)],
  // RFC 9700 §2.1.2: the implicit flow.
  [get(`https://as.example/authorize?response_type=token&client_id=app&${callback}&state=s1`, 303, 'https://app.example/cb#access_token=t&token_type=Bearer&state=s1'), get('https://app.example/cb', 200)],
  // OIDC Discovery §4.3: the document's issuer is not the URL it was fetched from.
  [{
    startedDateTime: '2026-11-23T12:00:00Z',
    request: { method: 'GET', url: 'https://as.example/.well-known/openid-configuration', headers: [] },
    response: { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { mimeType: 'application/json', text: JSON.stringify({ issuer: 'http://as.example' }) } },
  }],
  // OIDC Core §3.1.3.7: the ID token's nonce is not the one sent.
  [
    get(`https://as.example/authorize?response_type=code&client_id=app&scope=openid&nonce=n1&${callback}&state=s1`, 302, 'https://app.example/cb?code=c1&state=s1'),
    get('https://app.example/cb?code=c1&state=s1', 200),
    {
      startedDateTime: '2026-11-23T12:00:01Z',
      request: { method: 'POST', url: 'https://as.example/token', headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }], postData: { mimeType: 'application/x-www-form-urlencoded', text: `grant_type=authorization_code&code=c1&${callback}&client_id=app` } },
      response: { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { mimeType: 'application/json', text: JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 3600, id_token: `${part({ alg: 'RS256' })}.${part({ iss: 'https://as.example', aud: 'app', sub: 'u', nonce: 'n2', exp: 1795438800 })}.c2ln` }) } },
    },
  ],
];

/** @param {string} dir */
function hars(dir) {
  /** @type {string[]} */
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...hars(path));
    else if (name.endsWith('.har')) files.push(path);
  }
  return files;
}
