/**
 * @module
 * The tree pane: the toolbar (trace title, collapse and expand, follow), the colour key, and
 * the call tree with its waterfall ({@link TreeView}); plus moving through the tree from the
 * keyboard and the empty-state sentence when there is no trace to draw.
 */
import { StopSnapshot } from './stops.js';
import { laneLabel } from './detail-view.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import {
  collapseOneLevel,
  expandOneLevel,
  flatten,
  LANES,
  parentsOf,
  type Row,
  type TraceTree,
} from './model.js';
import { roadChip } from './road-switch.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';
import { TreeView } from './tree-view.js';

/** While a trace grows, its span count in the title changes at most this often. */
const COUNT_MS = 500;

function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

export class TreePane {
  readonly el = h('section', { class: 'tree-pane' });
  readonly tree: TreeView;
  readonly #title = h('div', { class: 'trace-title' });
  /** The title's "trace … · N spans" part, when it was last written, what it should say. */
  readonly #count = h('span', { class: 'muted' });
  #countAt = -Infinity;
  #countWanted = '';
  #countTimer: number | undefined;
  readonly #empty = h('p', { class: 'empty-state', role: 'status', hidden: true });
  readonly followBox = h('input', { type: 'checkbox', id: 'follow', checked: true });
  readonly #store: Store;
  readonly #traces: Traces;
  #titleKey = '';
  /** The visible rows as last flattened. */
  rows: Row[] = [];
  /** Sets what the waterfall adds to the rows (zoom, critical path, self time) before a render. */
  decorate: ((tree: TraceTree | undefined) => void) | undefined;

