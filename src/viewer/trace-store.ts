/**
 * @module
 * The viewer's bounded store of recent traces. Spans arrive from the live bus (start, then end),
 * from the OTLP receiver and from opened files; the store keeps the newest version of each span
 * and evicts whole traces, oldest first, once it holds more than `maxTraces` traces, `maxSpans`
 * spans or `maxBytes` (approximate) bytes.
 *
 * One trace may hold at most `maxSpansPerTrace` spans (the per-trace cap, 100,000 by default)
 * and `maxTraceBytes` bytes (half the store by default): spans past that are refused, not stored at the cost of other traces, so a
 * single huge trace can never empty the store. Every span is cut to {@link SpanLimits} first.
 *
 * Each trace's spans live in one {@link SpanTable} (span-table.ts): ids in typed arrays, each span
 * a run of bytes, repeated strings shared. The byte bounds count what the tables hold, on the
 * safe side ({@link SpanTable.bytes}).
 */
import type { SpanRecord } from '../telemetry/types.js';
import {
  DEFAULT_MAX_SPANS_PER_TRACE,
  limitSpan,
  spanLimits,
  type SpanLimits,
} from './span-limits.js';
import { SharedStrings } from './shared-strings.js';
import { SpanTable } from './span-table.js';
import type { TraceSource, TraceSummary } from './types.js';

export interface TraceStoreOptions {
  /** Most traces kept (default 200). */
  readonly maxTraces?: number;
  /** Most spans kept across all traces (default 200,000). */
  readonly maxSpans?: number;
  /**
   * Most spans one trace may hold; later ones are refused (default
   * {@link DEFAULT_MAX_SPANS_PER_TRACE}, 100,000, or `maxSpans` when that is smaller).
   */
  readonly maxSpansPerTrace?: number;
  /** Approximate bytes kept across all traces (default 160 MiB). */
  readonly maxBytes?: number;
  /** Approximate bytes one trace may hold; later spans are refused (default `maxBytes` / 2). */
  readonly maxTraceBytes?: number;
  /** What one span may carry (default OpenTelemetry's: 128 attributes, 128 events, …). */
  readonly spanLimits?: Partial<SpanLimits>;
}

export const DEFAULT_MAX_TRACES = 200;
export const DEFAULT_MAX_SPANS = 200_000;
export const DEFAULT_MAX_BYTES = 160 * 1024 * 1024;

interface TraceEntry {
  readonly traceId: string;
  /** The spans, compactly ({@link SpanTable}). */
  readonly spans: SpanTable;
  /** Approximate bytes of the spans, kept up to date on every change. */
  bytes: number;
  source: TraceSource;
  /** Monotonic insertion stamp: the smallest is evicted first. */
  readonly seq: number;
  label?: string;
  runId?: string;
  /** Cached summary, dropped on every change to the trace. */
  summary?: TraceSummary;
  /** Cached slots by start time, dropped on every change to the spans. */
  order?: Int32Array;
}

/**
 * What {@link TraceStore.put} did with one span: `ignored` for a stale copy, `refused` when its
 * trace is full (or bigger than the whole store).
 */
export type PutResult = 'added' | 'updated' | 'ignored' | 'refused';

/** What {@link TraceStore.putMany} did with a batch. */
export interface PutManyResult {
  /** Trace ids touched and still held, in order of first appearance. */
  readonly traceIds: string[];
  /** The spans as stored (cut to the span limits), in batch order. */
  readonly stored: SpanRecord[];
  /** Spans refused because their trace was full. */
  readonly refused: number;
}

/**
 * A bounded map of traces, each a map of spans by id.
 * @example
 * const store = new TraceStore({ maxTraces: 10 });
 * store.put(record, 'live');
 * store.get(record.traceId); // SpanRecord[]
 */
export class TraceStore {
  readonly maxTraces: number;
  readonly maxSpans: number;
  readonly maxSpansPerTrace: number;
  readonly maxBytes: number;
  readonly maxTraceBytes: number;
  readonly spanLimits: SpanLimits;
  #traces = new Map<string, TraceEntry>();
  #spanCount = 0;
  #bytes = 0;
  #seq = 0;
  #evicted = 0;
  #dropped = 0;
  #evictListeners = new Set<(traceId: string) => void>();
  #strings = new SharedStrings();
  /** Traces written to last, oldest first (see {@link TraceStore.#warm}). */
  #hot: TraceEntry[] = [];
  /** How many traces keep their write index ({@link SpanTable.settle} for the others). */
  static readonly HOT_TRACES = 8;

