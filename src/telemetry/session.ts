/**
 * @module
 * A telemetry session: what a CLI command (or one viewer run, or a test) opens around the
 * traced program. It registers what `@opentelemetry/sdk-node`'s `NodeSDK` registers with no
 * `OTEL_*` tuning set (an AsyncLocalStorage context manager, the W3C trace-context + baggage
 * propagator, a TracerProvider: lean-tracer.ts's, which makes the spans sdk-trace's would at less
 * cost per span), built directly so a short CLI run does not load
 * sdk-node and every exporter it bundles; `OTEL_PROPAGATORS` with `tracecontext`, `baggage` or
 * `none` is read here too. When a variable only NodeSDK reads is set (sampler, limits, other
 * propagators, `OTEL_SDK_DISABLED`, `OTEL_LOG_LEVEL`) NodeSDK itself is loaded and started, so
 * those keep working. The processors, in this order:
 *
 * 0. precise start times ({@link PreciseStartProcessor}: the SDK cuts starts to the millisecond);
 * 1. redaction safety net (scrubs remembered secrets before anyone sees the span);
 * 2. the live bus ({@link LiveSpanProcessor}: span start and end events for the viewer);
 * 3. the recorder behind {@link TelemetrySession.records} and the trace files;
 * 4. OTLP export as the `OTEL_*` variables ask (batch, 200 ms delay), `console` if asked;
 * 5. `--viewer URL`: OTLP/HTTP JSON to `<URL>/v1/traces` (batch, 50 ms delay, so spans arrive
 *    as they end).
 *
 * `shutdown()` writes `--trace-file` / `--jaeger-file` first, then flushes the exporters. A dead
 * collector costs at most the export timeout (2 s by default) and one warning line on stderr;
 * `shutdown()` never throws; it reports the trace files it could not write, and the command
 * exits 1 for them (the run's own output stays as it was).
 *
 * Sessions may follow one another in one process (the viewer runs many runs; tests start and
 * stop): each start clears the OpenTelemetry globals first, since the API silently refuses a
 * second registration. Only one session is the global one at a time; starting a new one while
 * another is open hands the globals to the new one.
 */
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { LeanTracerProvider } from './lean-tracer.js';
import { LiveSpanProcessor } from './live-processor.js';
import { PreciseStartProcessor } from './precise-clock.js';
import {
  ForwardingSpanProcessor,
  RecordingSpanProcessor,
  RedactionSpanProcessor,
} from './processors.js';
import {
  createOtlpExporter,
  GuardedExporter,
  planExport,
  reasonOf,
  resourceFromEnv,
  ViewerSpanExporter,
  viewerTracesUrl,
  warnExportFailure,
  warnOnce,
  DEFAULT_EXPORT_TIMEOUT_MS,
} from './sdk.js';
import { writeTraceFile } from './trace-file.js';
import { terminalSafe } from './tree-render.js';
import type { SpanRecord } from './types.js';

export interface TelemetryOptions {
  /** Write the finished spans here as OTLP/JSON at shutdown. */
  traceFile?: string;
  /** Write the finished spans here as Jaeger UI JSON at shutdown. */
  jaegerFile?: string;
  /** A running novatrace viewer to send the spans to live (`http://127.0.0.1:8787`). */
  viewerUrl?: string;
  /** `service.name` unless `OTEL_SERVICE_NAME` says otherwise; default `novaclient`. */
  serviceName?: string;
  /** Where the `OTEL_*` variables are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface TelemetrySession {
  /** All spans finished so far (cloud spans included), in end order. */
  records(): SpanRecord[];
  /**
   * Processors for another TracerProvider (the embedded mock cloud's), feeding this session's
   * redaction, bus, recorder and exporters. Their `shutdown()` only flushes.
   */
  cloudSpanProcessors(): SpanProcessor[];
  /**
   * Ends every span still open (a signal stopped the program mid-call) with an error status
   * `interrupted by <reason>`, innermost first, so the files hold what happened so far.
   * @returns how many spans it ended
   */
  interrupt(reason: string): number;
  /**
   * Writes the trace files, flushes the exporters and releases the globals. Bounded: a dead
   * collector adds at most the export timeout (2 s by default). Prints at most one warning per
   * failing endpoint or file. Never throws. Calling it again returns the same promise.
   * @returns the trace files that could not be written (the command then exits 1)
   */
  shutdown(): Promise<ShutdownReport>;
}

/** What {@link TelemetrySession.shutdown} could not do. */
export interface ShutdownReport {
  /** `--trace-file` / `--jaeger-file` paths that could not be written. */
  readonly unwritten: readonly string[];
}

