/**
 * @module
 * The analysis bar above the tree: Find (a search box named `Find`, its live `n of m` count as a
 * status, filters by layer and errors only; Enter / Shift+Enter go to the next / previous match,
 * `/` focuses the box; matching rows are highlighted and their collapsed ancestors opened) and the
 * `Trace statistics` table (the summary rows, then one row per layer and per span name), computed
 * only while the table is open. Reads the trace on screen from the store; pure logic lives in
 * find.ts and trace-stats.ts.
 */
import { h, replace } from './dom.js';
import {
  FIND_LAYERS,
  Finder,
  openAncestors,
  searchIndex,
  stepMatch,
  type FindLayer,
} from './find.js';
import { formatMs } from './format.js';
import { t, type StringKey } from './i18n.js';
import type { SpanNode } from './model.js';
import type { Store } from './store.js';
import { SUMMARY_LABEL, SUMMARY_ROWS, traceStatistics, type StatRow } from './trace-stats.js';
import type { Traces } from './traces.js';
import type { TreePane } from './tree-pane.js';

/** Span-name rows the statistics table shows at most (the rest are counted in one line). */
const MAX_NAME_ROWS = 200;

/** The label of each layer filter (web/i18n.ts; the English ones are the layer ids). */
export const FIND_LAYER_LABEL: Readonly<Record<FindLayer, StringKey>> = {
  novaclient: 'findLayerNovaclient',
  keystoneauth1: 'findLayerKeystoneauth1',
  requests: 'findLayerRequests',
  urllib3: 'findLayerUrllib3',
  wire: 'findLayerWire',
  cloud: 'findLayerCloud',
};

/** The label of each summary row, kept beside the rows in trace-stats.ts. */
export { SUMMARY_LABEL };

/** The statistics table's column heads. */
export const STATS_COLUMNS: readonly StringKey[] = [
  'statsName',
  'statsCount',
  'statsTotal',
  'statsSelf',
  'statsShare',
];

export class AnalysisPane {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  readonly #count: HTMLElement;
  readonly #errors: HTMLInputElement;
  readonly #layers = new Map<FindLayer, HTMLInputElement>();
  readonly #stats: HTMLDetailsElement;
  readonly #table: HTMLTableElement;
  readonly #finder = new Finder();
  readonly #store: Store;
  readonly #traces: Traces;
  readonly #tree: TreePane;
  #matches: readonly SpanNode[] = [];
  #index = -1;

