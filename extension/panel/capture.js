// The capture queue: the HAR collected before the panel opened, then every request
// DevTools reports, through the core in arrival order, in slices short enough to keep the
// panel responsive.
//
// The panel's page only exists once its tab is first selected, so it replays
// devtools.network.getHAR(), then follows onRequestFinished (shared/TESTING.md).
import { api, getHar, responseBody } from '../shared/browser.js';

/** @typedef {import('../pkg/authlens.js').HarEntryLike} HarEntryLike */

// Slices of ~30 ms: well under the 50 ms that makes a long task. Both the replay (tens of
// thousands of entries at once) and live traffic need it: Chrome delivers a burst of
// onRequestFinished events in one task (tools/bench-browser.mjs measures both).
const SLICE_MS = 30;

// The server's own words (a JSON error body, a token answer) are evidence, but live
// entries carry no response body: it must be asked for with getContent() (MDN:
// devtools.network.Request). Only for the answers the core reads (failures and POSTs, at
// most MAX_BODY_CHARS), and in arrival order, because the session is order-sensitive.
const BODY_STATUSES = new Set([400, 401, 403, 407, 419, 422, 440, 498, 499]);
const MAX_BODY_CHARS = 16 * 1024;

/**
 * @param {chrome.devtools.network.Request} request
 * @returns {Promise<HarEntryLike>}
 */
async function withBody(request) {
  const entry = /** @type {HarEntryLike} */ (/** @type {unknown} */ (request));
  const wanted = BODY_STATUSES.has(entry.response.status) || entry.request.method === 'POST';
  if (!wanted || entry.response.content?.text) return entry;
  const text = await responseBody(request);
  if (text !== null && text.length <= MAX_BODY_CHARS) entry.response.content = { ...entry.response.content, text };
  return entry;
}

const REORDER_MS = 150;

/**
 * Entries sorted by start time (a stable sort: equal times keep their order).
 * @param {HarEntryLike[]} entries
 */
function byStart(entries) {
  const at = (/** @type {HarEntryLike} */ e) => Date.parse(e.startedDateTime ?? '') || 0;
  return entries.map((entry, i) => ({ entry, i, at: at(entry) })).sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.entry);
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
    /** @type {HarEntryLike[]} waiting, oldest first */
    this.queue = [];
    this.draining = false;
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
    api.devtools.network.onRequestFinished.addListener((request) => {
      this.arrivals = this.arrivals
        .then(() => withBody(request))
        .then((entry) => {
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
    const har = await getHar();
    const entries = /** @type {HarEntryLike[]} */ (/** @type {unknown} */ (har.entries));
    entries.push(...(this.pending ?? []));
    this.pending = null;
    this.push(byStart(entries));
    await this.drain();
  }

  /** @param {HarEntryLike[]} entries */
  push(entries) {
    for (const entry of entries) this.queue.push(entry);
    this.drain();
  }

  /** A new page (or "clear"): forget what was seen. */
  reset() {
    this.queue = [];
    this.buffer = [];
    this.seen.clear();
  }

  /** Shows the queued entries, yielding to the event loop every SLICE_MS. */
  async drain() {
    if (this.draining) return;
    this.draining = true;
    let sliceStart = performance.now();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (const entry of batch) {
          const key = `${entry.startedDateTime} ${entry.request.method} ${entry.request.url}`;
          if (this.seen.has(key)) continue;
          this.seen.add(key);
          try {
            this.add(entry);
          } catch (error) {
            // One entry the core cannot read must not stop the ones after it.
            this.failed += 1;
            this.onError(error);
          }
          if (performance.now() - sliceStart > SLICE_MS) {
            this.flushed();
            await new Promise((resolve) => setTimeout(resolve, 0));
            sliceStart = performance.now();
          }
        }
      }
    } finally {
      this.draining = false;
      this.flushed();
    }
  }
}
