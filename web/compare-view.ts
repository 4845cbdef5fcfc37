/**
 * @module
 * Two traces side by side, aligned layer by layer. Each row carries a marker with a symbol and a
 * word (never colour alone): `=` same, `≠` decided differently, `−` only in A, `+` only in B;
 * the differing decisions are listed with their narration.
 *
 * Layout: the pickers on one line, then the panels side by side on one row (statistics,
 * connection lanes, the road story, the differences), each a `<details>` whose heading alone
 * says the gist when closed and whose body scrolls inside a capped height when open; the
 * aligned grid takes the rest of the pane and scrolls under its sticky head. Panels start
 * closed on short screens (below 900 px of height) and the user's choice is kept.
 */
import type { TraceSummary } from '../src/viewer/types.js';
import { compareTrees, type CompareRow, type CompareSide } from './compare-model.js';
import { h, replace } from './dom.js';
import { clockTime, formatDelta, formatMs } from './format.js';
import { criticalPath } from './critical-path.js';
import { lang, t } from './i18n.js';
import { sideTree } from './compare-stats.js';
import type { SpanNode } from './model.js';
import { eventNarration, type Narration } from './narration.js';
import { activeMs } from './span-facts.js';
import { keepPanelState } from './compare-panels.js';

export interface CompareCallbacks {
  /** `value` is a trace id, or `traceId:spanId` for one run inside a trace. */
  pick(side: 'a' | 'b', value: string): void;
  select(side: 'a' | 'b', node: SpanNode): void;
  /** Compares side A's scenario with the same scenario on the other road. */
  otherRoad?(): void;
  /** Shows or hides the critical path of both sides. */
  critical?(on: boolean): void;
}

/** The narrated difference of one scenario's two roads (see road-diff.ts). */
export interface RoadStoryView {
  readonly scenario: string;
  readonly lines: readonly Narration[];
}

/** One choice of the A/B pickers. */
export interface CompareOption {
  readonly value: string;
  readonly label: string;
}

/** One side, ready to compare. */
export interface SideView {
  readonly value: string;
  readonly title: string;
  readonly side: CompareSide;
}

const MARK: Record<CompareRow['kind'], string> = {
  same: '=',
  changed: '≠',
  'only-a': '−',
  'only-b': '+',
};
const WORD = { same: 'same', changed: 'changed', 'only-a': 'onlyA', 'only-b': 'onlyB' } as const;

/** Decision events too frequent to be worth a line in the story of a difference. */
const ROUTINE = new Set([
  'REQ',
  'RESP',
  'content read',
  'adapter chosen',
  'connection released',
  'body: resource object',
  'session reused',
]);

interface DiffLine {
  readonly row: CompareRow;
  /** Rows folded into this one (the rest of an only-A / only-B subtree). */
  readonly below: number;
  readonly keys: readonly (readonly ['A' | 'B', string])[];
}

/**
 * The differences worth telling, top down: a changed span with its differing decisions, or
 * the top of a subtree only one side has, with the notable decisions taken inside it.
 */
export function diffStory(rows: readonly CompareRow[]): DiffLine[] {
  const out: DiffLine[] = [];
  const notable = (k: string) => eventNarration(k) !== undefined && !ROUTINE.has(k);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as CompareRow;
    if (row.kind === 'same') continue;
    if (row.kind === 'changed') {
      const keys = [
        ...row.eventsOnlyA.filter(notable).map((k) => ['A', k] as const),
        ...row.eventsOnlyB.filter(notable).map((k) => ['B', k] as const),
      ];
      out.push({ row, below: 0, keys });
      continue;
    }
    const side = row.kind === 'only-a' ? 'A' : 'B';
    const keys = new Set<string>();
    const take = (r: CompareRow) =>
      (side === 'A' ? r.eventsOnlyA : r.eventsOnlyB).filter(notable).forEach((k) => keys.add(k));
    take(row);
    let j = i + 1;
    while (
      j < rows.length &&
      (rows[j] as CompareRow).depth > row.depth &&
      (rows[j] as CompareRow).kind === row.kind
    ) {
      take(rows[j] as CompareRow);
      j++;
    }
    out.push({ row, below: j - i - 1, keys: [...keys].map((k) => [side, k] as const) });
    i = j - 1;
  }
  return out;
}

/** The ids of a side's spans on its critical path (the trace's, or the run's alone). */
function pathOf(side: CompareSide): ReadonlySet<string> {
  const tree = sideTree(side);
  return tree ? criticalPath(tree).spanIds : new Set();
}

