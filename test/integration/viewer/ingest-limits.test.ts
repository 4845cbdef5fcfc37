/**
 * What one request may do to the viewer's store: a huge trace is capped instead of evicting the
 * others, oversized spans are cut to OpenTelemetry-style limits, memory is bounded by an
 * approximate byte budget, and an upload cut off mid-body is a quiet 400.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { SpanBus } from '../../../src/telemetry/span-bus.js';
import type { AttrValue } from '../../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp, type ViewerOptions } from '../../../src/viewer/app.js';
import {
  DROPPED_ATTRIBUTES,
  DROPPED_EVENT_ATTRIBUTES,
  DROPPED_EVENTS,
  TRUNCATED_MARK,
  TRUNCATED_VALUES,
} from '../../../src/viewer/span-limits.js';
import { span, traceId } from '../../unit/viewer/spans.js';

const opened: ViewerApp[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const v of opened.splice(0)) await v.close();
});

function viewer(opts: ViewerOptions = {}): ViewerApp {
  const v = createViewerApp({ bus: new SpanBus(), ...opts });
  opened.push(v);
  return v;
}

function post(v: ViewerApp, path: string, body: string | Uint8Array, type = 'application/json') {
  return v.app.request(path, {
    method: 'POST',
    headers: { 'content-type': type, origin: 'http://localhost' },
    body: body as BodyInit,
  });
}

interface Health {
  traces: number;
  spans: number;
  bytes: number;
  evictedTraces: number;
  droppedSpans: number;
  limits: Record<string, unknown>;
}

async function health(v: ViewerApp): Promise<Health> {
  return (await (await v.app.request('/healthz')).json()) as Health;
}

// --- a minimal protobuf writer for ExportTraceServiceRequest (trace.proto field numbers) -------

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function lenField(field: number, bytes: ArrayLike<number>): number[] {
  return [(field << 3) | 2, ...varint(bytes.length), ...Array.from(bytes)];
}

function fixed64(field: number, value: bigint): number[] {
  const out = [(field << 3) | 1];
  for (let i = 0n; i < 8n; i++) out.push(Number((value >> (8n * i)) & 0xffn));
  return out;
}

function hexBytes(hex: string): number[] {
  return hex.match(/../g)!.map((h) => parseInt(h, 16));
}

const T0 = 1_795_000_000_000_000_000n;

/** One span: ids, name, start and end; optionally `events` empty events. */
function protoSpan(trace: string, index: number, events = 0): number[] {
  const out = [
    ...lenField(1, hexBytes(trace)),
    ...lenField(2, hexBytes((index + 1).toString(16).padStart(16, '0'))),
    ...lenField(5, [0x73]), // name "s"
    ...fixed64(7, T0 + BigInt(index)),
    ...fixed64(8, T0 + BigInt(index) + 1n),
  ];
  const event = lenField(11, [...fixed64(1, T0), ...lenField(2, [0x65])]);
  for (let i = 0; i < events; i++) out.push(...event);
  return out;
}

/** `ExportTraceServiceRequest` holding the given encoded spans in one resource and scope. */
function protoRequest(spans: number[][]): Uint8Array {
  const scope: number[] = [];
  for (const s of spans) scope.push(...lenField(2, s));
  return Uint8Array.from(lenField(1, lenField(2, scope)));
}

async function partialFromProtobuf(res: Response) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  return ProtobufTraceSerializer.deserializeResponse(bytes).partialSuccess;
}

