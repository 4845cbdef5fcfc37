/**
 * @module
 * The trace statistics of both compare sides, side by side: the summary rows (requests,
 * connections opened, reused, reset, authentications, retries, redirects) for A and B, and one
 * sentence with the rows that differ ("connections opened: A 3, B 1"). A side that is one run
 * inside a trace is counted from that run's spans alone. Counts come from trace-stats.ts.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { ComparePane } from './compare-pane.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { buildTree, type SpanNode, type TraceTree } from './model.js';
import type { Store } from './store.js';
import {
  compareSummaries,
  SUMMARY_ROWS,
  traceStatistics,
  type SummaryCounts,
} from './trace-stats.js';

/** The spans of one run (a subtree), as a tree of their own. */
function subtree(root: SpanNode): TraceTree {
  const records: SpanRecord[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop() as SpanNode;
    records.push(n.span);
    for (const c of n.children) stack.push(c);
  }
  return buildTree(records);
}

export class CompareStats {
  readonly el: HTMLDetailsElement;
  readonly #table: HTMLTableElement;
  readonly #sentence: HTMLParagraphElement;
  readonly #store: Store;
  readonly #pane: ComparePane;
  #shown: unknown[] = [];

  constructor(store: Store, pane: ComparePane) {
    this.#store = store;
    this.#pane = pane;
    this.#table = h('table', { class: 'compare-stats-table' });
    this.#sentence = h('p', { class: 'compare-stats-diff', role: 'status' });
    this.el = h(
      'details',
      { class: 'compare-stats', open: true },
      h('summary', { 'data-i18n': 'compareStats' }, t('compareStats')),
      this.#sentence,
      this.#table
    );
    this.el.addEventListener('toggle', () => this.render());
    store.subscribe(['view', 'comparePick', 'spans', 'traces', 'lang'], () => this.render());
  }

  #counts(value: string | undefined): SummaryCounts | undefined {
    const side = this.#pane.sideView(value)?.side;
    if (!side) return undefined;
    const tree =
      'byId' in side ? (side as TraceTree) : side.roots[0] ? subtree(side.roots[0]) : undefined;
    return tree ? traceStatistics(tree).summary : undefined;
  }

  render(): void {
    const s = this.#store.state;
    if (s.view !== 'compare' || !this.el.open) return;
    const { a, b } = s.comparePick;
    const ta = a ? this.#pane.sideView(a)?.side : undefined;
    const tb = b ? this.#pane.sideView(b)?.side : undefined;
    const key = [a, b, ta, tb, s.current?.tree().version, s.lang, s.traces];
    if (key.every((v, i) => v === this.#shown[i])) return;
    this.#shown = key;
    const ca = this.#counts(a);
    const cb = this.#counts(b);
    this.#sentence.textContent =
      ca && cb ? compareSummaries(ca, cb).replace(/^same counts$/, t('sameCounts')) : '';
    replace(
      this.#table,
      h('caption', null, t('compareStats')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, ''),
          h('th', { scope: 'col' }, 'A'),
          h('th', { scope: 'col' }, 'B')
        )
      ),
      h(
        'tbody',
        null,
        ...SUMMARY_ROWS.map(([k, label]) =>
          h(
            'tr',
            { 'data-summary': k, class: ca && cb && ca[k] !== cb[k] ? 'differs' : '' },
            h('th', { scope: 'row' }, label),
            h('td', { 'data-side': 'a' }, ca ? String(ca[k]) : '–'),
            h('td', { 'data-side': 'b' }, cb ? String(cb[k]) : '–')
          )
        )
      )
    );
  }
}