export function traceLabel(s: TraceSummary): string {
  const name = `${s.label ? `${s.label} · ${s.rootName}` : s.rootName}${s.road ? ` · ${s.road}` : ''}`;
  return `${clockTime(s.startTimeUnixNano)} ${name} (${s.traceId.slice(0, 8)})`;
}

export class CompareView {
  readonly el: HTMLElement;
  /** Panels made elsewhere (statistics, lanes), shown first in the panel row. */
  readonly panels: HTMLDetailsElement[] = [];
  readonly #cb: CompareCallbacks;
  readonly #roads: HTMLDetailsElement;
  readonly #diffs: HTMLDetailsElement;
  readonly #panelRow = h('div', { class: 'compare-panels' });

  constructor(cb: CompareCallbacks) {
    this.#cb = cb;
    this.el = h('div', { class: 'compare' });
    this.#roads = h('details', { class: 'road-diff compare-panel', 'data-panel': 'roads' });
    this.#diffs = h('details', { class: 'compare-summary compare-panel', 'data-panel': 'diffs' });
    keepPanelState(this.#roads);
    keepPanelState(this.#diffs);
  }

  /** Opens one panel (the road story, when the user asked for the other road). */
  openPanel(id: string): void {
    for (const el of [...this.panels, this.#roads, this.#diffs])
      if (el.dataset.panel === id) el.open = true;
  }

  /** Adds a panel made elsewhere to the row. */
  addPanel(el: HTMLDetailsElement): void {
    keepPanelState(el);
    this.panels.push(el);
  }

  show(
    options: readonly CompareOption[],
    a: SideView | undefined,
    b: SideView | undefined,
    picked: { a?: string; b?: string },
    selected: { side: 'a' | 'b'; spanId: string } | undefined,
    roads?: RoadStoryView,
    showCritical = false
  ): void {
    const picker = (side: 'a' | 'b', current: string | undefined) =>
      h(
        'label',
        { class: `pick pick-${side}` },
        h('span', { class: 'side-tag' }, side.toUpperCase()),
        h(
          'select',
          {
            'aria-label': `${t('compare')} ${side.toUpperCase()}`,
            onchange: (e: Event) => this.#cb.pick(side, (e.target as HTMLSelectElement).value),
          },
          h('option', { value: '' }, '—'),
          ...options.map((o) =>
            h('option', { value: o.value, selected: o.value === current }, o.label)
          )
        )
      );
    const otherRoad = this.#cb.otherRoad;
    const critical = this.#cb.critical;
    const head = h(
      'div',
      { class: 'compare-head' },
      picker('a', picked.a),
      picker('b', picked.b),
      critical
        ? h(
            'label',
            { class: 'check small compare-critical' },
            h('input', {
              type: 'checkbox',
              checked: showCritical,
              onchange: (e: Event) => critical((e.target as HTMLInputElement).checked),
            }),
            h('span', null, t('criticalPath'))
          )
        : null,
      // Below 1100 px the detail pane is a drawer: compare needs its own way to open it.
      h(
        'button',
        {
          class: 'small details-toggle',
          id: 'compare-details-toggle',
          'aria-controls': 'detail',
          onclick: () => document.body.classList.toggle('details-open'),
        },
        t('details')
      ),
      otherRoad
        ? h(
            'button',
            { class: 'other-road', title: t('otherRoadTitle'), onclick: () => otherRoad() },
            t('otherRoad')
          )
        : null
    );
    if (!a || !b) {
      replace(this.el, head, h('p', { class: 'muted pad' }, t('pickTwo')));
      return;
    }
    const result = compareTrees(a.side, b.side);
    const L = lang();
    const story = diffStory(result.rows)
      .slice(0, 8)
      .map((d) => {
        const name = (d.row.a ?? d.row.b)?.span.name ?? '';
        const where =
          d.row.kind === 'only-a' ? t('onlyA') : d.row.kind === 'only-b' ? t('onlyB') : '';
        const below = d.below > 0 ? ` +${d.below}` : '';
        return h(
          'li',
          null,
          h('span', { class: `mark mark-${d.row.kind}` }, MARK[d.row.kind]),
          ' ',
          h('code', null, name),
          where ? ` (${where}${below})` : '',
          d.keys.length
            ? h(
                'ul',
                null,
                ...d.keys.map(([side, k]) => {
                  const n = eventNarration(k);
                  return h(
                    'li',
                    null,
                    h('span', { class: 'side-tag' }, side),
                    ' ',
                    h('strong', null, k),
                    n ? ` — ${n[L]}` : ''
                  );
                })
              )
            : null
        );
      });
    const onPath = {
      a: showCritical ? pathOf(a.side) : undefined,
      b: showCritical ? pathOf(b.side) : undefined,
    };
    const rows = result.rows.map((r, i) => this.#row(r, i, selected, onPath));
    const counts = t('compareSummary', result.onlyA, result.onlyB, result.changed, result.same);
    const roadsOpen = this.#roads.open;
    if (roads) {
      const title = t('roadStory', roads.scenario);
      replace(
        this.#roads,
        h('summary', null, h('span', { class: 'panel-title', title }, title)),
        h(
          'div',
          { class: 'panel-body' },
          h('ul', { class: 'road-story' }, ...roads.lines.map((l) => h('li', null, l[L])))
        )
      );
      this.#roads.open = roadsOpen;
    }
    const diffsOpen = this.#diffs.open;
    replace(
      this.#diffs,
      h(
        'summary',
        null,
        h('span', { class: 'panel-title', title: t('compareDiffs') }, t('compareDiffs')),
        h('span', { class: 'panel-peek', title: counts }, counts)
      ),
      h(
        'div',
        { class: 'panel-body', role: 'status' },
        h('p', null, counts),
        story.length ? h('ul', { class: 'diff-story' }, ...story) : null
      )
    );
    this.#diffs.open = diffsOpen;
    replace(this.#panelRow, ...this.panels, roads ? this.#roads : null, this.#diffs);
    replace(
      this.el,
      head,
      this.#panelRow,
      h(
        'div',
        { class: 'compare-grid', role: 'table', 'aria-label': t('compare') },
        h(
          'div',
          { class: 'crow chead', role: 'row' },
          h('span', { role: 'columnheader', class: 'c-mark' }, ''),
          h(
            'span',
            { role: 'columnheader', class: 'c-name', title: `A · ${a.title}` },
            `A · ${a.title}`
          ),
          h('span', { role: 'columnheader', class: 'c-dur' }, t('duration')),
          h(
            'span',
            { role: 'columnheader', class: 'c-name', title: `B · ${b.title}` },
            `B · ${b.title}`
          ),
          h('span', { role: 'columnheader', class: 'c-dur' }, t('duration')),
          h('span', { role: 'columnheader', class: 'c-delta' }, 'Δ')
        ),
        ...rows
      )
    );
  }

  #row(
    r: CompareRow,
    i: number,
    selected: { side: 'a' | 'b'; spanId: string } | undefined,
    onPath: Record<'a' | 'b', ReadonlySet<string> | undefined>
  ): HTMLElement {
    const cell = (side: 'a' | 'b', node: SpanNode | undefined) => {
      if (!node) return h('span', { class: 'c-name empty', role: 'cell' }, '');
      const only = side === 'a' ? r.eventsOnlyA : r.eventsOnlyB;
      const isSel = selected?.side === side && selected.spanId === node.id;
      const critical = onPath[side]?.has(node.id) === true;
      const name = critical ? `${node.span.name} (${t('onCriticalPath')})` : node.span.name;
      return h(
        'button',
        {
          class: `c-name lane-${node.lane}${isSel ? ' selected' : ''}${critical ? ' critical' : ''}`,
          role: 'cell',
          style: { paddingLeft: `calc(6px + ${r.depth} * var(--indent))` },
          title: name,
          'aria-label': name,
          onclick: () => this.#cb.select(side, node),
          dataset: { spanId: node.id },
        },
        h('i', { class: 'chip', 'aria-hidden': 'true' }),
        h('span', { class: 'label' }, node.span.name),
        ...only.map((k) => h('span', { class: 'pill diff', title: k }, k)),
        node.span.status.code === 2
          ? h('span', { class: 'status is-error' }, `✖ ${t('error')}`)
          : null
      );
    };
    const dur = (node: SpanNode | undefined) =>
      h(
        'span',
        { class: 'c-dur', role: 'cell' },
        node && node.endMs !== undefined ? formatMs(activeMs(node)) : ''
      );
    return h(
      'div',
      { class: `crow k-${r.kind}`, role: 'row', dataset: { kind: r.kind, index: String(i) } },
      h(
        'span',
        { class: `c-mark mark mark-${r.kind}`, role: 'cell', title: t(WORD[r.kind]) },
        `${MARK[r.kind]} ${t(WORD[r.kind])}`
      ),
      cell('a', r.a),
      dur(r.a),
      cell('b', r.b),
      dur(r.b),
      h(
        'span',
        { class: 'c-delta', role: 'cell' },
        r.deltaMs !== undefined ? formatDelta(r.deltaMs) : ''
      )
    );
  }
}
