// The self-help page: the AuthLens core, compiled to Wasm, analyses what the user pastes.
// Everything stays in the page. Pasted text is rendered with textContent only.
import init, { parseChallenges } from './pkg/authlens.js';

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
      const note = element('p', 'problem', `At ${where}: ${problem.message}`);
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
document.body.dataset.ready = 'true';
