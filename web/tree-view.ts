/**
 * @module
 * The call tree with its waterfall: one row per visible span, the span name indented by depth,
 * its duration, and a bar on one time axis shared by the whole trace, with the span's events as
 * ticks. Rows are keyed by span id and updated in place; past a few hundred rows only the rows
 * in view are in the DOM, so a 5,000-span trace stays responsive.
 */
import { h, replace } from './dom.js';
import { splitter } from './splitter.js';
import { axisCeil, axisTicks } from './axis.js';
import { axisOf, type ActiveAxis } from './active-axis.js';
import { gapsKey, gapsOf, pauseGaps } from './pause-gaps.js';
import { formatMs } from './format.js';
import { t } from './i18n.js';
import { errorOf, eventKey, type Row, type TraceTree } from './model.js';
import { makeRow, placeRows, resetRow, type RowEls } from './tree-rows.js';

export const ROW_HEIGHT = 26;
const VIRTUAL_AFTER = 300;
/**
 * Rows drawn above and below the view: enough for a wheel step or two the compositor scrolls
 * before the next frame draws; every one more is laid out and painted on every frame of a scroll.
 */
const OVERSCAN = 8;
/** Row elements kept for reuse once they leave the view (a scroll recycles them). */
const SPARE_ROWS = 120;
/** While a trace grows, the scroll height grows this many rows at a time. */
const GROW_ROWS = 16;
const MAX_PILLS = 2;

export interface TreeViewCallbacks {
  select(spanId: string): void;
  toggle(spanId: string): void;
}

export { axisCeil, niceStep } from './axis.js';

/** Indentation of a row at `depth`: 12 px a level near the top, 4 px a level deep down, so depth 24 still leaves room for the name. */
export function indentPx(depth: number): number {
  return depth <= 6 ? depth * 12 : 72 + (depth - 6) * 4;
}

let measureCtx: CanvasRenderingContext2D | null | undefined;

/** The width of an axis label in px, in the axis element's own font, padding included. */
function labelWidth(el: HTMLElement, text: string): number {
  if (measureCtx === undefined) measureCtx = document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * 7 + 6;
  const style = getComputedStyle(el);
  measureCtx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return Math.ceil(measureCtx.measureText(text).width) + 6;
}

export class TreeView {
  readonly el: HTMLElement;
  readonly #axis: HTMLDivElement;
  readonly #scroller: HTMLDivElement;
  readonly #inner: HTMLDivElement;
  readonly #cb: TreeViewCallbacks;
  #rows: readonly Row[] = [];
  #tree: TraceTree | undefined;
  #selected: string | undefined;
  #totalMs = 1;
  /** Where the axis starts: the zoomed range's start, else 0. */
  #fromMs = 0;
  /**
   * The axis's width as its ResizeObserver last saw it: reading it while rendering would force
   * a layout of the page in the middle of a frame's changes.
   */
  #axisWidth = 0;
  #nowMs = 0;
  /** Paused time left out of the axis (step mode): bars and durations are active time. */
  #time: ActiveAxis | undefined;
  #els = new Map<string, RowEls>();
  /** Row elements out of the view, ready to show another span (see {@link resetRow}). */
  readonly #spare: RowEls[] = [];
  #raf = 0;
  /** The scroller's scroll position and height, from its scroll and resize events. */
  #scrollTop = 0;
  #viewHeight = 0;
  /** Where {@link reveal} scrolls at the next frame. */
  #revealTo: number | undefined;
  #revealRaf = 0;

