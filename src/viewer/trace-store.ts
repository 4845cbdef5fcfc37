/**
 * @module
 * The viewer's bounded store of recent traces. Spans arrive from the live bus (start, then end),
 * from the OTLP receiver and from opened files; the store keeps the newest version of each span
 * and evicts whole traces, oldest first, once it holds more than `maxTraces` traces or
 * `maxSpans` spans.
 */
import type { SpanRecord } from '../telemetry/types.js';
import type { TraceSource, TraceSummary } from './types.js';

export interface TraceStoreOptions {
  /** Most traces kept (default 200). */
  readonly maxTraces?: number;
  /** Most spans kept across all traces (default 100,000). */
  readonly maxSpans?: number;
}

export const DEFAULT_MAX_TRACES = 200;
export const DEFAULT_MAX_SPANS = 100_000;

interface TraceEntry {
  readonly traceId: string;
  readonly spans: Map<string, SpanRecord>;
  source: TraceSource;
  /** Monotonic insertion stamp: the smallest is evicted first. */
  readonly seq: number;
  label?: string;
  runId?: string;
  /** Cached summary, dropped on every change to the trace. */
  summary?: TraceSummary;
}

/** What {@link TraceStore.put} did with one span. */
export type PutResult = 'added' | 'updated' | 'ignored';

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
  #traces = new Map<string, TraceEntry>();
  #spanCount = 0;
  #seq = 0;
  #evicted = 0;
  #dropped = 0;
  #evictListeners = new Set<(traceId: string) => void>();

  constructor(opts: TraceStoreOptions = {}) {
    this.maxTraces = positiveInt(opts.maxTraces, DEFAULT_MAX_TRACES, 'maxTraces');
    this.maxSpans = positiveInt(opts.maxSpans, DEFAULT_MAX_SPANS, 'maxSpans');
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
    let entry = this.#traces.get(span.traceId);
    const existing = entry?.spans.get(span.spanId);
    if (existing) {
      if (existing.endTimeUnixNano !== undefined && span.endTimeUnixNano === undefined) {
        return 'ignored';
      }
      if (entry) {
        entry.spans.set(span.spanId, span);
        entry.summary = undefined;
      }
      return 'updated';
    }
    if (!entry) {
      entry = { traceId: span.traceId, spans: new Map(), source, seq: this.#seq++ };
      this.#traces.set(span.traceId, entry);
    } else if (!span.parentSpanId && entry.source === 'live' && source !== 'live') {
      // A CLI run sends its spans over OTLP while the embedded cloud's server spans for the
      // same trace come in live, often first: the trace is where its root came from.
      entry.source = source;
    }
    entry.spans.set(span.spanId, span);
    entry.summary = undefined;
    this.#spanCount += 1;
    return this.#evict(entry, span.spanId) ? 'added' : 'ignored';
  }

  /** Adds many spans (an OTLP batch, an opened file). Returns the trace ids touched, in order. */
  putAll(spans: readonly SpanRecord[], source: TraceSource): string[] {
    const touched = new Set<string>();
    for (const span of spans) {
      if (this.put(span, source) !== 'ignored') touched.add(span.traceId);
    }
    return [...touched].filter((id) => this.#traces.has(id));
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
    this.#spanCount = 0;
  }

  /**
   * Evicts whole traces, oldest first, until the bounds hold; never the trace just written to.
   * @returns false when the new span itself had to be refused (one trace over the span budget)
   */
  #evict(keep: TraceEntry, newSpanId: string): boolean {
    while (this.#traces.size > this.maxTraces || this.#spanCount > this.maxSpans) {
      const oldest = this.#traces.values().next().value;
      if (!oldest) return true;
      const victim = oldest === keep ? this.#secondOldest() : oldest;
      if (!victim) {
        // One trace bigger than the whole budget: refuse the newest span rather than lose it all.
        keep.spans.delete(newSpanId);
        this.#spanCount -= 1;
        this.#dropped += 1;
        return false;
      }
      this.#traces.delete(victim.traceId);
      this.#spanCount -= victim.spans.size;
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
  };
}
