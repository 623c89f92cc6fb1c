// The panel's model: every annotated request, grouped into identical failures, and the
// rows the list shows (filtered and sorted). No DOM here.
//
// Requests are identical failures when they share the method, the URL without its query,
// the status, the top finding and the credential's fingerprint (issue #13). The
// fingerprint being part of the key is what makes a retry storm's count per credential.
//
// In memory only, never stored: entries carry credentials.

/** @typedef {import('../pkg/authlens.js').HarEntryLike} HarEntryLike */
/** @typedef {import('../pkg/authlens.js').Annotation} Annotation */
/** @typedef {import('../pkg/authlens.js').Brief} Brief */

/**
 * One request. The list needs only its brief (the top finding); the full annotation of
 * the request a view opens is read from the core when asked for (issue #17: keeping every
 * request's full annotation in the panel was most of its heap and a third of its time
 * per entry).
 */
export class Rec {
  /**
   * @param {Model} model
   * @param {number} id
   * @param {HarEntryLike} entry
   * @param {Brief} brief
   * @param {string} kind      '' or preflight, redirect, token (a related request)
   * @param {boolean} healthy  not a failure (or a handshake's first leg)
   * @param {Group} group
   */
  constructor(model, id, entry, brief, kind, healthy, group) {
    this.model = model;
    this.id = id;
    this.entry = entry;
    this.brief = brief;
    /** start time, ms since the epoch */
    this.at = Date.parse(entry.startedDateTime ?? '') || Date.now();
    this.kind = kind;
    this.healthy = healthy;
    this.handshake = false;
    this.group = group;
    /** @type {Row | undefined} its row in the list, made once */
    this.row = undefined;
  }

  /** The full annotation: every finding, the cookie verdict (read on demand, see Model). */
  get annotation() {
    return this.model.annotationOf(this);
  }
}

/**
 * @typedef {object} Group identical requests
 * @property {number} id
 * @property {string} key
 * @property {Rec[]} records  oldest first
 * @property {number} failures  how many of the records are failures
 * @property {string} method
 * @property {string} host
 * @property {string} path
 * @property {number} status
 * @property {string} code  the top finding's code, or ''
 * @property {string} fingerprint
 * @property {string} search  lower-case text the filter matches
 * @property {Row} [row]  its row in the list, made once
 */

/**
 * A short, non-reversible fingerprint of a credential (FNV-1a, 32 bits): enough to tell
 * two credentials apart in a list, useless to recover one.
 * @param {string} value
 */
