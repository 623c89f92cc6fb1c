// The request list: a dense grid with a sticky header whose columns can be resized,
// sorted and hidden, as in DevTools' Network panel. Rows are virtualised: only those in
// view (plus a margin) exist in the DOM, so 20,000 rows cost as much as 50.
import { t } from '../shared/i18n.js';
import { el, shortChallenge } from '../shared/view.js';
import { COLUMNS } from './model.js';

/** @typedef {import('./model.js').Row} Row */
/** @typedef {import('./model.js').Column} Column */
/** @typedef {import('./model.js').Rec} Rec */
/** @typedef {import('./model.js').Group} Group */

export const ROW_HEIGHT = 20;

/**
 * Keeps a drag's pointer events coming to `element` when the pointer leaves it. A pointer
 * that is not active (a synthetic event) cannot be captured: the drag then works while
 * the pointer stays over the element.
 * @param {Element} element
 * @param {number} pointerId
 */
export function capture(element, pointerId) {
  try {
    element.setPointerCapture(pointerId);
  } catch {
    // NotFoundError: no such active pointer.
  }
}
const OVERSCAN = 10;

/** @type {Record<Column, number>} default widths in px */
export const DEFAULT_WIDTHS = { status: 44, method: 58, host: 130, path: 220, cause: 300, time: 62, count: 46 };
/** @type {Partial<Record<Column, number>>} how far the flexible columns shrink */
const MIN_WIDTHS = { host: 64, path: 90, cause: 150 };

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/**
 * @typedef {object} ListOptions
 * @property {HTMLElement} scroller  the pane that scrolls (holds header and body)
 * @property {HTMLElement} header
 * @property {HTMLElement} body
 * @property {Record<Column, number>} widths
 * @property {Set<Column>} hidden
 * @property {(column: Column) => void} onSort
 * @property {(row: Row | null) => void} onSelect
 * @property {(group: Group) => void} onToggle
 * @property {(row: Row, x: number, y: number) => void} onContextMenu
 * @property {(column: Column | null, x: number, y: number) => void} onHeaderMenu
 * @property {() => void} onLayout  widths or hidden columns changed (to save them)
 */

export class List {
  /** @param {ListOptions} options */
  constructor(options) {
    this.o = options;
    /** @type {Row[]} */
    this.rows = [];
    /** @type {string | null} the selected row's identity */
    this.selectedKey = null;
    /** @type {{column: Column, descending: boolean} | null} */
    this.sort = null;
    this.scheduled = false;
    options.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(options.scroller);
    options.body.addEventListener('click', (event) => this.click(/** @type {MouseEvent} */ (event)));
    options.body.addEventListener('dblclick', (event) => {
      const row = this.rowOf(event);
      if (row?.type === 'group' && row.group.records.length > 1) options.onToggle(row.group);
    });
    options.body.addEventListener('contextmenu', (event) => {
      const row = this.rowOf(event);
      if (!row) return;
      event.preventDefault();
      this.select(row);
      options.onContextMenu(row, event.clientX, event.clientY);
    });
    options.scroller.addEventListener('keydown', (event) => this.key(event));
    options.header.addEventListener('contextmenu', (event) => {
      event.preventDefault();
      const cell = /** @type {HTMLElement} */ (event.target).closest('[data-column]');
      options.onHeaderMenu(/** @type {Column | null} */ (cell?.getAttribute('data-column') ?? null), event.clientX, event.clientY);
    });
    this.renderHeader();
  }

  /**
   * The grid's column template, from the widths of the shown columns. Host and Path give
   * way down to a minimum when the pane is narrow (DevTools docked on the right), and
   * Cause takes what is left: it is what the panel is for.
   */
  template() {
    return this.columns()
      .map((c) => (c === 'cause' ? `minmax(${MIN_WIDTHS.cause}px, 1fr)` : c in MIN_WIDTHS ? `minmax(${MIN_WIDTHS[c]}px, ${this.o.widths[c]}px)` : `${this.o.widths[c]}px`))
      .join(' ');
  }

  /** The narrowest the grid gets before it scrolls sideways. */
  minWidth() {
    return this.columns().reduce((sum, c) => sum + (MIN_WIDTHS[c] ?? this.o.widths[c]), 0);
  }

  /** @returns {Column[]} */
  columns() {
    return COLUMNS.filter((c) => !this.o.hidden.has(c));
  }