describe('POST /v1/traces: one huge trace', () => {
  it('caps the trace instead of evicting every other stored trace', async () => {
    // Our spans carry an end time, so 110,000 of them are a little over the default 4 MiB.
    const v = viewer({
      maxBodyBytes: 8 * 1024 * 1024,
      store: { maxSpansPerTrace: 10_000 },
      // One request may hold more spans than one trace may: the rest is a partial success.
      otlpLimits: { maxSpans: 200_000 },
    });
    const small: string[] = [];
    for (let i = 0; i < 250; i++) {
      const t = traceId();
      small.push(t);
      v.ingest([span(t, { id: 'root', name: `small ${i}`, start: 0, end: 1 })], 'otlp');
    }
    expect(await health(v)).toMatchObject({ traces: 200, spans: 200, evictedTraces: 50 });

    const big = traceId();
    const spans = Array.from({ length: 110_000 }, (_, i) => protoSpan(big, i));
    const body = protoRequest(spans);
    expect(body.length).toBeGreaterThan(3_000_000);
    const res = await post(v, '/v1/traces', body, 'application/x-protobuf');
    expect(res.status).toBe(200);
    const partial = await partialFromProtobuf(res);
    expect(Number(partial?.rejectedSpans)).toBe(100_000);
    expect(partial?.errorMessage).toMatch(/10000 spans/);

    const h = await health(v);
    expect(h.limits).toMatchObject({ maxSpansPerTrace: 10_000 });
    // Only the oldest small trace leaves, for the 200-trace bound, as oldest-first says.
    expect(h).toMatchObject({ traces: 200, spans: 199 + 10_000, evictedTraces: 51 });
    expect(h.droppedSpans).toBe(100_000);
    expect(v.store.get(big)).toHaveLength(10_000);
    for (const t of small.slice(51)) expect(v.store.has(t), t).toBe(true);
  });

  it('reports refused spans in partialSuccess for OTLP/JSON and leaves other traces alone', async () => {
    const v = viewer({ store: { maxSpans: 1000, maxSpansPerTrace: 100 } });
    const others = [traceId(), traceId()];
    for (const t of others)
      v.ingest([span(t, { id: 'r', name: 'other', start: 0, end: 1 })], 'otlp');
    const big = traceId();
    const spans = Array.from({ length: 150 }, (_, i) => span(big, { id: i, name: 's', start: i }));
    const res = await post(v, '/v1/traces', JSON.stringify(toOtlpJson(spans)));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedSpans).toBe('50');
    expect(answer.partialSuccess.errorMessage).toMatch(/at most 100 spans/);
    expect(v.store.get(big)).toHaveLength(100);
    for (const t of others) expect(v.store.get(t)).toHaveLength(1);
    // More of the same trace later is refused too, whole.
    const more = Array.from({ length: 3 }, (_, i) =>
      span(big, { id: 500 + i, name: 's', start: 0 })
    );
    const again = await post(v, '/v1/traces', JSON.stringify(toOtlpJson(more)));
    expect(await again.json()).toMatchObject({ partialSuccess: { rejectedSpans: '3' } });
    expect(v.store.get(big)).toHaveLength(100);
  });

  it('answers an empty protobuf body when everything was taken', async () => {
    const v = viewer();
    const res = await post(
      v,
      '/v1/traces',
      protoRequest([protoSpan(traceId(), 0)]),
      'application/x-protobuf'
    );
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('POST /v1/traces and /api/traces: span limits', () => {
  function fatSpan(t: string) {
    const attributes: Record<string, AttrValue> = {
      big: 'x'.repeat(100_000),
      list: Array.from({ length: 500 }, (_, i) => i),
    };
    for (let i = 0; i < 300; i++) attributes[`a${i}`] = '';
    const eventAttrs: Record<string, AttrValue> = {};
    for (let i = 0; i < 200; i++) eventAttrs[`e${i}`] = i;
    const events = Array.from({ length: 300 }, (_, i) => ({
      name: `ev${i}`,
      at: 1,
      attributes: i === 0 ? eventAttrs : {},
    }));
    return span(t, { id: 'fat', name: 'fat', start: 0, end: 2, attributes, events });
  }

  function expectCut(v: ViewerApp, t: string) {
    const [stored] = v.store.get(t) ?? [];
    expect(stored).toBeDefined();
    const attrs = stored!.attributes;
    expect(Object.keys(attrs).length).toBeLessThanOrEqual(128);
    expect(attrs[DROPPED_ATTRIBUTES]).toBe(302 - (Object.keys(attrs).length - 4));
    expect(stored!.events).toHaveLength(128);
    expect(attrs[DROPPED_EVENTS]).toBe(172);
    expect(Object.keys(stored!.events[0]!.attributes)).toHaveLength(128);
    expect(attrs[DROPPED_EVENT_ATTRIBUTES]).toBe(72);
    const big = attrs.big as string;
    expect(big.length).toBe(8192 + TRUNCATED_MARK.length);
    expect(big.endsWith(TRUNCATED_MARK)).toBe(true);
    expect(attrs.list).toHaveLength(128);
    expect(attrs[TRUNCATED_VALUES]).toBe(2);
  }

  it('cuts an OTLP span to 128 attributes, 128 events, 8 KiB strings, 128 array items', async () => {
    const v = viewer();
    const t = traceId();
    const res = await post(v, '/v1/traces', JSON.stringify(toOtlpJson([fatSpan(t)])));
    expect(res.status).toBe(200);
    expectCut(v, t);
  });

  it('cuts the spans of an opened file the same way', async () => {
    const v = viewer();
    const t = traceId();
    const res = await post(v, '/api/traces', JSON.stringify(toOtlpJson([fatSpan(t)])));
    expect(res.status).toBe(201);
    expectCut(v, t);
  });

  it('keeps 128 of a protobuf span with thousands of events', async () => {
    const v = viewer();
    const t = traceId();
    const res = await post(
      v,
      '/v1/traces',
      protoRequest([protoSpan(t, 0, 5000)]),
      'application/x-protobuf'
    );
    expect(res.status).toBe(200);
    const [stored] = v.store.get(t) ?? [];
    expect(stored?.events).toHaveLength(128);
    expect(stored?.attributes[DROPPED_EVENTS]).toBe(5000 - 128);
  });

  it('bounds memory: evicts the oldest traces once the byte budget is spent', async () => {
    const v = viewer({ store: { maxBytes: 200_000 } });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const t = traceId();
      ids.push(t);
      const attributes = { payload: 'y'.repeat(3_000_000) };
      const body = JSON.stringify(
        toOtlpJson([span(t, { id: 1, name: 'p', start: 0, end: 1, attributes })])
      );
      expect((await post(v, '/v1/traces', body)).status).toBe(200);
    }
    const h = await health(v);
    expect(h.limits).toMatchObject({ maxBytes: 200_000, maxTraceBytes: 100_000 });
    expect(h.bytes).toBeLessThanOrEqual(200_000);
    expect(h.evictedTraces).toBeGreaterThan(0);
    expect(h.traces).toBe(20 - h.evictedTraces);
    expect(v.store.has(ids[0]!)).toBe(false);
    expect(v.store.has(ids[19]!)).toBe(true);
  });
});

describe('POST /api/traces: an upload cut off mid-body', () => {
  it('answers 400 without writing a stack trace', async () => {
    const v = viewer();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"resourceSpans":['));
        // What Node's HTTP server does to the body of a request whose client went away.
        controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      },
    });
    const req = new Request('http://localhost/api/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost' },
      body,
      duplex: 'half',
    } as RequestInit);
    const res = await v.app.request(req);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/ended before it was complete/);
    expect(stderr).not.toHaveBeenCalled();
    expect(v.store.traceCount).toBe(0);
  });
});
