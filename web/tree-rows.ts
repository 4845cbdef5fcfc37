/**
 * @module
 * The elements of one tree row ({@link TreeView}'s), made once and refilled: a row that leaves
 * the view is reset and lent to the next row that comes in, and the rows in view are put in
 * order with as few DOM moves as possible.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import { h } from './dom.js';

/** A row's elements, and keys of what they show now (a fill rewrites only what changed). */
export interface RowEls {
  readonly row: HTMLDivElement;
  readonly indent: HTMLSpanElement;
  readonly twisty: HTMLSpanElement;
  readonly label: HTMLSpanElement;
  readonly pills: HTMLSpanElement;
  readonly status: HTMLSpanElement;
  readonly dur: HTMLDivElement;
  readonly bar: HTMLDivElement;
  readonly ticks: HTMLDivElement;
  readonly self: HTMLDivElement;
  readonly path: HTMLDivElement;
  pathKey: string;
  pillKey: string;
  tickKey: string;
  span: SpanRecord | undefined;
  structKey: string;
  geoKey: string;
  index: number;
  count: number;
}

/**
 * Makes `parent`'s children exactly `list`, moving only the rows that are not already in place:
 * a span added to a live trace inserts one row, and the rows around it are neither removed nor
 * laid out again.
 */
export function placeRows(parent: HTMLElement, list: readonly HTMLElement[]): void {
  const wanted = new Set(list);
  for (let el = parent.firstElementChild; el;) {
    const next = el.nextElementSibling;
    if (!wanted.has(el as HTMLElement)) el.remove();
    el = next;
  }
  let at = parent.firstElementChild;
  for (const el of list) {
    if (at === el) at = at.nextElementSibling;
    else parent.insertBefore(el, at);
  }
}

/** Forgets what a row showed, so the next TreeView fill writes all of it. */
export function resetRow(els: RowEls): RowEls {
  els.pathKey = '';
  els.pillKey = '\u0001';
  els.tickKey = '';
  els.span = undefined;
  els.structKey = '';
  els.geoKey = '';
  els.index = -1;
  els.count = -1;
  return els;
}

export function makeRow(): RowEls {
  const indent = h('span', { class: 'indent' });
  const twisty = h('span', { class: 'twisty', 'aria-hidden': 'true' });
  const label = h('span', { class: 'label' });
  const pills = h('span', { class: 'pills' });
  const status = h('span', { class: 'status' });
  const dur = h('div', { class: 'cell dur' });
  const ticks = h('div', { class: 'ticks' });
  const bar = h('div', { class: 'bar' });
  const self = h('div', { class: 'cell self', hidden: true });
  const path = h('div', { class: 'path', 'aria-hidden': 'true' });
  const row = h(
    'div',
    { class: 'row', role: 'treeitem' },
    h(
      'div',
      { class: 'cell name' },
      indent,
      twisty,
      h('span', { class: 'chip', 'aria-hidden': 'true' }),
      label,
      status,
      pills
    ),
    dur,
    self,
    h('div', { class: 'cell wf' }, bar, path, ticks)
  );
  return {
    row,
    indent,
    twisty,
    label,
    pills,
    status,
    dur,
    bar,
    ticks,
    self,
    path,
    pathKey: '',
    pillKey: '\u0001',
    tickKey: '',
    span: undefined,
    structKey: '',
    geoKey: '',
    index: -1,
    count: -1,
  };
}