  renderHeader() {
    const { header } = this.o;
    header.style.gridTemplateColumns = this.template();
    this.o.body.style.setProperty('--columns', this.template());
    this.o.body.style.setProperty('--grid-width', `${this.minWidth()}px`);
    header.style.minWidth = `${this.minWidth()}px`;
    header.replaceChildren(
      ...this.columns().map((column) => {
        const cell = el('div', t(`panel_column_${column}`), `th c-${column}`);
        cell.setAttribute('role', 'columnheader');
        cell.dataset.column = column;
        cell.tabIndex = -1;
        const sorted = this.sort?.column === column;
        cell.setAttribute('aria-sort', sorted ? (this.sort?.descending ? 'descending' : 'ascending') : 'none');
        cell.addEventListener('click', (event) => {
          if (/** @type {HTMLElement} */ (event.target).classList.contains('resizer')) return;
          this.o.onSort(column);
        });
        const resizer = el('span', undefined, 'resizer');
        resizer.setAttribute('aria-hidden', 'true');
        resizer.addEventListener('pointerdown', (event) => this.resize(column, event));
        cell.append(resizer);
        return cell;
      }),
    );
  }

  /**
   * Drags a column's right edge.
   * @param {Column} column
   * @param {PointerEvent} event
   */
  resize(column, event) {
    event.preventDefault();
    event.stopPropagation();
    const start = event.clientX;
    const target = /** @type {HTMLElement} */ (event.target);
    // From the width shown, which a narrow pane may have shrunk below the one set.
    const width = /** @type {HTMLElement} */ (target.parentElement).getBoundingClientRect().width;
    capture(target, event.pointerId);
    const move = (/** @type {PointerEvent} */ e) => {
      this.o.widths[column] = Math.max(32, Math.round(width + e.clientX - start));
      this.renderHeader();
      this.render(true);
    };
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      this.o.onLayout();
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  }

  /** @param {Row} row */
  static keyOf(row) {
    return row.type === 'group' ? `g${row.group.id}` : `r${row.rec.id}`;
  }

  /** @param {Event} event */
  rowOf(event) {
    const node = /** @type {HTMLElement} */ (event.target).closest('.row');
    const index = Number(node?.getAttribute('data-index'));
    return node && Number.isInteger(index) ? (this.rows[index] ?? null) : null;
  }

  /** @param {MouseEvent} event */
  click(event) {
    const row = this.rowOf(event);
    if (!row) return;
    if (/** @type {HTMLElement} */ (event.target).closest('.twisty') && row.type === 'group') {
      this.o.onToggle(row.group);
      return;
    }
    this.select(row);
  }

  /** @param {Row | null} row */
  select(row) {
    this.selectedKey = row ? List.keyOf(row) : null;
    this.render(true);
    this.o.onSelect(row);
  }

  /** The selected row, if it is still listed. */
  selected() {
    // Every refresh asks, over up to 20,000 rows (a storm of distinct URLs): compared by
    // id, without building each row's key.
    const key = this.selectedKey;
    if (key === null) return null;
    const id = Number(key.slice(1));
    if (key[0] === 'g') return this.rows.find((r) => r.type === 'group' && r.group.id === id) ?? null;
    return this.rows.find((r) => r.type === 'request' && r.rec.id === id) ?? null;
  }

  /** @param {KeyboardEvent} event */
  key(event) {
    if (!['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Enter', 'Home', 'End'].includes(event.key)) return;
    if (/** @type {HTMLElement} */ (event.target).closest('input, select, button')) return;
    event.preventDefault();
    const index = this.rows.findIndex((r) => List.keyOf(r) === this.selectedKey);
    const current = this.rows[index];
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && current?.type === 'group' && current.group.records.length > 1) {
      const open = event.key === 'ArrowRight';
      if (this.expandedOf(current.group) !== open) this.o.onToggle(current.group);
      return;
    }
    const next =
      event.key === 'ArrowDown' ? Math.min(this.rows.length - 1, index + 1)
      : event.key === 'ArrowUp' ? Math.max(0, index - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? this.rows.length - 1
      : index;
    if (this.rows[next]) {
      this.select(this.rows[next]);
      this.reveal(next);
    }
  }

  /** @type {(group: Group) => boolean} set by the panel */
  expandedOf = () => false;

