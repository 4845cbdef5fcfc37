/**
 * @module
 * The viewer's Hono app: the page, the live event stream, in-process runs with step mode, the
 * OTLP receiver, trace download and upload, the read-only source pane and the trace library.
 * `createViewerApp` makes the shared parts (store, event hub, runs) and hands them to the route
 * modules under routes/, one per area; `serveCommand` (command.ts) puts the app on a socket.
 */
import { join } from 'node:path';
import { Hono } from 'hono';
import { PACKAGE_ROOT } from '../telemetry/call-sites.js';
import { spanBus as defaultBus, type SpanBus } from '../telemetry/span-bus.js';
import type { SpanRecord } from '../telemetry/types.js';
import { loadWebAssets, type WebAssets } from './assets.js';
import { DEFAULT_CODEC, type TraceCodec } from './codec.js';
import { EventHub } from './event-hub.js';
import { TraceLibrary } from './library.js';
import { DEFAULT_MAX_BODY_BYTES, ReceiveError } from './otlp-receiver.js';
import { RunError, RunManager, type ScenarioRunner } from './runs.js';
import { eventRoutes } from './routes/events.js';
import { followRoutes } from './routes/follow.js';
import { libraryRoutes } from './routes/library.js';
import { otlpRoutes } from './routes/otlp.js';
import { healthRoute, pageRoutes } from './routes/page.js';
import { runRoutes } from './routes/runs.js';
import type { ViewerParts } from './routes/shared.js';
import { traceRoutes } from './routes/traces.js';
import { hostGuard, SECURITY_HEADERS } from './security.js';
import { SourceFiles } from './source-files.js';
import {
  DEFAULT_FILE_REQUEST_LIMITS,
  DEFAULT_OTLP_REQUEST_LIMITS,
  requestLimitsFor,
  type RequestLimits,
} from './span-limits.js';
import { TraceStore, type TraceStoreOptions } from './trace-store.js';
import type { ScenarioLine, TraceSource } from './types.js';

export { OWNER_HEADER } from './routes/shared.js';

/** Biggest trace file the page may open through `POST /api/traces` (bytes). */
export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;
/** OTLP batches bigger than this are announced as one resync rather than span by span. */
const LIVE_BATCH_LIMIT = 500;

export interface ViewerOptions {
  /** Where live span events come from (default: the process-wide {@link defaultBus}). */
  readonly bus?: SpanBus;
  /** Trace format converters (default: the telemetry area's). */
  readonly codec?: TraceCodec;
  /** The scenario list for the picker. */
  readonly scenarios?: () => readonly ScenarioLine[];
  /** Runs one scenario in-process (cloud already bound); without it, runs answer 503. */
  readonly runScenario?: ScenarioRunner;
  readonly store?: TraceStoreOptions;
  /** `POST /v1/traces` size limit, before and after gunzip (default 4 MiB). */
  readonly maxBodyBytes?: number;
  /** `POST /api/traces` size limit (default 32 MiB). */
  readonly maxFileBytes?: number;
  /** What one OTLP request may hold (default {@link DEFAULT_OTLP_REQUEST_LIMITS}, spans capped
   * at the store's per-trace cap). */
  readonly otlpLimits?: Partial<RequestLimits>;
  /** What one opened file may hold (default {@link DEFAULT_FILE_REQUEST_LIMITS}, likewise). */
  readonly fileLimits?: Partial<RequestLimits>;
  /** The package root holding `src/`, `web/` and `traces/` (default: this package). */
  readonly packageRoot?: string;
  /** The recorded-trace folder (default `<packageRoot>/traces`). */
  readonly libraryDir?: string;
  /** Refuse Host headers other than loopback names (default true). */
  readonly loopbackOnly?: boolean;
  /** Host names accepted besides loopback (`serve --name`); with any, the Host guard stays on. */
  readonly hostNames?: readonly string[];
  /** Per-browser bounds of what waits for a full socket, and the heartbeat interval. */
  readonly sse?: {
    readonly maxQueue?: number;
    readonly maxBacklogBytes?: number;
    readonly heartbeatMs?: number;
  };
  /** Supplies the page assets (default: dist/web/ when built, else bundle `web/` on first use). */
  readonly assets?: () => Promise<WebAssets>;
  /** Step-mode pause limit, see {@link RunManager}. */
  readonly pauseTimeoutMs?: number;
  /** `--python-src DIR`, searched first for the Python a layer ports. */
  readonly pythonSrc?: string;
  /** The Python search roots in order (tests; default from {@link pythonRoots}). */
  readonly pythonRoots?: readonly string[];
}

