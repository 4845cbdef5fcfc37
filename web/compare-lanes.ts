/**
 * @module
 * The connection lanes of both compare sides, one under the other (lanes-view.ts draws each):
 * which TCP connection carried which request in A and in B. A panel of the compare view; its
 * heading says how many connections each side used, so a closed panel still answers "on how
 * many connections?". A click on an exchange selects that side's wire span.
 */
import type { ComparePane } from './compare-pane.js';
import { sideTree } from './compare-stats.js';
import { connectionLanes } from './conn-lanes.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { LanesView } from './lanes-view.js';
import type { TraceTree } from './model.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';

export class CompareLanes {
  readonly el: HTMLDetailsElement;
  readonly #peek = h('span', { class: 'panel-peek' });
  readonly #title = h('span', { class: 'panel-title' });
  readonly #sides: Record<'a' | 'b', LanesView>;
  readonly #store: Store;
  readonly #pane: ComparePane;

  constructor(store: Store, traces: Traces, pane: ComparePane) {
    this.#store = store;
    this.#pane = pane;
    const view = (side: 'a' | 'b') => {
      const lanes = new LanesView(store, traces, {
        tree: () => this.#tree(side),
        select: (spanId) => store.set({ compareSel: { side, spanId } }),
      });
      lanes.el.open = true;
      // Not `.lanes-section`: that names the tree's own lanes section.
      lanes.el.className = `compare-lanes-side compare-lanes-${side}`;
      // The side's letter, not the lanes' own heading (which the page relabels by data-i18n).
      const summary = lanes.el.querySelector('summary');
      summary?.removeAttribute('data-i18n');
      summary?.replaceChildren(h('span', { class: 'side-tag' }, side.toUpperCase()));
      return lanes;
    };
    this.#sides = { a: view('a'), b: view('b') };
    this.el = h(
      'details',
      { class: 'compare-lanes compare-panel', 'data-panel': 'lanes' },
      h('summary', null, this.#title, this.#peek),
      h('div', { class: 'panel-body' }, this.#sides.a.el, this.#sides.b.el)
    );
    this.el.addEventListener('toggle', () => this.render());
    store.subscribe(['view', 'comparePick', 'spans', 'traces', 'lang'], () => this.render());
  }

  #tree(side: 'a' | 'b'): TraceTree | undefined {
    const v = this.#pane.sideView(this.#store.state.comparePick[side])?.side;
    return v ? sideTree(v) : undefined;
  }

  render(): void {
    if (this.#store.state.view !== 'compare') return;
    this.#title.textContent = t('compareLanes');
    this.#title.title = t('compareLanes');
    const count = (side: 'a' | 'b') => {
      const tree = this.#tree(side);
      return tree ? String(connectionLanes(tree).length) : '–';
    };
    this.#peek.textContent = `A ${count('a')} · B ${count('b')}`;
    this.#peek.title = `${t('compareLanes')}: ${this.#peek.textContent}`;
    if (!this.el.open) return;
    this.#sides.a.render(true);
    this.#sides.b.render(true);
  }
}
