/**
 * @module
 * What the analysis adds to the waterfall: the {@link Minimap} with its zoom (a click on a span's
 * bar zooms to that span), the critical path highlighted on demand (critical-path.ts, Jaeger's
 * definition), and the optional self-time column (self-time.ts). It hands the tree view what to
 * draw just before each render (the zoomed range, the path's stretches, a self-time reader); the
 * tree view itself only places them.
 */
import { criticalPath } from './critical-path.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { extentOf, Minimap } from './minimap.js';
import type { TraceTree } from './model.js';
import { selfTimeMs } from './self-time.js';
import type { Store } from './store.js';
import type { TreePane } from './tree-pane.js';

type Stretches = ReadonlyMap<string, readonly (readonly [number, number])[]>;

export class WaterfallTools {
  readonly minimap: Minimap;
  readonly criticalBox = h('input', { type: 'checkbox', class: 'critical-toggle' });
  readonly selfBox = h('input', { type: 'checkbox', class: 'self-toggle' });
  readonly #store: Store;
  #pathFor: unknown[] = [];
  #path: Stretches = new Map();

  constructor(store: Store, pane: TreePane) {
    this.#store = store;
    this.minimap = new Minimap(store);
    const toggles = h(
      'span',
      { class: 'waterfall-toggles' },
      h(
        'label',
        { class: 'check small' },
        this.criticalBox,
        h('span', { 'data-i18n': 'criticalPath' }, t('criticalPath'))
      ),
      h(
        'label',
        { class: 'check small' },
        this.selfBox,
        h('span', { 'data-i18n': 'selfColumn' }, t('selfColumn'))
      )
    );
    this.minimap.el.querySelector('.minimap-side')?.append(toggles);
    pane.tree.el.prepend(this.minimap.el);
    this.criticalBox.addEventListener('change', () =>
      store.set({ criticalPath: this.criticalBox.checked })
    );
    this.selfBox.addEventListener('change', () => store.set({ selfColumn: this.selfBox.checked }));
    pane.tree.zoomToSpan = (id) => this.minimap.zoomToSpan(id);
    pane.decorate = (tree) => this.#decorate(pane, tree);
  }

  #decorate(pane: TreePane, tree: TraceTree | undefined): void {
    const s = this.#store.state;
    this.criticalBox.checked = s.criticalPath;
    this.selfBox.checked = s.selfColumn;
    const view = pane.tree;
    view.range = this.minimap.range();
    if (!tree) {
      view.critical = new Map();
      view.selfMs = undefined;
      return;
    }
    const now = extentOf(tree);
    view.critical = s.criticalPath ? this.#criticalOf(tree, now) : new Map();
    view.selfMs = s.selfColumn
      ? (id) => {
          const node = tree.byId.get(id);
          return node ? selfTimeMs(node, now) : 0;
        }
      : undefined;
  }

  /** The path's stretches by span id, made again only when the trace changed. */
  #criticalOf(tree: TraceTree, now: number): Stretches {
    const key = [tree, tree.version, tree.endMs, tree.running, tree.running > 0 ? now : 0];
    if (key.length === this.#pathFor.length && key.every((v, i) => v === this.#pathFor[i]))
      return this.#path;
    this.#pathFor = key;
    const out = new Map<string, [number, number][]>();
    for (const seg of criticalPath(tree, now).segments) {
      const list = out.get(seg.node.id);
      if (list) list.push([seg.startMs, seg.endMs]);
      else out.set(seg.node.id, [[seg.startMs, seg.endMs]]);
    }
    this.#path = out;
    return out;
  }
}