  constructor(store: Store, traces: Traces) {
    this.#store = store;
    this.#traces = traces;
    this.tree = new TreeView({
      select: (id) => traces.select(id),
      toggle: (id) => this.toggle(id),
    });
    const button = (i18n: string, key: string, onclick: () => void) =>
      h('button', { class: 'small', onclick, 'data-i18n': i18n, 'aria-keyshortcuts': key });
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('button', {
        class: 'small details-toggle',
        id: 'details-toggle',
        'aria-controls': 'detail',
        'data-i18n': 'details',
        onclick: () => document.body.classList.toggle('details-open'),
      }),
      this.#title,
      h('div', { class: 'spacer' }),
      button('collapseAll', '[', () => this.collapseAll()),
      button('expandAll', ']', () => this.expandAll()),
      button('levelUp', '-', () => this.levelUp()),
      button('levelDown', '+', () => this.levelDown()),
      h('label', { class: 'check small' }, this.followBox, h('span', { 'data-i18n': 'follow' }))
    );
    const legend = h(
      'ul',
      { class: 'legend', 'aria-label': 'layers' },
      ...LANES.filter((l) => l !== 'other').map((lane) =>
        h(
          'li',
          { class: `lane-${lane}` },
          h('i', { class: 'chip', 'aria-hidden': 'true' }),
          laneLabel(lane)
        )
      )
    );
    replace(
      this.el,
      toolbar,
      h(
        'div',
        { class: 'legend-row' },
        h('span', { class: 'muted', 'data-i18n': 'legend' }),
        legend
      ),
      this.#empty,
      this.tree.el
    );
    this.tree.focusTarget.id = 'tree';
    this.followBox.addEventListener('change', () => store.set({ follow: this.followBox.checked }));
    store.subscribe(['current', 'spans', 'selected', 'collapsed', 'lang', 'traces', 'empty'], () =>
      this.render()
    );
    store.subscribe(['zoom', 'criticalPath', 'selfColumn'], () => this.render());
    store.subscribe(['view'], () => (this.el.hidden = store.state.view !== 'tree'));
    // Running spans grow on the axis: redraw while any runs, but not while the program is paused
    // (active time stands still) or a past stop is shown (its time is frozen).
    setInterval(() => {
      const s = store.state;
      const current = s.current;
      if (!current || (current.tree().running ?? 0) === 0 || s.view !== 'tree') return;
      if (current instanceof StopSnapshot) return;
      for (const run of s.runs.values()) {
        if (run.phase === 'paused' && run.traceIds.includes(current.traceId)) return;
      }
      store.touch('spans');
    }, 100);
  }

  render(): void {
    const s = this.#store.state;
    const model = s.current;
    const tree = model?.tree();
    this.rows = tree ? flatten(tree, s.collapsed) : [];
    // A past stop's copy (web/stops.ts) stands still at that stop's time.
    const frozen = model instanceof StopSnapshot ? model.frozenAt : undefined;
    const now = tree
      ? frozen
        ? tree.msAt(frozen)
        : nowEpochMs() - Number(tree.t0 / 1_000_000n)
      : 0;
    const empty = this.#emptyText();
    this.#empty.hidden = empty === undefined;
    this.#empty.textContent = empty ?? '';
    this.tree.el.hidden = empty !== undefined;
    this.decorate?.(tree);
    this.tree.update(tree, this.rows, s.selected, Math.max(now, tree?.endMs ?? 0));
    const pending = this.#traces.revealPending;
    if (pending && this.rows.some((r) => r.node.id === pending)) {
      this.tree.reveal(pending);
      this.#traces.revealPending = undefined;
    }
    const summary = model ? s.traces.get(model.traceId) : undefined;
    // The span count changes with every span of a live run: only its text is rewritten then.
    const count = model
      ? ` · ${t('traceOf', model.traceId.slice(0, 8))} · ${t('spans', model.size)}`
      : '';
    const titleKey = model
      ? `${summary?.label ?? tree?.roots[0]?.span.name}|${model.traceId}|${(tree?.running ?? 0) > 0}|${s.lang}`
      : `-|${s.lang}`;
    if (titleKey === this.#titleKey) {
      this.#setCount(count, (tree?.running ?? 0) > 0);
      return;
    }
    this.#titleKey = titleKey;
    this.#setCount(count, false);
    replace(
      this.#title,
      model
        ? [
            h('strong', null, summary?.label ?? tree?.roots[0]?.span.name ?? ''),
            summary ? roadChip(summary) : null,
            this.#count,
            tree && tree.running > 0
              ? h('span', { class: 'status is-running' }, ` ● ${t('running')}`)
              : null,
          ]
        : h('span', { class: 'muted' }, t('noTraces'))
    );
  }

  /**
   * Writes the title's span count: at once when the trace stands still, at most every
   * {@link COUNT_MS} while it grows. The title is outside the tree's own layer, so each change
   * repaints the page around it: on every span that was half the page's work per span.
   */
  #setCount(text: string, growing: boolean): void {
    this.#countWanted = text;
    if (this.#count.textContent === text) return;
    const wait = this.#countAt + COUNT_MS - performance.now();
    if (growing && wait > 0) {
      this.#countTimer ??= window.setTimeout(() => {
        this.#countTimer = undefined;
        this.#setCount(this.#countWanted, false);
      }, wait);
      return;
    }
    this.#countAt = performance.now();
    this.#count.textContent = text;
  }

  /** The sentence the pane shows instead of an empty tree over a fake axis. */
  #emptyText(): string | undefined {
    const s = this.#store.state;
    if (s.empty === 'bad-link') return t('emptyBadLink');
    if (s.empty === 'evicted') return t('evicted');
    if (!s.current && (s.empty === 'none' || s.traces.size === 0)) return t('emptyServer');
    return undefined;
  }

  /** The visible rows as of now (a key press may come before the next render). */
  freshRows(): Row[] {
    const { current, collapsed } = this.#store.state;
    const tree = current?.tree();
    this.rows = tree ? flatten(tree, collapsed) : [];
    return this.rows;
  }

  toggle(spanId: string): void {
    const c = this.#store.state.collapsed;
    if (c.has(spanId)) c.delete(spanId);
    else c.add(spanId);
    this.#store.touch('collapsed');
  }

  collapseAll(): void {
    const s = this.#store.state;
    if (!s.current) return;
    const tree = s.current.tree();
    // The selection moves up to the top-level span that still shows.
    let node = s.selected ? tree.byId.get(s.selected) : undefined;
    while (node?.parent) node = node.parent;
    this.#store.set({
      collapsed: new Set(parentsOf(tree)),
      ...(s.selected ? { selected: node?.id ?? s.selected } : {}),
    });
  }

  expandAll(): void {
    this.#store.state.collapsed.clear();
    this.#store.touch('collapsed');
  }

  levelUp(): void {
    collapseOneLevel(this.freshRows(), this.#store.state.collapsed);
    this.#store.touch('collapsed');
  }

  levelDown(): void {
    expandOneLevel(this.freshRows(), this.#store.state.collapsed);
    this.#store.touch('collapsed');
  }

  move(delta: number): void {
    if (this.#store.state.view !== 'tree' || this.freshRows().length === 0) return;
    const index = this.rows.findIndex((r) => r.node.id === this.#store.state.selected);
    this.moveTo(index < 0 ? 0 : Math.max(0, Math.min(this.rows.length - 1, index + delta)));
  }

  moveTo(index: number): void {
    const row = this.freshRows()[index < 0 ? this.rows.length + index : index];
    if (row) this.#traces.select(row.node.id);
  }

  right(): void {
    const row = this.freshRows().find((r) => r.node.id === this.#store.state.selected);
    if (!row || !row.hasChildren) return;
    if (!row.open) this.toggle(row.node.id);
    else if (row.node.children[0]) this.#traces.select(row.node.children[0].id);
  }

  left(): void {
    const row = this.freshRows().find((r) => r.node.id === this.#store.state.selected);
    if (!row) return;
    if (row.open) this.toggle(row.node.id);
    else if (row.node.parent) this.#traces.select(row.node.parent.id);
  }
}
