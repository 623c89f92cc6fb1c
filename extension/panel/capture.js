// The capture queue: the HAR collected before the panel opened, then every request
// DevTools reports, through the core in arrival order, in slices short enough to keep the
// panel responsive.
//
// The panel's page only exists once its tab is first selected, so it replays
// devtools.network.getHAR(), then follows onRequestFinished (shared/TESTING.md).
import { api, getHar, responseBody } from '../shared/browser.js';

/** @typedef {import('../pkg/authlens.js').HarEntryLike} HarEntryLike */

// Slices of ~8 ms: a long task is one over 50 ms (W3C Long Tasks), and a slice must stay
// under it on a loaded machine too, where the same work takes several times as long. Both
// the replay (tens of thousands of entries at once) and live traffic need it: Chrome
// delivers a burst of onRequestFinished events in one task (tools/bench-browser.mjs
// measures both). Short slices cost little because the yield between them is not a timer
// (see `yieldToBrowser`).
const SLICE_MS = 8;

/**
 * Our own tasks' durations: the benchmark reports them apart from the browser's (DevTools
 * deserialising a large getHAR answer is a long task of the panel's renderer that runs
 * none of our code). Numbers only; no request data.
 */
/** @type {{count: number, longestMs: number, over50: number, getHarMs: number, longestByKind: Record<string, number>}} */
export const taskStats = { count: 0, longestMs: 0, over50: 0, getHarMs: 0, longestByKind: {} };
/** @type {any} */ (globalThis).authlensTaskStats = taskStats;

/**
 * Runs `work` as one of our tasks, and counts its duration.
 * @template T
 * @param {string} kind  what the task is (slice, refresh, select), for the benchmark
 * @param {() => T} work
 * @returns {T}
 */
export function measured(kind, work) {
  const start = performance.now();
  try {
    return work();
  } finally {
    const ms = performance.now() - start;
    taskStats.count += 1;
    if (ms > taskStats.longestMs) taskStats.longestMs = ms;
    if (ms > 50) taskStats.over50 += 1;
    if (!(ms <= taskStats.longestByKind[kind])) taskStats.longestByKind[kind] = Math.round(ms * 10) / 10;
  }
}

/**
 * Lets the browser run its pending tasks (input, rendering, DevTools' events), then
 * resumes. Not `setTimeout(0)`: nested timers are clamped to 4 ms (HTML, "timer
 * initialisation steps"), which would idle a third of every 8 ms slice. `scheduler.yield()`
 * (Chrome 129) resumes ahead of other queued work; a MessageChannel message is a task
 * with no clamp, for Firefox ESR, which lacks it.
 * @returns {Promise<void>}
 */
