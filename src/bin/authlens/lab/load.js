// The lab's load page (issue #17): failing requests at a steady rate from the page, so that
// the extension's panel, background and popup are measured under a storm a real app can
// cause. The counts it made, by answer, are shown and exposed to the tests and the
// benchmark as `window.__loadDone` (and `window.__loadProgress` while it runs).
//
// A mix of three failures, by request number i: an expired Bearer token (401), a valid
// token for an endpoint that forbids it (403), no credentials (401). Each token belongs to
// one of `users` users, so the panel's groups (one per credential fingerprint) are as
// many as a real storm of several clients would make. Every URL is distinct (`?n=i`):
// the panel tells apart requests by start time, method and URL, and two requests in the
// same millisecond to the same URL would look like one.

const params = new URLSearchParams(location.search);
/** @param {string} name @param {number} fallback @param {number} max */
const param = (name, fallback, max) => Math.max(1, Math.min(max, Math.floor(Number(params.get(name) ?? fallback)) || fallback));
const rate = param('rate', 1000, 5000);
const seconds = param('seconds', 20, 120);
const users = param('users', 20, 200);
/** Requests waiting for an answer at most: past it the page falls behind, and says so. */
const MAX_IN_FLIGHT = 256;
const total = rate * seconds;

const startButton = /** @type {HTMLButtonElement} */ (document.getElementById('start'));
const progress = /** @type {HTMLOutputElement} */ (document.getElementById('progress'));
const countsBody = /** @type {HTMLTableSectionElement} */ (document.querySelector('#counts tbody'));

/**
 * @typedef {object} LoadCounts
 * @property {number} rate        asked for, per second
 * @property {number} seconds     asked for
 * @property {number} users
 * @property {number} planned     rate × seconds
 * @property {number} sent        requests started
 * @property {number} answered    requests answered (or failed)
 * @property {Record<string, number>} byStatus  by HTTP status, or "error" (fetch rejected)
 * @property {Record<string, number>} byKind    expired, forbidden, missing
 * @property {number} unexpected  answers whose status was not the one the kind should get
 * @property {number} sendSeconds from the first request started to the last
 * @property {number} doneSeconds from the first request started to the last answer
 * @property {number} achievedRate requests started per second (sent / sendSeconds)
 * @property {number} maxInFlight
 */

/** @type {LoadCounts} */
const counts = {
  rate, seconds, users, planned: total, sent: 0, answered: 0, byStatus: {}, byKind: {}, unexpected: 0,
  sendSeconds: 0, doneSeconds: 0, achievedRate: 0, maxInFlight: 0,
};
const w = /** @type {any} */ (window);
w.__loadProgress = counts;

/** @type {{kind: string, path: string, status: number, tokens: string[]}[]} */
let kinds = [];

function render() {
  const elapsed = counts.sendSeconds || (started ? (performance.now() - started) / 1000 : 0);
  progress.textContent = `${counts.answered} of ${total} answered, ${counts.sent} sent in ${elapsed.toFixed(1)} s` +
    (counts.sent ? ` (${Math.round(counts.sent / Math.max(elapsed, 0.001))}/s, asked ${rate}/s)` : '');
  const rows = Object.entries(counts.byStatus).sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => {
    const row = document.createElement('tr');
    const name = document.createElement('td');
    name.textContent = status;
    const value = document.createElement('td');
    value.textContent = String(n);
    row.append(name, value);
    return row;
  });
  countsBody.replaceChildren(...rows);
}

let started = 0;
let inFlight = 0;

/** @param {number} i */
async function request(i) {
  const kind = kinds[i % kinds.length];
  const user = Math.floor(i / kinds.length) % users;
  /** @type {Record<string, string>} */
  const headers = kind.tokens.length ? { Authorization: `Bearer ${kind.tokens[user % kind.tokens.length]}` } : {};
  let status = 'error';
  try {
    const res = await fetch(`${kind.path}?n=${i}`, { headers, cache: 'no-store', signal: AbortSignal.timeout(30_000) });
    // Read the body: DevTools reports a request as finished only once it is read.
    await res.arrayBuffer();
    status = String(res.status);
  } catch {
    // A network failure or the time limit: counted as "error".
  }
  counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
  counts.byKind[kind.kind] = (counts.byKind[kind.kind] ?? 0) + 1;
  if (status !== String(kind.status)) counts.unexpected += 1;
  counts.answered += 1;
}

function run() {
  startButton.disabled = true;
  started = performance.now();
  const ticker = setInterval(render, 250);
  const tick = () => {
    // As many as are due by now, so the rate holds even when timers are late.
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (counts.sent < due && inFlight < MAX_IN_FLIGHT) {
      const i = counts.sent++;
      inFlight += 1;
      counts.maxInFlight = Math.max(counts.maxInFlight, inFlight);
      request(i).finally(() => {
        inFlight -= 1;
        if (counts.answered === total) finish(ticker);
      });
    }
    if (counts.sent < total) setTimeout(tick, 4);
    else counts.sendSeconds = (performance.now() - started) / 1000;
  };
  tick();
}

/** @param {ReturnType<typeof setInterval>} ticker */
function finish(ticker) {
  clearInterval(ticker);
  counts.doneSeconds = (performance.now() - started) / 1000;
  counts.achievedRate = Math.round(counts.sent / Math.max(counts.sendSeconds, 0.001));
  render();
  document.body.dataset.done = 'true';
  w.__loadDone = counts;
}

async function setUp() {
  const plan = await (await fetch(`/load/plan.json?users=${users}`)).json();
  kinds = plan.kinds;
  startButton.textContent = `Start: ${total} failing requests, ${rate}/s for ${seconds} s`;
  startButton.disabled = false;
  startButton.addEventListener('click', run);
  render();
  document.body.dataset.ready = 'true';
  if (params.get('autostart') === '1') run();
}

setUp();
