/**
 * @module
 * The traces a page shows: the trace models on screen (the tree's and the compared ones),
 * loading their spans from the server, the trace list, which trace the tree shows, and the
 * permalink in the URL. Views call these actions; they change the store, and the views
 * subscribed to it render.
 */
import type { TraceSummary } from '../src/viewer/types.js';
import { api, ApiError, userMessage } from './api.js';
import { t } from './i18n.js';
import { TraceModel, type SpanNode } from './model.js';
import { readHash, writeHash, type PageLink } from './permalink.js';
import type { Store } from './store.js';
import { toast } from './toast.js';

const MAX_LIST = 200;

export class Traces {
  readonly #store: Store;
  /** Models of the traces on screen, by trace id. */
  readonly models = new Map<string, TraceModel>();
  /** A span to scroll into view once the next render has its row. */
  revealPending: string | undefined;
  /** Called when the compare view should open (set by the compare pane). */
  openCompare: (() => void) | undefined;
  #listTimer: number | undefined;
  /** Counts {@link show} calls: a show whose spans come after a newer show's does not switch. */
  #showSeq = 0;
  /**
   * False until the page has shown what its address asked for (or its start-up trace): until then
   * the address bar is the user's, and writing the empty view into it would throw away a
   * permalink that arrived while the page was still loading.
   */
  #linked = false;

  constructor(store: Store) {
    this.#store = store;
    store.subscribe(['view', 'current', 'selected', 'comparePick', 'compareSel', 'findText'], () =>
      this.syncHash()
    );
  }

  /** Stored traces, newest first. */
  sorted(): TraceSummary[] {
    return [...this.#store.state.traces.values()].sort((a, b) =>
      BigInt(b.startTimeUnixNano) > BigInt(a.startTimeUnixNano)
        ? 1
        : BigInt(b.startTimeUnixNano) < BigInt(a.startTimeUnixNano)
          ? -1
          : 0
    );
  }

  /** The model of a trace on screen, made (empty) when new; fill it with {@link load}. */
  modelFor(traceId: string): TraceModel {
    let model = this.models.get(traceId);
    if (!model) {
      model = new TraceModel(traceId);
      this.models.set(traceId, model);
    }
    return model;
  }

  /** Loads (or reloads) a model's spans; false when the server has not got the trace. */
  async load(model: TraceModel): Promise<boolean> {
    return this.#settle(model, await this.#fetchSpans(model));
  }

