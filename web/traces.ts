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
/** Spans of a trace's first page: a few screens of rows, small enough to come at once. */
const FIRST_PAGE = 2_000;
/** Spans of each later page: few requests, yet no long pause on the server or the page. */
const PAGE = 25_000;
/** While later pages come, the views redraw at most this often. */
const SHOW_EVERY_MS = 1000;

/** How a fetch of a trace's spans went: `missing` is a 404, `failed` was told in a toast. */
type Fetched = 'ok' | 'missing' | 'failed';

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
  readonly #loading = new Set<TraceModel>();
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

  /**
   * Loads (or reloads) a model's spans, first rows first (see {@link #fetchFirst}); `onFirstPage`
   * runs once the first page is shown. False when the server has not got the trace.
   */
  async load(model: TraceModel, onFirstPage?: () => void): Promise<boolean> {
    this.#loading.add(model);
    try {
      const first = await this.#fetchFirst(model);
      if (!this.#settle(model, first.got)) return false;
      onFirstPage?.();
      if (first.next !== undefined) await this.#fetchRest(model, first.next);
      return true;
    } finally {
      this.#loading.delete(model);
    }
  }

  /** Whether a model's spans are still coming in pages (views may wait to index them). */
  isLoading(model: TraceModel): boolean {
    return this.#loading.has(model);
  }

  /**
   * Fetches a trace's first page (its first {@link FIRST_PAGE} spans in start order, or all of
   * a trace the list knows to be at most {@link PAGE} spans) into its model: `missing` is a 404, `failed` was told in a toast; `next` is where the rest starts
   * when there is more.
   */
  async #fetchFirst(model: TraceModel): Promise<{ got: Fetched; next?: number }> {
    try {
      // A trace the list says fits in one later page comes whole in one request: two round
      // trips cost a 5,000-span trace more than the first page saves it.
      const known = this.#store.state.traces.get(model.traceId)?.spanCount ?? Infinity;
      const limit = known <= PAGE ? PAGE : FIRST_PAGE;
      const first = await api.recordsPage(model.traceId, 0, limit);
      for (const r of first.records) model.put(r);
      const next = first.records.length;
      return next === limit && next < first.total ? { got: 'ok', next } : { got: 'ok' };
    } catch (err) {
      return { got: this.#failure(err) };
    }
  }

  /**
   * Fetches the rest of a trace from `from`, in pages of {@link PAGE} (the next one asked for
   * while this one is added). Pages are in start order; a span that arrives live meanwhile
   * shifts later pages by one, so a page may repeat a span (the model keeps one) but never skips
   * one. Every view redraws the whole trace when spans are added: while the rest comes, they
   * redraw at most once a second, and once when it is all in. A model no view shows any more
   * stops loading.
   */
  async #fetchRest(model: TraceModel, from: number): Promise<void> {
    this.#loading.add(model);
    let shownAt = performance.now();
    try {
      let next: ReturnType<typeof api.recordsPage> | undefined = api.recordsPage(
        model.traceId,
        from,
        PAGE
      );
      while (next && this.models.get(model.traceId) === model) {
        const page: Awaited<typeof next> = await next;
        from += page.records.length;
        next =
          page.records.length === PAGE ? api.recordsPage(model.traceId, from, PAGE) : undefined;
        for (const r of page.records) model.put(r);
        if (!next) this.#loading.delete(model);
        if (!next || performance.now() - shownAt >= SHOW_EVERY_MS) {
          this.#store.touch('spans');
          shownAt = performance.now();
        }
      }
    } catch (err) {
      this.#failure(err);
      this.#store.touch('spans');
    } finally {
      this.#loading.delete(model);
    }
  }

  /** A failed fetch: a 404 is `missing`; anything else is told in a toast. */
  #failure(err: unknown): Exclude<Fetched, 'ok'> {
    if (err instanceof ApiError && err.status === 404) return 'missing';
    toast(userMessage(err));
    return 'failed';
  }

  /** What a fetch means for the page: the spans changed, or the tree's trace is not there. */
  #settle(model: TraceModel, got: Fetched): boolean {
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

  /**
   * Shows a trace in the tree, loads it, and selects `spanId` (else its root). The selection is
   * made as soon as the first page is shown; a linked span that comes in a later page is selected
   * once the whole trace is in.
   */
  async show(traceId: string, spanId?: string, opts: { select?: boolean } = {}): Promise<void> {
    const seq = ++this.#showSeq;
    const model = this.modelFor(traceId);
    let chosen = false;
    const choose = (last: boolean) => {
      const { current, selected } = this.#store.state;
      if (chosen || current?.traceId !== traceId) return;
      if (spanId) {
        if (!last && !current.get(spanId)) return;
        this.select(spanId);
      } else if (opts.select !== false && !selected) {
        const root = current.tree().roots[0]?.id;
        if (root) this.#store.set({ selected: root });
      }
      chosen = true;
    };
    if (this.#store.state.current !== model && model.size === 0) {
      // Fetched first, switched to after: the page goes from one trace to the next in one frame.
      // Switching first drew every view empty for a frame (the source pane shrinks, the whole
      // page is laid out twice) while the spans were on their way.
      const before = this.#store.state.current;
      const first = await this.#fetchFirst(model);
      // Something else came on screen meanwhile (another click, a followed new trace): it stays.
      const now = this.#store.state.current;
      if (seq !== this.#showSeq || (now !== before && now?.traceId !== traceId)) return;
      const kept = this.models.get(traceId);
      if (kept && kept !== model) for (const r of model.records()) kept.put(r);
      else this.models.set(traceId, model);
      this.setCurrent(traceId);
      if (this.#store.state.view !== 'tree') this.#store.set({ view: 'tree' });
      const shown = this.modelFor(traceId);
      if (this.#settle(shown, first.got)) {
        choose(false);
        if (first.next !== undefined) await this.#fetchRest(shown, first.next);
      }
    } else {
      this.setCurrent(traceId);
      if (this.#store.state.view !== 'tree') this.#store.set({ view: 'tree' });
      await this.load(model, () => choose(false));
    }
    choose(true);
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
