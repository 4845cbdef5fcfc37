/**
 * @module
 * The tracer a telemetry session registers: a lean TracerProvider whose spans are what the
 * sdk-trace `TracerProvider` (2.12) would make with no `OTEL_*` tuning set (sampler
 * `parentbased_always_on`, the default span limits, random ids), handed to the same span
 * processors and exporters, at a fraction of the cost per span.
 *
 * Why not the SDK's own: a warm volume update opens 19 layer spans, and the SDK's path costs
 * about 11 µs each on our machines (the attributes copied and checked three times, a sampler and
 * a no-op metrics call per span, a processor fan-out through a list of lists, times converted
 * through the millisecond-cut clock that {@link PreciseStartProcessor} then corrects); that
 * made a traced call cost 1.4–1.6× an untraced one. Here the attributes are checked and copied
 * once, the start, end and event times are read from the precise clock directly
 * (precise-clock.ts), and each processor hook is called from a fixed array.
 *
 * What stays the SDK's: the `ReadableSpan` / `Span` shape every processor and exporter reads
 * (so the recorder, the live bus, the batch processors and the OTLP exporters take these spans
 * as they are), the limits (128 attributes per span, event and link; 128 events, the oldest
 * dropped first), the rules of `setAttribute`, `addEvent`, `setStatus`, `recordException` and
 * `end`. When a variable asks for something else (a sampler, other limits), the session starts
 * NodeSDK and its TracerProvider instead (session.ts, `needsNodeSdk`).
 */
import {
  context as api,
  diag,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span as ApiSpan,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  globalErrorHandler,
  hrTimeDuration,
  isAttributeValue,
  isTracingSuppressed,
  millisToHrTime,
  type InstrumentationScope,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  RandomIdGenerator,
  type Span,
  type SpanProcessor,
  type TimedEvent,
} from '@opentelemetry/sdk-trace';
import { PRECISE_START, preciseNow, perfToHrTime } from './precise-clock.js';

/** The SDK's default limits (sdk-trace 2.12 `loadDefaultConfig`, no `OTEL_*` limit set). */
const ATTRIBUTE_COUNT_LIMIT = 128;
const EVENT_COUNT_LIMIT = 128;
const LINK_COUNT_LIMIT = 128;
const ATTRIBUTE_PER_EVENT_LIMIT = 128;
const ATTRIBUTE_PER_LINK_LIMIT = 128;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * In a span's options: the `attributes` object was made for this span alone (layer-span.ts
 * builds a fresh one per span), so the span keeps it rather than a copy. Its values are still
 * checked and the limit still applies. A registered symbol, so layer-span.ts need not load this
 * module (and the SDK behind it) to name it.
 */
export const OWN_ATTRIBUTES = Symbol.for('novatrace.own-attributes');

/** Checks an attributes object made for one span, in place; returns how many were dropped. */
function adoptAttributes(attributes: Attributes, limit: number): number {
  let count = 0;
  let dropped = 0;
  for (const key in attributes) {
    if (!hasOwn.call(attributes, key)) continue;
    const value = attributes[key];
    if (key.length === 0 || value === undefined || value === null || !isAttributeValue(value)) {
      if (key.length > 0 && value !== undefined && value !== null) {
        diag.warn(`Invalid attribute value set for key: ${key}`);
      }
      delete attributes[key];
    } else if (count >= limit) {
      delete attributes[key];
      dropped++;
    } else count++;
  }
  return dropped;
}
const ids = new RandomIdGenerator();

/** A time input on the precise clock: HrTime as is, a `performance.now()` reading, epoch ms or a Date. */
function toHrTime(input: TimeInput): HrTime {
  if (Array.isArray(input)) return input as HrTime;
  if (typeof input === 'number') {
    return input <= performance.now() ? perfToHrTime(input) : millisToHrTime(input);
  }
  return millisToHrTime(input.getTime());
}

function isTimeInput(value: unknown): value is TimeInput {
  return Array.isArray(value) || typeof value === 'number' || value instanceof Date;
}

/**
 * Up to `limit` valid attributes of `from` (arrays copied), as the SDK's `sanitizeAttributes`
 * and the limits after it. A span drops null and undefined values (its `setAttribute` does);
 * an event or a link keeps them, as the SDK's do (`keepEmpty`).
 */
