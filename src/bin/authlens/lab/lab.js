// The lab page: one button per scenario. Each runs its steps from this page with fetch(),
// so the browser (and AuthLens) sees real exchanges with the credentials they need.
// Navigation scenarios are links instead. Results are rendered with textContent only.

const list = document.getElementById('scenarios');

/** The same lab on its other loopback name: a different origin, same server. */
const otherOrigin = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The URL the previous step ended on (after redirects): a sign-in flow's callback. */
let lastUrl = '';

/**
 * Fills a flow step's placeholders as a client would: `{origin}` is this page's origin,
 * `{code}` the code of the callback the previous step was redirected to.
 * @param {string | undefined} text
 */
function fill(text) {
  if (text === undefined) return text;
  const code = lastUrl ? new URL(lastUrl).searchParams.get('code') ?? '' : '';
  return text.replaceAll('{origin}', location.origin).replaceAll('{code}', encodeURIComponent(code));
}

/** Runs a step (repeated if asked) and returns the last status, or "error". */
async function runStep(step) {
  if (step.delayMs) await sleep(step.delayMs);
  let result = '';
  for (let i = 0; i < (step.repeat ?? 1); i++) {
    try {
      const res = await fetch(step.crossOrigin ? otherOrigin + fill(step.path) : fill(step.path), {
        method: step.method ?? 'GET',
        headers: step.headers,
        body: fill(step.body),
        credentials: step.credentials ?? 'same-origin',
        cache: 'no-store',
      });
      // Read the body, as an app would: until it is read, the request has not finished
      // loading, and DevTools' onRequestFinished does not fire for it.
      await res.text();
      if (res.url.includes('/app/callback')) lastUrl = res.url;
      result = String(res.status);
    } catch {
      result = 'error'; // CORS or network failure: fetch() rejects
    }
  }
  return result;
}

async function load() {
  const response = await fetch('/scenarios.json');
  const { scenarios } = await response.json();
  for (const scenario of scenarios) {
    const item = document.createElement('li');
    const result = document.createElement('output');
    result.dataset.resultFor = scenario.id;
    const last = scenario.steps[scenario.steps.length - 1];
    let control;
    if (last.navigate) {
      control = document.createElement('a');
      control.href = last.path;
      control.target = '_blank';
    } else {
      control = document.createElement('button');
      control.type = 'button';
      control.addEventListener('click', async () => {
        result.textContent = '…';
        let status = '';
        for (const step of scenario.steps) status = await runStep(step);
        result.textContent = status;
      });
      control.disabled = Boolean(scenario.noBrowser);
    }
    control.dataset.scenario = scenario.id;
    control.textContent = scenario.title;
    const expect = document.createElement('small');
    expect.textContent = scenario.expect.length ? ` expect ${scenario.expect[0]}` : ' expect no finding';
    item.append(control, ' ', result, expect);
    list.append(item);
  }
  document.body.dataset.ready = 'true';
}

load();