  readonly #splitter: HTMLElement;
  readonly #selfHead = h(
    'div',
    { class: 'cell self', 'data-i18n': 'selfHead', hidden: true },
    t('selfHead')
  );

  constructor(cb: TreeViewCallbacks) {
    this.#cb = cb;
    this.#splitter = splitter((percent) => this.el.style.setProperty('--name-col', `${percent}%`));
    this.#axis = h('div', { class: 'axis' });
    this.#inner = h('div', { class: 'rows' });
    this.#scroller = h(
      'div',
      {
        class: 'tree-scroll',
        role: 'tree',
        tabindex: '0',
        'aria-label': t('tree'),
        'aria-multiselectable': 'false',
      },
      this.#inner
    );
    this.el = h(
      'div',
      { class: 'tree' },
      h(
        'div',
        { class: 'tree-head' },
        h(
          'div',
          { class: 'cell name' },
          h('span', { 'data-i18n': 'span' }, t('span')),
          this.#splitter
        ),
        h('div', { class: 'cell dur', 'data-i18n': 'duration' }, t('duration')),
        this.#selfHead,
        h('div', { class: 'cell wf' }, this.#axis)
      ),
      this.#scroller
    );
    this.#scroller.addEventListener('scroll', () => {
      this.#scrollTop = this.#scroller.scrollTop;
      this.#schedule();
    });
    new ResizeObserver(([entry]) => {
      this.#viewHeight = entry?.contentRect.height ?? 0;
    }).observe(this.#scroller);
    new ResizeObserver(() => {
      this.#axisWidth = this.#axis.clientWidth;
      this.#renderAxis();
      this.#schedule();
    }).observe(this.#axis);
    this.#scroller.addEventListener('click', (e) => {
      const target = e.target as HTMLElement;
      const row = target.closest<HTMLElement>('.row');
      const id = row?.dataset.spanId;
      if (!id) return;
      if (target.closest('.twisty')) this.#cb.toggle(id);
      else this.#cb.select(id);
      if (target.closest('.bar')) this.zoomToSpan?.(id);
    });
    this.#scroller.addEventListener('dblclick', (e) => {
      const id = (e.target as HTMLElement).closest<HTMLElement>('.row')?.dataset.spanId;
      if (id) this.#cb.toggle(id);
    });
    // A taller or shorter view shows more or fewer rows (after the observer above kept its height).
    new ResizeObserver(() => this.#schedule()).observe(this.#scroller);
  }

  /** The focusable tree element (keyboard handling lives in main.ts). */
  get focusTarget(): HTMLElement {
    return this.#scroller;
  }

  /** Sets what to show; `nowMs` is where running spans currently end on the axis. */
  update(
    tree: TraceTree | undefined,
    rows: readonly Row[],
    selected: string | undefined,
    nowMs: number
  ): void {
    this.#tree = tree;
    this.#rows = rows;
    this.#selected = selected;
    this.#nowMs = nowMs;
    const time = tree ? axisOf(tree, nowMs) : undefined;
    this.#time = time;
    const at = (ms: number) => (time ? time.at(ms) : ms);
    const raw = Math.max(
      tree ? at(tree.endMs) : 0,
      tree && tree.running > 0 ? at(nowMs) : 0,
      0.001
    );
    // While a trace grows, the axis extends in steps (to the next tick), so the bars of finished
    // spans stay put between steps instead of being redrawn every frame.
    const whole = tree && tree.running > 0 ? axisCeil(raw) : raw;
    const zoom = this.range;
    // The zoom is in wall time (the minimap's); the axis may leave out step mode's pauses.
    const from = zoom ? at(zoom.startMs) : 0;
    const total = zoom ? Math.max(at(zoom.endMs) - from, 0.001) : whole;
    this.el.classList.toggle('with-self', this.selfMs !== undefined);
    // Dims the bars off the critical path (style.css), while the path is shown.
    this.el.classList.toggle('with-critical', this.critical.size > 0);
    this.#selfHead.hidden = this.selfMs === undefined;
    if (total !== this.#totalMs || from !== this.#fromMs || this.#axis.childElementCount === 0) {
      this.#totalMs = total;
      this.#fromMs = from;
      this.#renderAxis();
    }
    this.#render();
  }

  /**
   * Scrolls so the row of `spanId` is visible. It reads no layout (the scroll position and the
   * height are kept from the scroll and resize events) and scrolls, when it must, in the next
   * frame: a step that selects a row already in view costs no layout, and one that scrolls
   * costs the frame's own layout only.
   */
  reveal(spanId: string): void {
    const index = this.#rows.findIndex((r) => r.node.id === spanId);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const height = this.#viewHeight || this.#scroller.clientHeight;
    const from = this.#revealTo ?? this.#scrollTop;
    if (top >= from && top + ROW_HEIGHT <= from + height) return;
    // Out of view: bring it to the upper third, so what it calls next is visible below it.
    this.#revealTo = Math.max(0, top - Math.floor(height / 3));
    if (this.#revealRaf) return;
    this.#revealRaf = requestAnimationFrame(() => {
      this.#revealRaf = 0;
      const to = this.#revealTo;
      this.#revealTo = undefined;
      if (to === undefined) return;
      this.#scroller.scrollTop = to;
      this.#scrollTop = to;
      if (this.#rows.length > VIRTUAL_AFTER) this.#render();
    });
  }

  #schedule(): void {
    if (this.#raf) return;
    this.#raf = requestAnimationFrame(() => {
      this.#raf = 0;
      this.#render();
    });
  }

  #renderAxis(): void {
    const width = this.#axisWidth || this.#axis.clientWidth || 600;
    const ticks = axisTicks(this.#totalMs, width, (label) => labelWidth(this.#axis, label), {
      fromMs: this.#fromMs,
    });
    replace(
      this.#axis,
      ...ticks.map((tick) =>
        h(
          'span',
          {
            // Near the right edge the label hangs to the left of its mark, inside the column.
            class: tick.end ? 'axis-tick end' : 'axis-tick',
            style: { left: `${tick.x}px` },
          },
          tick.label
        )
      )
    );
  }

  #render(): void {
    const rows = this.#rows;
    const virtual = rows.length > VIRTUAL_AFTER;
    let start = 0;
    let end = rows.length;
    if (virtual) {
      const height = this.#viewHeight || 800;
      // Rows that went away (a collapse) leave the browser to clamp the position: clamp it here
      // too, before its scroll event says so.
      const top = Math.min(this.#scrollTop, Math.max(0, rows.length * ROW_HEIGHT - height));
      start = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
      end = Math.min(rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    }
    // A scroll area whose height changes is repainted whole. While a trace grows, its height
    // therefore grows in steps of GROW_ROWS, leaving room below for the rows to come; once
    // nothing runs it fits the rows exactly.
    const growing = (this.#tree?.running ?? 0) > 0;
    const room = growing ? Math.ceil((rows.length + 1) / GROW_ROWS) * GROW_ROWS : rows.length;
    // Written only when they change (every frame of a live run renders).
    const inner = this.#inner;
    const heightPx = `${room * ROW_HEIGHT}px`;
    if (inner.style.height !== heightPx) inner.style.height = heightPx;
    const padPx = `${start * ROW_HEIGHT}px`;
    if (inner.style.paddingTop !== padPx) inner.style.paddingTop = padPx;
    const traceId = this.#tree ? (this.#tree.roots[0]?.span.traceId ?? '') : '';
    if (inner.dataset.traceId !== traceId) inner.dataset.traceId = traceId;
    if (inner.dataset.rowCount !== String(rows.length))
      inner.dataset.rowCount = String(rows.length);
    const keep = new Set<string>();
    const list: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const row = rows[i] as Row;
      keep.add(row.node.id);
      let els = this.#els.get(row.node.id);
      if (!els) {
        els = this.#spare.pop() ?? makeRow();
        this.#els.set(row.node.id, els);
      }
      this.#fill(els, row, i, rows.length);
      list.push(els.row);
    }
    for (const [id, els] of this.#els) {
      if (keep.has(id)) continue;
      this.#els.delete(id);
      // A row that left the view lends its elements to the next one that comes in: a scroll
      // rewrites rows instead of building and collecting a dozen elements each.
      if (this.#spare.length < SPARE_ROWS) this.#spare.push(resetRow(els));
    }
    placeRows(this.#inner, list);
    const sel = this.#selected ? this.#els.get(this.#selected) : undefined;
    const active = sel?.row.id;
    if (active && this.#scroller.getAttribute('aria-activedescendant') !== active)
      this.#scroller.setAttribute('aria-activedescendant', active);
    else if (!active && this.#scroller.hasAttribute('aria-activedescendant'))
      this.#scroller.removeAttribute('aria-activedescendant');
  }

  /** Ids of the rows find highlights (analysis: web/analysis-pane.ts sets it, then re-renders). */
  marked: ReadonlySet<string> = new Set();

  /** The zoomed time range, ms from the trace start (the store's `zoom`); undefined: all of it. */
  range: { readonly startMs: number; readonly endMs: number } | undefined;

  /** The critical path's stretches by span id (critical-path.ts); empty: not shown. */
  critical: ReadonlyMap<string, readonly (readonly [number, number])[]> = new Map();

  /** Called on a click on a span's bar (the waterfall zooms to it: web/waterfall-tools.ts). */
  zoomToSpan: ((spanId: string) => void) | undefined;

  /** Self time of a span, when the self-time column is on (self-time.ts). */
  selfMs: ((spanId: string) => number) | undefined;

  #fill(els: RowEls, row: Row, index: number, count: number): void {
    const { node } = row;
    const span = node.span;
    const running = node.endMs === undefined;
    const selected = node.id === this.#selected;
    const marked = this.marked.has(node.id);
    // Live runs re-render often: touch the DOM only where something changed.
    const structKey = `${row.depth}|${row.hasChildren}|${row.open}|${selected}|${node.orphan}|${t('running')}|${marked}`;
    if (span !== els.span || structKey !== els.structKey) {
      els.span = span;
      els.structKey = structKey;
      this.#fillStructure(els, row, selected, running);
      els.row.classList.toggle('find-match', marked);
    }
    // Where the row stands changes for every row below a span that comes in: two attributes,
    // not the whole row.
    if (els.index !== index) {
      els.index = index;
      els.row.setAttribute('aria-posinset', String(index + 1));
    }
    if (els.count !== count) {
      els.count = count;
      els.row.setAttribute('aria-setsize', String(count));
    }
    const wallEnd = node.endMs ?? Math.max(this.#nowMs, node.startMs);
    const time = this.#time;
    const start = time ? time.at(node.startMs) : node.startMs;
    const end = time ? time.at(wallEnd) : wallEnd;
    const total = this.#totalMs;
    const from = this.#fromMs;
    const path = this.critical.get(node.id);
    // After the structure's className: the path's highlight survives a re-selection.
    els.row.classList.toggle('critical', path !== undefined);
    const self = this.selfMs ? formatMs(this.selfMs(node.id)) : '';
    // The bar's pauses (step mode) by what they show, so a paused running span, whose end on
    // the active axis stands still, is not redrawn every tick.
    const gaps = time && time.pauses.length > 0 ? gapsOf(time, node.startMs, wallEnd) : undefined;
    const gapKey = gaps ? gapsKey(gaps) : '';
    // To the nanosecond: the end of a paused span stands still up to rounding.
    const geoKey = `${total}|${from}|${end.toFixed(6)}|${start.toFixed(6)}|${gapKey}|${path ? path.length : 0}|${self}`;
    if (geoKey === els.geoKey) return;
    els.geoKey = geoKey;
    els.dur.textContent = formatMs(end - start);
    els.dur.title = els.dur.textContent;
    els.self.textContent = self;
    els.self.hidden = !this.selfMs;
    // Outside a zoomed range a bar is clipped to the range's edge, or hidden when it misses it.
    const x0 = ((start - from) / total) * 100;
    const x1 = ((end - from) / total) * 100;
    els.bar.hidden = x1 < 0 || x0 > 100;
    const left = Math.min(Math.max(x0, 0), 99.85);
    const width = Math.max(Math.min(x1, 100) - left, 0.15);
    els.bar.style.left = `${left}%`;
    els.bar.style.width = `${Math.min(width, 100 - left)}%`;
    els.bar.title = `${span.name}: ${formatMs(end - start)}`;
    if (gaps) pauseGaps(els.bar, gaps);
    else if (els.bar.firstChild) els.bar.replaceChildren();
    const pathKey = path ? `${total}|${from}|${path.map((p) => p.join(',')).join(';')}` : '';
    if (pathKey !== els.pathKey) {
      els.pathKey = pathKey;
      const axis = (ms: number) => (time ? time.at(ms) : ms);
      replace(
        els.path,
        ...(path ?? []).map(([s, e]) => {
          const a = Math.max(((axis(s) - from) / total) * 100, 0);
          const b = Math.min(((axis(e) - from) / total) * 100, 100);
          return b < a ? null : h('i', { style: { left: `${a}%`, width: `${b - a}%` } });
        })
      );
    }
    const tickKey = `${span.events.length}:${total}:${from}:${time?.pauses.length ?? 0}`;
    if (tickKey !== els.tickKey) {
      els.tickKey = tickKey;
      const ticks = span.events.map((e) => {
        const wall = Number(BigInt(e.timeUnixNano) - (this.#tree?.t0 ?? 0n)) / 1e6;
        const at = (time ? time.at(wall) : wall) - from;
        const key = eventKey(e.attributes) ?? e.name;
        // An event outside a zoomed range is not drawn (it would pile up at the edge).
        if (from > 0 && (at < 0 || at > total)) return null;
        return h('i', {
          class: `tick${e.name === 'exception' ? ' tick-error' : ''}`,
          style: { left: `${Math.max(0, Math.min(100, (at / total) * 100))}%` },
          title: key,
        });
      });
      replace(els.ticks, ...ticks);
    }
  }

  #fillStructure(els: RowEls, row: Row, selected: boolean, running: boolean): void {
    const { node } = row;
    const span = node.span;
    const err = errorOf(span);
    const r = els.row;
    r.id = `row-${node.id}`;
    r.dataset.spanId = node.id;
    r.dataset.name = span.name;
    r.dataset.state = running ? 'running' : err ? 'error' : 'ended';
    r.className = `row lane-${node.lane}${selected ? ' selected' : ''}${running ? ' running' : ''}${err ? ' error' : ''}${node.orphan ? ' orphan' : ''}`;
    r.setAttribute('aria-level', String(row.depth + 1));
    r.setAttribute('aria-selected', selected ? 'true' : 'false');
    if (row.hasChildren) r.setAttribute('aria-expanded', row.open ? 'true' : 'false');
    else r.removeAttribute('aria-expanded');
    els.indent.style.width = `${indentPx(row.depth)}px`;
    els.twisty.textContent = row.hasChildren ? (row.open ? '▾' : '▸') : '';
    els.twisty.classList.toggle('leaf', !row.hasChildren);
    if (els.label.textContent !== span.name) {
      els.label.textContent = span.name;
      els.label.title = span.name;
    }
    const keys = span.events.map((e) => eventKey(e.attributes)).filter((k): k is string => !!k);
    const pillKey = keys.join('\u0000');
    if (pillKey !== els.pillKey) {
      els.pillKey = pillKey;
      const shown = keys.slice(0, MAX_PILLS).map((k) => h('span', { class: 'pill', title: k }, k));
      replace(
        els.pills,
        ...shown,
        keys.length > MAX_PILLS
          ? h(
              'span',
              { class: 'pill more', title: keys.slice(MAX_PILLS).join('\n') },
              `+${keys.length - MAX_PILLS}`
            )
          : null
      );
    }
    const statusText = running
      ? `● ${t('running')}`
      : err
        ? `✖ ${err.type.split('.').pop() ?? t('error')}`
        : node.orphan
          ? `⋯ ${t('waitingParent')}`
          : '';
    if (els.status.textContent !== statusText) {
      els.status.textContent = statusText;
      els.status.title = statusText;
    }
    // The row's accessible name: the full span name first, then what the row shows after it.
    r.setAttribute('aria-label', [span.name, statusText, ...keys].filter(Boolean).join(', '));
    els.status.className = `status${running ? ' is-running' : err ? ' is-error' : node.orphan ? ' is-orphan' : ''}`;
  }
}
