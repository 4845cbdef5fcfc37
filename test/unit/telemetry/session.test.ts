import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decision, layerSpan } from '../../../src/telemetry/layer-span.js';
import { fromOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { rememberSecret, sha1Redact } from '../../../src/telemetry/redact.js';
import { startTelemetry } from '../../../src/telemetry/session.js';
import { spanBus } from '../../../src/telemetry/span-bus.js';
import { readTraceFile } from '../../../src/telemetry/trace-file.js';
import type { BusEvent } from '../../../src/telemetry/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novatrace-session-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A tiny run: the CLI root, one layer with a decision, a CLIENT wire span. */
async function run(): Promise<void> {
  await layerSpan('nova volume-update', {}, () =>
    layerSpan('HTTPClient._cs_request', {}, async () => {
      decision('token held: skip authenticate');
      const span = trace.getTracer('novatrace.urllib3').startSpan('PUT', { kind: SpanKind.CLIENT });
      span.end();
    })
  );
}

describe('startTelemetry', () => {
  it('records every finished span with service.name novaclient and nesting', async () => {
    const session = startTelemetry({ env: {} });
    try {
      await run();
    } finally {
      await session.shutdown();
    }
    const records = session.records();
    expect(records.map((r) => r.name)).toEqual([
      'PUT',
      'HTTPClient._cs_request',
      'nova volume-update',
    ]);
    expect(new Set(records.map((r) => r.service))).toEqual(new Set(['novaclient']));
    const [put, cs, root] = records;
    expect(put!.parentSpanId).toBe(cs!.spanId);
    expect(cs!.parentSpanId).toBe(root!.spanId);
    expect(cs!.events[0]!.name).toBe('token held: skip authenticate');
  });

  it('lets OTEL_SERVICE_NAME win over the serviceName option', async () => {
    const session = startTelemetry({
      serviceName: 'from-option',
      env: { OTEL_SERVICE_NAME: 'from-env' },
    });
    await run();
    await session.shutdown();
    expect(session.records()[0]!.service).toBe('from-env');
    const second = startTelemetry({ serviceName: 'from-option', env: {} });
    await run();
    await second.shutdown();
    expect(second.records()[0]!.service).toBe('from-option');
  });

  it('works again and again in one process (globals re-registered each time)', async () => {
    for (let i = 0; i < 3; i++) {
      const session = startTelemetry({ env: {} });
      await run();
      await session.shutdown();
      expect(session.records()).toHaveLength(3);
    }
    // After shutdown the globals are released: spans are no-ops, nothing is kept.
    expect(trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
  });

  it('propagates context across await and sets up the W3C propagator', async () => {
    const session = startTelemetry({ env: {} });
    const carrier: Record<string, string> = {};
    await layerSpan('HTTPClient.request', {}, async () => {
      await new Promise((r) => setTimeout(r, 5));
      propagation.inject(context.active(), carrier);
    });
    await session.shutdown();
    const [span] = session.records();
    expect(carrier.traceparent).toBe(`00-${span!.traceId}-${span!.spanId}-01`);
  });

  it('publishes span start and end on the live bus', async () => {
    const events: BusEvent[] = [];
    const off = spanBus.subscribe((e) => events.push(e));
    const session = startTelemetry({ env: {} });
    try {
      await run();
    } finally {
      off();
      await session.shutdown();
    }
    expect(events.map((e) => `${e.type} ${e.span.name}`)).toEqual([
      'span-start nova volume-update',
      'span-start HTTPClient._cs_request',
      'span-start PUT',
      'span-end PUT',
      'span-end HTTPClient._cs_request',
      'span-end nova volume-update',
    ]);
    expect(events[0]!.span.endTimeUnixNano).toBeUndefined();
  });

  it('scrubs remembered secrets before the bus, the recorder and the files see them', async () => {
    const secret = 'Sup3rSecretPassw0rd';
    rememberSecret(secret);
    const seen: string[] = [];
    const off = spanBus.subscribe((e) => seen.push(JSON.stringify(e)));
    const file = join(dir, 'secret.json');
    const session = startTelemetry({ env: {}, traceFile: file });
    trace.getTracer('raw').startActiveSpan(`raw ${secret}`, (span) => {
      span.setAttribute('leak', `--os-password=${secret}`);
      span.addEvent(`event ${secret}`, { also: secret });
      span.setStatus({ code: SpanStatusCode.ERROR, message: secret });
      span.end();
    });
    off();
    await session.shutdown();
    const text = await readFile(file, 'utf8');
    for (const out of [text, JSON.stringify(session.records()), seen.join('\n')]) {
      expect(out).not.toContain(secret);
    }
    expect(session.records()[0]!.attributes.leak).toBe(`--os-password=${sha1Redact(secret)}`);
  });

  it('feeds the cloud provider spans into the same records, and outlives its shutdown', async () => {
    const session = startTelemetry({ env: {} });
    const cloud = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'nova-api' }),
      spanProcessors: session.cloudSpanProcessors(),
    });
    cloud.getTracer('novatrace.cloud').startSpan('GET /v2.1', { kind: SpanKind.SERVER }).end();
    await cloud.shutdown();
    await run();
    await session.shutdown();
    const records = session.records();
    expect(records[0]).toMatchObject({ name: 'GET /v2.1', service: 'nova-api', kind: 'server' });
    expect(records).toHaveLength(4);
  });

  it('writes --trace-file and --jaeger-file at shutdown, both readable back', async () => {
    const otlp = join(dir, 'run.json');
    const jaeger = join(dir, 'run.jaeger.json');
    const session = startTelemetry({ env: {}, traceFile: otlp, jaegerFile: jaeger });
    await run();
    await session.shutdown();
    const fromOtlp = readTraceFile(await readFile(otlp, 'utf8'));
    const fromJaeger = readTraceFile(await readFile(jaeger, 'utf8'));
    expect(fromOtlp).toEqual(session.records());
    expect(fromJaeger.map((r) => r.name).sort()).toEqual(fromOtlp.map((r) => r.name).sort());
    expect(JSON.parse(await readFile(jaeger, 'utf8')).data[0].spans).toHaveLength(3);
    // Process tags from the resource, as Jaeger's own OTLP translator writes them.
    const processes = Object.values(
      JSON.parse(await readFile(jaeger, 'utf8')).data[0].processes
    ) as {
      serviceName: string;
      tags: { key: string; value: unknown }[];
    }[];
    for (const p of processes) {
      const keys = p.tags.map((t) => t.key);
      expect(keys).toEqual(
        expect.arrayContaining([
          'service.version',
          'telemetry.sdk.language',
          'telemetry.sdk.name',
          'telemetry.sdk.version',
        ])
      );
      expect(keys).not.toContain('service.name');
    }
  });

  it('warns once and names the file when a trace file cannot be written', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const bad = join(dir, 'no-such-folder', 'run.json');
    const session = startTelemetry({ env: {}, traceFile: bad });
    await run();
    await expect(session.shutdown()).resolves.toEqual({ unwritten: [bad] });
    const lines = write.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^novatrace: could not write .*no-such-folder.*run\.json: ENOENT/);
  });

  it('returns the same promise when shut down twice', async () => {
    const session = startTelemetry({ env: {} });
    const a = session.shutdown();
    expect(session.shutdown()).toBe(a);
    await a;
  });
});

