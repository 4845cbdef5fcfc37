/**
 * @module
 * The trace statistics of both compare sides, side by side: the summary rows (requests,
 * connections opened, reused, reset, authentications, retries, redirects) for A and B, and one
 * sentence with the rows that differ ("connections opened: A 3, B 1"), in the page's language. A
 * side that is one run inside a trace is counted from that run's spans alone. Counts come from
 * trace-stats.ts. It is one of the compare view's panels: closed, its heading still shows the
 * sentence (cut with an ellipsis, whole in the tooltip).
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { ComparePane } from './compare-pane.js';
import type { CompareSide } from './compare-model.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { buildTree, type SpanNode, type TraceTree } from './model.js';
import type { Store } from './store.js';
import { SUMMARY_LABEL, SUMMARY_ROWS, traceStatistics, type SummaryCounts } from './trace-stats.js';

/**
 * The rows that differ, in the page's language: `connections opened: A 3, B 1; …` (as
 * trace-stats.ts's compareSummaries says it in English), `開いた接続：A 3、B 1。…` in Japanese.
 */
export function statsSentence(a: SummaryCounts, b: SummaryCounts): string {
  const parts = SUMMARY_ROWS.filter(([k]) => a[k] !== b[k]).map(([k]) =>
    t('statDiffers', t(SUMMARY_LABEL[k]), a[k], b[k])
  );
  return parts.length > 0 ? parts.join(t('statDiffersSep')) : t('sameCounts');
}

/** A compare side as a tree of its own: the trace, or the run's spans alone. */
export function sideTree(side: CompareSide): TraceTree | undefined {
  if ('byId' in side) return side as TraceTree;
  return side.roots[0] ? subtree(side.roots[0]) : undefined;
}

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
  readonly #peek = h('span', { class: 'panel-peek' });
  readonly #title = h('span', { class: 'panel-title' });
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
      { class: 'compare-stats compare-panel', 'data-panel': 'stats' },
      h('summary', null, this.#title, this.#peek),
      this.#sentence,
      this.#table
    );
    store.subscribe(['view', 'comparePick', 'spans', 'traces', 'lang'], () => this.render());
  }

  #counts(value: string | undefined): SummaryCounts | undefined {
    const side = this.#pane.sideView(value)?.side;
    if (!side) return undefined;
    const tree = sideTree(side);
    return tree ? traceStatistics(tree).summary : undefined;
  }

  render(): void {
    const s = this.#store.state;
    if (s.view !== 'compare') return;
    this.#title.textContent = t('compareStats');
    this.#title.title = t('compareStats');
    const { a, b } = s.comparePick;
    const ta = a ? this.#pane.sideView(a)?.side : undefined;
    const tb = b ? this.#pane.sideView(b)?.side : undefined;
    const key = [a, b, ta, tb, s.current?.tree().version, s.lang, s.traces];
    if (key.every((v, i) => v === this.#shown[i])) return;
    this.#shown = key;
    const ca = this.#counts(a);
    const cb = this.#counts(b);
    const sentence = ca && cb ? statsSentence(ca, cb) : '';
    this.#sentence.textContent = sentence;
    this.#peek.textContent = sentence;
    this.#peek.title = sentence;
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
        ...SUMMARY_ROWS.map(([k]) =>
          h(
            'tr',
            { 'data-summary': k, class: ca && cb && ca[k] !== cb[k] ? 'differs' : '' },
            h('th', { scope: 'row' }, t(SUMMARY_LABEL[k])),
            h('td', { 'data-side': 'a' }, ca ? String(ca[k]) : '–'),
            h('td', { 'data-side': 'b' }, cb ? String(cb[k]) : '–')
          )
        )
      )
    );
  }
}
