/**
 * @module
 * The one way a ported function opens its span. Names come from the typed {@link LAYERS}
 * table; the helper adds the `code.*` attributes of the TypeScript that runs, the upstream file
 * and version it mirrors under `novatrace.*`, waits at the step gate (viewer step mode), and
 * records any exception with its Python class name on the way out.
 */
import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type AttributeValue,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { callSiteOf } from './call-sites.js';
import {
  EVENTS,
  LAYERS,
  UPSTREAM_VERSIONS,
  type EventKey,
  type LayerKind,
  type LayerName,
} from './layers.js';
import { scrubSecrets } from './redact.js';
import { summarizeRaise, summarizeReturn } from './return-summary.js';
import { currentRunScope } from './run-scope.js';
import { ATTR } from './semconv.js';
import { callerOf, captureStack, decidingLine } from './stop-sites.js';

export const NOVATRACE_VERSION = '0.1.0';

// Cached per global provider: a telemetry session re-registers the globals (trace.disable()
// creates a new proxy provider), and a tracer from the old proxy would stay bound to the old,
// shut-down SDK for good.
const tracers = new WeakMap<object, Map<string, Tracer>>();

/** The tracer of one scope (`novatrace.novaclient`, `.requests`, `.urllib3`, `.cloud`, `.cli`). */
export function tracerFor(scope: LayerKind | 'cloud' | 'cli'): Tracer {
  const provider = trace.getTracerProvider();
  let byScope = tracers.get(provider);
  if (!byScope) {
    byScope = new Map();
    tracers.set(provider, byScope);
  }
  let tracer = byScope.get(scope);
  if (!tracer) {
    tracer = trace.getTracer(`novatrace.${scope}`, NOVATRACE_VERSION);
    byScope.set(scope, tracer);
  }
  return tracer;
}

const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True when no SDK is registered, so every span is a no-op: the hot path then builds no
 * attribute objects nobody would record.
 */
export function tracingOff(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_PROVIDER;
}

/** Scrubs known secrets out of every string (and string array) attribute value. */
export function safeAttributes(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    out[key] = safeValue(value);
  }
  return out;
}

function safeValue(value: AttributeValue): AttributeValue {
  if (typeof value === 'string') return scrubSecrets(value);
  if (Array.isArray(value)) {
    return value.map((v) => (typeof v === 'string' ? scrubSecrets(v) : v)) as AttributeValue;
  }
  return value;
}

/**
 * The Python class name an error stands for: a ported exception class declares
 * `static readonly pythonName`; anything else is named by its JavaScript name.
 */
export function pythonName(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const ctor = (err as { constructor?: { pythonName?: unknown } }).constructor;
    if (ctor && typeof ctor.pythonName === 'string') return ctor.pythonName;
    if (err instanceof Error) return err.name;
  }
  return 'Error';
}

/** Records `err` on `span`: an `exception` event with the Python class, `error.type`, status ERROR. */
export function recordError(span: Span, err: unknown): void {
  const type = pythonName(err);
  const message = scrubSecrets(err instanceof Error ? err.message : String(err));
  span.recordException({
    name: type,
    message,
    stack: err instanceof Error && err.stack ? scrubSecrets(err.stack) : undefined,
  });
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** The attributes a layer's span always carries, built once per layer name. */
const staticAttributes = new Map<LayerName, Attributes>();

function layerAttributes(name: LayerName, attrs: Attributes): Attributes {
  let fixed = staticAttributes.get(name);
  if (fixed === undefined) {
    const info: { layer: LayerKind; file: string; addition?: boolean; span?: string } =
      LAYERS[name];
    const site = callSiteOf(name);
    fixed = {
      [ATTR.codeFunctionName]: info.span ?? name,
      ...(info.span ? { [ATTR.layerKey]: name } : {}),
      [ATTR.codeFilePath]: site.file,
      [ATTR.codeLineNumber]: site.line,
      [ATTR.layer]: info.layer,
      [ATTR.upstreamFile]: info.file,
      [ATTR.upstreamVersion]: UPSTREAM_VERSIONS[info.layer],
      ...(info.addition ? { [ATTR.addition]: true } : {}),
    };
    // The call-site table is read lazily; an unknown site is not worth remembering.
    if (site.line !== 0) staticAttributes.set(name, fixed);
  }
  // Object.assign, not `{ ...fixed }`: V8 gives a spread copy a map that every property added
  // after it leaves again, so the keys below cost ~6 µs per span instead of ~0.2 µs.
  const out: Attributes = Object.assign({}, fixed);
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === null) continue;
    out[key] = safeValue(value);
  }
  return out;
}

/**
 * Tells the session's tracer that a layer span's attributes object is its own to keep
 * (lean-tracer.ts `OWN_ATTRIBUTES`): {@link layerAttributes} makes a fresh one per span.
 */
const OWN_ATTRIBUTES = Symbol.for('novatrace.own-attributes');

/**
 * Span options whose `attributes` object was made for this one span (the session's tracer keeps
 * it instead of copying it; any other tracer copies it as usual).
 */
export function ownOptions(attributes: Attributes, kind = SpanKind.INTERNAL): SpanOptions {
  const options: SpanOptions & { [OWN_ATTRIBUTES]?: true } = { kind, attributes };
  options[OWN_ATTRIBUTES] = true;
  return options;
}

/** The span handed to a layer's body when no SDK is registered and no run scope listens. */
const NON_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * A layer span's arguments, or a function that makes them: called once, when the span starts,
 * and not at all when no one records (tracing off and no run scope), so an untraced call builds
 * no attribute objects (pool descriptions, reprs) nobody would read.
 */