export interface ViewerApp {
  readonly app: Hono;
  readonly store: TraceStore;
  readonly hub: EventHub;
  readonly runs: RunManager;
  /** Builds the page assets now (the server awaits it before listening). */
  ready(): Promise<void>;
  /** Adds spans as if they had arrived over OTLP or from a file (startup traces, tests). */
  ingest(records: readonly SpanRecord[], source: TraceSource, label?: string): string[];
  /** Unsubscribes from the bus, aborts runs, ends every event stream. */
  close(): Promise<void>;
}

/**
 * Creates the viewer app.
 * @example
 * const viewer = createViewerApp({ runScenario: (name) => runScenario(name, { cloud }) });
 * const res = await viewer.app.request('/healthz');
 */
export function createViewerApp(opts: ViewerOptions = {}): ViewerApp {
  const bus = opts.bus ?? defaultBus;
  const codec = opts.codec ?? DEFAULT_CODEC;
  const root = opts.packageRoot ?? PACKAGE_ROOT;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxFile = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const scenarios = opts.scenarios ?? (() => []);
  const store = new TraceStore(opts.store);
  const otlpLimits: RequestLimits = {
    ...requestLimitsFor(DEFAULT_OTLP_REQUEST_LIMITS, store.maxSpansPerTrace),
    ...opts.otlpLimits,
  };
  const fileLimits: RequestLimits = {
    ...requestLimitsFor(DEFAULT_FILE_REQUEST_LIMITS, store.maxSpansPerTrace),
    ...opts.fileLimits,
  };
  const hub = new EventHub({
    ...opts.sse,
    // Called only once `runs` exists: the first browser connects after this function returns.
    snapshot: () => ({ traces: store.list(), runs: runs.list() }),
  });
  const sources = new SourceFiles(root);
  const library = new TraceLibrary(opts.libraryDir ?? join(root, 'traces'));
  let assets: Promise<WebAssets> | undefined;
  const loadAssets = () => {
    assets ??= (opts.assets ?? (() => loadWebAssets(join(root, 'web'))))();
    assets.catch(() => {
      assets = undefined;
    });
    return assets;
  };

  /** Which page owns a run it started (run id → the page's owner token). */
  const owners = new Map<string, string>();
  const runs = new RunManager({
    runScenario:
      opts.runScenario ??
      (() => Promise.reject(new Error('in-process runs are not available in this viewer'))),
    scenarioNames: () => scenarios().map((s) => s.name),
    pauseTimeoutMs: opts.pauseTimeoutMs,
    onState: (run) => hub.publish({ type: 'run-state', run }),
    onTrace: (traceId, run) => store.annotate(traceId, { label: run.scenario, runId: run.runId }),
  });

  const offBus = bus.subscribe((event) => {
    const { result, record } = store.putRecord(event.span, 'live');
    if (result !== 'added' && result !== 'updated') return;
    hub.publish(record === event.span ? event : { type: event.type, span: record });
  });

  /** Stores a batch and tells browsers; returns the store's account of it. */
  function ingestBatch(records: readonly SpanRecord[], source: TraceSource, label?: string) {
    const put = store.putMany(records, source);
    if (label) for (const id of put.traceIds) store.annotate(id, { label });
    if (records.length > LIVE_BATCH_LIMIT || source === 'file' || source === 'startup') {
      hub.resyncAll();
    } else {
      // The stored copies, not the received ones: those may be far over the span limits.
      for (const span of put.stored) hub.publish({ type: 'span-end', span });
    }
    return put;
  }

  function ingest(records: readonly SpanRecord[], source: TraceSource, label?: string): string[] {
    return ingestBatch(records, source, label).traceIds;
  }

  const parts: ViewerParts = { store, hub, runs, codec, scenarios, owners, ingestBatch };
  const app = new Hono();
  // First, so every answer carries them: the host guard's 421 and the error handler's too.
  app.use('*', async function securityHeaders(c, next) {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', hostGuard(opts.loopbackOnly ?? true, opts.hostNames ?? []));
  app.notFound((c) =>
    c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404)
  );

  pageRoutes(app, loadAssets);
  healthRoute(app, parts);
  eventRoutes(app, parts);
  runRoutes(app, parts, opts);
  followRoutes(app, parts);
  traceRoutes(app, parts, { maxFileBytes: maxFile, fileLimits });
  otlpRoutes(app, parts, { maxBodyBytes: maxBody, otlpLimits });
  libraryRoutes(app, parts, sources, library);

  app.onError((err, c) => {
    if (err instanceof RunError) return c.json({ error: err.message }, err.status);
    if (err instanceof ReceiveError) return c.json({ error: err.message }, err.status);
    process.stderr.write(`novatrace viewer: ${err.stack ?? String(err)}\n`);
    return c.json({ error: 'internal error' }, 500);
  });

  return {
    app,
    store,
    hub,
    runs,
    ingest,
    async ready() {
      await loadAssets();
    },
    async close() {
      offBus();
      await runs.close();
      hub.closeAll();
    },
  };
}