function copyAttributes(
  from: Attributes | undefined,
  limit: number,
  keepEmpty = false
): { attributes: Attributes; dropped: number } {
  const attributes: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (const key in from) {
    if (!hasOwn.call(from, key)) continue;
    const value = from[key];
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      continue;
    }
    if ((value === undefined || value === null) && !keepEmpty) continue;
    if (!isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      continue;
    }
    if (count >= limit) {
      dropped++;
      continue;
    }
    attributes[key] = Array.isArray(value) ? (value.slice() as AttributeValue) : value!;
    count++;
  }
  return { attributes, dropped };
}

/** The processor hooks of one provider, split once so a span calls only the ones that exist. */
interface Hooks {
  readonly starts: readonly SpanProcessor[];
  readonly endings: readonly SpanProcessor[];
  readonly ends: readonly SpanProcessor[];
}

/** A recording span; implements what sdk-trace's `Span` (API span + `ReadableSpan`) promises. */
export class LeanSpan implements Span {
  readonly [PRECISE_START] = true;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly attributes: Attributes;
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly startTime: HrTime;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  name: string;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  endTime: HrTime = [0, 0];
  droppedAttributesCount: number;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly #context: SpanContext;
  readonly #hooks: Hooks;
  #attributeCount: number;
  #ended = false;

  constructor(
    tracer: LeanTracer,
    name: string,
    spanContext: SpanContext,
    parent: SpanContext | undefined,
    options: SpanOptions
  ) {
    this.#context = spanContext;
    this.#hooks = tracer.hooks;
    this.name = name;
    this.kind = options.kind ?? SpanKind.INTERNAL;
    this.parentSpanContext = parent;
    this.startTime = options.startTime === undefined ? preciseNow() : toHrTime(options.startTime);
    this.resource = tracer.resource;
    this.instrumentationScope = tracer.instrumentationScope;
    const given = options.attributes;
    if (given !== undefined && (options as { [OWN_ATTRIBUTES]?: boolean })[OWN_ATTRIBUTES]) {
      this.droppedAttributesCount = adoptAttributes(given, ATTRIBUTE_COUNT_LIMIT);
      this.attributes = given;
    } else {
      const { attributes, dropped } = copyAttributes(given, ATTRIBUTE_COUNT_LIMIT);
      this.attributes = attributes;
      this.droppedAttributesCount = dropped;
    }
    this.#attributeCount = Object.keys(this.attributes).length;
    if (options.links) this.addLinks(options.links);
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (value === undefined || value === null || this.#ended) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    if (!isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    if (!hasOwn.call(this.attributes, key)) {
      if (this.#attributeCount >= ATTRIBUTE_COUNT_LIMIT) {
        this.droppedAttributesCount++;
        return this;
      }
      this.#attributeCount++;
    }
    this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (hasOwn.call(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.#ended) return this;
    if (this.events.length >= EVENT_COUNT_LIMIT) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attrs: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
    } else attrs = attributesOrTime;
    const { attributes, dropped } = copyAttributes(attrs, ATTRIBUTE_PER_EVENT_LIMIT, true);
    this.events.push({
      name,
      attributes,
      time: time === undefined ? preciseNow() : toHrTime(time),
      droppedAttributesCount: dropped,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.#ended) return this;
    if (this.links.length >= LINK_COUNT_LIMIT) {
      this.links.shift();
      this.droppedLinksCount++;
    }
    const { attributes, dropped } = copyAttributes(link.attributes, ATTRIBUTE_PER_LINK_LIMIT, true);
    const kept: Link = { context: link.context };
    if (Object.keys(attributes).length > 0) kept.attributes = attributes;
    if (dropped > 0) kept.droppedAttributesCount = dropped;
    this.links.push(kept);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.#ended || status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR && typeof status.message === 'string') {
      next.message = status.message;
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (!this.#ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.#ended) {
      diag.error(
        `${this.name} ${this.#context.traceId}-${this.#context.spanId} - You can only call end() on a span once.`
      );
      return;
    }
    let end = endTime === undefined ? preciseNow() : toHrTime(endTime);
    const [s, ns] = this.startTime;
    if (end[0] < s || (end[0] === s && end[1] < ns)) end = [s, ns];
    this.endTime = end;
    // Processors may still write the span in onEnding (the redaction net does).
    for (const p of this.#hooks.endings) p.onEnding?.(this);
    this.#ended = true;
    for (const p of this.#hooks.ends) p.onEnd(this);
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) {
      this.addEvent('exception', attributes, time);
    }
  }

  get duration(): HrTime {
    return this.#ended ? hrTimeDuration(this.startTime, this.endTime) : [-1, -1];
  }

  get ended(): boolean {
    return this.#ended;
  }
}

/** The tracer of one instrumentation scope. */
export class LeanTracer implements Tracer {
  readonly instrumentationScope: InstrumentationScope;
  readonly resource: Resource;
  readonly hooks: Hooks;

  constructor(scope: InstrumentationScope, resource: Resource, hooks: Hooks) {
    this.instrumentationScope = scope;
    this.resource = resource;
    this.hooks = hooks;
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = api.active()): ApiSpan {
    if (options.root) ctx = trace.deleteSpan(ctx);
    if (isTracingSuppressed(ctx)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parentSpan = trace.getSpan(ctx);
    const parent = parentSpan?.spanContext();
    const spanId = ids.generateSpanId();
    // A parent of ours has valid ids by construction; others (remote, wrapped) are checked.
    if (
      parent === undefined ||
      (!(parentSpan instanceof LeanSpan) && !isSpanContextValid(parent))
    ) {
      const root = { traceId: ids.generateTraceId(), spanId, traceFlags: TraceFlags.SAMPLED };
      return this.#record(name, root, ctx, { parent: undefined, options });
    }
    const spanContext: SpanContext = {
      traceId: parent.traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
      traceState: parent.traceState,
    };
    // parentbased_always_on: a parent that was not sampled (local or remote) is not recorded.
    if ((parent.traceFlags & TraceFlags.SAMPLED) === 0) {
      return trace.wrapSpanContext({ ...spanContext, traceFlags: TraceFlags.NONE });
    }
    return this.#record(name, spanContext, ctx, { parent, options });
  }

  #record(
    name: string,
    spanContext: SpanContext,
    ctx: Context,
    { parent, options }: { parent: SpanContext | undefined; options: SpanOptions }
  ): LeanSpan {
    const span = new LeanSpan(this, name, spanContext, parent, options);
    for (const p of this.hooks.starts) p.onStart(span, ctx);
    return span;
  }

  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F
  ): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F
  ): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    a?: SpanOptions | F,
    b?: Context | F,
    c?: F
  ): ReturnType<F> | undefined {
    let options: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: F;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a;
      fn = b;
    } else if (typeof c === 'function') {
      options = a;
      ctx = b;
      fn = c;
    } else return undefined;
    const parent = ctx ?? api.active();
    const span = this.startSpan(name, options, parent);
    return api.with(
      trace.setSpan(parent, span),
      fn as (s: ApiSpan) => ReturnType<F>,
      undefined,
      span
    );
  }
}