/** Keeps the spans started and not yet ended, so a signal can end them. */
class OpenSpans implements SpanProcessor {
  readonly #open = new Set<Span>();
  onStart(span: Span): void {
    this.#open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.#open.delete(span as Span);
  }
  /** The open spans, latest started first (children before their parents). */
  takeAll(): Span[] {
    const spans = [...this.#open].reverse();
    this.#open.clear();
    return spans;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Batch delay of the OTLP exporter (ms), unless `OTEL_BSP_SCHEDULE_DELAY` is set. */
const OTLP_BATCH_DELAY_MS = 200;
/** Batch delay of the `--viewer` exporter (ms): short, so the tree grows as spans end. */
const VIEWER_BATCH_DELAY_MS = 50;

let current: object | undefined;

function clearGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

function batchDelay(env: NodeJS.ProcessEnv): number {
  const value = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  return env.OTEL_BSP_SCHEDULE_DELAY && Number.isFinite(value) && value >= 0
    ? value
    : OTLP_BATCH_DELAY_MS;
}

/** `OTEL_*` variables that NodeSDK reads (always from `process.env`) and the direct setup does not. */
const NODE_SDK_ONLY = /^OTEL_(SDK_DISABLED|LOG_LEVEL|TRACES_SAMPLER|ATTRIBUTE_|SPAN_|EVENT_|LINK_)/;

/** `OTEL_PROPAGATORS` values the direct setup handles itself; others (b3, jaeger…) go to NodeSDK. */
const DIRECT_PROPAGATORS = new Set(['tracecontext', 'baggage', 'none']);

function propagatorNames(env: NodeJS.ProcessEnv): string[] | undefined {
  const raw = env.OTEL_PROPAGATORS;
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** True when NodeSDK must be started for a variable the direct setup would ignore. */
export function needsNodeSdk(env: NodeJS.ProcessEnv = process.env): boolean {
  if (propagatorNames(env)?.some((name) => !DIRECT_PROPAGATORS.has(name))) return true;
  return Object.keys(env).some((key) => NODE_SDK_ONLY.test(key) && env[key] !== '');
}

/**
 * The propagator `OTEL_PROPAGATORS` asks for, as NodeSDK reads it: unset means W3C trace-context
 * and baggage; a list containing `none` means no propagator at all, so no `traceparent` goes on
 * the wire and the request bytes are the seed-era client's (docs/architecture.md, "Wire bytes").
 */
export function propagatorFromEnv(
  env: NodeJS.ProcessEnv = process.env
): CompositePropagator | null {
  const names = propagatorNames(env) ?? ['tracecontext', 'baggage'];
  if (names.includes('none')) return null;
  const propagators = [];
  if (names.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (names.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  return new CompositePropagator({ propagators });
}

/**
 * Registers the globals as `NodeSDK.start()` does with these processors and no tuning variable
 * set; returns what shuts them down.
 */
function startProvider(
  resource: Resource,
  spanProcessors: SpanProcessor[]
): { shutdown(): Promise<void> } {
  if (needsNodeSdk()) {
    const { NodeSDK: Sdk } = createRequire(import.meta.url)('@opentelemetry/sdk-node') as {
      NodeSDK: typeof NodeSDK;
    };
    const sdk = new Sdk({
      resource,
      autoDetectResources: false,
      spanProcessors,
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [],
    });
    sdk.start();
    return sdk;
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator = propagatorFromEnv();
  if (propagator) propagation.setGlobalPropagator(propagator);
  const provider = new LeanTracerProvider({ resource, spanProcessors });
  trace.setGlobalTracerProvider(provider);
  return provider;
}

/**
 * Starts telemetry for one run and registers it as the global OpenTelemetry setup.
 * @param opts trace files, viewer URL, service name, environment
 * @returns the session; always `await session.shutdown()` (in `finally`), or batched spans
 *   are lost when a short process exits
 * @example
 * const session = startTelemetry({ traceFile: 'run.json', env: process.env });
 * try { return await main(argv); } finally { await session.shutdown(); }
 */
export function startTelemetry(opts: TelemetryOptions = {}): TelemetrySession {
  const env = opts.env ?? process.env;
  const warn = (line: string) => warnOnce(line, line);
  const plan = planExport(env);
  plan.warnings.forEach(warn);

  const recorder = new RecordingSpanProcessor();
  const openSpans = new OpenSpans();
  const processors: SpanProcessor[] = [
    openSpans,
    new PreciseStartProcessor(),
    new RedactionSpanProcessor(),
    new LiveSpanProcessor(),
    recorder,
  ];
  /** Ports of the collectors spans go to, whose sockets may be let go at exit. */
  const exportPorts = new Set<number>();
  const exportUrls: string[] = [];
  if (plan.otlp) {
    const { exporter, url } = createOtlpExporter(plan.otlp, warn);
    exportPorts.add(portOf(url));
    exportUrls.push(url);
    processors.push(
      new BatchSpanProcessor({
        exporter: new GuardedExporter(exporter, (err) => warnExportFailure(url, err)),
        scheduledDelayMillis: batchDelay(env),
        // Longer than the exporter's own timeout, so the exporter ends each attempt itself.
        exportTimeoutMillis: plan.otlp.timeoutMillis + 1000,
      })
    );
  }
  if (plan.console)
    processors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  if (opts.viewerUrl !== undefined) {
    const url = viewerTracesUrl(opts.viewerUrl);
    if (url === undefined) {
      warn(
        `novatrace: --viewer ${terminalSafe(opts.viewerUrl)} is not an http(s) URL; spans are not sent`
      );
    } else {
      const viewer = new ViewerSpanExporter(url, DEFAULT_EXPORT_TIMEOUT_MS);
      processors.push(
        new BatchSpanProcessor({
          exporter: new GuardedExporter(viewer, (err) => warnExportFailure(url, err)),
          scheduledDelayMillis: VIEWER_BATCH_DELAY_MS,
          exportTimeoutMillis: DEFAULT_EXPORT_TIMEOUT_MS + 1000,
        })
      );
    }
  }

  // A second registration in one process is silently ignored unless the globals are free.
  clearGlobals();
  const sdk = startProvider(resourceFromEnv(env, opts.serviceName ?? 'novaclient'), processors);

  let open = true;
  let closing: Promise<ShutdownReport> | undefined;
  const token = {};
  current = token;

  const writeFiles = async (): Promise<string[]> => {
    const unwritten: string[] = [];
    const files: [string | undefined, 'otlp' | 'jaeger'][] = [
      [opts.traceFile, 'otlp'],
      [opts.jaegerFile, 'jaeger'],
    ];
    // Converted only when a file asks for the records (a run without files pays nothing here).
    let records: SpanRecord[] | undefined;
    for (const [path, format] of files) {
      if (path === undefined) continue;
      records ??= recorder.records();
      try {
        await writeTraceFile(path, records, format, recorder.resources());
      } catch (err) {
        unwritten.push(path);
        warn(`novatrace: could not write ${terminalSafe(path)}: ${reasonOf(err)}`);
      }
    }
    return unwritten;
  };

  const close = async (): Promise<ShutdownReport> => {
    let unwritten: string[] = [];
    try {
      unwritten = await writeFiles();
      if (!(await withinExitBound(sdk.shutdown()))) {
        // The export warning's own line (once per endpoint): the exporter will not report later.
        const late = new Error(`no answer within ${EXIT_BOUND_MS} ms at exit, spans dropped`);
        for (const url of exportUrls) warnExportFailure(url, late);
        // The exporter's own timers (its request timeout, the batch processor's export timeout)
        // would hold the process for seconds more. Once everything else is done, end it with
        // the exit code already set; the unref'd timer never fires if the process ends first.
        releaseExportSockets(exportPorts);
        setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
      }
    } catch (err) {
      // The guarded exporters swallow their own failures; this is anything else.
      warn(`novatrace: telemetry shutdown: ${reasonOf(err)} (the run itself is unaffected)`);
    } finally {
      open = false;
      if (current === token) {
        clearGlobals();
        current = undefined;
      }
    }
    return { unwritten };
  };

  return {
    records: () => recorder.records(),
    cloudSpanProcessors: () => [new ForwardingSpanProcessor(processors, () => open)],
    interrupt: (reason) => {
      const spans = openSpans.takeAll();
      for (const span of spans) {
        span.setAttribute('novatrace.interrupted', reason);
        span.addEvent('novatrace.interrupted', { reason });
        span.setStatus({ code: SpanStatusCode.ERROR, message: `interrupted by ${reason}` });
        span.end();
      }
      return spans.length;
    },
    shutdown: () => {
      closing ??= close();
      return closing;
    },
  };
}

/**
 * How long `shutdown()` waits for the exporters: a collector that accepts the connection and
 * never answers costs this plus {@link EXIT_GRACE_MS} at exit, under the 1 s issue 14 allows,
 * rather than the export timeout and its retries.
 */
export const EXIT_BOUND_MS = 850;
/** After the bound passed, time left for the caller to finish writing before the process ends. */
const EXIT_GRACE_MS = 100;

/** Resolves true when `work` settles within {@link EXIT_BOUND_MS}, false otherwise. */
async function withinExitBound(work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), EXIT_BOUND_MS);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

function portOf(url: string): number {
  try {
    const u = new URL(url);
    return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch {
    return -1;
  }
}

/**
 * Lets the process end although an export is still waiting for an answer: the sockets to the
 * collectors' ports (and only those) no longer keep the event loop alive. Node has no public
 * list of open sockets, hence the internal `_getActiveHandles` (present in Node 20 to 24).
 */
function releaseExportSockets(ports: ReadonlySet<number>): void {
  const list = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  if (typeof list !== 'function' || ports.size === 0) return;
  for (const handle of list.call(process)) {
    if (
      handle instanceof Socket &&
      handle.remotePort !== undefined &&
      ports.has(handle.remotePort)
    ) {
      handle.unref();
    }
  }
}
