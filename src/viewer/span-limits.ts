/**
 * @module
 * OpenTelemetry-style limits on what one span may carry into the viewer's store: attributes per
 * span and per event, events per span, the length of strings and of arrays. The store counts
 * spans; these limits make every span small enough that counting spans also bounds memory.
 *
 * Spans from our own SDK already respect these limits; spans from OTLP and from opened files
 * may not. What is cut is counted on the span itself, in `novatrace.dropped.*` attributes, so
 * the detail pane can say that something is missing.
 */
import type { AttrValue, SpanEventRecord, SpanRecord } from '../telemetry/types.js';

export interface SpanLimits {
  /** Most attributes on one span (default 128, as OpenTelemetry). */
  readonly maxAttributes: number;
  /** Most attributes on one span event (default 128). */
  readonly maxEventAttributes: number;
  /** Most events on one span (default 128). */
  readonly maxEvents: number;
  /** Longest string (attribute value or key, name, message) in UTF-16 units (default 8 KiB). */
  readonly maxStringLength: number;
  /** Most items in an array attribute (default 128). */
  readonly maxArrayLength: number;
}

export const DEFAULT_SPAN_LIMITS: SpanLimits = {
  maxAttributes: 128,
  maxEventAttributes: 128,
  maxEvents: 128,
  maxStringLength: 8 * 1024,
  maxArrayLength: 128,
};

/**
 * The one per-trace span cap: the most spans one trace may hold in the store, and so in the page
 * and in an export. Configurable (`serve --max-trace-spans`, `TraceStoreOptions.maxSpansPerTrace`).
 */
export const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;

/**
 * What one request (an OTLP body, an opened file) may hold, checked while it is read and before
 * objects are built. A request over one of them is refused whole with a 413 (400 for nesting)
 * whose message names the limit.
 */
export interface RequestLimits {
  /** Most spans in one request (default: the per-trace cap, or more when the cap is raised). */
  readonly maxSpans: number;
  /** Most attributes, events, links and array/kvlist values in one request, all together. */
  readonly maxItems: number;
  /** Deepest nesting of a JSON body (arrays and objects). */
  readonly maxDepth: number;
  /** Most objects and arrays in one JSON body. */
  readonly maxContainers: number;
}

/** OTLP/HTTP bodies (4 MiB): about what 4 MiB of real spans hold, and far from what it could. */
export const DEFAULT_OTLP_REQUEST_LIMITS: RequestLimits = {
  maxSpans: DEFAULT_MAX_SPANS_PER_TRACE,
  maxItems: 1_000_000,
  maxDepth: 64,
  maxContainers: 1_000_000,
};

/** Trace files opened in the page (32 MiB). */
export const DEFAULT_FILE_REQUEST_LIMITS: RequestLimits = {
  maxSpans: DEFAULT_MAX_SPANS_PER_TRACE,
  maxItems: 2_000_000,
  maxDepth: 64,
  maxContainers: 2_500_000,
};

/**
 * The request limits for a store whose traces hold at most `maxSpansPerTrace` spans: a request
 * may always carry one whole trace at the cap (what is over a trace's cap is then refused span
 * by span, as a partial success).
 */
export function requestLimitsFor(base: RequestLimits, maxSpansPerTrace: number): RequestLimits {
  return { ...base, maxSpans: Math.max(base.maxSpans, maxSpansPerTrace) };
}

/** Appended to every string that was cut. */
export const TRUNCATED_MARK = '…[truncated]';
/** How many span attributes were left out. */
export const DROPPED_ATTRIBUTES = 'novatrace.dropped.attributes';
/** How many events were left out. */
export const DROPPED_EVENTS = 'novatrace.dropped.events';
/** How many event attributes were left out, over all kept events. */
export const DROPPED_EVENT_ATTRIBUTES = 'novatrace.dropped.event_attributes';
/** How many strings and arrays were shortened. */
export const TRUNCATED_VALUES = 'novatrace.truncated.values';

const COUNTERS = [DROPPED_ATTRIBUTES, DROPPED_EVENTS, DROPPED_EVENT_ATTRIBUTES, TRUNCATED_VALUES];

