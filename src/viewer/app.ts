/**
 * @module
 * The viewer's Hono app: the page, the live event stream, in-process runs with step mode, the
 * OTLP receiver, trace download and upload, the read-only source pane and the trace library.
 * `createViewerApp` wires the parts; `serveCommand` (command.ts) puts it on a socket.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { PACKAGE_ROOT } from '../telemetry/call-sites.js';
import { spanBus as defaultBus, type SpanBus } from '../telemetry/span-bus.js';
import type { SpanRecord } from '../telemetry/types.js';
import { loadWebAssets, type WebAssets } from './assets.js';
import { DEFAULT_CODEC, type TraceCodec } from './codec.js';
import { EventHub, sseFrame } from './event-hub.js';
import { TraceLibrary } from './library.js';
import { encodeExportResponse, encodeRpcStatus } from './otlp-proto.js';
import {
  checkJsonText,
  DEFAULT_MAX_BODY_BYTES,
  decodeContent,
  otlpEncoding,
  parseTraceRequest,
  readLimited,
  ReceiveError,
} from './otlp-receiver.js';
import {
  locatePython,
  pythonRoots,
  SEED_PYTHON_VERSIONS,
  type PythonProject,
} from './python-source.js';
import { RunError, RunManager, type ScenarioRunner } from './runs.js';
import { hostGuard, SECURITY_HEADERS, sameOriginJson } from './security.js';
import { SourceFiles } from './source-files.js';
import {
  DEFAULT_FILE_REQUEST_LIMITS,
  DEFAULT_OTLP_REQUEST_LIMITS,
  requestLimitsFor,
  trimOtlpRequest,
  type RequestLimits,
} from './span-limits.js';
import { TraceStore, type TraceStoreOptions } from './trace-store.js';
import type { ScenarioLine, TraceSource, TracesOpened, ViewerEvent } from './types.js';

/** Biggest trace file the page may open through `POST /api/traces` (bytes). */
export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;
/** OTLP batches bigger than this are announced as one resync rather than span by span. */
const LIVE_BATCH_LIMIT = 500;
const TRACE_ID = /^[0-9a-f]{16,32}$/;

/** The header a page sends with its own random token to own the runs it starts. */
export const OWNER_HEADER = 'x-novatrace-owner';
const OWNER_TOKEN = /^[\w-]{16,64}$/;
const MAX_OWNERS = 256;

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
  /** Per-browser event queue bound and heartbeat interval. */
  readonly sse?: { readonly maxQueue?: number; readonly heartbeatMs?: number };
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

