/**
 * @module
 * The right-hand pane and the source pane: the selected span's explanation, attributes, events
 * and exception ({@link DetailView}), and its TypeScript source beside the Python original
 * ({@link SourceView}). With no span selected the pane tells the story of the trace on screen.
 */
import { DetailView } from './detail-view.js';
import { h, type Child } from './dom.js';
import { t } from './i18n.js';
import type { SpanNode, TraceTree } from './model.js';
import { SourceView } from './source-view.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';
import { WireTab } from './wire-tab.js';

/** How often the story of a trace still growing is retold, in ms. */
const STORY_MS = 300;

export interface DetailActions {
  compare(): void;
  run(): void;
  /** A default compare pair exists. */
  canCompare(): boolean;
}

export class DetailPane {
  readonly el = h('aside', { class: 'detail', id: 'detail', 'aria-label': 'detail' });
  readonly detail = new DetailView();
  readonly source = new SourceView();
  readonly wire = new WireTab(this.detail.el);
  readonly #store: Store;
  readonly #traces: Traces;
  readonly #actions: DetailActions;
  /** Called after the source pane rendered (it may have grown under the tree). */
  afterSource: (() => void) | undefined;

  constructor(store: Store, traces: Traces, actions: DetailActions) {
    this.#store = store;
    this.#traces = traces;
    this.#actions = actions;
    this.el.append(
      h('button', {
        class: 'small drawer-close',
        'data-i18n': 'close',
        onclick: () => document.body.classList.remove('details-open'),
      }),
      this.wire.tabs,
      this.detail.el,
      this.wire.panel
    );
    const keys = [
      'view',
      'current',
      'selected',
      'compareSel',
      'comparePick',
      'spans',
      'lang',
      'stopShown',
    ] as const;
    // Live runs touch `spans` many times a second: redraw only when what is shown changed.
    let detailKey: unknown[] = [];
    let sourceKey: unknown[] = [];
    const changed = (before: unknown[], now: unknown[]) =>
      before.length !== now.length || now.some((v, i) => v !== before[i]);
    // The story of a growing trace is retold at most every STORY_MS, not on every span.
    let toldAt = 0;
    let retell: number | undefined;
    const render = (): void => {
      const node = this.selectedNode();
      // A selected span's children count too: a server span arriving under a wire span changes
      // its client's share, a child ending changes its self time.
      const key = node
        ? [node.span, store.state.lang, node.children.length, endedChildren(node)]
        : [
            store.state.lang,
            store.state.view,
            store.state.selectedScenario,
            this.#actions.canCompare(),
            store.state.current,
            store.state.current?.size,
            store.state.current?.tree().running,
          ];
      if (!changed(detailKey, key)) return;
      const growing = !node && key.slice(0, 5).every((v, i) => v === detailKey[i]);
      const wait = toldAt + STORY_MS - performance.now();
      if (growing && wait > 0) {
        retell ??= window.setTimeout(() => {
          retell = undefined;
          render();
        }, wait);
        return;
      }
      detailKey = key;
      toldAt = performance.now();
      this.detail.show(node, () => this.welcome());
      this.wire.show(node, node ? this.selectedTree() : undefined);
    };
    store.subscribe([...keys, 'selectedScenario', 'traces'], render);
    store.subscribe(keys, () => {
      const span = this.selectedNode()?.span;
      const stop = store.state.stopShown;
      const site = stop && span && stop.spanId === span.spanId ? stop.site : undefined;
      const key = [span, store.state.lang, site];
      if (!changed(sourceKey, key)) return;
      sourceKey = key;
      this.source.show(span, site);
      this.afterSource?.();
    });
  }

  /** The span the panes describe: the tree's selection, or compare's. */
  selectedNode(): SpanNode | undefined {
    const s = this.#store.state;
    if (s.view === 'compare') {
      const sel = s.compareSel;
      const value = sel?.side === 'a' ? s.comparePick.a : s.comparePick.b;
      const model = value ? this.#traces.models.get(value.split(':')[0] as string) : undefined;
      return sel ? model?.tree().byId.get(sel.spanId) : undefined;
    }
    return s.selected ? s.current?.tree().byId.get(s.selected) : undefined;
  }

  /** The tree the selected span belongs to (the Wire tab reads its clock). */
  selectedTree(): TraceTree | undefined {
    const s = this.#store.state;
    if (s.view !== 'compare') return s.current?.tree();
    const value = s.compareSel?.side === 'a' ? s.comparePick.a : s.comparePick.b;
    return value ? this.#traces.models.get(value.split(':')[0] as string)?.tree() : undefined;
  }

  /** What the trace on screen did, in one paragraph made from its spans. */
  story(): string | undefined {
    const s = this.#store.state;
    const model = s.current;
    if (!model || model.size === 0) return undefined;
    const summary = s.traces.get(model.traceId);
    if (summary?.source === 'startup' && summary.label === 'warm-pool') return t('welcome2');
    const spans = [...model.records()];
    const wire = spans.filter((x) => x.kind === 'client');
    const keys = spans.flatMap((x) =>
      x.events.map((e) => String(e.attributes['novatrace.event'] ?? e.name))
    );
    // urllib3's "Starting new HTTP connection" event carries the key `pool miss: new connection`.
    const opened = keys.filter(
      (k) => k === 'pool miss: new connection' || k.startsWith('Starting new HTTP connection')
    ).length;
    const hits = keys.filter((k) => k === 'pool hit').length;
    const errors = spans.filter((x) => x.status.code === 2);
    const root = errors.find((x) => !x.parentSpanId) ?? errors[errors.length - 1];
    const requests = wire
      .map(
        (x) =>
          `${x.name}${x.attributes['http.response.status_code'] ? ` ${String(x.attributes['http.response.status_code'])}` : ''}`
      )
      .join(', ');
    return [
      t('storyHead', summary?.label ?? model.tree().roots[0]?.span.name ?? '', spans.length),
      wire.length > 0 ? t('storyWire', wire.length, requests) : t('storyNoWire'),
      t('storyPool', opened, hits),
      errors.length > 0
        ? t('storyError', errors.length, root?.status.message?.slice(0, 160) ?? '')
        : t('storyOk'),
    ].join(' ');
  }

  welcome(): Child {
    const scenario = this.#store.state.selectedScenario;
    // Comparing: say what the two columns are for, not the tree's welcome.
    if (this.#store.state.view === 'compare') {
      return h(
        'div',
        { class: 'welcome compare-welcome' },
        h('h2', null, t('compare')),
        h('p', null, t('compareWelcome'))
      );
    }
    return h(
      'div',
      { class: 'welcome' },
      h('h2', null, t('welcomeTitle')),
      h('p', null, t('welcome1')),
      h('p', { class: 'trace-story' }, this.story() ?? t('emptyServer')),
      h(
        'p',
        { class: 'welcome-actions' },
        this.#actions.canCompare()
          ? h(
              'button',
              { class: 'primary', onclick: () => this.#actions.compare() },
              `⇆ ${t('compare')}`
            )
          : null,
        scenario
          ? h('button', { onclick: () => this.#actions.run() }, `▶ ${t('runThis', scenario)}`)
          : null
      ),
      h('p', { class: 'muted' }, t('welcome3'))
    );
  }
}

/** How many of a span's children have ended (part of what its detail shows). */
function endedChildren(node: SpanNode): number {
  let n = 0;
  for (const c of node.children) if (c.endMs !== undefined) n++;
  return n;
}