  /** Fetches a trace's spans into its model: `missing` is a 404, `failed` was told in a toast. */
  async #fetchSpans(model: TraceModel): Promise<'ok' | 'missing' | 'failed'> {
    try {
      const records = await api.records(model.traceId);
      for (const r of records) model.put(r);
      return 'ok';
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return 'missing';
      toast(userMessage(err));
      return 'failed';
    }
  }

  /** What a fetch means for the page: the spans changed, or the tree's trace is not there. */
  #settle(model: TraceModel, got: 'ok' | 'missing' | 'failed'): boolean {
    const s = this.#store.state;
    if (got === 'ok') {
      if (model === s.current && s.empty === 'evicted') this.#store.set({ empty: undefined });
      this.#store.touch('spans');
      return true;
    }
    if (got === 'missing' && model === s.current && model.size === 0)
      this.#store.set({ empty: s.traces.has(model.traceId) ? 'evicted' : 'bad-link' });
    return false;
  }

  /** Reloads every model on screen (after the live stream was lost and came back). */
  reloadAll(): void {
    for (const model of this.models.values()) void this.load(model);
  }

  /** Drops the models no view shows any more. */
  prune(): void {
    const { current, comparePick } = this.#store.state;
    const keep = new Set<string>();
    if (current) keep.add(current.traceId);
    for (const v of [comparePick.a, comparePick.b]) if (v) keep.add(v.split(':')[0] as string);
    for (const id of [...this.models.keys()]) if (!keep.has(id)) this.models.delete(id);
  }

  /** Makes a trace the tree's (empty until loaded), clearing selection and collapse. */
  setCurrent(traceId: string): void {
    if (this.#store.state.current?.traceId === traceId) return;
    this.#store.set({
      current: this.modelFor(traceId),
      collapsed: new Set(),
      selected: undefined,
      empty: undefined,
    });
    this.prune();
  }

  /** Shows a trace in the tree, loads it, and selects `spanId` (else its root). */
  async show(traceId: string, spanId?: string, opts: { select?: boolean } = {}): Promise<void> {
    const seq = ++this.#showSeq;
    const model = this.modelFor(traceId);
    if (this.#store.state.current !== model && model.size === 0) {
      // Fetched first, switched to after: the page goes from one trace to the next in one frame.
      // Switching first drew every view empty for a frame (the source pane shrinks, the whole
      // page is laid out twice) while the spans were on their way.
      const before = this.#store.state.current;
      const got = await this.#fetchSpans(model);
      // Something else came on screen meanwhile (another click, a followed new trace): it stays.
      const now = this.#store.state.current;
      if (seq !== this.#showSeq || (now !== before && now?.traceId !== traceId)) return;
      const kept = this.models.get(traceId);
      if (kept && kept !== model) for (const r of model.records()) kept.put(r);
      else this.models.set(traceId, model);
      this.setCurrent(traceId);
      if (this.#store.state.view !== 'tree') this.#store.set({ view: 'tree' });
      this.#settle(this.modelFor(traceId), got);
    } else {
      this.setCurrent(traceId);
      if (this.#store.state.view !== 'tree') this.#store.set({ view: 'tree' });
      await this.load(model);
    }
    const { current, selected } = this.#store.state;
    if (current?.traceId !== traceId) return;
    if (spanId) this.select(spanId);
    else if (opts.select !== false && !selected) {
      const root = current.tree().roots[0]?.id;
      if (root) this.#store.set({ selected: root });
    }
  }

  /** Selects a span of the tree's trace, opening its ancestors and scrolling to it. */
  select(spanId: string): void {
    this.#store.set({ selected: spanId });
    this.ensureVisible(spanId);
    this.revealPending = spanId;
  }

  /** Opens every collapsed ancestor of a span. */
  ensureVisible(spanId: string): void {
    const { current, collapsed } = this.#store.state;
    let node = current?.tree().byId.get(spanId)?.parent;
    while (node) {
      collapsed.delete(node.id);
      node = node.parent;
    }
    this.#store.touch('collapsed');
  }

  /** The `nova volume-update` runs inside a trace, in start order (warm-pool has two). */
  runsOf(model: TraceModel): SpanNode[] {
    return [...model.tree().byId.values()]
      .filter((n) => n.span.name === 'nova volume-update')
      .sort((x, y) => x.startMs - y.startMs);
  }

  /** Asks the server for the trace list soon (many span events come in a burst). */
  refreshListSoon(): void {
    if (this.#listTimer !== undefined) return;
    this.#listTimer = window.setTimeout(() => {
      this.#listTimer = undefined;
      this.refreshList().catch(() => undefined);
    }, 400);
  }

  async refreshList(): Promise<void> {
    const list = await api.traces();
    this.#store.set({ traces: new Map(list.slice(0, MAX_LIST).map((s) => [s.traceId, s])) });
  }

  /** What to show once the first resync arrived: the permalink, else the start-up trace. */
  async initialView(): Promise<void> {
    if (this.#store.state.followRole === 'follow') return;
    this.#linked = true;
    const link = readHash(location.hash);
    if (link.trace || link.compare) {
      await this.applyLink(link);
      return;
    }
    const list = this.sorted();
    const startup = list.filter((s) => s.source === 'startup').reverse();
    const first = startup[0] ?? list[0];
    if (first) await this.show(first.traceId, undefined, { select: false });
    else this.#store.set({ empty: 'none' });
  }

  async applyLink(link: PageLink): Promise<void> {
    this.#linked = true;
    const s = this.#store.state;
    if ((link.find ?? '') !== s.findText) this.#store.set({ findText: link.find ?? '' });
    if (link.compare) {
      await Promise.all([this.pick('a', link.compare[0]), this.pick('b', link.compare[1])]);
      if (link.span && link.side)
        this.#store.set({ compareSel: { side: link.side, spanId: link.span } });
      this.openCompare?.();
    } else if (link.trace) {
      if (s.view !== 'tree') this.#store.set({ view: 'tree' });
      if (s.current?.traceId !== link.trace) await this.show(link.trace, link.span);
      else if (link.span) this.select(link.span);
    }
  }

  /** Sets what a compare side shows and loads it. */
  async pick(side: 'a' | 'b', value: string): Promise<void> {
    const s = this.#store.state;
    this.#store.set({
      comparePick: { ...s.comparePick, [side]: value || undefined },
      compareSel: undefined,
    });
    this.prune();
    const traceId = value.split(':')[0];
    if (traceId) {
      const model = this.modelFor(traceId);
      if (model.size === 0) await this.load(model);
    }
  }

  syncHash(): void {
    // A following page keeps its follow link in the address bar.
    if (this.#store.state.followRole === 'follow' || !this.#linked) return;
    const { view, comparePick, compareSel, current, selected, findText } = this.#store.state;
    const shown: PageLink =
      view === 'compare' && comparePick.a && comparePick.b
        ? {
            compare: [comparePick.a, comparePick.b],
            ...(compareSel ? { span: compareSel.spanId, side: compareSel.side } : {}),
          }
        : current
          ? { trace: current.traceId, ...(selected ? { span: selected } : {}) }
          : {};
    const link: PageLink = findText && current ? { ...shown, find: findText } : shown;
    const hash = writeHash(link);
    if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname);
  }

  /** Opens a trace file on the server and shows its first trace. */
  async openText(text: string, name: string, announce: boolean): Promise<void> {
    try {
      const opened = await api.openFile(text, name);
      if (announce) toast(t('openedFile', name, opened.spans));
      await this.refreshList();
      const first = opened.traceIds[0];
      if (first) await this.show(first);
    } catch (err) {
      toast(userMessage(err));
    }
  }
}