/** Fills in the defaults and checks every limit is a positive integer. */
export function spanLimits(partial: Partial<SpanLimits> = {}): SpanLimits {
  const out = { ...DEFAULT_SPAN_LIMITS };
  for (const key of Object.keys(out) as (keyof SpanLimits)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`span limit ${key} must be a positive integer`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * Returns `span` itself when it is within `limits`, else a copy cut down to them, with the cuts
 * counted in `novatrace.dropped.*` / `novatrace.truncated.values` (added to counts already there,
 * e.g. from {@link trimOtlpRequest}).
 * @example
 * const kept = limitSpan(record, DEFAULT_SPAN_LIMITS);
 */
export function limitSpan(span: SpanRecord, limits: SpanLimits): SpanRecord {
  if (withinLimits(span, limits)) return span;
  const counts = { attributes: 0, events: 0, eventAttributes: 0, truncated: 0 };
  const str = (s: string): string => {
    if (s.length <= limits.maxStringLength) return s;
    counts.truncated += 1;
    return cut(s, limits.maxStringLength);
  };
  const attrs = (
    from: Readonly<Record<string, AttrValue>>,
    max: number,
    reserve: number,
    ownCounters: boolean
  ): { kept: Record<string, AttrValue>; dropped: number } => {
    const kept: Record<string, AttrValue> = {};
    let n = 0;
    let dropped = 0;
    for (const [rawKey, rawValue] of Object.entries(from)) {
      if (ownCounters && COUNTERS.includes(rawKey)) continue; // re-added below
      const key = str(rawKey);
      if (n >= max - reserve || Object.prototype.hasOwnProperty.call(kept, key)) {
        dropped += 1;
        continue;
      }
      kept[key] = value(rawValue);
      n += 1;
    }
    return { kept, dropped };
  };
  const value = (v: AttrValue): AttrValue => {
    if (typeof v === 'string') return str(v);
    if (!Array.isArray(v)) return v;
    let items = v as readonly (string | number | boolean)[];
    if (items.length > limits.maxArrayLength) {
      counts.truncated += 1;
      items = items.slice(0, limits.maxArrayLength);
    }
    return items.map((item) => (typeof item === 'string' ? str(item) : item)) as AttrValue;
  };

  const events: SpanEventRecord[] = [];
  for (const event of span.events) {
    if (events.length >= limits.maxEvents) {
      counts.events += 1;
      continue;
    }
    const a = attrs(event.attributes, limits.maxEventAttributes, 0, false);
    counts.eventAttributes += a.dropped;
    events.push({ name: str(event.name), timeUnixNano: event.timeUnixNano, attributes: a.kept });
  }
  // Room for the counters themselves, so a cut span still has at most maxAttributes.
  const reserve = Math.min(COUNTERS.length, limits.maxAttributes - 1);
  const a = attrs(span.attributes, limits.maxAttributes, reserve, true);
  counts.attributes += a.dropped;
  const attributes = a.kept;
  const add = (key: string, n: number) => {
    const before = span.attributes[key];
    const total = (typeof before === 'number' && Number.isFinite(before) ? before : 0) + n;
    if (total > 0) attributes[key] = total;
  };
  add(DROPPED_ATTRIBUTES, counts.attributes);
  add(DROPPED_EVENTS, counts.events);
  add(DROPPED_EVENT_ATTRIBUTES, counts.eventAttributes);
  add(TRUNCATED_VALUES, counts.truncated);
  return {
    ...span,
    name: str(span.name),
    service: str(span.service),
    scope: str(span.scope),
    attributes,
    events,
    status:
      span.status.message === undefined
        ? span.status
        : { code: span.status.code, message: str(span.status.message) },
  };
}

/**
 * Rough bytes one span holds as a record: strings at two bytes a unit plus a fixed overhead per
 * span, attribute and event. Good enough to bound memory; not a measurement. The store counts a
 * packed span by what its table holds instead (`SpanTable.bytes`), and uses this for a span it
 * keeps as it came.
 */
export function approximateBytes(span: SpanRecord): number {
  let bytes = 256 + 2 * (span.name.length + span.service.length + span.scope.length);
  bytes += 2 * (span.status.message?.length ?? 0);
  bytes += attributeBytes(span.attributes);
  for (const event of span.events) {
    bytes += 64 + 2 * event.name.length + attributeBytes(event.attributes);
  }
  return bytes;
}

/**
 * Cuts the attribute and event lists of an OTLP/JSON `ExportTraceServiceRequest` (as parsed, or
 * as `decodeTraceRequest` returns it) down to the limits before it is converted, so a request with
 * millions of attributes costs little more than reading it. Counts what was cut in
 * `novatrace.dropped.*` attributes on the span. Changes the object in place; shapes it does not
 * recognise are left for the converter to refuse.
 */
export function trimOtlpRequest(body: unknown, limits: SpanLimits): void {
  for (const rs of list(field(body, 'resourceSpans'))) {
    const scopes = [
      ...list(field(rs, 'scopeSpans')),
      ...list(field(rs, 'instrumentationLibrarySpans')),
    ];
    for (const ss of scopes) {
      for (const s of list(field(ss, 'spans'))) {
        if (!isObject(s)) continue;
        const counts: [string, number][] = [];
        let eventAttrs = 0;
        if (Array.isArray(s.events)) {
          if (s.events.length > limits.maxEvents) {
            counts.push([DROPPED_EVENTS, s.events.length - limits.maxEvents]);
            s.events.length = limits.maxEvents;
          }
          for (const e of s.events) {
            if (isObject(e) && Array.isArray(e.attributes)) {
              if (e.attributes.length > limits.maxEventAttributes) {
                eventAttrs += e.attributes.length - limits.maxEventAttributes;
                e.attributes.length = limits.maxEventAttributes;
              }
            }
          }
        }
        if (eventAttrs > 0) counts.push([DROPPED_EVENT_ATTRIBUTES, eventAttrs]);
        if (Array.isArray(s.attributes) && s.attributes.length > limits.maxAttributes) {
          counts.push([DROPPED_ATTRIBUTES, s.attributes.length - limits.maxAttributes]);
          s.attributes.length = limits.maxAttributes;
        }
        if (counts.length === 0) continue;
        if (!Array.isArray(s.attributes)) s.attributes = [];
        const attributes = s.attributes as unknown[];
        // Later keys win in the converter; limitSpan then keeps the counters within the limit.
        for (const [key, n] of counts) attributes.push({ key, value: { intValue: String(n) } });
      }
    }
  }
}

function withinLimits(span: SpanRecord, limits: SpanLimits): boolean {
  const max = limits.maxStringLength;
  if (span.name.length > max || span.service.length > max || span.scope.length > max) return false;
  if ((span.status.message?.length ?? 0) > max) return false;
  if (span.events.length > limits.maxEvents) return false;
  if (!attributesWithin(span.attributes, limits.maxAttributes, limits)) return false;
  for (const event of span.events) {
    if (event.name.length > max) return false;
    if (!attributesWithin(event.attributes, limits.maxEventAttributes, limits)) return false;
  }
  return true;
}

function attributesWithin(
  attrs: Readonly<Record<string, AttrValue>>,
  maxCount: number,
  limits: SpanLimits
): boolean {
  let n = 0;
  for (const key in attrs) {
    n += 1;
    if (n > maxCount || key.length > limits.maxStringLength) return false;
    const v = attrs[key];
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) return false;
    } else if (Array.isArray(v)) {
      if (v.length > limits.maxArrayLength) return false;
      for (const item of v as readonly unknown[]) {
        if (typeof item === 'string' && item.length > limits.maxStringLength) return false;
      }
    }
  }
  return true;
}

function attributeBytes(attrs: Readonly<Record<string, AttrValue>>): number {
  let bytes = 0;
  for (const key in attrs) {
    const v = attrs[key];
    bytes += 32 + 2 * key.length;
    if (typeof v === 'string') bytes += 2 * v.length;
    else if (Array.isArray(v)) {
      for (const item of v as readonly unknown[]) {
        bytes += typeof item === 'string' ? 16 + 2 * item.length : 16;
      }
    }
  }
  return bytes;
}

/**
 * The first `max` units of `s` plus the mark, as a fresh string: a plain slice of a long string
 * may keep the whole original alive in V8, which is the memory this module exists to save.
 */
function cut(s: string, max: number): string {
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
  return Buffer.from(s.slice(0, end) + TRUNCATED_MARK, 'utf8').toString('utf8');
}

function field(obj: unknown, key: string): unknown {
  return isObject(obj) ? obj[key] : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
