/**
 * @module
 * The mock cloud's own spans. Each service has its own TracerProvider (resource `service.name`
 * `nova-api` or `keystone`, tracer scope `novatrace.cloud`), built from the span processors the
 * caller hands in; none given means no-op tracing. The parent of each request's SERVER span is
 * taken from the request's `traceparent` with the W3C propagator against ROOT_CONTEXT, so the
 * cloud depends on no global provider, context manager or propagator, and a trace shows both
 * sides of the wire even when client and cloud share one process.
 *
 * The processors are borrowed: closing the cloud flushes them but never shuts them down, since
 * they usually belong to the caller's telemetry session.
 */
import {
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  TracerProvider,
  type ReadableSpan,
  type Span as SdkSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { NOVATRACE_VERSION } from '../telemetry/layer-span.js';

/** The two services the cloud plays. */
export type CloudService = 'nova-api' | 'keystone';

/** Tracer scope of every cloud span. */
export const CLOUD_TRACER_SCOPE = 'novatrace.cloud';

/** Forwards to a processor the cloud does not own: `shutdown()` only flushes. */
class BorrowedProcessor implements SpanProcessor {
  readonly #inner: SpanProcessor;

  constructor(inner: SpanProcessor) {
    this.#inner = inner;
  }

  onStart(span: SdkSpan, parentContext: Context): void {
    this.#inner.onStart(span, parentContext);
  }

  onEnding(span: SdkSpan): void {
    this.#inner.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    this.#inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.forceFlush();
  }
}

const propagator = new W3CTraceContextPropagator();

/**
 * Tracers of the cloud's services, and the parent context of an incoming request.
 * @example
 * const tracing = new CloudTracing([new SimpleSpanProcessor({ exporter })]);
 * const span = tracing.tracer('nova-api').startSpan('GET', { kind: SpanKind.SERVER }, tracing.extract(headers));
 */
export class CloudTracing {
  readonly #providers: TracerProvider[] = [];
  readonly #tracers: Record<CloudService, Tracer>;

  constructor(spanProcessors: readonly SpanProcessor[] = []) {
    if (spanProcessors.length === 0) {
      // A proxy provider with no delegate hands out no-op tracers, whatever is registered globally.
      const noop = new ProxyTracerProvider().getTracer(CLOUD_TRACER_SCOPE, NOVATRACE_VERSION);
      this.#tracers = { 'nova-api': noop, keystone: noop };
      return;
    }
    const make = (service: CloudService): Tracer => {
      const provider = new TracerProvider({
        // telemetry.sdk.* as on the client's resource, so both carry the same process tags.
        resource: defaultResource().merge(
          resourceFromAttributes({
            'service.name': service,
            'service.version': NOVATRACE_VERSION,
          })
        ),
        spanProcessors: spanProcessors.map((p) => new BorrowedProcessor(p)),
      });
      this.#providers.push(provider);
      return provider.getTracer(CLOUD_TRACER_SCOPE, NOVATRACE_VERSION);
    };
    this.#tracers = { 'nova-api': make('nova-api'), keystone: make('keystone') };
  }

  tracer(service: CloudService): Tracer {
    return this.#tracers[service];
  }

  /** The caller's span context from `traceparent`/`tracestate`, or ROOT_CONTEXT. */
  extract(headers: Headers): Context {
    const carrier: Record<string, string> = {};
    headers.forEach((value, name) => {
      if (name === 'traceparent' || name === 'tracestate') carrier[name] = value;
    });
    return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  }

  /** Flushes the processors (borrowed ones are flushed, not shut down). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.#providers.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.#providers.map((p) => p.shutdown()));
  }
}

/**
 * The spans of one request: the SERVER span and the INTERNAL steps inside it. Steps are
 * parented explicitly (no context manager needed); a step opened inside another step's
 * function nests under it.
 */
export class RequestTrace {
  readonly span: Span;
  readonly #tracer: Tracer;
  #context: Context;

  constructor(tracer: Tracer, span: Span, parent: Context) {
    this.#tracer = tracer;
    this.span = span;
    this.#context = trace.setSpan(parent, span);
  }

  /**
   * Runs `fn` inside an INTERNAL child span named `name`. An error thrown by `fn` marks the
   * step (status ERROR, `error.type` = the HTTP status the error becomes) and is rethrown.
   */
  async step<T>(name: string, attrs: Attributes, fn: (span: Span) => T | Promise<T>): Promise<T> {
    const outer = this.#context;
    const span = this.#tracer.startSpan(
      name,
      { kind: SpanKind.INTERNAL, attributes: attrs },
      outer
    );
    this.#context = trace.setSpan(outer, span);
    try {
      return await fn(span);
    } catch (err) {
      markStepError(span, err);
      throw err;
    } finally {
      this.#context = outer;
      span.end();
    }
  }

  /** An event on the SERVER span (faults, decisions). */
  event(name: string, attrs?: Attributes): void {
    this.span.addEvent(name, attrs);
  }
}

function markStepError(span: Span, err: unknown): void {
  const status =
    typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
  const message = err instanceof Error ? err.message : String(err);
  span.setAttribute('error.type', Number.isFinite(status) ? String(status) : 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