describe('startTelemetry with --viewer', () => {
  let server: Server;
  let url: string;
  const received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('posts OTLP/JSON to <viewer>/v1/traces, without the collector headers', async () => {
    received.length = 0;
    const session = startTelemetry({
      viewerUrl: url,
      env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=collector-only' },
    });
    await run();
    await session.shutdown();
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r.path).toBe('/v1/traces');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-api-key']).toBeUndefined();
    }
    const spans = received.flatMap((r) => fromOtlpJson(JSON.parse(r.body)));
    expect(spans.map((s) => s.name).sort()).toEqual([
      'HTTPClient._cs_request',
      'PUT',
      'nova volume-update',
    ]);
    expect(spans.every((s) => s.service === 'novaclient')).toBe(true);
  });

  it('warns once when the viewer is not there, and resolves', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const session = startTelemetry({ viewerUrl: `127.0.0.1:${port}`, env: {} });
    await run();
    await run();
    // An unreachable viewer is a warning, not a lost file: nothing is reported unwritten.
    await expect(session.shutdown()).resolves.toEqual({ unwritten: [] });
    const lines = write.mock.calls.map((c) => String(c[0]));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^novatrace: could not export spans to http://127\\.0\\.0\\.1:${port}/v1/traces: .*ECONNREFUSED.* \\(the run itself is unaffected\\)\\n$`
        )
      ),
    ]);
    expect(session.records()).toHaveLength(6);
  });

  it('warns about a --viewer value that is not a URL and still records', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const session = startTelemetry({ viewerUrl: 'ftp://nope', env: {} });
    await run();
    await session.shutdown();
    expect(write.mock.calls.map((c) => String(c[0]))).toEqual([
      'novatrace: --viewer ftp://nope is not an http(s) URL; spans are not sent\n',
    ]);
    expect(session.records()).toHaveLength(3);
  });
});