  constructor(store: Store, traces: Traces, tree: TreePane) {
    this.#store = store;
    this.#traces = traces;
    this.#tree = tree;
    this.input = h('input', {
      type: 'search',
      class: 'find-input',
      'aria-label': t('find'),
      placeholder: t('findPlaceholder'),
      autocomplete: 'off',
      spellcheck: 'false',
    });
    this.#count = h('span', {
      class: 'find-count',
      role: 'status',
      'aria-label': t('findResults'),
      'aria-live': 'polite',
    });
    this.#errors = h('input', { type: 'checkbox', class: 'find-errors' });
    const filters = h(
      'span',
      // The package names stay as they are in Japanese too, as span names do; the group's name
      // says what they filter by.
      {
        class: 'find-filters',
        role: 'group',
        'aria-label': t('findFilters'),
        'data-i18n-label': 'findFilters',
      },
      h(
        'label',
        null,
        this.#errors,
        ' ',
        h('span', { 'data-i18n': 'errorsOnly' }, t('errorsOnly'))
      ),
      ...FIND_LAYERS.map((layer) => {
        const box = h('input', { type: 'checkbox', 'data-layer': layer });
        this.#layers.set(layer, box);
        return h(
          'label',
          { class: `lane-${layer}` },
          box,
          ' ',
          h('span', { 'data-i18n': FIND_LAYER_LABEL[layer] }, t(FIND_LAYER_LABEL[layer]))
        );
      })
    );
    this.#table = h('table', { class: 'trace-stats' });
    this.#stats = h(
      'details',
      { class: 'stats-section' },
      h('summary', { 'data-i18n': 'traceStats' }, t('traceStats')),
      this.#table
    );
    this.el = h(
      'div',
      { class: 'analysis' },
      h('div', { class: 'find-bar', role: 'search' }, this.input, this.#count, filters),
      this.#stats
    );
    this.input.addEventListener('input', () => {
      this.#search(true);
      this.#store.set({ findText: this.input.value.trim() });
    });
    // A link's Find text (the permalink) fills the box.
    store.subscribe(['findText'], () => {
      if (this.input.value.trim() === store.state.findText) return;
      this.input.value = store.state.findText;
      this.#search(true);
    });
    // The search index of the trace on screen is made when the page is idle, not on the first
    // keystroke (a 100,000-span trace takes a few hundred milliseconds): once it is shown, and
    // again after its spans changed (a trace that is still loading or growing), one at a time.
    let pending = false;
    store.subscribe(['current', 'spans'], () => {
      if (pending || !store.state.current) return;
      pending = true;
      const build = () => {
        pending = false;
        const model = store.state.current;
        // While a trace comes in pages, its index would be made anew for every page.
        if (model && !traces.isLoading(model)) searchIndex(model.tree());
      };
      if ('requestIdleCallback' in window) requestIdleCallback(build, { timeout: 2000 });
      else setTimeout(build, 50);
    });
    filters.addEventListener('change', () => this.#search(true));
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      this.go(ev.shiftKey);
    });
    this.#stats.addEventListener('toggle', () => this.#renderStats());
    document.addEventListener('keydown', (ev) => {
      const target = ev.target as HTMLElement | null;
      if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      ev.preventDefault();
      this.input.focus();
      this.input.select();
    });
    store.subscribe(['current', 'spans'], () => {
      this.#search(false);
      this.#renderStats();
    });
    // The `data-i18n` texts are relabelled by the page; the attributes and tables are ours.
    store.subscribe(['lang'], () => {
      this.input.setAttribute('aria-label', t('find'));
      this.input.placeholder = t('findPlaceholder');
      this.#count.setAttribute('aria-label', t('findResults'));
      this.#showCount();
      this.#renderStats();
    });
  }

  /** Goes to the next (or previous) match: selects it, opening its ancestors. */
  go(back = false): void {
    if (this.#matches.length === 0) return;
    this.#index = stepMatch(this.#matches.length, this.#index, back);
    const node = this.#matches[this.#index];
    this.#showCount();
    if (node) this.#traces.select(node.id);
  }

  #search(fresh: boolean): void {
    const model = this.#store.state.current;
    const tree = model?.tree();
    const layers = new Set<FindLayer>();
    for (const [layer, box] of this.#layers) if (box.checked) layers.add(layer);
    const text = this.input.value.trim();
    this.#matches = tree
      ? this.#finder.run(tree, text, { layers, errorsOnly: this.#errors.checked })
      : [];
    if (fresh) this.#index = -1;
    if (this.#index >= this.#matches.length) this.#index = this.#matches.length - 1;
    const collapsed = this.#store.state.collapsed;
    const opened = fresh && collapsed.size > 0 ? openAncestors(this.#matches, collapsed) : 0;
    const marked = new Set(this.#matches.map((n) => n.id));
    const before = this.#tree.tree.marked;
    const same = marked.size === before.size && [...marked].every((id) => before.has(id));
    this.#tree.tree.marked = marked;
    this.#showCount();
    // Only a change of highlights redraws: this runs on every frame a live trace grows, and
    // touching `spans` from here unconditionally would redraw every view on every frame.
    if (opened > 0) this.#store.touch('collapsed');
    else if (!same) this.#store.touch('spans');
  }

  #showCount(): void {
    const m = this.#matches.length;
    const active = this.input.value.trim() !== '' || this.#errors.checked || m > 0;
    this.#count.textContent = active
      ? t('findCount', this.#index < 0 ? 0 : this.#index + 1, m)
      : '';
  }

  #renderStats(): void {
    if (!this.#stats.open) return;
    const tree = this.#store.state.current?.tree();
    if (!tree) {
      replace(this.#table, h('caption', null, t('traceStats')));
      return;
    }
    const stats = traceStatistics(tree);
    const row = (r: StatRow, kind: string) =>
      h(
        'tr',
        { class: `stat-${kind}` },
        h('th', { scope: 'row' }, r.key),
        h('td', null, String(r.count)),
        h('td', null, formatMs(r.totalMs)),
        h('td', null, formatMs(r.selfMs)),
        h('td', null, `${(r.share * 100).toFixed(1)} %`)
      );
    replace(
      this.#table,
      h('caption', null, t('traceStats')),
      h(
        'tbody',
        { class: 'stats-summary' },
        ...SUMMARY_ROWS.map(([key]) =>
          h(
            'tr',
            { 'data-summary': key },
            h('th', { scope: 'row' }, t(SUMMARY_LABEL[key])),
            h('td', { colspan: '4' }, String(stats.summary[key]))
          )
        )
      ),
      h('thead', null, h('tr', null, ...STATS_COLUMNS.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', { class: 'stats-layers' }, ...stats.byLayer.map((r) => row(r, 'layer'))),
      // The names with the most self time; a generated trace may have a distinct name per span.
      h(
        'tbody',
        { class: 'stats-names' },
        ...stats.byName.slice(0, MAX_NAME_ROWS).map((r) => row(r, 'name')),
        stats.byName.length > MAX_NAME_ROWS
          ? h(
              'tr',
              { class: 'stat-more' },
              h('td', { colspan: '5' }, t('statsMore', stats.byName.length - MAX_NAME_ROWS))
            )
          : null
      )
    );
  }
}