/** What the scenario list says of a nova road: only the fields that say something. */
function novaLine(nova: NonNullable<ScenarioLine['nova']>): NonNullable<ScenarioLine['nova']> {
  return {
    ...(nova.note ? { note: nova.note } : {}),
    ...(nova.noteJa ? { noteJa: nova.noteJa } : {}),
    ...(nova.faultNotOnThisRoad ? { faultNotOnThisRoad: true } : {}),
  };
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
  const heartbeatMs = opts.sse?.heartbeatMs ?? 15_000;
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
  const hub = new EventHub({ maxQueue: opts.sse?.maxQueue });
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

  // --- the page -------------------------------------------------------------------------
  const page = async (c: Context) => {
    const a = await loadAssets();
    return c.html(a.html, 200, { 'cache-control': 'no-cache' });
  };
  app.get('/', page);
  app.get('/index.html', page);
  app.get('/assets/app.js', async (c) => {
    const a = await loadAssets();
    return c.body(a.js, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      etag: `"${a.version}"`,
    });
  });
  app.get('/assets/app.css', async (c) => {
    const a = await loadAssets();
    return c.body(a.css, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      etag: `"${a.version}"`,
    });
  });
  app.get('/assets/icon.svg', async (c) => {
    const a = await loadAssets();
    return c.body(a.icon, 200, {
      'content-type': 'image/svg+xml',
      'cache-control': 'max-age=3600',
    });
  });
  app.get('/favicon.ico', (c) => c.redirect('/assets/icon.svg', 301));

  app.get('/healthz', (c) =>
    c.json({
      ok: true,
      traces: store.traceCount,
      spans: store.spanCount,
      bytes: store.bytes,
      limits: {
        maxTraces: store.maxTraces,
        maxSpans: store.maxSpans,
        maxSpansPerTrace: store.maxSpansPerTrace,
        maxBytes: store.maxBytes,
        maxTraceBytes: store.maxTraceBytes,
        span: store.spanLimits,
      },
      ...store.stats,
      clients: hub.size,
      activeRun: runs.active()?.runId ?? null,
    })
  );

  // --- live events ----------------------------------------------------------------------
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const client = hub.connect();
      stream.onAbort(() => hub.disconnect(client));
      const resync = (reason: 'hello' | 'dropped'): ViewerEvent => ({
        type: 'resync',
        reason: reason === 'hello' ? 'hello' : client.dropped > 0 ? 'dropped' : 'bulk',
        traces: store.list(),
        runs: runs.list(),
      });
      await stream.writeSSE({
        event: 'resync',
        data: JSON.stringify(resync('hello')),
        retry: 2000,
      });
      for (;;) {
        const item = await client.next(heartbeatMs);
        if (item === undefined || stream.aborted) break;
        if (item === 'idle') await stream.write(': keep-alive\n\n');
        else if (item === 'resync') {
          await stream.writeSSE({ event: 'resync', data: JSON.stringify(resync('dropped')) });
        } else {
          // What is queued by the end of this turn of the loop goes out in the same write: one
          // write per burst (an OTLP batch, a run's step), not one per event and per page.
          await new Promise((resolve) => setImmediate(resolve));
          let text = sseFrame(item);
          for (let n = 1; n < 256; n++) {
            const more = client.take();
            if (!more) break;
            text += sseFrame(more);
          }
          await stream.write(text);
        }
      }
      hub.disconnect(client);
    })
  );

  // --- scenarios and runs ---------------------------------------------------------------
  app.get('/api/scenarios', (c) =>
    c.json(
      scenarios().map(({ name, summary, summaryJa, nova }) => ({
        name,
        summary,
        ...(summaryJa ? { summaryJa } : {}),
        ...(nova === undefined ? {} : { nova: nova && novaLine(nova) }),
      }))
    )
  );
  /** Which page owns a run it started (run id → the page's owner token). */
  const owners = new Map<string, string>();
  app.get('/api/runs', (c) => c.json(runs.list()));
  app.get('/api/runs/:id', (c) => {
    const run = runs.get(c.req.param('id'));
    return run ? c.json(run) : c.json({ error: 'no such run' }, 404);
  });
  let roots: readonly string[] | undefined = opts.pythonRoots;
  app.get('/api/python', (c) => {
    const project = c.req.query('project') ?? '';
    const file = c.req.query('file') ?? '';
    const name = c.req.query('name') ?? '';
    if (!(project in SEED_PYTHON_VERSIONS) || !/^[\w/]+\.py$/.test(file) || file.includes('..')) {
      return c.json(
        { error: 'expected ?project=novaclient|requests|urllib3&file=x/y.py&name=' },
        400
      );
    }
    if (!/^[\w.]{1,120}$/.test(name)) return c.json({ error: 'bad name' }, 400);
    roots ??= pythonRoots(opts.pythonSrc ? { pythonSrc: opts.pythonSrc } : {});
    return c.json(locatePython(project as PythonProject, file, name, roots));
  });
  app.get('/api/runs/:id/stops', (c) => {
    const id = c.req.param('id');
    return runs.get(id) ? c.json(runs.stops(id)) : c.json({ error: 'no such run' }, 404);
  });
  app.post('/api/runs', sameOriginJson(), async (c) => {
    const body = await readJson(c, 64 * 1024);
    if (!isRecord(body) || typeof body.scenario !== 'string') {
      return c.json({ error: 'expected {"scenario": "<name>", "step": true|false}' }, 400);
    }
    if (body.step !== undefined && typeof body.step !== 'boolean') {
      return c.json({ error: '"step" must be true or false' }, 400);
    }
    if (body.stops !== undefined && body.stops !== 'layers' && body.stops !== 'decisions') {
      return c.json({ error: '"stops" must be "layers" or "decisions"' }, 400);
    }
    if (body.road !== undefined && body.road !== 'note' && body.road !== 'nova') {
      return c.json({ error: '"road" must be "note" or "nova"' }, 400);
    }
    const road = body.road ?? 'note';
    if (road === 'nova' && scenarios().find((s) => s.name === body.scenario)?.nova === null) {
      return c.json(
        {
          error: `scenario '${body.scenario.slice(0, 80)}' has no nova road: its fault exists only at the library level`,
        },
        400
      );
    }
    if (!opts.runScenario) return c.json({ error: 'in-process runs are not available here' }, 503);
    const owner = c.req.header(OWNER_HEADER);
    if (owner !== undefined && !OWNER_TOKEN.test(owner)) {
      return c.json({ error: `${OWNER_HEADER} must be 16 to 64 letters, digits, - or _` }, 400);
    }
    const started = await runs.start(
      body.scenario,
      body.step === true,
      body.stops ?? 'layers',
      road
    );
    if (owner) {
      owners.set(started.runId, owner);
      // Bounded: forget the oldest runs' owners (those runs are long finished).
      for (const old of owners.keys()) {
        if (owners.size <= MAX_OWNERS) break;
        owners.delete(old);
      }
    }
    return c.json(started, 202);
  });
  for (const action of ['next', 'continue', 'abort'] as const) {
    app.post(`/api/runs/:id/${action}`, sameOriginJson(), (c) => {
      const id = c.req.param('id');
      // A run started by a page belongs to it: other pages watch it read-only.
      const owner = owners.get(id);
      if (owner !== undefined && c.req.header(OWNER_HEADER) !== owner) {
        return c.json(
          { error: 'this run belongs to the page that started it; other pages watch it read-only' },
          403
        );
      }
      const state =
        action === 'next'
          ? runs.next(id)
          : action === 'continue'
            ? runs.resume(id)
            : runs.abort(id);
      return c.json(state);
    });
  }

  // --- follow mode: a teacher's page, mirrored by the class --------------------------------
  /**
   * Followable pages: follow id → the leading page's owner token, the teacher key of the
   * teacher link (`#teach=<id>.<key>`, which moves the lead to the page that opens it), and
   * what the leading page shows.
   */
  const follows = new Map<
    string,
    { owner: string; key: string; traceId?: string; spanId?: string }
  >();
  app.post('/api/follow', sameOriginJson(), (c) => {
    const owner = c.req.header(OWNER_HEADER);
    if (!owner || !OWNER_TOKEN.test(owner)) {
      return c.json({ error: `a followable page sends its ${OWNER_HEADER} token` }, 400);
    }
    for (const [id, f] of follows)
      if (f.owner === owner) return c.json({ followId: id, teacherKey: f.key });
    const followId = randomUUID().replace(/-/g, '').slice(0, 16);
    const key = randomUUID().replace(/-/g, '');
    follows.set(followId, { owner, key });
    for (const old of follows.keys()) {
      if (follows.size <= MAX_OWNERS) break;
      follows.delete(old);
    }
    return c.json({ followId, teacherKey: key }, 201);
  });
  app.get('/api/follow/:id', (c) => {
    const f = follows.get(c.req.param('id'));
    if (!f) return c.json({ error: 'no such follow link (the viewer may have restarted)' }, 404);
    return c.json({
      traceId: f.traceId ?? null,
      spanId: f.spanId ?? null,
      leading: c.req.header(OWNER_HEADER) === f.owner,
    });
  });
  // The teacher link: the page that opens it becomes the one page leading the class, with the
  // controls of the runs the previous leading page started; that page becomes a follower.
  app.post('/api/follow/:id/teach', sameOriginJson(), async (c) => {
    const followId = c.req.param('id');
    const f = follows.get(followId);
    if (!f) return c.json({ error: 'no such follow link (the viewer may have restarted)' }, 404);
    const owner = c.req.header(OWNER_HEADER);
    if (!owner || !OWNER_TOKEN.test(owner)) {
      return c.json({ error: `a teaching page sends its ${OWNER_HEADER} token` }, 400);
    }
    const body = await readJson(c, 1024);
    const key = isRecord(body) && typeof body.key === 'string' ? body.key : '';
    if (!sameSecret(key, f.key)) return c.json({ error: 'this teacher link is not valid' }, 403);
    const before = f.owner;
    const runIds: string[] = [];
    if (before !== owner) {
      f.owner = owner;
      for (const [runId, o] of owners) {
        if (o !== before) continue;
        owners.set(runId, owner);
        runIds.push(runId);
      }
    }
    hub.publish({
      type: 'follow',
      followId,
      traceId: f.traceId ?? '',
      ...(f.spanId ? { spanId: f.spanId } : {}),
      handover: true,
    });
    return c.json({
      followId,
      teacherKey: f.key,
      runIds,
      traceId: f.traceId ?? null,
      spanId: f.spanId ?? null,
    });
  });
  app.post('/api/follow/:id', sameOriginJson(), async (c) => {
    const followId = c.req.param('id');
    const f = follows.get(followId);
    if (!f) return c.json({ error: 'no such follow link' }, 404);
    if (c.req.header(OWNER_HEADER) !== f.owner) {
      return c.json({ error: 'only the page that made this follow link can lead it' }, 403);
    }
    const body = await readJson(c, 4 * 1024);
    const hex = (v: unknown, n: number) =>
      typeof v === 'string' && new RegExp(`^[0-9a-f]{${n}}$`).test(v);
    if (
      !isRecord(body) ||
      !hex(body.traceId, 32) ||
      (body.spanId !== undefined && !hex(body.spanId, 16))
    ) {
      return c.json({ error: 'expected {"traceId": "<32 hex>", "spanId": "<16 hex>"}' }, 400);
    }
    f.traceId = body.traceId as string;
    f.spanId = body.spanId as string | undefined;
    hub.publish({
      type: 'follow',
      followId,
      traceId: f.traceId,
      ...(f.spanId ? { spanId: f.spanId } : {}),
    });
    return c.json({ ok: true });
  });

  // --- stored traces --------------------------------------------------------------------
  app.get('/api/traces', (c) => c.json(store.list()));
  app.get('/api/traces/:traceId/records', (c) => {
    const spans = traceOr404(c);
    return spans instanceof Response ? spans : c.json(spans);
  });
  app.get('/api/traces/:traceId/jaeger', (c) => {
    const spans = traceOr404(c);
    if (spans instanceof Response) return spans;
    return download(c, codec.toJaegerJson(spans), `trace-${c.req.param('traceId')}.jaeger.json`);
  });
  app.get('/api/traces/:traceId', (c) => {
    const spans = traceOr404(c);
    if (spans instanceof Response) return spans;
    return download(c, codec.toOtlpJson(spans), `trace-${c.req.param('traceId')}.otlp.json`);
  });
  app.post('/api/traces', sameOriginJson(), async (c) => {
    const bytes = await readLimited(c.req.raw, maxFile);
    const text = new TextDecoder('utf-8').decode(bytes);
    // Counted before it is parsed: a small file may stand for millions of objects.
    await checkJsonText(text, fileLimits);
    let records: SpanRecord[];
    try {
      records = codec.readTraceFile(text);
    } catch (err) {
      return c.json({ error: `cannot read this trace file: ${(err as Error).message}` }, 400);
    }
    if (records.length === 0) return c.json({ error: 'the file holds no spans' }, 400);
    const name = c.req.header('x-file-name');
    const label = name && /^[\w .()-]{1,120}$/.test(name) ? name : undefined;
    const { traceIds, refused } = ingestBatch(records, 'file', label);
    const answer: TracesOpened = {
      traceIds,
      spans: records.length - refused,
      ...(refused > 0 ? { refusedSpans: refused } : {}),
    };
    return c.json(answer, 201);
  });

  // --- OTLP/HTTP receiver ---------------------------------------------------------------
  app.post('/v1/traces', async (c) => {
    const encoding = otlpEncoding(c.req.header('content-type'));
    const fail = (status: 400 | 403 | 413 | 415, message: string) =>
      encoding === 'protobuf'
        ? c.body(
            encodeRpcStatus(status === 413 ? 8 : 3, message) as Uint8Array<ArrayBuffer>,
            status,
            {
              'content-type': 'application/x-protobuf',
            }
          )
        : c.json({ code: status === 413 ? 8 : 3, message }, status);
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    if (
      (site && site !== 'same-origin' && site !== 'none') ||
      (origin && origin !== new URL(c.req.url).origin)
    ) {
      return fail(403, 'browsers on other origins may not post spans here');
    }
    if (!encoding) {
      return fail(415, 'expected Content-Type application/json or application/x-protobuf');
    }
    let records: SpanRecord[];
    try {
      const raw = await readLimited(c.req.raw, maxBody);
      const bytes = await decodeContent(raw, c.req.header('content-encoding'), maxBody);
      records = await parseTraceRequest(
        bytes,
        encoding,
        (body) => {
          trimOtlpRequest(body, store.spanLimits);
          return codec.fromOtlpJson(body);
        },
        otlpLimits
      );
    } catch (err) {
      if (err instanceof ReceiveError) return fail(err.status, err.message);
      throw err;
    }
    const { refused } = ingestBatch(records, 'otlp');
    // OTLP/HTTP: a request taken in part is still a 200, with the count in partialSuccess.
    const partial =
      refused > 0
        ? {
            rejectedSpans: refused,
            errorMessage:
              `${refused} span(s) refused: a trace may hold at most ` +
              `${store.maxSpansPerTrace} spans and about ${store.maxTraceBytes} bytes here`,
          }
        : undefined;
    return encoding === 'protobuf'
      ? c.body(encodeExportResponse(partial) as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'application/x-protobuf',
        })
      : c.json(
          partial
            ? {
                partialSuccess: {
                  rejectedSpans: String(partial.rejectedSpans),
                  errorMessage: partial.errorMessage,
                },
              }
            : {},
          200
        );
  });

  // --- source pane and library ----------------------------------------------------------
  app.get('/api/source', async (c) => {
    const file = c.req.query('file') ?? '';
    const source = await sources.read(file);
    if (!source)
      return c.json({ error: `not an allowed source file: '${file.slice(0, 200)}'` }, 404);
    return c.json(source, 200, { 'cache-control': 'no-cache' });
  });
  app.get('/api/library', (c) => {
    const summaries = new Map(scenarios().map((s) => [s.name, s.summary]));
    return c.json(library.list(summaries));
  });
  app.get('/api/library/:name', async (c) => {
    const text = await library.read(c.req.param('name'));
    if (text === undefined) return c.json({ error: 'no such recorded trace' }, 404);
    return c.body(text, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.onError((err, c) => {
    if (err instanceof RunError) return c.json({ error: err.message }, err.status);
    if (err instanceof ReceiveError) return c.json({ error: err.message }, err.status);
    process.stderr.write(`novatrace viewer: ${err.stack ?? String(err)}\n`);
    return c.json({ error: 'internal error' }, 500);
  });

  function traceOr404(c: Context): SpanRecord[] | Response {
    const id = c.req.param('traceId') ?? '';
    const spans = TRACE_ID.test(id) ? store.get(id) : undefined;
    return (
      spans ?? c.json({ error: `no trace '${id.slice(0, 64)}' (it may have been evicted)` }, 404)
    );
  }

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

function download(c: Context, body: unknown, filename: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (c.req.query('download') !== undefined) {
    headers['content-disposition'] = `attachment; filename="${filename}"`;
  }
  return c.body(JSON.stringify(body), 200, headers);
}

async function readJson(c: Context, limit: number): Promise<unknown> {
  const bytes = await readLimited(c.req.raw, limit);
  try {
    return JSON.parse(new TextDecoder('utf-8').decode(bytes)) as unknown;
  } catch {
    throw new ReceiveError(400, 'body is not valid JSON');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compares two secrets in constant time (a teacher key). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
