/**
 * @module
 * Public types of the telemetry area: the span record that travels from a ported function to
 * the live bus, the viewer's store, the browser and the trace files.
 */

/** An attribute value as OpenTelemetry allows it. */
export type AttrValue =
  string | number | boolean | readonly string[] | readonly number[] | readonly boolean[];

/** One span event (a decision, a socket moment, an exception). */
export interface SpanEventRecord {
  readonly name: string;
  /** Epoch nanoseconds as a decimal string (OTLP/JSON style). */
  readonly timeUnixNano: string;
  readonly attributes: Readonly<Record<string, AttrValue>>;
}

/** Span kind, by name (the OTLP enum is 1..5). */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** A span, started or finished, in a plain serialisable shape. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: SpanKindName;
  /** `service.name` of the resource that produced it. */
  readonly service: string;
  /** Instrumentation scope (tracer) name, e.g. `novatrace.urllib3`. */
  readonly scope: string;
  readonly startTimeUnixNano: string;
  /** Absent while the span is running. */
  readonly endTimeUnixNano?: string;
  readonly attributes: Readonly<Record<string, AttrValue>>;
  readonly events: readonly SpanEventRecord[];
  /** 0 unset, 1 ok, 2 error (OTLP). */
  readonly status: { readonly code: 0 | 1 | 2; readonly message?: string };
}

/**
 * Resource attributes by `service.name` (`telemetry.sdk.*`, `service.version`, what
 * `OTEL_RESOURCE_ATTRIBUTES` adds): what a trace file writes as OTLP resource attributes or as
 * Jaeger process tags. Kept beside the records, not in each of them.
 */
export type ResourceTable = ReadonlyMap<string, Readonly<Record<string, AttrValue>>>;

/** What the live span bus carries. `type` is also the SSE `event:` field. */
export type BusEvent =
  | { readonly type: 'span-start'; readonly span: SpanRecord }
  | { readonly type: 'span-end'; readonly span: SpanRecord };

/**
 * Sets `key` on a plain object as an own, enumerable property, even for `__proto__` (which a
 * plain assignment would turn into a prototype change and lose). Span data comes from anywhere.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
