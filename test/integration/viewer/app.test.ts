// Viewer routes through app.request(): the page, the event stream, runs and step mode, the OTLP
// receiver (accept and reject), trace download and upload, the source allow-list, the library.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { fromJaegerJson, toJaegerJson } from '../../../src/telemetry/jaeger.js';
import { layerSpan } from '../../../src/telemetry/layer-span.js';
import { fromOtlpJson, toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { SpanBus, spanBus } from '../../../src/telemetry/span-bus.js';
import type { SpanRecord } from '../../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp, type ViewerOptions } from '../../../src/viewer/app.js';
import type { ScenarioOutcome } from '../../../src/viewer/runs.js';
import type { RunState, TraceSummary, ViewerEvent } from '../../../src/viewer/types.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';
import { seedTrace, span, traceId } from '../../unit/viewer/spans.js';
import { FrameReader } from './sse.js';

useMemoryTracing();

const opened: ViewerApp[] = [];
afterEach(async () => {
  for (const v of opened.splice(0)) await v.close();
});

/** A two-layer stand-in for a scenario, so runs need no cloud here. */
async function fakeScenario(): Promise<ScenarioOutcome> {
  return layerSpan('nova volume-update', {}, async (root) => {
    await layerSpan('HTTPClient._cs_request', {}, async () => undefined);
    return { traceId: root.spanContext().traceId, exitCode: 0, stderr: '' };
  });
}

function viewer(opts: ViewerOptions = {}): ViewerApp & { bus: SpanBus } {
  const bus = opts.bus ?? new SpanBus();
  const v = createViewerApp({
    scenarios: () => [
      { name: 'happy', summary: 'the plain run', summaryJa: '素直な実行' },
      { name: 'warm-pool', summary: 'twice, pooled' },
    ],
    runScenario: fakeScenario,
    ...opts,
    bus,
  });
  opened.push(v);
  return Object.assign(v, { bus });
}

const JSON_POST = { 'content-type': 'application/json', origin: 'http://localhost' };

function post(
  v: ViewerApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = JSON_POST
) {
  return v.app.request(path, {
    method: 'POST',
    headers,
    body:
      typeof body === 'string' || body instanceof Uint8Array
        ? (body as BodyInit)
        : JSON.stringify(body),
  });
}

async function traces(v: ViewerApp): Promise<TraceSummary[]> {
  return (await (await v.app.request('/api/traces')).json()) as TraceSummary[];
}

function officialProtobuf(): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'cli-in-another-terminal' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  provider.getTracer('novatrace.urllib3').startSpan('HTTPConnectionPool._get_conn').end();
  const bytes = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  if (!bytes) throw new Error('no bytes');
  return bytes;
}

describe('GET /api/scenarios', () => {
  it('lists each scenario with its line, and the Japanese line where there is one', async () => {
    const res = await viewer().app.request('/api/scenarios');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { name: 'happy', summary: 'the plain run', summaryJa: '素直な実行' },
      { name: 'warm-pool', summary: 'twice, pooled' },
    ]);
  });
});

