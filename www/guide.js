// The guide's catalogue of findings, and the small DOM helpers the page shares. The
// finding texts come from the core (findings.json is written at build time by
// tools/findings-catalogue.mjs, which runs the shipped Wasm module on the lab's recorded
// HAR files): one source for the panel, the CLI and this page.

/**
 * An element with properties and children; children are text or nodes, never markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props]
 * @param {...(Node | string)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'className' || key === 'id' || key === 'href' || key === 'download' || key === 'type' || key === 'open' || key === 'rel') {
      /** @type {any} */ (node)[key] = value;
    } else {
      node.setAttribute(key, String(value));
    }
  }
  node.append(...children);
  return node;
}

/** The fragment id of a finding code's entry in the guide: `token.expired` → `finding-token-expired`. */
export function slug(/** @type {string} */ code) {
  return `finding-${code.replace(/[^a-z0-9]+/gi, '-')}`;
}

/**
 * A link to a finding's entry in the guide (or to the whole list, for a code the
 * catalogue lacks).
 * @param {string} code
 * @param {string} text
 */
export function findingLink(code, text) {
  const known = document.getElementById(slug(code));
  const link = el('a', { href: `#${known ? slug(code) : 'findings'}`, className: 'finding-link' }, text);
  link.dataset.code = code;
  return link;
}

/**
 * @param {HTMLElement} box
 * @param {{ code: string, title: string, explanation: string, fixes: { text: string }[], spec: string }[]} findings
 */
export function renderCatalogue(box, findings) {
  const groups = new Map();
  for (const finding of findings) {
    const family = finding.code.split('.')[0];
    if (!groups.has(family)) groups.set(family, []);
    groups.get(family).push(finding);
  }
  for (const [family, list] of groups) {
    const section = el('div', { className: 'finding-family' }, el('h4', {}, FAMILIES[family] ?? family));
    for (const finding of list) {
      const article = el('article', { id: slug(finding.code), className: 'catalogue-entry' },
        el('h5', {}, el('code', {}, finding.code)),
        el('p', {}, finding.explanation));
      article.dataset.code = finding.code;
      if (finding.fixes.length) article.append(el('ul', {}, ...finding.fixes.map((/** @type {{ text: string }} */ f) => el('li', {}, f.text))));
      article.append(el('p', { className: 'spec' }, el('a', { href: finding.spec, rel: 'noreferrer' }, 'The specification')));
      section.append(article);
    }
    box.append(section);
  }
  if (!findings.length) box.append(el('p', {}, 'The list of causes could not be loaded.'));
}

/** @type {Record<string, string>} */
const FAMILIES = {
  auth: 'The credentials sent',
  token: 'Tokens',
  clock: 'Clocks',
  challenge: 'The server\'s challenge',
  status: 'The status code',
  session: 'Cookie sessions',
  cors: 'Cross-origin requests',
  pattern: 'Patterns across requests',
  oauth: 'Sign-in (OAuth) flows',
  proxy: 'Proxies',
};