  constructor(opts: TraceStoreOptions = {}) {
    this.maxTraces = positiveInt(opts.maxTraces, DEFAULT_MAX_TRACES, 'maxTraces');
    this.maxSpans = positiveInt(opts.maxSpans, DEFAULT_MAX_SPANS, 'maxSpans');
    this.maxSpansPerTrace = positiveInt(
      opts.maxSpansPerTrace,
      Math.min(DEFAULT_MAX_SPANS_PER_TRACE, this.maxSpans),
      'maxSpansPerTrace'
    );
    this.maxBytes = positiveInt(opts.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes');
    this.maxTraceBytes = positiveInt(
      opts.maxTraceBytes,
      Math.max(1, Math.floor(this.maxBytes / 2)),
      'maxTraceBytes'
    );
    this.spanLimits = spanLimits(opts.spanLimits);
  }

  /** Approximate bytes held across all traces. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of spans held across all traces. */
  get spanCount(): number {
    return this.#spanCount;
  }

  /** Number of traces held. */
  get traceCount(): number {
    return this.#traces.size;
  }

  /** Traces evicted and spans refused since the store was made (for /healthz). */
  get stats(): { evictedTraces: number; droppedSpans: number } {
    return { evictedTraces: this.#evicted, droppedSpans: this.#dropped };
  }

  /** Strings, key lists and span heads remembered for sharing across traces. */
  get sharedEntries(): number {
    return this.#strings.size;
  }

  /** Called with the trace id of every evicted trace. Returns the unsubscribe function. */
  onEvict(listener: (traceId: string) => void): () => void {
    this.#evictListeners.add(listener);
    return () => this.#evictListeners.delete(listener);
  }

  /**
   * Adds or replaces one span. A finished span is never replaced by a running copy of itself
   * (a start event that arrives after the end event is ignored).
   */
  put(span: SpanRecord, source: TraceSource): PutResult {
    return this.#put(span, source).result;
  }

  /** As {@link put}, and also the span as stored (cut to the span limits). */
  putRecord(span: SpanRecord, source: TraceSource): { result: PutResult; record: SpanRecord } {
    return this.#put(span, source);
  }

  /** Adds many spans (an OTLP batch, an opened file). Returns the trace ids touched, in order. */
  putAll(spans: readonly SpanRecord[], source: TraceSource): string[] {
    return this.putMany(spans, source).traceIds;
  }

  /** Adds many spans and tells what became of them. */
  putMany(spans: readonly SpanRecord[], source: TraceSource): PutManyResult {
    const touched = new Set<string>();
    const stored: { record: SpanRecord; entry: TraceEntry }[] = [];
    /** Where in `stored` the last copy of each span is (an earlier copy is no longer held). */
    const last = new Map<string, number>();
    let refused = 0;
    for (const span of spans) {
      const { result, record, entry } = this.#put(span, source);
      if (result === 'refused') refused += 1;
      if ((result === 'added' || result === 'updated') && entry !== undefined) {
        touched.add(span.traceId);
        last.set(`${record.traceId}\u0000${record.spanId}`, stored.length);
        stored.push({ record, entry });
      }
    }
    return {
      traceIds: [...touched].filter((id) => this.#traces.has(id)),
      // Only what is still held as stored here: not replaced later in the batch, nor evicted.
      stored: stored
        .filter(
          (s, i) =>
            this.#traces.get(s.record.traceId) === s.entry &&
            last.get(`${s.record.traceId}\u0000${s.record.spanId}`) === i
        )
        .map((s) => s.record),
      refused,
    };
  }

  #put(
    incoming: SpanRecord,
    source: TraceSource
  ): { result: PutResult; record: SpanRecord; entry?: TraceEntry } {
    const span = limitSpan(incoming, this.spanLimits);
    let entry = this.#traces.get(span.traceId);
    const slot = entry ? entry.spans.slotOf(span.spanId) : -1;
    if (entry && slot >= 0) {
      const table = entry.spans;
      if (table.hasEnded(slot) && span.endTimeUnixNano === undefined) {
        return { result: 'ignored', record: table.record(slot, entry.traceId) };
      }
      this.#warm(entry);
      table.replace(slot, span, this.#strings);
      if (table.bytes > entry.bytes && table.bytes > this.maxTraceBytes) {
        // Replaced copies count until the table is compacted: compact, then try once more.
        table.undo();
        table.compactIfWasteful(this.#strings, true);
        table.replace(slot, span, this.#strings);
        if (table.bytes > this.maxTraceBytes) {
          table.undo();
          this.#counted(entry);
          return this.#refuse(table.record(slot, entry.traceId));
        }
      }
      table.compactIfWasteful(this.#strings);
      this.#counted(entry);
      entry.summary = undefined;
      entry.order = undefined;
      this.#evict(entry);
      return { result: 'updated', record: span, entry };
    }
    if (entry && entry.spans.size >= this.maxSpansPerTrace) return this.#refuse(span);
    if (!entry) {
      entry = {
        traceId: this.#strings.str(span.traceId),
        spans: new SpanTable(),
        bytes: 0,
        source,
        seq: this.#seq++,
      };
      this.#traces.set(span.traceId, entry);
    } else if (!span.parentSpanId && entry.source === 'live' && source !== 'live') {
      // A CLI run sends its spans over OTLP while the embedded cloud's server spans for the
      // same trace come in live, often first: the trace is where its root came from.
      entry.source = source;
    }
    this.#warm(entry);
    const table = entry.spans;
    table.add(span, this.#strings);
    this.#spanCount += 1;
    entry.summary = undefined;
    entry.order = undefined;
    // Over the trace's own budget, or one trace bigger than the whole store (evicting every
    // other trace is not enough): refuse the newest span rather than lose the trace.
    const fits = table.bytes <= this.maxTraceBytes;
    this.#counted(entry);
    if (fits && this.#evict(entry)) return { result: 'added', record: span, entry };
    table.undo();
    this.#spanCount -= 1;
    this.#counted(entry);
    if (table.size === 0) this.#forget(entry);
    return this.#refuse(span);
  }

  /** Brings the trace's and the store's byte counts up to what the trace's table holds. */
  #counted(entry: TraceEntry): void {
    const delta = entry.spans.bytes - entry.bytes;
    entry.bytes += delta;
    this.#bytes += delta;
  }

  /**
   * Marks a trace as being written to. The few traces written to last keep what speeds up
   * writing (their table's index of shared values); the one that falls out of that set settles.
   */
  #warm(entry: TraceEntry): void {
    const hot = this.#hot;
    if (hot[hot.length - 1] === entry) return;
    const at = hot.indexOf(entry);
    if (at >= 0) hot.splice(at, 1);
    hot.push(entry);
    if (hot.length > TraceStore.HOT_TRACES) hot.shift()!.spans.settle();
  }

  /** Drops a trace from the store's tables (no listeners called). */
  #forget(entry: TraceEntry): void {
    this.#traces.delete(entry.traceId);
    const at = this.#hot.indexOf(entry);
    if (at >= 0) this.#hot.splice(at, 1);
  }

  #refuse(record: SpanRecord): { result: PutResult; record: SpanRecord } {
    this.#dropped += 1;
    return { result: 'refused', record };
  }

  /** Labels a trace (scenario name, run id, where it came from) for the trace list. */
  annotate(traceId: string, note: { label?: string; runId?: string; source?: TraceSource }): void {
    const entry = this.#traces.get(traceId);
    if (!entry) return;
    if (note.label !== undefined) entry.label = note.label;
    if (note.runId !== undefined) entry.runId = note.runId;
    if (note.source !== undefined) entry.source = note.source;
    entry.summary = undefined;
  }

  has(traceId: string): boolean {
    return this.#traces.has(traceId);
  }

  /**
   * The spans of one trace, by start time; undefined when the trace is not held. With `range`,
   * only the spans from `range.from` (in start order) and at most `range.limit` of them: only
   * those are unpacked, so the page can ask for the first rows of a huge trace first. The order
   * is sorted once and kept until the trace changes, so reading a big trace page by page sorts
   * it once.
   */
  get(traceId: string, range?: { from?: number; limit?: number }): SpanRecord[] | undefined {
    const entry = this.#traces.get(traceId);
    if (!entry) return undefined;
    const order = orderOf(entry);
    const from = Math.max(0, Math.floor(range?.from ?? 0));
    const limit = Math.max(0, Math.floor(range?.limit ?? Infinity));
    const end = Math.min(order.length, from + limit);
    const spans: SpanRecord[] = [];
    for (let i = from; i < end; i++) spans.push(entry.spans.record(order[i]!, entry.traceId));
    return spans;
  }

  /** How many spans one trace holds; undefined when the trace is not held. */
  spanCountOf(traceId: string): number | undefined {
    return this.#traces.get(traceId)?.spans.size;
  }

  /** One summary per trace, newest first. */
  list(): TraceSummary[] {
    return [...this.#traces.values()].reverse().map(cachedSummary);
  }

  /** The summary of one trace. */
  summary(traceId: string): TraceSummary | undefined {
    const entry = this.#traces.get(traceId);
    return entry ? cachedSummary(entry) : undefined;
  }

  /** Removes every trace. */
  clear(): void {
    this.#traces.clear();
    this.#hot = [];
    this.#strings.clear();
    this.#spanCount = 0;
    this.#bytes = 0;
  }

  /**
   * Evicts whole traces, oldest first, until the bounds hold; never the trace just written to.
   * @returns false when only that trace is left and it is still over a bound
   */
  #evict(keep: TraceEntry): boolean {
    while (
      this.#traces.size > this.maxTraces ||
      this.#spanCount > this.maxSpans ||
      this.#bytes > this.maxBytes
    ) {
      const oldest = this.#traces.values().next().value;
      if (!oldest) return true;
      const victim = oldest === keep ? this.#secondOldest() : oldest;
      if (!victim) return false;
      this.#forget(victim);
      this.#spanCount -= victim.spans.size;
      this.#bytes -= victim.bytes;
      this.#evicted += 1;
      // Shared strings of evicted traces are not kept for long: once the tables remember far
      // more than the spans left could use, they start again (held spans keep theirs).
      if (this.#strings.size > 2 * this.#spanCount + 4096) this.#strings.clear();
      for (const listener of this.#evictListeners) listener(victim.traceId);
    }
    return true;
  }

  #secondOldest(): TraceEntry | undefined {
    const it = this.#traces.values();
    it.next();
    return it.next().value;
  }
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** The trace's slots by start time (ties in the order they were first stored), cached. */
function orderOf(entry: TraceEntry): Int32Array {
  if (entry.order !== undefined) return entry.order;
  const table = entry.spans;
  const keys = table.starts();
  const order = Array.from({ length: table.size }, (_, i) => i);
  order.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  entry.order = Int32Array.from(order);
  return entry.order;
}

function cachedSummary(entry: TraceEntry): TraceSummary {
  entry.summary ??= summarize(entry);
  return entry.summary;
}

function summarize(entry: TraceEntry): TraceSummary {
  const table = entry.spans;
  let root: { slot: number; start: bigint } | undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let errors = 0;
  let running = 0;
  for (let slot = 0; slot < table.size; slot++) {
    const f = table.facts(slot);
    if (start === undefined || f.start < start) start = f.start;
    if (f.end === undefined) running += 1;
    else if (end === undefined || f.end > end) end = f.end;
    if (f.code === 2) errors += 1;
    if (f.rooted && (!root || f.start < root.start)) root = { slot, start: f.start };
  }
  const rootRecord = root ? table.record(root.slot, entry.traceId) : undefined;
  const scenario = rootRecord?.attributes['novatrace.scenario'];
  const road = rootRecord?.attributes['novatrace.road'];
  return {
    traceId: entry.traceId,
    rootName: rootRecord?.name ?? '(empty)',
    service: rootRecord?.service ?? '',
    label: entry.label ?? (typeof scenario === 'string' ? scenario : undefined),
    ...(entry.runId ? { runId: entry.runId } : {}),
    source: entry.source,
    startTimeUnixNano: (start ?? 0n).toString(),
    durationMs: start !== undefined && end !== undefined ? Number(end - start) / 1e6 : 0,
    spanCount: entry.spans.size,
    errorCount: errors,
    runningCount: running,
    ...(typeof scenario === 'string' ? { scenario } : {}),
    ...(road === 'note' || road === 'nova' ? { road } : {}),
  };
}
