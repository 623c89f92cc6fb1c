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
  const findings = [...found.values()].sort((a, b) => a.code.localeCompare(b.code));
  writeFileSync(out, JSON.stringify({ findings }, null, 1) + '\n');
  return findings.length;
}

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
