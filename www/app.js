// The self-help page: the AuthLens core, compiled to Wasm, analyses what the user pastes.
// Everything stays in the page. Pasted text is rendered with textContent only.
import init, { diagnoseHar, parseAuthorization, parseChallenges, sanitizeHar } from './pkg/authlens.js';

await init({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

const input = /** @type {HTMLTextAreaElement} */ (document.getElementById('challenge-input'));
const result = /** @type {HTMLElement} */ (document.getElementById('challenge-result'));

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A parse problem, labelled with its severity: an error (the value breaks its grammar)
 * looks and reads different from a warning (it parses; a spec advises otherwise).
 * @param {import('./pkg/authlens.js').Problem} problem
 * @param {string} where
 */
function problemNote(problem, where) {
  const error = problem.severity === 'error';
  const note = element('p', `problem ${error ? 'error' : 'warning'}`, `${error ? 'Error' : 'Warning'} at ${where}: ${problem.message}`);
  note.dataset.severity = problem.severity;
  return note;
}

/**
 * The input line with a caret under the byte offset the core reported.
 * @param {string} line
 * @param {number} byteOffset
 */
function caret(line, byteOffset) {
  // Offsets are UTF-8 byte positions; count the characters before them for the caret.
  const before = new TextDecoder().decode(new TextEncoder().encode(line).slice(0, byteOffset));
  return element('pre', 'caret', `${line}\n${' '.repeat([...before].length)}^`);
}

function render() {
  const lines = input.value.split(/\r?\n/).filter((line) => line.trim() !== '');
  result.replaceChildren();
  if (lines.length === 0) return;
  lines.forEach((line, index) => {
    const parsed = parseChallenges(line);
    for (const challenge of parsed.challenges) {
      const box = element('div', 'challenge');
      box.dataset.scheme = challenge.scheme;
      box.append(element('div', 'scheme', challenge.scheme));
      if (challenge.token68 !== null) box.append(element('code', 'token68', challenge.token68));
      if (challenge.params.length) {
        const list = element('dl');
        for (const param of challenge.params) {
          list.append(element('dt', undefined, param.name), element('dd', undefined, param.value));
        }
        box.append(list);
      }
      result.append(box);
    }
    for (const problem of parsed.problems) {
      const where = lines.length > 1 ? `line ${index + 1}, byte ${problem.offset}` : `byte ${problem.offset}`;
      const note = problemNote(problem, where);
      note.dataset.offset = String(problem.offset);
      result.append(note, caret(line, problem.offset));
    }
    if (parsed.challenges.length === 0 && parsed.problems.length === 0) {
      result.append(element('p', 'problem', 'No challenge found in this value.'));
    }
  });
}

input.addEventListener('input', render);
render();

// ---- What the app sent: Authorization header or bare token ------------------------------

const credentialsInput = /** @type {HTMLTextAreaElement} */ (document.getElementById('credentials-input'));
const credentialsResult = /** @type {HTMLElement} */ (document.getElementById('credentials-result'));

function renderCredentials() {
  const value = credentialsInput.value.replace(/\r?\n$/, '');
  credentialsResult.replaceChildren();
  if (!value.trim()) return;
  // Masked: the page never shows a secret it was given (a bare token is read as one).
  const parsed = parseAuthorization(value, false);
  credentialsResult.append(element('p', 'scheme', parsed.scheme ? `Scheme: ${parsed.scheme}` : 'No scheme'));
  if (parsed.token68) credentialsResult.append(element('p', 'masked', `Credentials: ${parsed.token68}`));
  if (parsed.basic) credentialsResult.append(element('p', undefined, `User: ${parsed.basic.user} (password masked)`));
  for (const defect of parsed.defects) {
    const note = element('p', 'problem', `At byte ${defect.offset}: ${defect.message}`);
    note.dataset.defect = defect.kind;
    credentialsResult.append(note);
  }
  for (const problem of parsed.problems) credentialsResult.append(problemNote(problem, `byte ${problem.offset}`));
  const token = parsed.token;
  if (token?.payload) {
    credentialsResult.append(element('p', undefined, `A ${token.kind.toUpperCase()} token; looks like: ${token.usage.kind.replace('_', ' ')}${token.usage.evidence.length ? ` (${token.usage.evidence.join('; ')})` : ''}`));
    const list = element('dl');
    for (const [name, claim] of Object.entries(token.payload)) {
      let shown = typeof claim === 'string' ? claim : JSON.stringify(claim);
      if ((name === 'exp' || name === 'nbf' || name === 'iat') && typeof claim === 'number') {
        const when = new Date(claim > 1e11 ? claim : claim * 1000);
        const minutes = Math.round((when.getTime() - Date.now()) / 60000);
        shown += ` = ${when.toISOString()} (${minutes >= 0 ? `in ${minutes} min` : `${-minutes} min ago`}, by this computer's clock)`;
      }
      list.append(element('dt', undefined, name), element('dd', undefined, shown));
    }
    credentialsResult.append(list);
  } else if (token) {
    credentialsResult.append(element('p', undefined, `A ${token.kind} token${token.format ? ` (${token.format})` : ''}: only its issuer can read it.`));
  }
}

credentialsInput.addEventListener('input', renderCredentials);

// ---- A HAR file: diagnosed here, and a sanitized copy to share ---------------------------

const harInput = /** @type {HTMLInputElement} */ (document.getElementById('har-input'));
const harResult = /** @type {HTMLElement} */ (document.getElementById('har-result'));

harInput.addEventListener('change', async () => {
  const file = harInput.files?.[0];
  harResult.replaceChildren();
  if (!file) return;
  const text = await file.text();
  let report;
  try {
    report = diagnoseHar(text);
  } catch (error) {
    harResult.append(element('p', 'problem', String(error)));
    return;
  }
  const { summary } = report;
  harResult.append(element('p', undefined, `${summary.failures} of ${summary.entries} requests failed authentication.`));
  const list = element('ol');
  for (const entry of report.entries.slice(0, 200)) {
    const top = entry.findings[0];
    const item = element('li', undefined, `${entry.status} ${entry.method} ${entry.url}: ${top.title}`);
    item.dataset.code = top.code;
    const fix = top.fixes[0];
    if (fix) item.append(element('div', 'fix', `Try: ${fix.text}`));
    list.append(item);
  }
  harResult.append(list);
  const button = element('button', undefined, 'Download a sanitized copy to share');
  button.id = 'download-sanitized';
  button.addEventListener('click', () => {
    const clean = sanitizeHar(text, false, crypto.getRandomValues(new Uint32Array(4)));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([clean], { type: 'application/json' }));
    link.download = file.name.replace(/\.har$/i, '') + '-sanitized.har';
    link.click();
  });
  harResult.append(button);
});

document.body.dataset.ready = 'true';