/**
 * The provider: one tracer per scope name and version, every span handed to `spanProcessors`
 * in order. `forceFlush()` and `shutdown()` reach every processor, as the SDK's do.
 * @example
 * trace.setGlobalTracerProvider(new LeanTracerProvider({ resource, spanProcessors }));
 */
export class LeanTracerProvider implements TracerProvider {
  readonly #resource: Resource;
  readonly #processors: readonly SpanProcessor[];
  readonly #hooks: Hooks;
  readonly #tracers = new Map<string, LeanTracer>();

  constructor(opts: { resource: Resource; spanProcessors: readonly SpanProcessor[] }) {
    this.#resource = opts.resource;
    this.#processors = [...opts.spanProcessors];
    this.#hooks = {
      starts: this.#processors,
      endings: this.#processors.filter((p) => typeof p.onEnding === 'function'),
      ends: this.#processors,
    };
  }

  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.#tracers.get(key);
    if (!tracer) {
      const scope: InstrumentationScope = { name, version, schemaUrl: options?.schemaUrl };
      tracer = new LeanTracer(scope, this.#resource, this.#hooks);
      this.#tracers.set(key, tracer);
    }
    return tracer;
  }

  /** As the SDK's: a processor that fails to flush goes to the global error handler. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.#processors.map((p) => p.forceFlush())).catch((err: unknown) =>
      globalErrorHandler(err instanceof Error ? err : new Error(String(err)))
    );
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.#processors.map((p) => p.shutdown()));
  }
}
