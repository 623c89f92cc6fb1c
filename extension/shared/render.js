// DOM rendering of core results. Network data is hostile: text goes in with textContent
// (via append of strings), never innerHTML.
import { t } from './i18n.js';

/**
 * A parsed challenge list as a compact fragment: scheme, then name=value params.
 * @param {import('../pkg/authlens.js').ChallengeList} list
 * @param {string} headerName
 */
export function renderChallenges(list, headerName) {
  const fragment = document.createDocumentFragment();
  if (list.challenges.length === 0) {
    const none = document.createElement('span');
    none.className = 'problem';
    none.textContent = t('noChallenge', headerName);
    fragment.append(none);
  }
  for (const challenge of list.challenges) {
    const item = document.createElement('div');
    item.className = 'challenge-item';
    const scheme = document.createElement('span');
    scheme.className = 'scheme';
    scheme.textContent = challenge.scheme;
    item.append(scheme);
    if (challenge.token68 !== null) item.append(' ', challenge.token68);
    for (const param of challenge.params) {
      const span = document.createElement('span');
      span.className = 'param';
      span.dataset.name = param.name;
      span.textContent = `${param.name}=${JSON.stringify(param.value)}`;
      item.append(span);
    }
    fragment.append(item);
  }
  for (const problem of list.problems) fragment.append(renderProblem(problem));
  return fragment;
}

/**
 * One parse problem, labelled with its severity: an error (the value breaks its grammar,
 * what follows is a recovery) reads and looks different from a warning (it parses, a spec
 * advises otherwise). The class and `data-severity` carry it for styling and tests.
 * @param {import('../pkg/authlens.js').Problem} problem
 * @param {string} [tag]
 */
export function renderProblem(problem, tag = 'div') {
  const line = document.createElement(tag);
  const error = problem.severity === 'error';
  line.className = `problem ${error ? 'error' : 'warning'}`;
  line.dataset.severity = problem.severity;
  line.textContent = t(error ? 'problemError' : 'problemWarning', [String(problem.offset), problem.message]);
  return line;
}
