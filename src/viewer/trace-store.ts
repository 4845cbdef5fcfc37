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
  /** Each span by id, packed ({@link PackedSpan}) or, for an unusual shape, as it came. */
  readonly spans: Map<string, StoredSpan>;
  /** Epoch nanoseconds the packed times of this trace count from (the first start seen). */
  base?: bigint;
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
    const stored: { record: SpanRecord; held: StoredSpan }[] = [];
    let refused = 0;
    for (const span of spans) {
      const { result, record, held } = this.#put(span, source);
      if (result === 'refused') refused += 1;
      if ((result === 'added' || result === 'updated') && held !== undefined) {
        touched.add(span.traceId);
        stored.push({ record, held });
      }
    }
    return {
      traceIds: [...touched].filter((id) => this.#traces.has(id)),
      // Only what is still held as stored here: not replaced later in the batch, nor evicted.
      stored: stored
        .filter((s) => this.#traces.get(s.record.traceId)?.spans.get(s.record.spanId) === s.held)
        .map((s) => s.record),
      refused,
    };
  }

  #put(
    incoming: SpanRecord,
    source: TraceSource
  ): { result: PutResult; record: SpanRecord; held?: StoredSpan } {
    const span = limitSpan(incoming, this.spanLimits);
    const bytes = approximateBytes(span);
    let entry = this.#traces.get(span.traceId);
    const existing = entry?.spans.get(span.spanId);
    if (entry && existing) {
      if (endOf(existing) !== undefined && span.endTimeUnixNano === undefined) {
        return { result: 'ignored', record: unpack(entry, span.spanId, existing) };
      }
      const delta = bytes - approximateBytes(unpack(entry, span.spanId, existing));
      if (delta > 0 && entry.bytes + delta > this.maxTraceBytes) {
        return this.#refuse(unpack(entry, span.spanId, existing));
      }
      const held = this.#strings.pack(entry, span);
      entry.spans.set(span.spanId, held);
      entry.bytes += delta;
      this.#bytes += delta;
      entry.summary = undefined;
      this.#evict(entry);
      return { result: 'updated', record: span, held };
    }
    if (entry && entry.spans.size >= this.maxSpansPerTrace) return this.#refuse(span);
    if ((entry?.bytes ?? 0) + bytes > this.maxTraceBytes) return this.#refuse(span);
    if (!entry) {
      entry = {
        traceId: this.#strings.str(span.traceId),
        spans: new Map(),
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
    const held = this.#strings.pack(entry, span);
    entry.spans.set(span.spanId, held);
    entry.bytes += bytes;
    entry.summary = undefined;
    this.#spanCount += 1;
    this.#bytes += bytes;
    if (this.#evict(entry)) return { result: 'added', record: span, held };
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
    return byStart(entry);
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
const NO_KEYS: readonly string[] = Object.freeze([]);

/** What one span shares with many: its name, kind, service, scope and status. */
interface SpanHead {
  readonly name: string;
  readonly kind: SpanRecord['kind'];
  readonly service: string;
  readonly scope: string;
  readonly status: SpanRecord['status'];
}

/**
 * A stored span in a few fields: the parts it shares with other spans (one {@link SpanHead},
 * attribute key lists, strings), its times as nanosecond offsets (from the trace's base for
 * start and end, from the span's start for events; a time that is no plain decimal, or too far
 * for a double to hold exactly, stays a string), and one array for attribute values and events:
 * `[keys, ...values, (eventName, eventTime, eventAttributes)...]`, where an event's attributes
 * are `NO_KEYS` or `[keys, ...values]`. Its id is its key in the trace's map, its trace id the
 * trace's. {@link unpack} gives back the record, equal to what was stored, keys in order.
 */
class PackedSpan extends Array<unknown> {
  /** Where the attribute keys are: `[head, parent, start, end, keys, ...values, ...events]`. */
  static readonly BODY = 4;

  get head(): SpanHead {
    return this[0] as SpanHead;
  }

  get parent(): string | undefined {
    return this[1] as string | undefined;
  }

  get start(): number | string {
    return this[2] as number | string;
  }

  get end(): number | string | undefined {
    return this[3] as number | string | undefined;
  }
}

/** A span as the store holds it: packed, or (an unusual shape, such as extra keys) as it came. */
type StoredSpan = PackedSpan | SpanRecord;

/** The keys of a record {@link PackedSpan} reproduces, in order (`?` optional). */
const RECORD_KEYS = [
  'traceId',
  'spanId',
  'parentSpanId?',
  'name',
  'kind',
  'service',
  'scope',
  'startTimeUnixNano',
  'endTimeUnixNano?',
  'attributes',
  'events',
  'status',
] as const;

function hasRecordKeys(span: SpanRecord): boolean {
  let i = 0;
  for (const key in span) {
    for (;;) {
      const want = RECORD_KEYS[i++];
      if (want === undefined) return false;
      if (want === key) break;
      if (want !== `${key}?`) {
        if (!want.endsWith('?')) return false;
        continue;
      }
      break;
    }
  }
  for (; i < RECORD_KEYS.length; i++) if (!RECORD_KEYS[i]!.endsWith('?')) return false;
  return true;
}

function isPlainEvent(e: SpanEventRecord): boolean {
  const keys = Object.keys(e);
  return (
    keys.length === 3 &&
    keys[0] === 'name' &&
    keys[1] === 'timeUnixNano' &&
    keys[2] === 'attributes' &&
    typeof e.name === 'string' &&
    typeof e.timeUnixNano === 'string' &&
    isObjectRecord(e.attributes)
  );
}

function isObjectRecord(v: unknown): v is Record<string, AttrValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlainStatus(st: SpanRecord['status']): boolean {
  if (!isObjectRecord(st)) return false;
  const keys = Object.keys(st);
  if (keys[0] !== 'code' || typeof st.code !== 'number') return false;
  if (keys.length === 1) return true;
  return keys.length === 2 && keys[1] === 'message' && typeof st.message === 'string';
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const EXACT = 2n ** 53n;

/** `text` (epoch ns) as an offset from `base` when a double holds it exactly; else the text. */
function offsetOf(text: string, base: bigint | undefined): number | string {
  if (base === undefined || !DECIMAL.test(text)) return text;
  const d = BigInt(text) - base;
  return d <= EXACT && d >= -EXACT ? Number(d) : text;
}

function timeText(value: number | string, base: bigint | undefined): string {
  return typeof value === 'string' || base === undefined
    ? String(value)
    : (base + BigInt(value)).toString();
}

/** A stored span's end, for the "never replace an ended span by a running copy" rule. */
function endOf(held: StoredSpan): unknown {
  return held instanceof PackedSpan ? held.end : held.endTimeUnixNano;
}

function attributesFrom(
  body: readonly unknown[],
  at: number
): { attrs: Readonly<Record<string, AttrValue>>; next: number } {
  const keys = body[at] as readonly string[];
  if (keys.length === 0) return { attrs: EMPTY_ATTRIBUTES, next: at + 1 };
  const attrs: Record<string, AttrValue> = {};
  for (let k = 0; k < keys.length; k++) setOwn(attrs, keys[k]!, body[at + 1 + k] as AttrValue);
  return { attrs, next: at + 1 + keys.length };
}

/** The record a stored span stands for (a new object; equal to the one that was stored). */
function unpack(entry: TraceEntry, spanId: string, held: StoredSpan): SpanRecord {
  if (!(held instanceof PackedSpan)) return held;
  const head = held.head;
  const body: readonly unknown[] = held;
  const { attrs, next } = attributesFrom(body, PackedSpan.BODY);
  let events: SpanEventRecord[] | readonly SpanEventRecord[] = EMPTY_EVENTS;
  if (next < body.length) {
    const list: SpanEventRecord[] = [];
    const start = typeof held.start === 'number' ? entry.base! + BigInt(held.start) : undefined;
    for (let i = next; i < body.length; i += 3) {
      const t = body[i + 1] as number | string;
      const at = body[i + 2] as readonly unknown[];
      list.push({
        name: body[i] as string,
        timeUnixNano: timeText(t, start),
        attributes: at.length === 0 ? EMPTY_ATTRIBUTES : attributesFrom(at, 0).attrs,
      });
    }
    events = list;
  }
  const record: Record<string, unknown> = { traceId: entry.traceId, spanId };
  if (held.parent !== undefined) record.parentSpanId = held.parent;
  record.name = head.name;
  record.kind = head.kind;
  record.service = head.service;
  record.scope = head.scope;
  record.startTimeUnixNano = timeText(held.start, entry.base);
  if (held.end !== undefined) record.endTimeUnixNano = timeText(held.end, entry.base);
  record.attributes = attrs;
  record.events = events;
  record.status = head.status;
  return record as unknown as SpanRecord;
}

/**
 * One copy of each repeated string (names, services, scopes, attribute keys and values, ids),
 * of each attribute key list and of each span head, shared by every stored span that has it:
 * spans that arrive through JSON.parse carry fresh copies of all of them. Bounded: each table
 * forgets everything once it holds `MAX_ENTRIES` (the spans keep theirs).
 */
class SharedStrings {
  static readonly MAX_ENTRIES = 65_536;
  static readonly MAX_LENGTH = 256;
  #table = new Map<string, string>();
  #keyLists = new Map<string, readonly string[]>();
  #heads = new Map<string, SpanHead>();

  clear(): void {
    this.#table.clear();
    this.#keyLists.clear();
    this.#heads.clear();
  }

  str(s: string): string {
    if (s.length > SharedStrings.MAX_LENGTH) return s;
    const known = this.#table.get(s);
    if (known !== undefined) return known;
    if (this.#table.size >= SharedStrings.MAX_ENTRIES) this.#table.clear();
    this.#table.set(s, s);
    return s;
  }

  #keys(keys: string[]): readonly string[] {
    if (keys.length === 0) return NO_KEYS;
    const id = keys.join('\u0000');
    const known = this.#keyLists.get(id);
    if (known !== undefined) return known;
    if (this.#keyLists.size >= SharedStrings.MAX_ENTRIES) this.#keyLists.clear();
    const list = Object.freeze(keys.map((k) => this.str(k)));
    this.#keyLists.set(id, list);
    return list;
  }

  /** Appends `[keys, ...values]` of `attrs` to `out`. */
  #attributes(attrs: Readonly<Record<string, AttrValue>>, out: unknown[]): void {
    const keys: string[] = [];
    const at = out.length;
    out.push(NO_KEYS);
    for (const key in attrs) {
      keys.push(key);
      const v = attrs[key] as AttrValue;
      out.push(typeof v === 'string' ? this.str(v) : v);
    }
    out[at] = this.#keys(keys);
  }

  #head(span: SpanRecord): SpanHead | undefined {
    const { name, kind, service, scope, status } = span;
    if (typeof name !== 'string' || typeof kind !== 'string') return undefined;
    if (typeof service !== 'string' || typeof scope !== 'string') return undefined;
    if (!isPlainStatus(status)) return undefined;
    const message = status.message;
    if (message !== undefined && message.length > SharedStrings.MAX_LENGTH) {
      return { name: this.str(name), kind, service, scope, status };
    }
    const id = [name, kind, service, scope, status.code, message ?? ''].join('\u0000');
    const known = this.#heads.get(id);
    if (known !== undefined && known.status.message === message) return known;
    if (this.#heads.size >= SharedStrings.MAX_ENTRIES) this.#heads.clear();
    const head: SpanHead = Object.freeze({
      name: this.str(name),
      kind: this.str(kind) as SpanRecord['kind'],
      service: this.str(service),
      scope: this.str(scope),
      status: Object.freeze(
        message === undefined ? { code: status.code } : { code: status.code, message }
      ),
    });
    this.#heads.set(id, head);
    return head;
  }

  /**
   * The span as the store holds it: packed when it has the record's usual shape, else as it
   * came. The trace's base time is set from its first span.
   */
  pack(entry: TraceEntry, span: SpanRecord): StoredSpan {
    if (!hasRecordKeys(span) || typeof span.traceId !== 'string') return span;
    if (typeof span.startTimeUnixNano !== 'string') return span;
    if (span.endTimeUnixNano !== undefined && typeof span.endTimeUnixNano !== 'string') return span;
    if (span.parentSpanId !== undefined && typeof span.parentSpanId !== 'string') return span;
    if (!isObjectRecord(span.attributes) || !Array.isArray(span.events)) return span;
    if (!span.events.every(isPlainEvent)) return span;
    const head = this.#head(span);
    if (head === undefined) return span;
    if (entry.base === undefined && DECIMAL.test(span.startTimeUnixNano)) {
      entry.base = BigInt(span.startTimeUnixNano);
    }
    const start = offsetOf(span.startTimeUnixNano, entry.base);
    const end =
      span.endTimeUnixNano === undefined ? undefined : offsetOf(span.endTimeUnixNano, entry.base);
    const parent = span.parentSpanId === undefined ? undefined : this.str(span.parentSpanId);
    const body: unknown[] = [head, parent, start, end];
    this.#attributes(span.attributes, body);
    const ownStart = typeof start === 'number' ? entry.base! + BigInt(start) : undefined;
    for (const e of span.events) {
      body.push(this.str(e.name), offsetOf(e.timeUnixNano, ownStart));
      let attrs: unknown[] | readonly string[] = NO_KEYS;
      if (Object.keys(e.attributes).length > 0) {
        const list: unknown[] = [];
        this.#attributes(e.attributes, list);
        attrs = list.slice();
      }
      body.push(attrs);
    }
    // Copied into an array of exactly its length: one grown by push keeps spare room.
    const packed = new PackedSpan(body.length);
    for (let i = 0; i < body.length; i++) packed[i] = body[i];
    return packed;
  }
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** Epoch nanoseconds of a stored span's start. */
function startNs(entry: TraceEntry, held: StoredSpan): bigint {
  if (held instanceof PackedSpan) {
    return typeof held.start === 'number' ? entry.base! + BigInt(held.start) : BigInt(held.start);
  }
  return BigInt(held.startTimeUnixNano);
}

/** The trace's spans by start time (ties in the order they were first stored). */
function byStart(entry: TraceEntry): SpanRecord[] {
  const ids: string[] = [];
  const helds: StoredSpan[] = [];
  let allNumbers = true;
  for (const [id, held] of entry.spans) {
    ids.push(id);
    helds.push(held);
    if (!(held instanceof PackedSpan) || typeof held.start !== 'number') allNumbers = false;
  }
  const keys: (number | bigint)[] = allNumbers
    ? helds.map((h) => (h as PackedSpan).start as number)
    : helds.map((h) => startNs(entry, h));
  const order = ids.map((_, i) => i);
  order.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return order.map((i) => unpack(entry, ids[i]!, helds[i]!));
}

function cachedSummary(entry: TraceEntry): TraceSummary {
  entry.summary ??= summarize(entry);
  return entry.summary;
}

function summarize(entry: TraceEntry): TraceSummary {
  let root: { id: string; held: StoredSpan; start: bigint } | undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let errors = 0;
  let running = 0;
  for (const [id, held] of entry.spans) {
    const s = startNs(entry, held);
    if (start === undefined || s < start) start = s;
    const endValue = endOf(held);
    if (endValue === undefined) running += 1;
    else {
      const e =
        held instanceof PackedSpan
          ? typeof held.end === 'number'
            ? entry.base! + BigInt(held.end)
            : BigInt(held.end!)
          : BigInt(held.endTimeUnixNano!);
      if (end === undefined || e > end) end = e;
    }
    const status = held instanceof PackedSpan ? held.head.status : held.status;
    if (status.code === 2) errors += 1;
    const parent = held instanceof PackedSpan ? held.parent : held.parentSpanId;
    const isRoot = !parent || !entry.spans.has(parent);
    if (isRoot && (!root || s < root.start)) root = { id, held, start: s };
  }
  const rootRecord = root ? unpack(entry, root.id, root.held) : undefined;
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