export function fingerprint(value) {
  if (!value) return '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * @param {HarEntryLike} entry
 * @param {string} name lower-case
 */
export function header(entry, name) {
  return entry.request.headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/**
 * The kind of related request: these explain failures (a preflight, a redirect, a token
 * request), so they are listed by default too.
 * @param {HarEntryLike} entry
 */
export function relatedKind(entry) {
  const status = entry.response.status;
  if (entry.request.method === 'OPTIONS') return 'preflight';
  if (status >= 300 && status < 400) return 'redirect';
  if (entry.request.method === 'POST' && /token|grant_type/.test(`${new URL(entry.request.url).pathname} ${entry.request.postData?.text ?? ''}`)) return 'token';
  return '';
}

export const COLUMNS = /** @type {const} */ (['status', 'method', 'host', 'path', 'cause', 'time', 'count']);
/** @typedef {typeof COLUMNS[number]} Column */

/**
 * @typedef {object} Filters
 * @property {string} text
 * @property {string} status  '', '401', '403', '407' or 'other'
 * @property {string} host
 * @property {string} code
 * @property {boolean} all    also requests that did not fail
 */

/** @typedef {{type: 'group', group: Group} | {type: 'request', rec: Rec, group: Group}} Row */

export class Model {
  /**
   * @param {number} maxRecords
   * @param {(rec: Rec) => Annotation} annotate reads a request's full annotation
   */
  constructor(maxRecords, annotate) {
    this.maxRecords = maxRecords;
    this.annotate = annotate;
    /** @type {{rec: Rec, annotation: Annotation} | null} the last one read: a view reads it tab by tab */
    this.lastRead = null;
    /** @type {Rec[]} every request kept, oldest first (from `head`) */
    this.records = [];
    this.head = 0;
    /** @type {Map<string, Group>} */
    this.groups = new Map();
    /** @type {Set<number>} ids of expanded groups */
    this.expanded = new Set();
    /** failures dropped to keep memory bounded */
    this.dropped = 0;
    /** failures kept: the sum of the groups' (kept as it changes: a refresh reads it, and a storm makes 20,000 groups) */
    this.failures = 0;
    this.nextId = 1;
    /** @type {Rec | null} */
    this.previous = null;
    /** @type {Set<string>} hosts and codes seen on failures, for the filters' choices */
    this.hosts = new Set();
    this.codes = new Set();
    /** @type {{column: Column, descending: boolean} | null} */
    this.sort = null;
  }

  get size() {
    return this.records.length - this.head;
  }

  /** How many failures the list holds (requests, not groups). */
  failureCount() {
    return this.failures;
  }

  clear() {
    this.records = [];
    this.head = 0;
    this.groups.clear();
    this.expanded.clear();
    this.dropped = 0;
    this.failures = 0;
    this.previous = null;
    this.hosts.clear();
    this.codes.clear();
    this.lastRead = null;
  }

  /**
   * The full annotation of `rec`, from the core (the last one read is kept).
   * @param {Rec} rec
   */
  annotationOf(rec) {
    if (this.lastRead?.rec !== rec) this.lastRead = { rec, annotation: this.annotate(rec) };
    return this.lastRead.annotation;
  }

  /**
   * Adds an observed request. Returns it (and whether the previous one turned out to be
   * a handshake's first leg, so the view knows to refresh).
   * @param {HarEntryLike} entry
   * @param {Brief} brief
   */
  add(entry, brief) {
    if (brief.resolvesPrevious && this.previous && !this.previous.healthy) {
      // A 401/407 answered by the next request (Digest, NTLM, Negotiate, Basic through
      // the prompt) was a handshake, not a failure (RFC 9110 §11.6.1).
      this.previous.healthy = true;
      this.previous.handshake = true;
      this.previous.group.failures -= 1;
      this.failures -= 1;
    }
    const kind = relatedKind(entry);
    const healthy = !brief.isAuthFailure && brief.findingCount === 0 && !kind;
    const url = new URL(brief.url);
    const cause = brief.top;
    const top = cause?.code ?? '';
    const fp = fingerprint(header(entry, 'authorization') ?? header(entry, 'proxy-authorization') ?? '');
    const key = `${brief.method} ${url.origin}${url.pathname} ${brief.status} ${top} ${fp}`;
    let group = this.groups.get(key);
    if (!group) {
      group = {
        id: this.nextId++,
        key,
        records: [],
        failures: 0,
        method: brief.method,
        host: url.host,
        path: url.pathname,
        status: brief.status,
        code: top,
        fingerprint: fp,
        search: `${brief.status} ${brief.method} ${url.host} ${url.pathname} ${top} ${cause?.title ?? ''} ${brief.challenges.challenges.map((c) => `${c.scheme} ${c.params.map((p) => `${p.name}=${p.value}`).join(' ')}`).join(' ')}`.toLowerCase(),
      };
      this.groups.set(key, group);
    }
    const rec = new Rec(this, this.nextId++, entry, brief, kind, healthy, group);
    group.records.push(rec);
    if (!healthy) {
      group.failures += 1;
      this.failures += 1;
      this.hosts.add(url.host);
      if (top) this.codes.add(top);
    }
    this.records.push(rec);
    this.previous = rec;
    this.trim();
    return rec;
  }

  /** Keeps memory bounded: the oldest requests go first (failures among them are counted). */
  trim() {
    while (this.size > this.maxRecords) {
      const victim = this.records[this.head++];
      const group = victim.group;
      group.records.shift(); // the oldest overall is the oldest of its group
      if (!victim.healthy) {
        group.failures -= 1;
        this.failures -= 1;
        this.dropped += 1;
      }
      if (group.records.length === 0) {
        this.groups.delete(group.key);
        this.expanded.delete(group.id);
      }
    }
    // Compact now and then, not on every drop (a shift per request is quadratic).
    if (this.head > 1024 && this.head > this.records.length / 2) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Recent related requests (redirects, preflights, token requests) on the same host in
   * the 60 s before `rec`, newest last.
   * @param {Rec} rec
   */
  related(rec) {
    const out = [];
    const host = rec.group.host;
    for (let i = this.records.length - 1; i >= this.head && out.length < 10; i--) {
      const r = this.records[i];
      if (r === rec || !r.kind || r.at > rec.at) continue;
      if (rec.at - r.at > 60_000 && r.id < rec.id) break;
      if (r.group.host === host) out.unshift(r);
    }
    return out;
  }

  /**
   * @param {Group} group
   * @param {Filters} filters
   * @param {string} needle  the filter text, trimmed and in lower case
   */
  matches(group, filters, needle) {
    if (!filters.all && group.failures === 0) return false;
    if (filters.host && group.host !== filters.host) return false;
    if (filters.code && group.code !== filters.code) return false;
    if (filters.status) {
      const s = String(group.status);
      if (filters.status === 'other' ? ['401', '403', '407'].includes(s) : s !== filters.status) return false;
    }
    return needle === '' || group.search.includes(needle);
  }

  /**
   * The rows to show: one per matching group (expanded groups followed by their
   * requests), and how many groups could be shown with no filter but "all requests".
   * @param {Filters} filters
   * @returns {{rows: Row[], shown: number, total: number}}
   */
  view(filters) {
    /** @type {Group[]} */
    const groups = [];
    let total = 0;
    const needle = filters.text.trim().toLowerCase();
    for (const group of this.groups.values()) {
      if (filters.all || group.failures > 0) total += 1;
      if (this.matches(group, filters, needle)) groups.push(group);
    }
    if (this.sort) {
      const { column, descending } = this.sort;
      const value = SORT_KEYS[column];
      groups.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
        return descending ? -order : order;
      });
    }
    // Each group and request keeps its row object: a refresh allocates only the array.
    /** @type {Row[]} */
    const rows = [];
    for (const group of groups) {
      rows.push((group.row ??= { type: 'group', group }));
      if (group.records.length > 1 && this.expanded.has(group.id)) {
        for (const rec of group.records) rows.push((rec.row ??= { type: 'request', rec, group }));
      }
    }
    return { rows, shown: groups.length, total };
  }
}

/** @type {Record<Column, (g: Group) => string | number>} */
const SORT_KEYS = {
  status: (g) => g.status,
  method: (g) => g.method,
  host: (g) => g.host,
  path: (g) => g.path,
  // Likelihood first (high before low), then the code.
  cause: (g) => `${({ high: 0, medium: 1, low: 2 })[g.records[0].brief.top?.likelihood ?? 'low'] ?? 3} ${g.code}`,
  time: (g) => g.records[g.records.length - 1].at,
  count: (g) => g.records.length,
};
