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
 */
import {
  setOwn,
  type AttrValue,
  type SpanEventRecord,
  type SpanRecord,
} from '../telemetry/types.js';
import {
  approximateBytes,
  DEFAULT_MAX_SPANS_PER_TRACE,
  limitSpan,
  spanLimits,
  type SpanLimits,
} from './span-limits.js';
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
  readonly spans: Map<string, SpanRecord>;
  /** Approximate bytes of the spans, kept up to date on every change. */
  bytes: number;
  source: TraceSource;
  /** Monotonic insertion stamp: the smallest is evicted first. */
  readonly seq: number;
  label?: string;
  runId?: string;
  /** Cached summary, dropped on every change to the trace. */
  summary?: TraceSummary;
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
    const stored: SpanRecord[] = [];
    let refused = 0;
    for (const span of spans) {
      const { result, record } = this.#put(span, source);
      if (result === 'refused') refused += 1;
      if (result === 'added' || result === 'updated') {
        touched.add(span.traceId);
        stored.push(record);
      }
    }
    return {
      traceIds: [...touched].filter((id) => this.#traces.has(id)),
      stored: stored.filter((r) => this.#traces.get(r.traceId)?.spans.get(r.spanId) === r),
      refused,
    };
  }

  #put(incoming: SpanRecord, source: TraceSource): { result: PutResult; record: SpanRecord } {
    const parentRecord = incoming.parentSpanId
      ? this.#traces.get(incoming.traceId)?.spans.get(incoming.parentSpanId)
      : undefined;
    const span = this.#strings.compact(limitSpan(incoming, this.spanLimits), parentRecord);
    const bytes = approximateBytes(span);
    let entry = this.#traces.get(span.traceId);
    const existing = entry?.spans.get(span.spanId);
    if (entry && existing) {
      if (existing.endTimeUnixNano !== undefined && span.endTimeUnixNano === undefined) {
        return { result: 'ignored', record: existing };
      }
      const delta = bytes - approximateBytes(existing);
      if (delta > 0 && entry.bytes + delta > this.maxTraceBytes) return this.#refuse(existing);
      entry.spans.set(span.spanId, span);
      entry.bytes += delta;
      this.#bytes += delta;
      entry.summary = undefined;
      this.#evict(entry);
      return { result: 'updated', record: span };
    }
    if (entry && entry.spans.size >= this.maxSpansPerTrace) return this.#refuse(span);
    if ((entry?.bytes ?? 0) + bytes > this.maxTraceBytes) return this.#refuse(span);
    if (!entry) {
      entry = { traceId: span.traceId, spans: new Map(), bytes: 0, source, seq: this.#seq++ };
      this.#traces.set(span.traceId, entry);
    } else if (!span.parentSpanId && entry.source === 'live' && source !== 'live') {
      // A CLI run sends its spans over OTLP while the embedded cloud's server spans for the
      // same trace come in live, often first: the trace is where its root came from.
      entry.source = source;
    }
    entry.spans.set(span.spanId, span);
    entry.bytes += bytes;
    entry.summary = undefined;
    this.#spanCount += 1;
    this.#bytes += bytes;
    if (this.#evict(entry)) return { result: 'added', record: span };
    // One trace bigger than the whole store: refuse the newest span rather than lose it all.
    entry.spans.delete(span.spanId);
    entry.bytes -= bytes;
    this.#spanCount -= 1;
    this.#bytes -= bytes;
    if (entry.spans.size === 0) this.#traces.delete(entry.traceId);
    return this.#refuse(span);
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

  /** The spans of one trace, by start time; undefined when the trace is not held. */
  get(traceId: string): SpanRecord[] | undefined {
    const entry = this.#traces.get(traceId);
    if (!entry) return undefined;
    return [...entry.spans.values()].sort(byStart);
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
      this.#traces.delete(victim.traceId);
      this.#spanCount -= victim.spans.size;
      this.#bytes -= victim.bytes;
      this.#evicted += 1;
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

const EMPTY_ATTRIBUTES: Readonly<Record<string, AttrValue>> = Object.freeze({});
const EMPTY_EVENTS: readonly SpanEventRecord[] = Object.freeze([]);
const PLAIN_STATUS: Record<0 | 1 | 2, SpanRecord['status']> = {
  0: Object.freeze({ code: 0 }),
  1: Object.freeze({ code: 1 }),
  2: Object.freeze({ code: 2 }),
};

/**
 * One copy of each repeated string (names, services, scopes, attribute values, trace ids) and
 * of the empty and plain parts of a span, shared by every stored span that has it: spans that
 * arrive through JSON.parse carry fresh copies of all of them. Bounded: the table forgets
 * everything once it holds `MAX_ENTRIES` strings (the spans keep theirs).
 */
class SharedStrings {
  static readonly MAX_ENTRIES = 65_536;
  static readonly MAX_LENGTH = 256;
  #table = new Map<string, string>();

  clear(): void {
    this.#table.clear();
  }

  str(s: string): string {
    if (s.length > SharedStrings.MAX_LENGTH) return s;
    const known = this.#table.get(s);
    if (known !== undefined) return known;
    if (this.#table.size >= SharedStrings.MAX_ENTRIES) this.#table.clear();
    this.#table.set(s, s);
    return s;
  }

  #attributes(attrs: Readonly<Record<string, AttrValue>>): Readonly<Record<string, AttrValue>> {
    let out: Record<string, AttrValue> | undefined;
    for (const key in attrs) {
      out ??= {};
      const v = attrs[key] as AttrValue;
      setOwn(out, this.str(key), typeof v === 'string' ? this.str(v) : v);
    }
    return out ?? EMPTY_ATTRIBUTES;
  }

  /** The span with its repeated parts shared; its own ids and times are kept as they are. */
  compact(span: SpanRecord, parent: SpanRecord | undefined): SpanRecord {
    const events =
      span.events.length === 0
        ? EMPTY_EVENTS
        : span.events.map((e) => ({
            name: this.str(e.name),
            timeUnixNano: e.timeUnixNano,
            attributes: this.#attributes(e.attributes),
          }));
    const status = span.status.message === undefined ? PLAIN_STATUS[span.status.code] : span.status;
    const out: {
      -readonly [K in keyof SpanRecord]: SpanRecord[K];
    } = {
      traceId: this.str(span.traceId),
      spanId: span.spanId,
      name: this.str(span.name),
      kind: this.str(span.kind) as SpanRecord['kind'],
      service: this.str(span.service),
      scope: this.str(span.scope),
      startTimeUnixNano: span.startTimeUnixNano,
      attributes: this.#attributes(span.attributes),
      events,
      status,
    };
    // Key order as the record had it: parentSpanId after spanId, endTimeUnixNano after start.
    const ordered: Record<string, unknown> = {};
    for (const key of Object.keys(span)) {
      if (key === 'parentSpanId') {
        ordered[key] =
          parent !== undefined && parent.spanId === span.parentSpanId
            ? parent.spanId
            : span.parentSpanId;
      } else if (key === 'endTimeUnixNano') ordered[key] = span.endTimeUnixNano;
      else
        ordered[key] =
          (out as Record<string, unknown>)[key] ??
          (span as unknown as Record<string, unknown>)[key];
    }
    return ordered as unknown as SpanRecord;
  }
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function byStart(a: SpanRecord, b: SpanRecord): number {
  const d = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function cachedSummary(entry: TraceEntry): TraceSummary {
  entry.summary ??= summarize(entry);
  return entry.summary;
}

function summarize(entry: TraceEntry): TraceSummary {
  let root: SpanRecord | undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let errors = 0;
  let running = 0;
  for (const span of entry.spans.values()) {
    const s = BigInt(span.startTimeUnixNano);
    if (start === undefined || s < start) start = s;
    if (span.endTimeUnixNano === undefined) running += 1;
    else {
      const e = BigInt(span.endTimeUnixNano);
      if (end === undefined || e > end) end = e;
    }
    if (span.status.code === 2) errors += 1;
    const isRoot = !span.parentSpanId || !entry.spans.has(span.parentSpanId);
    if (isRoot && (!root || s < BigInt(root.startTimeUnixNano))) root = span;
  }
  const scenario = root?.attributes['novatrace.scenario'];
  const road = root?.attributes['novatrace.road'];
  return {
    traceId: entry.traceId,
    rootName: root?.name ?? '(empty)',
    service: root?.service ?? '',
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