  /** Scrolls row `index` into view. @param {number} index */
  reveal(index) {
    const { scroller, header } = this.o;
    const top = index * ROW_HEIGHT;
    const view = scroller.clientHeight - header.offsetHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + view) scroller.scrollTop = top + ROW_HEIGHT - view;
  }

  /** @param {Row[]} rows */
  setRows(rows) {
    this.rows = rows;
    this.o.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.render(true);
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render(false);
    });
  }

  /** @type {[number, number]} the rows rendered last */
  window = [0, -1];

  /**
   * Renders the rows in view. `force` re-renders them even if the window did not move.
   * @param {boolean} force
   */
  render(force) {
    const { scroller, body, header } = this.o;
    const viewTop = Math.max(0, scroller.scrollTop - header.offsetHeight);
    const first = Math.max(0, Math.floor(viewTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((viewTop + scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    if (!force && first === this.window[0] && last === this.window[1]) return;
    this.window = [first, last];
    const nodes = [];
    for (let i = first; i <= last; i++) nodes.push(this.renderRow(this.rows[i], i));
    body.replaceChildren(...nodes);
  }

  /**
   * @param {Row} row
   * @param {number} index
   */
  renderRow(row, index) {
    const { group } = row;
    const rec = row.type === 'group' ? group.records[group.records.length - 1] : row.rec;
    const node = el('div', undefined, `row ${row.type}`);
    node.setAttribute('role', 'row');
    node.dataset.index = String(index);
    node.dataset.kind = row.type;
    node.dataset.status = String(group.status);
    node.dataset.method = group.method;
    node.dataset.path = group.path;
    if (group.code) node.dataset.code = group.code;
    node.dataset.count = String(row.type === 'group' ? group.records.length : 1);
    const healthy = row.type === 'group' ? group.failures === 0 : row.rec.healthy;
    if (healthy) node.dataset.healthy = 'true';
    if (rec.kind) node.dataset.related = rec.kind;
    node.style.top = `${index * ROW_HEIGHT}px`;
    node.style.gridTemplateColumns = this.template();
    const selected = List.keyOf(row) === this.selectedKey;
    node.setAttribute('aria-selected', String(selected));
    if (row.type === 'group' && group.records.length > 1) node.setAttribute('aria-expanded', String(this.expandedOf(group)));
    const top = rec.brief.top;
    for (const column of this.columns()) {
      const cell = el('div', undefined, `cell c-${column}`);
      cell.setAttribute('role', 'gridcell');
      switch (column) {
        case 'status':
          cell.textContent = String(group.status);
          if (group.status >= 400) cell.classList.add('error-status');
          break;
        case 'method':
          cell.textContent = group.method;
          break;
        case 'host':
          cell.textContent = group.host;
          cell.title = group.host;
          break;
        case 'path': {
          if (row.type === 'request') cell.classList.add('indent');
          const url = new URL(rec.brief.url);
          cell.textContent = row.type === 'request' && url.search ? `${url.pathname}?…` : group.path;
          cell.title = url.pathname;
          break;
        }
        case 'cause': {
          if (top) {
            // The likelihood first: a long title is cut at the cell's end, the badge never is.
            cell.append(el('span', t(`view_likelihood_${top.likelihood}`), `badge likelihood-${top.likelihood}`), ' ', el('span', top.title, 'cause-title'));
            cell.dataset.code = top.code;
          } else if (rec.kind) {
            cell.append(el('span', t(`panel_related_${rec.kind}`), 'muted'));
          }
          const { brief } = rec;
          const challenge = brief.challenges.challenges.length || brief.isAuthFailure ? shortChallenge(brief.challenges, brief.challengeHeader) : '';
          if (challenge) cell.append(' ', el('span', challenge, 'short-challenge'));
          cell.title = [top?.title, challenge].filter(Boolean).join(' — ');
          break;
        }
        case 'time': {
          const first = group.records[0].at;
          const lastAt = group.records[group.records.length - 1].at;
          if (row.type === 'group' && group.records.length > 1) {
            cell.textContent = time.format(lastAt);
            cell.title = t('panel_firstLast', [time.format(first), time.format(lastAt)]);
          } else {
            cell.textContent = time.format(rec.at);
          }
          break;
        }
        case 'count':
          if (row.type === 'group' && group.records.length > 1) {
            const twisty = el('span', this.expandedOf(group) ? '▾' : '▸', 'twisty');
            cell.append(twisty, el('span', `×${group.records.length}`, 'times'));
            cell.title = group.fingerprint ? t('panel_countPerCredential', [String(group.records.length), group.fingerprint]) : t('panel_count', String(group.records.length));
          }
          break;
      }
      node.append(cell);
    }
    return node;
  }
}
