// The "Sign-in flow" view: a flow from the core (Inspector.flow(id), see src/flow.rs) as a
// timeline of its steps (authorize → login → consent → callback → token → API). Each step
// shows its status and the parameters that matter; the core masks the secret ones (codes,
// tokens, verifiers, state, nonce) before they get here. The step where the flow broke is
// marked with its finding code. Network data is hostile: DOM APIs and textContent only.
//
// Shared by the panel (a flow from the Inspector) and the self-help page (a flow of a
// dropped HAR's report, `summary.flows`), so it imports only view.js: www has no
// extension APIs, and each surface hands view.js its translator (setTranslator).
import { tr as t } from './view.js';

/** Step kinds the timeline knows, with their _locales key (flow_step_<kind>). */
const KINDS = new Set([
  'discovery', 'jwks', 'par', 'authorize', 'login', 'consent', 'authorize_error', 'redirect',
  'callback', 'token', 'refresh', 'revocation', 'introspection', 'userinfo', 'end_session', 'api',
]);

/**
 * Renders a flow as an ordered list.
 * @param {import('../pkg/authlens.js').Flow} flow the core's flow object
 * @param {{ current?: number, onSelect?: (index: number) => void }} [options]
 *   `current`: the stream position of the exchange the detail shows (marked
 *   aria-current); `onSelect`: called with a step's stream position when it is chosen.
 * @returns {HTMLElement}
 */
export function renderFlow(flow, options = {}) {
  const section = document.createElement('section');
  section.className = 'flow-view';
  section.dataset.flow = String(flow.id);
  const heading = document.createElement('h3');
  heading.textContent = t('flow_heading', [flow.client_id ?? t('flow_unknown_client'), flow.grant ?? '']);
  section.append(heading);
  if (flow.issuer) {
    const issuer = document.createElement('p');
    issuer.className = 'flow-issuer';
    issuer.textContent = t('flow_issuer', flow.issuer);
    section.append(issuer);
  }
  if (flow.broken) {
    const broken = document.createElement('p');
    broken.className = 'flow-broken';
    broken.dataset.code = flow.broken.code;
    broken.textContent = t('flow_broken_at', [String(flow.broken.index), flow.broken.title]);
    section.append(broken);
  }
  const list = document.createElement('ol');
  list.className = 'flow-steps';
  for (const step of flow.steps) list.append(renderStep(step, flow, options));
  section.append(list);
  if (flow.dropped_steps) {
    const more = document.createElement('p');
    more.textContent = t('flow_dropped', String(flow.dropped_steps));
    section.append(more);
  }
  return section;
}

/**
 * @param {import('../pkg/authlens.js').FlowStep} step
 * @param {import('../pkg/authlens.js').Flow} flow
 * @param {{ current?: number, onSelect?: (index: number) => void }} options
 */
function renderStep(step, flow, options) {
  const item = document.createElement('li');
  item.className = 'flow-step';
  item.dataset.kind = step.kind;
  item.dataset.index = String(step.index);
  if (step.finding) {
    item.dataset.finding = step.finding;
    item.classList.add('flow-step-broken');
  }
  if (options.current === step.index) item.setAttribute('aria-current', 'step');
  const title = document.createElement(options.onSelect ? 'button' : 'span');
  title.className = 'flow-step-title';
  if (title instanceof HTMLButtonElement) {
    title.type = 'button';
    const select = options.onSelect;
    title.addEventListener('click', () => select?.(step.index));
  }
  const kind = KINDS.has(step.kind) ? t(`flow_step_${step.kind}`) : step.kind;
  title.textContent = t('flow_step_line', [String(step.index), kind, step.method, String(step.status || '—')]);
  item.append(title);
  // A HAR report's flow steps carry the URL of the failing entries only.
  if (step.url) {
    const url = document.createElement('code');
    url.className = 'flow-step-url';
    url.textContent = step.url;
    item.append(' ', url);
  }
  if (step.params.length) {
    const params = document.createElement('dl');
    params.className = 'flow-params';
    for (const param of step.params) {
      const name = document.createElement('dt');
      name.textContent = param.name;
      const value = document.createElement('dd');
      value.textContent = param.value;
      if (param.secret) {
        value.dataset.masked = 'true';
        value.title = t('flow_masked');
      }
      params.append(name, value);
    }
    item.append(params);
  }
  if (step.finding) {
    const finding = document.createElement('p');
    finding.className = 'flow-step-finding';
    finding.textContent = t('flow_broke_here', flow.broken?.index === step.index ? [step.finding, flow.broken.title] : [step.finding, '']);
    item.append(finding);
  }
  return item;
}