export type LayerAttributes = Attributes | (() => Attributes);

/**
 * Opens the span of a ported function and runs its body inside it.
 * @param name the Python qualified name, from {@link LAYERS}
 * @param attrs the arguments that matter at this layer (secrets are scrubbed), or a function
 *   making them when the span starts ({@link LayerAttributes})
 * @param fn the function body; receives the span for events and late attributes
 * @returns what `fn` returns; an exception is recorded on the span and rethrown
 * @example
 * return layerSpan('HTTPClient.put', { 'http.request.method': 'PUT', 'url.path': url }, () =>
 *   this._cs_request(url, 'PUT', kwargs));
 */
export function layerSpan<T>(
  name: LayerName,
  attrs: LayerAttributes,
  fn: (span: Span) => Promise<T> | T
): Promise<T> {
  const info: { layer: LayerKind; file: string; addition?: boolean; span?: string } = LAYERS[name];
  const spanName = info.span ?? name;
  const off = tracingOff();
  const scope = currentRunScope();
  if (scope === undefined) {
    // Nobody steps this run: no gate, no stops. Untraced, the body runs with a span that
    // records nothing (what the API's no-op tracer would hand it, without its context work);
    // traced, the span ends when the body settles, with no async frame of its own.
    if (off) return settle(NON_RECORDING, fn, false);
    return tracerFor(info.layer).startActiveSpan(
      spanName,
      ownOptions(layerAttributes(name, attrsOf(attrs))),
      (span) => settle(span, fn, true)
    );
  }
  const attributes: Attributes | undefined = off
    ? undefined
    : layerAttributes(name, attrsOf(attrs));
  const stops = scope?.wantsStops?.() === true;
  // Captured here, synchronously: the frame below the ported function is its caller.
  const stack = stops ? captureStack() : undefined;
  return tracerFor(info.layer).startActiveSpan(
    spanName,
    { kind: SpanKind.INTERNAL, attributes },
    async (span) => {
      const { traceId, spanId } = span.spanContext();
      const caller = stack ? callerOf(stack, callSiteOf(name)) : undefined;
      try {
        if (scope?.gate) {
          await scope.gate({ name, traceId, spanId, span, ...(caller ? { site: caller } : {}) });
        }
        const value = await fn(span);
        if (scope?.leave) {
          const summary = stops ? summarizeReturn(value) : '';
          await scope.leave({
            name,
            traceId,
            spanId,
            span,
            kind: 'return',
            summary,
            ...(caller ? { site: caller } : {}),
          });
        }
        return value;
      } catch (err) {
        let raised = err;
        if (scope?.leave) {
          // The raise stop; an abort while waiting there replaces the exception, as Ctrl-C would.
          const summary = stops ? summarizeRaise(err) : '';
          try {
            await scope.leave({
              name,
              traceId,
              spanId,
              span,
              kind: 'raise',
              summary,
              ...(caller ? { site: caller } : {}),
            });
          } catch (abort) {
            raised = abort;
          }
        }
        recordError(span, raised);
        throw raised;
      } finally {
        span.end();
      }
    }
  );
}

function attrsOf(attrs: LayerAttributes): Attributes {
  return typeof attrs === 'function' ? attrs() : attrs;
}

/**
 * Runs `fn` on `span` and ends the span (recording any exception first) once it settles. A
 * synchronous throw becomes a rejection, as it would from an async body.
 */
function settle<T>(span: Span, fn: (span: Span) => Promise<T> | T, record: boolean): Promise<T> {
  const fail = (err: unknown): never => {
    if (record) {
      recordError(span, err);
      span.end();
    }
    throw err;
  };
  let result: Promise<T> | T;
  try {
    result = fn(span);
  } catch (err) {
    return Promise.reject(err).catch(fail);
  }
  if (!isPromiseLike(result)) {
    if (record) span.end();
    return Promise.resolve(result);
  }
  if (!record) return Promise.resolve(result);
  return Promise.resolve(result).then((value) => {
    span.end();
    return value;
  }, fail);
}

function isPromiseLike<T>(value: Promise<T> | T): value is Promise<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * True when a decision event would be kept: the active span records, or a run scope is told of
 * each decision (step mode). Callers whose event text is costly to build ask first.
 */
export function decisionsWanted(): boolean {
  const span = trace.getActiveSpan();
  if (!span) return false;
  return span.isRecording() || currentRunScope()?.decided !== undefined;
}

/**
 * Adds a decision event to the active span. `message` is the display name (the upstream log
 * line with this run's values, where one exists); the stable key goes to `novatrace.event`.
 * @example
 * decision('pool miss: new connection', `Starting new HTTP connection (${n}): ${host}:${port}`);
 */
export function decision(key: EventKey, message?: string, attrs: Attributes = {}): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  const scope = currentRunScope();
  const recording = span.isRecording();
  if (!recording && !scope?.decided) return;
  const name = scrubSecrets(message ?? key);
  if (recording) {
    const eventAttrs: Attributes = { [ATTR.event]: key, [ATTR.layer]: EVENTS[key].layer };
    for (const k in attrs) {
      const value = attrs[k];
      if (value !== undefined && value !== null) eventAttrs[k] = safeValue(value);
    }
    span.addEvent(name, eventAttrs);
  }
  if (scope?.decided) {
    const site = scope.wantsStops?.() === true ? decidingLine(captureStack()) : undefined;
    const { traceId, spanId } = span.spanContext();
    scope.decided({ key, message: name, traceId, spanId, span, ...(site ? { site } : {}) });
  }
}