function yieldToBrowser() {
  const scheduler = /** @type {any} */ (globalThis).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// The server's own words (a JSON error body, a token answer) are evidence, but live
// entries carry no response body: it must be asked for with getContent() (MDN:
// devtools.network.Request). Only for the answers the core reads (failures and POSTs, at
// most MAX_BODY_CHARS), and in arrival order, because the session is order-sensitive.
const BODY_STATUSES = new Set([400, 401, 403, 407, 419, 422, 440, 498, 499]);
const MAX_BODY_CHARS = 16 * 1024;
const MAX_KEPT_BODY_CHARS = 64 * 1024;

/**
 * @param {chrome.devtools.network.Request} request
 * @returns {Promise<HarEntryLike>}
 */
async function withBody(request) {
  const entry = /** @type {HarEntryLike} */ (/** @type {unknown} */ (request));
  const wanted = BODY_STATUSES.has(entry.response.status) || entry.request.method === 'POST' || isJwks(entry);
  if (!wanted || entry.response.content?.text) return compact(entry);
  // Never rejects: the entry is evidence with its body or without it.
  const text = await responseBody(request).catch(() => null);
  const kept = compact(entry);
  if (text !== null && text.length <= MAX_BODY_CHARS) kept.response.content = { ...kept.response.content, text };
  return kept;
}

/**
 * A JWKS answer (RFC 7517 §5: a 2xx GET of `/jwks`, `/jwks.json`, `/certs`, `/keys`): its
 * small body is the keys the Credentials tab's "Verify signature" checks a token against
 * (issue #16), read from DevTools, never fetched again.
 * @param {HarEntryLike} entry
 */
function isJwks(entry) {
  const { status } = entry.response;
  return entry.request.method === 'GET' && status >= 200 && status < 300 && /\/(jwks(\.json)?|certs|keys)$/.test(entry.request.url.split(/[?#]/)[0]);
}

/**
 * What the panel keeps of an entry: the fields the core reads (src/har.rs) and the
 * panel's views, copies and replay use. DevTools' entry also carries timings, cache, the
 * cookies and query parsed again, sizes: at 20,000 entries that was most of a 228 MB heap
 * (tools/bench-load.mjs). The body is kept only when the core asked for it (withBody).
 * @param {HarEntryLike} entry
 * @returns {HarEntryLike}
 */
export function compact(entry) {
  const { request, response } = entry;
  const content = response.content;
  return {
    startedDateTime: entry.startedDateTime,
    ...(entry._resourceType ? { _resourceType: entry._resourceType } : {}),
    request: {
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(request.postData ? { postData: { mimeType: request.postData.mimeType, text: request.postData.text } } : {}),
    },
    response: {
      status: response.status,
      headers: response.headers,
      ...(response.redirectURL ? { redirectURL: response.redirectURL } : {}),
      // A body past MAX_KEPT_BODY_CHARS is dropped: the core reads small ones only (error
      // answers, token answers, discovery and JWKS documents).
      ...(content ? { content: { mimeType: content.mimeType, ...(content.text !== undefined && content.text.length <= MAX_KEPT_BODY_CHARS ? { text: content.text, encoding: content.encoding } : {}) } } : {}),
    },
  };
}

const REORDER_MS = 150;

/** What a queue slot holds once its entry went to the core. */
const RELEASED = /** @type {HarEntryLike} */ (/** @type {unknown} */ (null));

/**
 * Entries sorted by start time (a stable sort: equal times keep their order).
 * @param {HarEntryLike[]} entries
 */
function byStart(entries) {
  const at = (/** @type {HarEntryLike} */ e) => Date.parse(e.startedDateTime ?? '') || 0;
  // DevTools' HAR is nearly always in order already: then there is nothing to sort, and
  // nothing to allocate. Two UTC times written alike (ISO 8601, `Z`, the same length) are
  // in order when their text is: no Date.parse for those (a 20,000-entry replay spent most
  // of a 49 ms task parsing dates).
  let ordered = true;
  for (let i = 1; i < entries.length && ordered; i++) {
    const a = entries[i - 1].startedDateTime ?? '';
    const b = entries[i].startedDateTime ?? '';
    ordered = a.length === b.length && a.endsWith('Z') && b.endsWith('Z') ? a <= b : at(entries[i - 1]) <= at(entries[i]);
  }
  if (ordered) return entries;
  const keyed = entries.map((entry, i) => ({ entry, i, at: at(entry) }));
  return keyed.sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.entry);
}

export class Capture {
  /**
   * @param {(entry: HarEntryLike) => void} add  takes one entry (synchronously)
   * @param {() => void} flushed  called after each slice, to refresh the view once
   * @param {(error: unknown) => void} [onError]  an entry could not be added
   */
  constructor(add, flushed, onError = (/** @type {unknown} */ _error) => {}) {
    this.add = add;
    this.flushed = flushed;
    this.onError = onError;
    /** entries the core could not read */
    this.failed = 0;
    /** @type {HarEntryLike[]} waiting, oldest first, from `head` on */
    this.queue = [];
    this.head = 0;
    /** @type {Promise<void> | null} the running drain */
    this.draining = null;
    /** @type {HarEntryLike[] | null} entries that finish while the replay is read */
    this.pending = [];
    /** Entries seen, so that one delivered by both the replay and the listener shows once. */
    this.seen = new Set();
    /** @type {Promise<void>} */
    this.arrivals = Promise.resolve();
    /** @type {HarEntryLike[]} live entries waiting to be put in order */
    this.buffer = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** when getHAR() was called */
    this.asked = 0;
    /** counts the pages (resets): an entry is kept only for the page it finished on */
    this.page = 0;
    api.devtools.network.onRequestFinished.addListener((request) => {
      // The body is asked for at once, and the entry waits its turn only after: one
      // getContent() round trip at a time held a storm of failures back by minutes
      // (tools/bench-load.mjs: 20,000 in 20 s shown 188 s late).
      const arrived = withBody(request);
      const page = this.page;
      this.arrivals = this.arrivals
        .then(() => arrived)
        .then((entry) => {
          // A request that finished before a navigation belongs to the page before, even
          // when its body (or its turn) comes after the list was cleared.
          if (page !== this.page) return;
          if (this.pending) this.pending.push(entry);
          else this.reorder(entry);
        })
        .catch((error) => this.onError(error));
    });
  }

  /**
   * Live entries wait REORDER_MS in a buffer and go to the core in the order they
   * started. Firefox reports a request when its body has loaded, so a token POST whose
   * answer the page reads after starting the next request is reported after it (seen on
   * Firefox ESR 153 with the lab's pattern-after-login); the core's session is
   * order-sensitive (a token obtained, then not sent).
   * @param {HarEntryLike} entry
   */
  reorder(entry) {
    this.buffer.push(entry);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const entries = this.buffer;
      this.buffer = [];
      this.push(byStart(entries));
    }, REORDER_MS);
  }

  /** Replays the HAR collected so far; resolves once it is shown. */
  async start() {
    // In its own call, so that nothing here holds the HAR while it drains.
    await this.fetchReplay();
    await this.drain();
  }

  async fetchReplay() {
    this.asked = performance.now();
    const har = await getHar();
    measured('replay', () => this.replay(har));
  }

  /**
   * Queues the replayed HAR's entries as DevTools gives them: each is compacted in its
   * slice, and the queue lets go of it there, so that DevTools' full entries are garbage
   * as the replay goes, not all kept to its end (a major collection's pause grows with
   * what is live). Not one pass over 20,000 entries before the first slice either.
   * @param {HARFormatLog} har
   */
  replay(har) {
    // From the call to the answer: DevTools serialising the HAR and the panel's renderer
    // reading it, none of it our code (reported apart by the benchmark).
    taskStats.getHarMs = performance.now() - this.asked;
    const entries = /** @type {HarEntryLike[]} */ (/** @type {unknown} */ (har.entries));
    for (const entry of this.pending ?? []) entries.push(entry);
    this.pending = null;
    this.push(byStart(entries));
  }

  /** @param {HarEntryLike[]} entries */
  push(entries) {
    for (const entry of entries) this.queue.push(entry);
    this.drain();
  }

  /** A new page (or "clear"): forget what was seen, and what is still on its way. */
  reset() {
    this.page += 1;
    this.queue = [];
    this.head = 0;
    this.buffer = [];
    this.seen.clear();
  }

  /**
   * Shows the queued entries, yielding to the browser every SLICE_MS; resolves once the
   * queue is empty (one drain at a time: a second call joins the running one).
   * @returns {Promise<void>}
   */
  drain() {
    if (!this.draining) {
      const running = this.run();
      this.draining = running;
      running.finally(() => {
        if (this.draining === running) this.draining = null;
        // Entries pushed while the run was ending start the next one.
        if (this.head < this.queue.length) this.drain();
      });
    }
    return this.draining;
  }

  async run() {
    try {
      while (this.head < this.queue.length) {
        measured('slice', () => this.slice());
        this.flushed();
        if (this.head < this.queue.length) await yieldToBrowser();
      }
      this.queue = [];
      this.head = 0;
    } finally {
      this.flushed();
    }
  }

  /** Adds queued entries for at most SLICE_MS. */
  slice() {
    const start = performance.now();
    while (this.head < this.queue.length) {
      // Compacted here (a no-op for a live entry, compacted when it arrived); the queue's
      // slot is cleared at once (see `replay`).
      const entry = compact(this.queue[this.head]);
      this.queue[this.head++] = RELEASED;
      const key = `${entry.startedDateTime} ${entry.request.method} ${entry.request.url}`;
      if (!this.seen.has(key)) {
        this.seen.add(key);
        try {
          this.add(entry);
        } catch (error) {
          // One entry the core cannot read must not stop the ones after it.
          this.failed += 1;
          this.onError(error);
        }
      }
      if (performance.now() - start > SLICE_MS) break;
    }
    // Compacted now and then, not per entry (a shift per entry is quadratic).
    if (this.head > 4096 && this.head > this.queue.length / 2) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