describe('createViewerApp: page and health', () => {
  it('serves the page, its script and style, with a strict CSP and no CORS', async () => {
    const v = viewer();
    const page = await v.app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/app.js');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const js = await v.app.request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await v.app.request('/assets/app.css');
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    const health = (await (await v.app.request('/healthz')).json()) as {
      ok: boolean;
      traces: number;
    };
    expect(health).toMatchObject({ ok: true, traces: 0 });
  });

  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    const v = viewer();
    const res = await v.app.request('http://evil.example:8787/api/traces');
    expect(res.status).toBe(421);
    const ok = await v.app.request('http://127.0.0.1:8787/api/traces');
    expect(ok.status).toBe(200);
  });

  it('answers a CORS preflight without any allow header', async () => {
    const v = viewer();
    const res = await v.app.request('/api/runs', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /api/events', () => {
  it('sends a resync first, then span-start and span-end as the bus publishes them', async () => {
    const v = viewer();
    const t = traceId();
    v.ingest(seedTrace(t), 'file');
    const res = await v.app.request('/api/events');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const frames = new FrameReader(res);
    const hello = await frames.next();
    expect(hello.event).toBe('resync');
    expect(hello.json<ViewerEvent & { type: 'resync' }>()).toMatchObject({
      reason: 'hello',
      traces: [{ traceId: t }],
    });
    const live = traceId();
    const running = span(live, { id: 'r', name: 'nova volume-update', start: 0 });
    v.bus.publish({ type: 'span-start', span: running });
    const start = await frames.next();
    expect(start.event).toBe('span-start');
    expect(start.json<{ span: SpanRecord }>().span).toEqual(running);
    const ended = span(live, { id: 'r', name: 'nova volume-update', start: 0, end: 3 });
    v.bus.publish({ type: 'span-end', span: ended });
    const end = await frames.next();
    expect(end.event).toBe('span-end');
    expect(end.json<{ span: SpanRecord }>().span.endTimeUnixNano).toBe(ended.endTimeUnixNano);
    expect(v.store.get(live)?.[0]?.endTimeUnixNano).toBe(ended.endTimeUnixNano);
    await frames.cancel();
  });

  it('unsubscribes a browser that goes away', async () => {
    const v = viewer();
    const controller = new AbortController();
    const res = await v.app.request('/api/events', { signal: controller.signal });
    const frames = new FrameReader(res);
    await frames.next();
    expect(v.hub.size).toBe(1);
    await frames.cancel();
    for (let i = 0; i < 100 && v.hub.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(v.hub.size).toBe(0);
  });

  it('gives a browser that reads too slowly a resync instead of an unbounded buffer', async () => {
    const v = viewer({ sse: { maxQueue: 5 } });
    const frames = new FrameReader(await v.app.request('/api/events'));
    await frames.next();
    const t = traceId();
    // In 100 turns of the event loop: a full stream keeps at most 5 events waiting, then drops.
    for (let i = 0; i < 500; i++) {
      v.bus.publish({ type: 'span-start', span: span(t, { id: i, name: `s${i}`, start: i }) });
      if (i % 5 === 4) await new Promise((r) => setImmediate(r));
    }
    expect(v.hub.stats.droppedEvents).toBeGreaterThan(0);
    const resync = await frames.until((f) => f.event === 'resync', 600);
    expect(resync.json<{ reason: string; traces: TraceSummary[] }>()).toMatchObject({
      reason: 'dropped',
      traces: [{ traceId: t, spanCount: 500 }],
    });
    await frames.cancel();
  });

  it('carries run-state events of a step-mode run', async () => {
    const v = viewer();
    const frames = new FrameReader(await v.app.request('/api/events'));
    await frames.next();
    const res = await post(v, '/api/runs', { scenario: 'happy', step: true });
    const { runId } = (await res.json()) as { runId: string };
    const paused = await frames.until(
      (f) => f.event === 'run-state' && f.json<{ run: RunState }>().run.phase === 'paused'
    );
    expect(paused.json<{ run: RunState }>().run).toMatchObject({
      runId,
      pausedAt: { name: 'nova volume-update' },
    });
    await post(v, `/api/runs/${runId}/continue`, {});
    await frames.until(
      (f) => f.event === 'run-state' && f.json<{ run: RunState }>().run.phase === 'done'
    );
    await frames.cancel();
  });
});

describe('POST /api/runs and step controls', () => {
  it('starts a run and drives it with next, continue and abort', async () => {
    const v = viewer({ bus: spanBus });
    const res = await post(v, '/api/runs', { scenario: 'happy', step: true });
    expect(res.status).toBe(202);
    const { runId, traceId: tid } = (await res.json()) as { runId: string; traceId: string };
    expect(tid).toMatch(/^[0-9a-f]{32}$/);
    expect(v.runs.get(runId)?.pausedAt?.name).toBe('nova volume-update');
    const next = (await (await post(v, `/api/runs/${runId}/next`, {})).json()) as RunState;
    expect(next.steps).toBeGreaterThanOrEqual(1);
    for (
      let i = 0;
      i < 100 && v.runs.get(runId)?.pausedAt?.name !== 'HTTPClient._cs_request';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const aborted = (await (await post(v, `/api/runs/${runId}/abort`, {})).json()) as RunState;
    expect(aborted.runId).toBe(runId);
    expect((await v.runs.settled(runId)).phase).toBe('aborted');
    expect(v.store.summary(tid)).toMatchObject({ label: 'happy', runId, errorCount: 2 });
  });

  it('relays a leading page to its followers, and only that page may lead', async () => {
    const v = viewer({ bus: spanBus });
    const lead = { ...JSON_POST, 'x-novatrace-owner': 'page-a-0123456789abcdef' };
    const other = { ...JSON_POST, 'x-novatrace-owner': 'page-b-0123456789abcdef' };
    expect((await post(v, '/api/follow', {})).status).toBe(400);
    const { followId } = (await (await post(v, '/api/follow', {}, lead)).json()) as {
      followId: string;
    };
    expect(followId).toMatch(/^[0-9a-f]{16}$/);
    const where = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };
    expect((await post(v, `/api/follow/${followId}`, where, other)).status).toBe(403);
    expect((await post(v, `/api/follow/${followId}`, { traceId: 'x' }, lead)).status).toBe(400);
    const queue = v.hub.connect();
    expect((await post(v, `/api/follow/${followId}`, where, lead)).status).toBe(200);
    expect(await queue.next(1000)).toEqual({ type: 'follow', followId, ...where });
    v.hub.disconnect(queue);
    expect(await (await v.app.request(`/api/follow/${followId}`)).json()).toEqual({
      ...where,
      leading: false,
    });
    const asLead = await v.app.request(`/api/follow/${followId}`, { headers: lead });
    expect(((await asLead.json()) as { leading: boolean }).leading).toBe(true);
    expect((await v.app.request('/api/follow/0000000000000000')).status).toBe(404);
  });

  it('moves the lead and the controls of its runs to the page that opens the teacher link', async () => {
    const v = viewer({ bus: spanBus });
    const laptop = { ...JSON_POST, 'x-novatrace-owner': 'page-a-0123456789abcdef' };
    const projector = { ...JSON_POST, 'x-novatrace-owner': 'page-b-0123456789abcdef' };
    const made = (await (await post(v, '/api/follow', {}, laptop)).json()) as {
      followId: string;
      teacherKey: string;
    };
    expect(made.teacherKey).toMatch(/^[0-9a-f]{32}$/);
    const res = await post(v, '/api/runs', { scenario: 'happy', step: true }, laptop);
    const { runId } = (await res.json()) as { runId: string };
    const teach = `/api/follow/${made.followId}/teach`;
    expect((await post(v, teach, { key: '0'.repeat(32) }, projector)).status).toBe(403);
    expect((await post(v, teach, { key: made.teacherKey })).status).toBe(400);
    const queue = v.hub.connect();
    const took = await post(v, teach, { key: made.teacherKey }, projector);
    expect(took.status).toBe(200);
    expect(((await took.json()) as { runIds: string[] }).runIds).toEqual([runId]);
    expect(await queue.next(1000)).toMatchObject({ type: 'follow', handover: true });
    v.hub.disconnect(queue);
    // The laptop's page watches now; the projector's steps, and leads the class.
    expect((await post(v, `/api/runs/${runId}/next`, {}, laptop)).status).toBe(403);
    expect((await post(v, `/api/runs/${runId}/next`, {}, projector)).status).toBe(200);
    const where = { traceId: 'a'.repeat(32) };
    expect((await post(v, `/api/follow/${made.followId}`, where, laptop)).status).toBe(403);
    expect((await post(v, `/api/follow/${made.followId}`, where, projector)).status).toBe(200);
    expect((await post(v, `/api/runs/${runId}/abort`, {}, projector)).status).toBe(200);
    await v.runs.settled(runId);
  });

  it('lets only the page that started a run step or abort it; others watch read-only', async () => {
    const v = viewer({ bus: spanBus });
    const teacher = { ...JSON_POST, 'x-novatrace-owner': 'page-a-0123456789abcdef' };
    const student = { ...JSON_POST, 'x-novatrace-owner': 'page-b-0123456789abcdef' };
    const res = await post(v, '/api/runs', { scenario: 'happy', step: true }, teacher);
    const { runId } = (await res.json()) as { runId: string };
    for (const action of ['next', 'continue', 'abort']) {
      expect((await post(v, `/api/runs/${runId}/${action}`, {}, student)).status).toBe(403);
      expect((await post(v, `/api/runs/${runId}/${action}`, {})).status).toBe(403);
    }
    expect(v.runs.get(runId)?.phase).toBe('paused');
    expect((await post(v, `/api/runs/${runId}/next`, {}, teacher)).status).toBe(200);
    expect((await post(v, `/api/runs/${runId}/abort`, {}, teacher)).status).toBe(200);
    expect((await v.runs.settled(runId)).phase).toBe('aborted');
    const bad = { ...JSON_POST, 'x-novatrace-owner': 'short' };
    expect((await post(v, '/api/runs', { scenario: 'happy' }, bad)).status).toBe(400);
  });

  it.each([
    ['another origin', { 'content-type': 'application/json', origin: 'http://evil.example' }, 403],
    [
      'a cross-site fetch',
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      403,
    ],
    [
      'a form post',
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      415,
    ],
    ['text/plain', { 'content-type': 'text/plain' }, 415],
  ])('refuses %s', async (_label, headers, status) => {
    const v = viewer();
    const res = await post(v, '/api/runs', { scenario: 'happy', step: false }, headers);
    expect(res.status).toBe(status);
    expect(v.runs.list()).toEqual([]);
  });

  it('accepts a same-origin JSON post with Sec-Fetch-Site same-origin', async () => {
    const v = viewer();
    const res = await post(
      v,
      '/api/runs',
      { scenario: 'happy' },
      {
        'content-type': 'application/json; charset=utf-8',
        'sec-fetch-site': 'same-origin',
        origin: 'http://localhost',
      }
    );
    expect(res.status).toBe(202);
  });

  it('runs a scenario on the road the body names, and refuses a road the scenario lacks', async () => {
    const roads: string[] = [];
    const v = viewer({
      scenarios: () => [
        { name: 'happy', summary: 'the plain run', nova: { note: '5 requests on 1 connection' } },
        { name: 'pool-exhausted', summary: 'library only', nova: null },
      ],
      runScenario: (name, road) => {
        roads.push(`${name}:${road}`);
        return fakeScenario();
      },
    });
    const listed = (await (await v.app.request('/api/scenarios')).json()) as unknown[];
    expect(listed).toEqual([
      { name: 'happy', summary: 'the plain run', nova: { note: '5 requests on 1 connection' } },
      { name: 'pool-exhausted', summary: 'library only', nova: null },
    ]);
    const res = await post(v, '/api/runs', { scenario: 'happy', road: 'nova' });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    expect((await v.runs.settled(runId)).road).toBe('nova');
    const plain = (await (await post(v, '/api/runs', { scenario: 'happy' })).json()) as {
      runId: string;
    };
    expect((await v.runs.settled(plain.runId)).road).toBe('note');
    expect(roads).toEqual(['happy:nova', 'happy:note']);
    const bad = await post(v, '/api/runs', { scenario: 'happy', road: 'session' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('"road" must be "note" or "nova"');
    const oneRoad = await post(v, '/api/runs', { scenario: 'pool-exhausted', road: 'nova' });
    expect(oneRoad.status).toBe(400);
    expect(((await oneRoad.json()) as { error: string }).error).toMatch(/has no nova road/);
    expect(roads).toHaveLength(2);
  });

  it('answers 400 for a bad body or an unknown scenario, 409 while a run is active, 404 for no run', async () => {
    const v = viewer();
    expect((await post(v, '/api/runs', '{not json')).status).toBe(400);
    expect((await post(v, '/api/runs', { scenario: 3 })).status).toBe(400);
    expect((await post(v, '/api/runs', { scenario: 'happy', step: 'yes' })).status).toBe(400);
    const unknown = await post(v, '/api/runs', { scenario: 'nope' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/unknown scenario/);
    const first = (await (
      await post(v, '/api/runs', { scenario: 'happy', step: true })
    ).json()) as { runId: string };
    const busy = await post(v, '/api/runs', { scenario: 'happy' });
    expect(busy.status).toBe(409);
    expect((await post(v, '/api/runs/run-42/next', {})).status).toBe(404);
    await post(v, `/api/runs/${first.runId}/continue`, {});
    await v.runs.settled(first.runId);
  });

  it('answers 503 when the viewer has no in-process runs', async () => {
    const v = viewer({ runScenario: undefined });
    expect((await post(v, '/api/runs', { scenario: 'happy' })).status).toBe(503);
  });
});

describe('POST /v1/traces', () => {
  it('accepts OTLP/JSON, stores it and streams it to browsers', async () => {
    const v = viewer();
    const frames = new FrameReader(await v.app.request('/api/events'));
    await frames.next();
    const t = traceId();
    const res = await post(v, '/v1/traces', toOtlpJson(seedTrace(t)), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(v.store.get(t)).toHaveLength(6);
    const frame = await frames.until((f) => f.event === 'span-end');
    expect(frame.json<{ span: SpanRecord }>().span.traceId).toBe(t);
    await frames.cancel();
  });

  it('accepts protobuf from the OpenTelemetry exporter encoding, and gzip', async () => {
    const v = viewer();
    const bytes = officialProtobuf();
    const res = await post(v, '/v1/traces', bytes, { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await traces(v))[0]).toMatchObject({
      rootName: 'HTTPConnectionPool._get_conn',
      source: 'otlp',
      service: 'cli-in-another-terminal',
    });
    const t = traceId();
    const gz = gzipSync(JSON.stringify(toOtlpJson(seedTrace(t))));
    const res2 = await post(v, '/v1/traces', gz, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res2.status).toBe(200);
    expect(v.store.has(t)).toBe(true);
  });

  it('refuses bad input with a clear message and leaves stored traces as they were', async () => {
    const v = viewer({ maxBodyBytes: 4096 });
    const t = traceId();
    v.ingest(seedTrace(t), 'otlp');
    const before = JSON.stringify(v.store.get(t));
    const json = { 'content-type': 'application/json' };
    const cases: [string, Uint8Array | string, Record<string, string>, number, RegExp][] = [
      ['broken JSON', '{"resourceSpans": [', json, 400, /not valid JSON/],
      [
        'JSON that is not OTLP',
        '{"resourceSpans": "nope"}',
        json,
        400,
        /not an OTLP trace request/,
      ],
      [
        'a span with a bad id',
        JSON.stringify(toOtlpJson(seedTrace(t))).replace(
          /"spanId":"[0-9a-f]{16}"/,
          '"spanId":"zz"'
        ),
        json,
        400,
        /spanId/,
      ],
      [
        'bad protobuf',
        Uint8Array.from([0x0a, 0xff, 0xff, 0x03]),
        { 'content-type': 'application/x-protobuf' },
        400,
        /protobuf/,
      ],
      ['bad gzip', 'not gzip at all', { ...json, 'content-encoding': 'gzip' }, 400, /gzip/],
      ['an unknown encoding', '{}', { ...json, 'content-encoding': 'br' }, 415, /Content-Encoding/],
      ['text/plain', 'hello', { 'content-type': 'text/plain' }, 415, /Content-Type/],
      ['a body over the limit', 'x'.repeat(5000), json, 413, /limit/],
      [
        'a gzip bomb',
        gzipSync(Buffer.alloc(200_000)),
        { ...json, 'content-encoding': 'gzip' },
        413,
        /inflates past/,
      ],
      [
        'a post from a web page elsewhere',
        '{}',
        { ...json, origin: 'http://evil.example' },
        403,
        /other origins/,
      ],
    ];
    for (const [label, body, headers, status, message] of cases) {
      const res = await post(v, '/v1/traces', body, headers);
      expect(res.status, label).toBe(status);
      const text = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
      expect(text, label).toMatch(message);
    }
    expect(JSON.stringify(v.store.get(t))).toBe(before);
    expect(v.store.traceCount).toBe(1);
  });

  it('announces a Content-Length over the limit as 413 before reading it', async () => {
    const v = viewer({ maxBodyBytes: 1024 });
    const res = await v.app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      body: '{}',
    });
    expect(res.status).toBe(413);
  });
});

describe('GET and POST /api/traces', () => {
  it('lists traces and gives one back as OTLP/JSON and as Jaeger JSON', async () => {
    const v = viewer();
    const t = traceId();
    const records = seedTrace(t);
    v.ingest(records, 'file', 'my-file.json');
    expect((await traces(v))[0]).toMatchObject({ traceId: t, label: 'my-file.json', spanCount: 6 });
    const otlp = await v.app.request(`/api/traces/${t}`);
    expect(otlp.headers.get('content-disposition')).toBeNull();
    const back = fromOtlpJson(await otlp.json());
    expect(back.map((r) => r.spanId).sort()).toEqual(records.map((r) => r.spanId).sort());
    const jaeger = await v.app.request(`/api/traces/${t}/jaeger?download`);
    expect(jaeger.headers.get('content-disposition')).toMatch(
      /attachment; filename="trace-[0-9a-f]+\.jaeger\.json"/
    );
    expect(fromJaegerJson(await jaeger.json())).toHaveLength(6);
    const recs = (await (await v.app.request(`/api/traces/${t}/records`)).json()) as SpanRecord[];
    expect(recs[0]?.name).toBe('nova volume-update');
    expect((await v.app.request(`/api/traces/${'f'.repeat(32)}`)).status).toBe(404);
    expect((await v.app.request('/api/traces/..%2F..%2Fetc')).status).toBe(404);
  });

  it('opens an OTLP/JSON or Jaeger JSON file posted by the page', async () => {
    const v = viewer();
    const t = traceId();
    const res = await post(v, '/api/traces', JSON.stringify(toJaegerJson(seedTrace(t))), {
      ...JSON_POST,
      'x-file-name': 'from-jaeger.json',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ traceIds: [t], spans: 6 });
    expect(v.store.summary(t)).toMatchObject({ source: 'file', label: 'from-jaeger.json' });
  });

  it('refuses a file that is no trace, and cross-origin uploads', async () => {
    const v = viewer();
    const bad = await post(v, '/api/traces', '{"hello": 1}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/cannot read this trace file/);
    const cross = await post(v, '/api/traces', JSON.stringify(toOtlpJson(seedTrace(traceId()))), {
      'content-type': 'application/json',
      origin: 'http://evil.example',
    });
    expect(cross.status).toBe(403);
    expect(v.store.traceCount).toBe(0);
  });
});

describe('GET /api/source and the library', () => {
  it('serves allow-listed TypeScript from src/ and nothing else', async () => {
    const v = viewer();
    const ok = await v.app.request('/api/source?file=src/viewer/app.ts');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { file: string; text: string; lines: number };
    expect(body.text).toContain('export function createViewerApp');
    for (const file of [
      '../../../../etc/passwd',
      '/etc/passwd',
      'src/../package.json',
      'src/viewer/../../package.json',
      'web/main.ts',
      'package.json',
      'src\\viewer\\app.ts',
      'src/viewer/app.ts%00.png',
      '',
    ]) {
      const res = await v.app.request(`/api/source?file=${encodeURIComponent(file)}`);
      expect(res.status, file).toBe(404);
    }
  });

  it('lists traces/*.json and serves them by name only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'novatrace-lib-'));
    writeFileSync(join(dir, 'happy.json'), JSON.stringify(toOtlpJson(seedTrace(traceId()))));
    writeFileSync(join(dir, 'notes.txt'), 'not a trace');
    const v = viewer({ libraryDir: dir });
    const list = (await (await v.app.request('/api/library')).json()) as {
      name: string;
      summary?: string;
    }[];
    expect(list).toEqual([expect.objectContaining({ name: 'happy', summary: 'the plain run' })]);
    const one = await v.app.request('/api/library/happy');
    expect(one.status).toBe(200);
    expect(fromOtlpJson(await one.json())).toHaveLength(6);
    expect((await v.app.request('/api/library/notes')).status).toBe(404);
    expect((await v.app.request('/api/library/..%2Fhappy')).status).toBe(404);
  });
});
