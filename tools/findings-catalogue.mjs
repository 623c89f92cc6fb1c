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
  // Codes no recording produces (docs/findings.md says which): made here from one exchange
  // each, still diagnosed by the core, so the text is still the core's.
  for (const entry of SYNTHETIC) {
    for (const f of glue.annotateHarEntry(entry).findings) {
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
const SYNTHETIC = [
  tokenError('invalid_scope'),
  tokenError('unauthorized_client'),
  tokenError('invalid_request'),
  {
    startedDateTime: '2026-11-23T12:00:00Z',
    request: { method: 'GET', url: 'http://api.example/v1/me', headers: [{ name: 'Authorization', value: 'Basic dXNlcjpwYXNz' }] },
    response: { status: 401, headers: [{ name: 'WWW-Authenticate', value: 'Basic realm="api"' }] },
  },
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
