import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { fromOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { emptySpansProto, varint as protoVarint } from '../../helpers/otlp-proto-bytes.js';
import {
  decodeTraceRequest,
  decodeTraceRequestYielding,
  encodeRpcStatus,
  ProtoDecodeError,
  ProtoLimitError,
} from '../../../src/viewer/otlp-proto.js';

/** Real spans, serialised by OpenTelemetry's own protobuf encoder. */
async function officialBytes(): Promise<Uint8Array> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'novaclient' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('novatrace.urllib3', '0.1.0');
  tracer.startActiveSpan('HTTPConnectionPool.urlopen', { kind: SpanKind.INTERNAL }, (parent) => {
    const child = tracer.startSpan(
      'PUT',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'PUT',
          'server.port': 8774,
          'http.request.resend_count': -1,
          ratio: 0.25,
          ok: true,
          tags: ['a', 'b'],
          '<img src=x onerror=alert(1)>': '<script>alert(1)</script>',
        },
      },
      trace.setSpan(ROOT_CONTEXT, parent)
    );
    child.addEvent('pool hit', { 'novatrace.event': 'pool hit' });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end();
  });
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  await provider.shutdown();
  if (!bytes) throw new Error('serializer returned nothing');
  return bytes;
}

describe('decodeTraceRequest', () => {
  it('reads what the OpenTelemetry protobuf serializer writes', async () => {
    const body = decodeTraceRequest(await officialBytes());
    const records = fromOtlpJson(body);
    expect(records).toHaveLength(2);
    const put = records.find((r) => r.name === 'PUT');
    const parent = records.find((r) => r.name === 'HTTPConnectionPool.urlopen');
    expect(put?.kind).toBe('client');
    expect(put?.parentSpanId).toBe(parent?.spanId);
    expect(put?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(put?.service).toBe('novaclient');
    expect(put?.scope).toBe('novatrace.urllib3');
    expect(put?.attributes).toMatchObject({
      'http.request.method': 'PUT',
      'server.port': 8774,
      'http.request.resend_count': -1,
      ratio: 0.25,
      ok: true,
      tags: ['a', 'b'],
      '<img src=x onerror=alert(1)>': '<script>alert(1)</script>',
    });
    expect(put?.events[0]?.name).toBe('pool hit');
    expect(put?.status).toEqual({ code: 2, message: 'boom' });
    expect(BigInt(put?.endTimeUnixNano ?? '0')).toBeGreaterThanOrEqual(
      BigInt(put?.startTimeUnixNano ?? '1')
    );
  });

  it('reads an empty request as no spans', () => {
    expect(decodeTraceRequest(new Uint8Array(0))).toEqual({ resourceSpans: [] });
  });

  it.each([
    ['a truncated body', (b: Uint8Array) => b.subarray(0, b.length - 7)],
    ['a length that runs past the end', () => Uint8Array.from([0x0a, 0xff, 0x01, 0x00])],
    ['a varint that never ends', () => new Uint8Array(12).fill(0xff)],
    ['an unsupported wire type', () => Uint8Array.from([0x0b])],
    ['field number zero', () => Uint8Array.from([0x02, 0x00])],
    ['a wrong wire type for a known field', () => Uint8Array.from([0x08, 0x01])],
  ])('throws ProtoDecodeError for %s', async (_label, make) => {
    const bytes = make(await officialBytes());
    expect(() => decodeTraceRequest(bytes)).toThrow(ProtoDecodeError);
  });

  it('refuses strings that are not UTF-8', () => {
    // resourceSpans { scopeSpans { spans { name: 0xff 0xfe } } }
    const span = [0x2a, 0x02, 0xff, 0xfe];
    const scopeSpans = [0x12, span.length, ...span];
    const resourceSpans = [0x12, scopeSpans.length, ...scopeSpans];
    const bytes = Uint8Array.from([0x0a, resourceSpans.length, ...resourceSpans]);
    expect(() => decodeTraceRequest(bytes)).toThrow(/UTF-8/);
  });

  it('refuses values nested deeper than it allows', () => {
    // AnyValue { arrayValue { values: AnyValue { arrayValue { ... } } } }, 40 levels deep.
    const varint = (n: number) => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
    let deep: number[] = [0x0a, 0x01, 0x78];
    for (let i = 0; i < 40; i++) {
      const array = [0x0a, ...varint(deep.length), ...deep];
      deep = [0x2a, ...varint(array.length), ...array];
    }
    const kv = [0x12, ...varint(deep.length), ...deep];
    const spanBytes = [0x4a, ...varint(kv.length), ...kv];
    const scopeSpans = [0x12, ...varint(spanBytes.length), ...spanBytes];
    const resourceSpans = [0x12, ...varint(scopeSpans.length), ...scopeSpans];
    const bytes = Uint8Array.from([0x0a, ...varint(resourceSpans.length), ...resourceSpans]);
    expect(() => decodeTraceRequest(bytes)).toThrow(/nested too deeply/);
  });
});

describe('decodeTraceRequest limits', () => {
  const varint = protoVarint;

  /** One resourceSpans > one scopeSpans holding `n` entries of `entry` (field 2 of ScopeSpans). */
  function manyEntries(n: number, entry: number[]): Uint8Array {
    const scope: number[] = [];
    for (let i = 0; i < n; i++) scope.push(...entry);
    const rs = [0x12, ...varint(scope.length), ...scope];
    return Uint8Array.from([0x0a, ...varint(rs.length), ...rs]);
  }

  it('stops at maxSpans before building the rest (a body of empty spans)', () => {
    const bytes = emptySpansProto(50_000);
    let err: unknown;
    try {
      decodeTraceRequest(bytes, { maxSpans: 1000, maxItems: Infinity });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtoLimitError);
    expect((err as ProtoLimitError).limit).toBe('maxSpans');
    expect(decodeTraceRequest(bytes).resourceSpans[0]).toBeDefined();
  });

  it('counts attributes, events and links against maxItems', () => {
    // One span (field 2) holding 600 empty attributes (field 9) and 600 empty events (field 11).
    const inner: number[] = [];
    for (let i = 0; i < 600; i++) inner.push(0x4a, 0x00, 0x5a, 0x00);
    const bytes = manyEntries(1, [0x12, ...varint(inner.length), ...inner]);
    expect(() => decodeTraceRequest(bytes, { maxSpans: 10, maxItems: 1000 })).toThrow(/maxItems/);
    expect(() => decodeTraceRequest(bytes, { maxSpans: 10, maxItems: 2000 })).not.toThrow();
  });

  it('counts the spans before decoding any: over maxSpans is refused even if a span is malformed', async () => {
    // Span 1 holds a string field that is not UTF-8; there are 11 spans and 10 may come.
    const bad = [0x12, 0x04, 0x2a, 0x02, 0xff, 0xfe];
    const empty = [0x12, 0x00];
    const inner = [...bad, ...Array.from({ length: 10 }, () => empty).flat()];
    const bytes = manyEntries(1, inner);
    expect(() => decodeTraceRequest(bytes, { maxSpans: 10, maxItems: 100 })).toThrow(/maxSpans/);
    await expect(
      decodeTraceRequestYielding(bytes, { maxSpans: 10, maxItems: 100 }, async () => undefined)
    ).rejects.toThrow(/maxSpans/);
    expect(() => decodeTraceRequest(bytes, { maxSpans: 11, maxItems: 100 })).toThrow(/UTF-8/);
  });

  it('decodes in slices with pauses between them, to the same result', async () => {
    const bytes = await officialBytes();
    let pauses = 0;
    const sliced = await decodeTraceRequestYielding(
      bytes,
      { maxSpans: 100, maxItems: 100_000 },
      async () => void pauses++,
      0
    );
    expect(sliced).toEqual(decodeTraceRequest(bytes));
    expect(pauses).toBeGreaterThan(0);
  });
});

describe('encodeRpcStatus', () => {
  it('writes code and message as google.rpc.Status fields 1 and 2', () => {
    const bytes = encodeRpcStatus(3, 'bad');
    expect([...bytes]).toEqual([0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64]);
  });
});
