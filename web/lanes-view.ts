/**
 * @module
 * The connection lanes view: one lane per TCP connection (conn-lanes.ts tells them apart by local
 * port and peer), each HTTP exchange drawn on its lane at its time, opened or reused, with the
 * pool's state at its checkout under it, and marks where a connection was opened, reused, reset
 * (dropped), discarded (pool full) or closed. It is a `<details>` section of the analysis bar and
 * is computed only while open; on a live trace it follows the spans as they come. A click on an
 * exchange selects its wire span.
 */
import { connectionLanes, type ConnLane, type ConnMarkKind, type Exchange } from './conn-lanes.js';
import { h, replace } from './dom.js';
import { formatMs } from './format.js';
import { t, type StringKey } from './i18n.js';
import { extentOf } from './minimap.js';
import type { TraceTree } from './model.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';

const MARK_LABEL: Record<ConnMarkKind, StringKey> = {
  opened: 'markOpened',
  reused: 'markReused',
  reset: 'markReset',
  discarded: 'markDiscarded',
  closed: 'markClosed',
};

const MARK_GLYPH: Record<ConnMarkKind, string> = {
  opened: '▶',
  reused: '↻',
  reset: '✖',
  discarded: '⊘',
  closed: '■',
};

/** The pool's state at a checkout, in words (`pool: 1 idle, maxsize 10, block false`). */
export function poolText(x: Exchange): string {
  const p = x.pool;
  if (!p || (p.idle === undefined && p.maxsize === undefined && p.block === undefined)) return '';
  const show = (v: unknown) => (v === undefined ? '?' : String(v));
  return t('poolState', show(p.idle), show(p.maxsize), show(p.block));
}

/** How an exchange reads aloud and in its tooltip. */
function exchangeLabel(x: Exchange): string {
  const use =
    x.use === 'unknown' ? t('laneUnknown') : t(x.use === 'opened' ? 'markOpened' : 'markReused');
  return [
    `${x.method} ${x.url}`,
    x.status !== undefined ? String(x.status) : null,
    formatMs(x.endMs - x.startMs),
    use,
    poolText(x) || null,
  ]
    .filter(Boolean)
    .join(', ');
}

/** Another source of lanes than the trace on screen (the compare view draws one per side). */
export interface LanesSource {
  tree(): TraceTree | undefined;
  select(spanId: string): void;
}

export class LanesView {
  readonly el: HTMLDetailsElement;
  readonly #source: LanesSource | undefined;
  readonly #body: HTMLDivElement;
  readonly #summary: HTMLElement;
  readonly #store: Store;
  #shown: unknown[] = [];

  constructor(store: Store, traces: Traces, source?: LanesSource) {
    this.#store = store;
    this.#source = source;
    this.#summary = h('summary', { 'data-i18n': 'lanes' }, t('lanes'));
    this.#body = h('div', { class: 'lanes-body' });
    this.el = h('details', { class: 'lanes-section' }, this.#summary, this.#body);
    this.el.addEventListener('toggle', () => this.render(true));
    this.#body.addEventListener('click', (ev) => {
      const id = (ev.target as HTMLElement).closest<HTMLElement>('[data-span-id]')?.dataset.spanId;
      if (id && source) source.select(id);
      else if (id) traces.select(id);
    });
    if (!source) store.subscribe(['current', 'spans', 'lang'], () => this.render());
  }

  render(force = false): void {
    if (!this.el.open) return;
    const s = this.#store.state;
    const tree = this.#source ? this.#source.tree() : s.current?.tree();
    const key = [tree, tree?.version, tree?.endMs, tree?.running, s.lang];
    // A running trace grows on the axis: redraw it every time; a finished one only on change.
    if (!force && !(tree && tree.running > 0) && key.every((v, i) => v === this.#shown[i])) return;
    this.#shown = key;
    if (!tree) {
      replace(this.#body);
      return;
    }
    const extent = extentOf(tree);
    const lanes = connectionLanes(tree, extent);
    if (lanes.length === 0) {
      replace(this.#body, h('p', { class: 'muted lanes-none' }, t('lanesNone')));
      return;
    }
    const at = (ms: number) => `${Math.max(0, Math.min(100, (ms / extent) * 100))}%`;
    replace(
      this.#body,
      h(
        'ul',
        { class: 'lanes-key', 'aria-hidden': 'true' },
        ...(Object.keys(MARK_LABEL) as ConnMarkKind[]).map((kind) =>
          h(
            'li',
            { class: `conn-mark-${kind}` },
            h('b', null, MARK_GLYPH[kind]),
            ` ${t(MARK_LABEL[kind])}`
          )
        )
      ),
      h(
        'ol',
        { class: 'lanes', 'aria-label': t('lanes') },
        ...lanes.map((lane) => this.#lane(lane, at))
      )
    );
  }

  #lane(lane: ConnLane, at: (ms: number) => string): HTMLElement {
    return h(
      'li',
      { class: `lane${lane.known ? '' : ' lane-unknown'}`, 'data-lane': lane.key },
      h(
        'span',
        { class: 'lane-label', title: lane.label },
        lane.known ? lane.label : `${lane.label} (${t('laneUnknown')})`
      ),
      h(
        'span',
        { class: 'lane-track' },
        ...lane.exchanges.map((x) =>
          h(
            'button',
            {
              class: `exchange use-${x.use}`,
              'data-use': x.use,
              'data-span-id': x.node.id,
              'aria-label': exchangeLabel(x),
              title: exchangeLabel(x),
              style: {
                left: at(x.startMs),
                width: `max(6px, calc(${at(x.endMs)} - ${at(x.startMs)}))`,
              },
            },
            h('span', { class: 'exchange-line' }, `${x.method}${x.status ? ` ${x.status}` : ''}`),
            h('span', { class: 'exchange-pool' }, poolText(x).replace(/^[^:：]*[:：]\s*/, ''))
          )
        ),
        ...lane.marks.map((m) =>
          h(
            'i',
            {
              class: `conn-mark conn-mark-${m.kind}`,
              'data-kind': m.kind,
              style: { left: at(m.atMs) },
              title: `${t(MARK_LABEL[m.kind])} +${formatMs(m.atMs)}`,
            },
            MARK_GLYPH[m.kind]
          )
        )
      )
    );
  }
}