describe('startTelemetry without sdk-node', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('needs NodeSDK only for the tuning variables it alone reads', async () => {
    const { needsNodeSdk } = await import('../../../src/telemetry/session.js');
    expect(needsNodeSdk({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h' })).toBe(
      false
    );
    expect(needsNodeSdk({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '5' })).toBe(true);
    expect(needsNodeSdk({ OTEL_TRACES_SAMPLER: 'always_off' })).toBe(true);
    expect(needsNodeSdk({ OTEL_PROPAGATORS: '' })).toBe(false);
    // tracecontext, baggage and none are read directly; other propagators need NodeSDK.
    expect(needsNodeSdk({ OTEL_PROPAGATORS: 'none' })).toBe(false);
    expect(needsNodeSdk({ OTEL_PROPAGATORS: 'tracecontext, baggage' })).toBe(false);
    expect(needsNodeSdk({ OTEL_PROPAGATORS: 'tracecontext,b3' })).toBe(true);
  });

  it('reads OTEL_PROPAGATORS as NodeSDK does: none turns propagation off', async () => {
    const { propagatorFromEnv } = await import('../../../src/telemetry/session.js');
    expect(propagatorFromEnv({ OTEL_PROPAGATORS: 'none' })).toBeNull();
    expect(propagatorFromEnv({ OTEL_PROPAGATORS: 'tracecontext,none' })).toBeNull();
    expect(propagatorFromEnv({})?.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    expect(propagatorFromEnv({ OTEL_PROPAGATORS: 'tracecontext' })?.fields()).toEqual([
      'traceparent',
      'tracestate',
    ]);
    vi.stubEnv('OTEL_PROPAGATORS', 'none');
    const session = startTelemetry({ env: {} });
    try {
      await layerSpan('HTTPClient._cs_request', {}, async () => {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        expect(trace.getActiveSpan()?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(carrier).toEqual({});
      });
    } finally {
      await session.shutdown();
    }
  });

  it('propagates W3C trace context and baggage, as NodeSDK does by default', async () => {
    const session = startTelemetry({ env: {} });
    try {
      await layerSpan('HTTPClient._cs_request', {}, async () => {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        const active = trace.getActiveSpan()?.spanContext();
        expect(carrier.traceparent).toBe(`00-${active?.traceId}-${active?.spanId}-01`);
        expect(propagation.fields()).toEqual(expect.arrayContaining(['traceparent', 'baggage']));
      });
    } finally {
      await session.shutdown();
    }
  });

  it('still honours a limit variable, through NodeSDK', async () => {
    vi.stubEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', '5');
    const session = startTelemetry({ env: {} });
    try {
      await layerSpan('HTTPClient._cs_request', { 'url.path': 'abcdefghij' }, () => undefined);
      const span = session.records().find((r) => r.name === 'HTTPClient._cs_request');
      expect(span?.attributes['url.path']).toBe('abcde');
    } finally {
      await session.shutdown();
    }
  });
});
