import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberSecret, sha1Redact } from '../../../src/telemetry/redact.js';
import {
  ForwardingSpanProcessor,
  RecordingSpanProcessor,
  RedactionSpanProcessor,
} from '../../../src/telemetry/processors.js';
import {
  createOtlpExporter,
  displayEndpoint,
  GuardedExporter,
  parseKeyValueList,
  planExport,
  reasonOf,
  resourceFromEnv,
  viewerTracesUrl,
  warnExportFailure,
} from '../../../src/telemetry/sdk.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('planExport', () => {
  it('exports nothing out of the box', () => {
    expect(planExport({})).toEqual({ console: false, warnings: [] });
  });

  it('turns OTLP on when an endpoint is configured, http/protobuf to <endpoint>/v1/traces', () => {
    const plan = planExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(plan.otlp).toEqual({
      protocol: 'http/protobuf',
      url: 'http://127.0.0.1:4318/v1/traces',
      headers: {},
      timeoutMillis: 2000,
      compression: 'none',
    });
    expect(planExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318/base/' }).otlp?.url).toBe(
      'http://h:4318/base/v1/traces'
    );
  });

  it('uses a traces-specific endpoint as it is', () => {
    const plan = planExport({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://h:9999/custom/path',
    });
    expect(plan.otlp?.url).toBe('http://h:9999/custom/path');
  });

  it('honours OTEL_TRACES_EXPORTER: none wins, otlp without endpoint uses the default, console', () => {
    expect(
      planExport({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318' })
        .otlp
    ).toBeUndefined();
    expect(planExport({ OTEL_TRACES_EXPORTER: 'otlp' }).otlp?.url).toBe(
      'http://localhost:4318/v1/traces'
    );
    const both = planExport({ OTEL_TRACES_EXPORTER: 'console, otlp' });
    expect(both.console).toBe(true);
    expect(both.otlp).toBeDefined();
    const onlyConsole = planExport({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318',
    });
    expect(onlyConsole.console).toBe(true);
    expect(onlyConsole.otlp).toBeUndefined();
  });

  it('warns about exporters it does not support', () => {
    const plan = planExport({ OTEL_TRACES_EXPORTER: 'zipkin' });
    expect(plan.warnings).toEqual([
      'novatrace: OTEL_TRACES_EXPORTER=zipkin is not supported (otlp, console, none); ignored',
    ]);
    expect(plan.otlp).toBeUndefined();
  });

  it('reads the protocol, signal-specific first; grpc keeps the endpoint as is', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318' };
    expect(planExport({ ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlp?.protocol).toBe(
      'http/json'
    );
    expect(
      planExport({
        ...env,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }).otlp?.protocol
    ).toBe('http/protobuf');
    expect(
      planExport({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }).otlp
    ).toMatchObject({ protocol: 'grpc', url: 'http://h:4317' });
    const odd = planExport({ ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' });
    expect(odd.otlp?.protocol).toBe('http/protobuf');
    expect(odd.warnings[0]).toMatch(/carrier-pigeon is not supported.*using http\/protobuf/);
  });

  it('caps the timeout at 2 s unless the user sets one', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318' };
    expect(planExport(env).otlp?.timeoutMillis).toBe(2000);
    expect(planExport({ ...env, OTEL_EXPORTER_OTLP_TIMEOUT: '10000' }).otlp?.timeoutMillis).toBe(
      10000
    );
    expect(
      planExport({
        ...env,
        OTEL_EXPORTER_OTLP_TIMEOUT: '10000',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '500',
      }).otlp?.timeoutMillis
    ).toBe(500);
    expect(planExport({ ...env, OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }).otlp?.timeoutMillis).toBe(
      2000
    );
  });

  it('reads headers (decoded, specific over generic) and compression', () => {
    const plan = planExport({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=two%20words',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'a=3',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    expect(plan.otlp?.headers).toEqual({ a: '3', b: 'two words' });
    expect(plan.otlp?.compression).toBe('gzip');
  });

  it('refuses an endpoint that is not http(s), with a warning', () => {
    const plan = planExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' });
    expect(plan.otlp).toBeUndefined();
    expect(plan.warnings[0]).toMatch(/is not an http\(s\) URL; spans are not exported/);
  });
});

describe('parseKeyValueList', () => {
  it('skips malformed pairs', () => {
    expect(parseKeyValueList('a=1,novalue,=x,b=%zz,c = 3 ')).toEqual({ a: '1', c: '3' });
  });
});

describe('resourceFromEnv', () => {
  it('names the service novaclient by default, OTEL_SERVICE_NAME winning', () => {
    expect(resourceFromEnv({}, 'novaclient').attributes['service.name']).toBe('novaclient');
    expect(
      resourceFromEnv(
        { OTEL_SERVICE_NAME: 'mine', OTEL_RESOURCE_ATTRIBUTES: 'service.name=other' },
        'novaclient'
      ).attributes['service.name']
    ).toBe('mine');
    expect(
      resourceFromEnv(
        { OTEL_RESOURCE_ATTRIBUTES: 'service.name=other,deployment.environment=lab' },
        'x'
      ).attributes
    ).toMatchObject({ 'service.name': 'other', 'deployment.environment': 'lab' });
  });

  it('carries no process, host or command-line attribute', () => {
    const keys = Object.keys(resourceFromEnv({}, 'novaclient').attributes);
    expect(keys.filter((k) => /^(process|host)\./.test(k))).toEqual([]);
    expect(keys.sort()).toEqual([
      'service.name',
      'service.version',
      'telemetry.sdk.language',
      'telemetry.sdk.name',
      'telemetry.sdk.version',
    ]);
  });
});

describe('displayEndpoint and reasonOf', () => {
  it('hides credentials in an endpoint URL', () => {
    expect(displayEndpoint('http://user:pw@h:4318/v1/traces')).toBe(
      'http://REDACTED:REDACTED@h:4318/v1/traces'
    );
  });

  it('makes an error one short safe line, with remembered secrets scrubbed', () => {
    rememberSecret('s3cr3t-token-value');
    const reason = reasonOf(new Error('bad\n\u001b[31m s3cr3t-token-value\tthing'));
    expect(reason).toBe(`bad \\x1b[31m ${sha1Redact('s3cr3t-token-value')} thing`);
    expect(reasonOf(new Error('x'.repeat(500)))).toHaveLength(200);
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:9'), {
      code: 'ECONNREFUSED',
    });
    expect(reasonOf(new AggregateError([refused], ''))).toBe('connect ECONNREFUSED ::1:9');
    expect(reasonOf(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });

  it('drops the dangling "Resolution note:" of a gRPC connect error', () => {
    const grpc = new Error(
      '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:4317. Resolution note: '
    );
    expect(reasonOf(grpc)).toBe(
      '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:4317'
    );
  });
});

describe('warnExportFailure', () => {
  it('prints one line per endpoint, however many failures', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    warnExportFailure(
      'http://127.0.0.1:1/v1/traces',
      new Error('connect ECONNREFUSED 127.0.0.1:1')
    );
    warnExportFailure('http://127.0.0.1:1/v1/traces', new Error('again'));
    expect(write.mock.calls).toEqual([
      [
        'novatrace: could not export spans to http://127.0.0.1:1/v1/traces: connect ECONNREFUSED 127.0.0.1:1 (the run itself is unaffected)\n',
      ],
    ]);
  });
});

describe('GuardedExporter', () => {
  const failing = (error: Error): SpanExporter => ({
    export: (_spans, cb) => cb({ code: ExportResultCode.FAILED, error }),
    shutdown: () => Promise.reject(error),
  });

  it('reports a failed export and answers success', () => {
    const failures: unknown[] = [];
    const guarded = new GuardedExporter(failing(new Error('down')), (e) => failures.push(e));
    let result: ExportResult | undefined;
    guarded.export([], (r) => (result = r));
    expect(result?.code).toBe(ExportResultCode.SUCCESS);
    expect(failures).toEqual([new Error('down')]);
  });

  it('never rejects on shutdown', async () => {
    const failures: unknown[] = [];
    await new GuardedExporter(failing(new Error('down')), (e) => failures.push(e)).shutdown();
    expect(failures).toHaveLength(1);
  });

  it('catches an exporter that throws', () => {
    const throwing: SpanExporter = {
      export: () => {
        throw new Error('sync boom');
      },
      shutdown: () => Promise.resolve(),
    };
    const failures: unknown[] = [];
    let result: ExportResult | undefined;
    new GuardedExporter(throwing, (e) => failures.push(e)).export([], (r) => (result = r));
    expect(result?.code).toBe(ExportResultCode.SUCCESS);
    expect(failures).toHaveLength(1);
  });
});

describe('createOtlpExporter', () => {
  const plan = {
    url: 'http://h:4317',
    headers: {},
    timeoutMillis: 2000,
    compression: 'none',
  } as const;

  it('uses the gRPC exporter sdk-node brings along', async () => {
    const { exporter, url } = createOtlpExporter({ ...plan, protocol: 'grpc' }, () => undefined);
    expect(exporter.constructor.name).toBe('OTLPTraceExporter');
    expect(url).toBe('http://h:4317');
    await exporter.shutdown();
  });

  it('falls back to http/protobuf on 4318 with one warning when gRPC cannot load', async () => {
    const warnings: string[] = [];
    const { url, exporter } = createOtlpExporter(
      { ...plan, protocol: 'grpc' },
      (w) => warnings.push(w),
      () => {
        throw new Error("Cannot find module '@opentelemetry/exporter-trace-otlp-grpc'");
      }
    );
    expect(url).toBe('http://h:4318/v1/traces');
    expect(warnings).toEqual([
      "novatrace: OTLP over gRPC is not available here (Cannot find module '@opentelemetry/exporter-trace-otlp-grpc'); sending http/protobuf to http://h:4318/v1/traces instead",
    ]);
    await exporter.shutdown();
  });
});

describe('viewerTracesUrl', () => {
  it('appends /v1/traces and accepts a bare host:port', () => {
    expect(viewerTracesUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787/v1/traces');
    expect(viewerTracesUrl('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787/v1/traces');
    expect(viewerTracesUrl('localhost:8787')).toBe('http://localhost:8787/v1/traces');
    expect(viewerTracesUrl('ftp://x')).toBeUndefined();
    expect(viewerTracesUrl('http://')).toBeUndefined();
  });
});

/** A private provider with the given processors in front of an in-memory exporter. */
function providerWith(...front: SpanProcessor[]) {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'test' }),
    spanProcessors: [...front, new SimpleSpanProcessor({ exporter: memory })],
  });
  return { provider, memory, tracer: provider.getTracer('t') };
}

async function finished(p: {
  provider: TracerProvider;
  memory: InMemorySpanExporter;
}): Promise<ReadableSpan[]> {
  await p.provider.forceFlush();
  return p.memory.getFinishedSpans();
}

describe('RedactionSpanProcessor', () => {
  it('scrubs remembered secrets set after start from name, attributes, events and status', async () => {
    const secret = 'hunter2-password';
    rememberSecret(secret);
    const p = providerWith(new RedactionSpanProcessor());
    const span = p.tracer.startSpan(`login ${secret}`, { attributes: { 'at.start': secret } });
    span.setAttribute('late', `password=${secret}`);
    span.setAttribute('list', ['ok', secret]);
    span.setAttribute('number', 3);
    span.addEvent(`event ${secret}`, { detail: secret });
    span.setStatus({ code: SpanStatusCode.ERROR, message: `failed for ${secret}` });
    span.end();
    const [done] = await finished(p);
    const hash = sha1Redact(secret);
    expect(done!.name).toBe(`login ${hash}`);
    expect(done!.attributes).toEqual({
      'at.start': hash,
      late: `password=${hash}`,
      list: ['ok', hash],
      number: 3,
    });
    expect(done!.events[0]!.name).toBe(`event ${hash}`);
    expect(done!.events[0]!.attributes).toEqual({ detail: hash });
    expect(done!.status).toEqual({ code: SpanStatusCode.ERROR, message: `failed for ${hash}` });
    expect(JSON.stringify(done!.attributes)).not.toContain(secret);
  });

  it('scrubs the start attributes before later processors see the span start, while the live bus listens', () => {
    const secret = 'another-secret-value';
    rememberSecret(secret);
    const seen: unknown[] = [];
    const watcher = new RecordingSpanProcessor();
    const spy = {
      onStart: (s: { attributes: unknown }) => seen.push({ ...(s.attributes as object) }),
      onEnd: () => undefined,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const listened = { size: 1 };
    const p = providerWith(
      new RedactionSpanProcessor(listened),
      spy as unknown as SpanProcessor,
      watcher
    );
    p.tracer.startSpan('x', { attributes: { a: secret } }).end();
    expect(seen).toEqual([{ a: sha1Redact(secret) }]);
    // Nobody listening: the start is left alone (no one sees a running span), the end is not.
    listened.size = 0;
    p.tracer.startSpan('y', { attributes: { a: secret } }).end();
    expect(seen[1]).toEqual({ a: secret });
    expect(watcher.records().map((r) => r.attributes)).toEqual([
      { a: sha1Redact(secret) },
      { a: sha1Redact(secret) },
    ]);
  });
});

describe('RecordingSpanProcessor', () => {
  it('keeps finished spans as records, and at most max of them', () => {
    const recorder = new RecordingSpanProcessor(3);
    const p = providerWith(recorder);
    for (let i = 0; i < 5; i++) p.tracer.startSpan(`s${i}`, { kind: SpanKind.CLIENT }).end();
    const records = recorder.records();
    expect(records.map((r) => r.name)).toEqual(['s2', 's3', 's4']);
    expect(records[0]).toMatchObject({ kind: 'client', service: 'test', scope: 't' });
    expect(records[0]!.endTimeUnixNano).toBeDefined();
  });
});

describe('ForwardingSpanProcessor', () => {
  it('forwards while open, and its shutdown leaves the targets running', async () => {
    const recorder = new RecordingSpanProcessor();
    let open = true;
    const borrower = providerWith(new ForwardingSpanProcessor([recorder], () => open));
    borrower.tracer.startSpan('one').end();
    await borrower.provider.shutdown();
    // The target still works for its owner after the borrower shut down.
    const owner = providerWith(recorder);
    owner.tracer.startSpan('two').end();
    open = false;
    const late = providerWith(new ForwardingSpanProcessor([recorder], () => open));
    late.tracer.startSpan('three').end();
    expect(recorder.records().map((r) => r.name)).toEqual(['one', 'two']);
  });
});
