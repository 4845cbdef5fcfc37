import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportResponse } from '../../../src/viewer/otlp-proto.js';
import {
  approximateBytes,
  DEFAULT_SPAN_LIMITS,
  DROPPED_ATTRIBUTES,
  limitSpan,
  spanLimits,
  TRUNCATED_MARK,
} from '../../../src/viewer/span-limits.js';
import { TraceStore } from '../../../src/viewer/trace-store.js';
import { seedTrace, span, traceId } from './spans.js';

describe('limitSpan', () => {
  it('returns a span within the limits as it is', () => {
    const s = seedTrace(traceId())[1]!;
    expect(limitSpan(s, DEFAULT_SPAN_LIMITS)).toBe(s);
  });

  it('cuts long strings without splitting a surrogate pair, and marks the cut', () => {
    const limits = spanLimits({ maxStringLength: 4 });
    const s = span(traceId(), {
      id: 1,
      name: 'abc😀def',
      start: 0,
      attributes: { k: 'abc😀', fits: 'ab😀' },
    });
    const out = limitSpan(s, limits);
    expect(out.name).toBe(`abc${TRUNCATED_MARK}`);
    expect(out.attributes.k).toBe(`abc${TRUNCATED_MARK}`);
    expect(out.attributes.fits).toBe('ab😀');
  });

  it('adds its drops to counts already on the span', () => {
    const limits = spanLimits({ maxAttributes: 6 });
    const attributes = { [DROPPED_ATTRIBUTES]: 10, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 };
    const out = limitSpan(span(traceId(), { id: 1, name: 'n', start: 0, attributes }), limits);
    expect(Object.keys(out.attributes).length).toBeLessThanOrEqual(6);
    const kept = Object.keys(out.attributes).filter((k) => k !== DROPPED_ATTRIBUTES).length;
    expect(out.attributes[DROPPED_ATTRIBUTES]).toBe(10 + 6 - kept);
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => spanLimits({ maxEvents: 0 })).toThrow(RangeError);
  });
});

describe('TraceStore bounds per trace and in bytes', () => {
  it('refuses spans past maxSpansPerTrace and keeps the other traces', () => {
    const store = new TraceStore({ maxSpans: 100, maxSpansPerTrace: 3 });
    const other = traceId();
    store.putAll(seedTrace(other).slice(0, 2), 'otlp');
    const t = traceId();
    const spans = Array.from({ length: 5 }, (_, i) => span(t, { id: i, name: 's', start: i }));
    const put = store.putMany(spans, 'otlp');
    expect(put).toMatchObject({ traceIds: [t], refused: 2 });
    expect(put.stored).toHaveLength(3);
    expect(store.put(spans[4]!, 'otlp')).toBe('refused');
    expect(store.get(other)).toHaveLength(2);
    expect(store.stats).toEqual({ evictedTraces: 0, droppedSpans: 3 });
  });

  it('evicts the oldest traces once the approximate bytes pass maxBytes', () => {
    const store = new TraceStore({ maxBytes: 50_000, maxTraceBytes: 20_000 });
    const ids = [traceId(), traceId(), traceId(), traceId()];
    for (const t of ids) {
      store.put(
        span(t, { id: 1, name: 'p', start: 0, attributes: { v: 'z'.repeat(8000) } }),
        'otlp'
      );
    }
    expect(store.bytes).toBeLessThanOrEqual(50_000);
    expect(store.has(ids[0]!)).toBe(false);
    expect(store.has(ids[3]!)).toBe(true);
    store.clear();
    expect(store.bytes).toBe(0);
  });

  it('counts what the packed spans hold, not their size as records, against the byte bounds', () => {
    // 2,000 layer-like spans: about 1.3 KB each as records, far less packed.
    const store = new TraceStore({ maxBytes: 2_000_000 });
    const t = traceId();
    const spans = Array.from({ length: 2000 }, (_, i) =>
      span(t, {
        id: i,
        parent: i === 0 ? undefined : Math.floor((i - 1) / 4),
        name: 'HTTPConnectionPool.urlopen',
        start: i,
        end: i + 1,
        attributes: {
          'code.function.name': 'HTTPConnectionPool.urlopen',
          'code.file.path': 'src/urllib3/connectionpool.ts',
          'code.line.number': 200 + (i % 50),
          'novatrace.layer': 'urllib3',
          'novatrace.upstream.file': 'urllib3/connectionpool.py',
          'url.full': `http://127.0.0.1:8774/v2.1/servers/${i}/os-volume_attachments`,
          'server.port': 8774,
        },
        events: [{ name: 'pool hit', at: i, key: 'pool hit' }],
      })
    );
    const asRecords = spans.reduce((sum, s) => sum + approximateBytes(s), 0);
    expect(asRecords).toBeGreaterThan(store.maxTraceBytes);
    expect(store.putMany(spans, 'otlp').refused).toBe(0);
    expect(store.get(t)).toHaveLength(2000);
    expect(store.bytes).toBeLessThan(asRecords / 3);
    // Replacing every span with its own copy leaves the count where it was, once compacted.
    const before = store.bytes;
    for (let round = 0; round < 3; round++) store.putMany(spans, 'otlp');
    expect(store.bytes).toBeLessThan(before * 2);
    expect(store.bytes).toBeLessThanOrEqual(store.maxBytes);
  });

  it('forgets the shared strings of evicted traces once they far outnumber what is left', () => {
    const store = new TraceStore({ maxTraces: 1 });
    const big = traceId();
    for (let i = 0; i < 100; i++) {
      const attributes = Object.fromEntries(
        Array.from({ length: 100 }, (_, k) => [`k${k}`, `value ${i} ${k}`])
      );
      store.put(span(big, { id: i, name: 's', start: i, attributes }), 'otlp');
    }
    expect(store.sharedEntries).toBeGreaterThan(10_000);
    store.put(span(traceId(), { id: 1, name: 's', start: 0 }), 'otlp');
    expect(store.has(big)).toBe(false);
    expect(store.sharedEntries).toBe(0);
  });

  it('refuses a span bigger than a trace may be, without making an empty trace', () => {
    const store = new TraceStore({ maxTraceBytes: 1000 });
    const t = traceId();
    const fat = span(t, { id: 1, name: 'p', start: 0, attributes: { v: 'z'.repeat(4000) } });
    expect(store.put(fat, 'otlp')).toBe('refused');
    expect(store.has(t)).toBe(false);
    expect(store.traceCount).toBe(0);
  });
});

describe('encodeExportResponse', () => {
  it('encodes partial_success as OpenTelemetry reads it, and nothing when all was taken', () => {
    const bytes = encodeExportResponse({ rejectedSpans: 300, errorMessage: 'trace full' });
    const decoded = ProtobufTraceSerializer.deserializeResponse(bytes);
    expect(Number(decoded.partialSuccess?.rejectedSpans)).toBe(300);
    expect(decoded.partialSuccess?.errorMessage).toBe('trace full');
    expect(encodeExportResponse()).toHaveLength(0);
  });
});
