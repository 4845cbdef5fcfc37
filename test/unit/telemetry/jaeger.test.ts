import { describe, expect, it } from 'vitest';
import { TraceFormatError } from '../../../src/telemetry/error.js';
import { fromJaegerJson, toJaegerJson, type JaegerTag } from '../../../src/telemetry/jaeger.js';
import { fromOtlpJson, toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import type { SpanRecord } from '../../../src/telemetry/types.js';
import { TRACE_ID, sampleTrace, span } from './sample-trace.js';

function tagsOf(tags: readonly JaegerTag[]): Record<string, unknown> {
  return Object.fromEntries(tags.map((t) => [t.key, { type: t.type, value: t.value }]));
}

function errorOf(fn: () => unknown): TraceFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TraceFormatError);
    return err as TraceFormatError;
  }
  throw new Error('expected a TraceFormatError');
}

/** Parent of each span by name, the shape a tree view nests by. */
function nesting(records: readonly SpanRecord[]): Record<string, string | undefined> {
  const names = new Map(records.map((r) => [r.spanId, r.name]));
  return Object.fromEntries(
    records.map((r) => [r.name, r.parentSpanId ? names.get(r.parentSpanId) : undefined])
  );
}

describe('toJaegerJson', () => {
  it('writes one trace with a process per service and CHILD_OF references', () => {
    const file = toJaegerJson(sampleTrace());
    expect(file.data).toHaveLength(1);
    const [trace] = file.data;
    expect(trace!.traceID).toBe(TRACE_ID);
    expect(trace!.processes).toEqual({
      p1: { serviceName: 'novaclient', tags: [] },
      p2: { serviceName: 'nova-api', tags: [] },
    });
    const server = trace!.spans.find((s) => s.operationName.startsWith('PUT /'))!;
    expect(server.processID).toBe('p2');
    expect(server.references).toEqual([
      { refType: 'CHILD_OF', traceID: TRACE_ID, spanID: 'a000000000000005' },
    ]);
    expect(trace!.spans.find((s) => s.operationName === 'nova volume-update')!.references).toEqual(
      []
    );
  });

  it('writes resource attributes as process tags, service.name as the serviceName', () => {
    const resources = new Map([
      [
        'novaclient',
        {
          'service.name': 'novaclient',
          'service.version': '0.1.0',
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.version': '2.12.0',
        },
      ],
    ]);
    const { processes } = toJaegerJson(sampleTrace(), resources).data[0]!;
    expect(processes.p1).toEqual({
      serviceName: 'novaclient',
      tags: [
        { key: 'service.version', type: 'string', value: '0.1.0' },
        { key: 'telemetry.sdk.language', type: 'string', value: 'nodejs' },
        { key: 'telemetry.sdk.version', type: 'string', value: '2.12.0' },
      ],
    });
    // A service the table does not know gets no tags rather than another's.
    expect(processes.p2).toEqual({ serviceName: 'nova-api', tags: [] });
    // OTLP/JSON carries the same attributes on the resource.
    const otlp = toOtlpJson(sampleTrace(), resources);
    expect(otlp.resourceSpans[0]!.resource.attributes.map((a) => a.key)).toEqual([
      'service.name',
      'service.version',
      'telemetry.sdk.language',
      'telemetry.sdk.version',
    ]);
  });

  it('never lets a child end after its parent in microseconds, whatever the nanoseconds', () => {
    // Ends 1 ns apart on both sides of a microsecond boundary, starts likewise.
    const base = 1_732_500_000_000_000_000n;
    const rec = (spanId: string, start: bigint, end: bigint, parent?: string): SpanRecord => ({
      ...span(spanId, spanId, { start: 0, end: 1, ...(parent ? { parent } : {}) }),
      startTimeUnixNano: (base + start).toString(),
      endTimeUnixNano: (base + end).toString(),
    });
    const records = [
      rec('b000000000000001', 999n, 5_000_000n),
      rec('b000000000000002', 1_000n, 4_999_999n, 'b000000000000001'),
      rec('b000000000000003', 1_999n, 4_999_001n, 'b000000000000002'),
    ];
    const spans = toJaegerJson(records).data[0]!.spans;
    const byId = new Map(spans.map((s) => [s.spanID, s]));
    for (const child of spans) {
      const parentId = child.references[0]?.spanID;
      if (!parentId) continue;
      const parent = byId.get(parentId)!;
      expect(child.startTime).toBeGreaterThanOrEqual(parent.startTime);
      expect(child.startTime + child.duration).toBeLessThanOrEqual(
        parent.startTime + parent.duration
      );
    }
    // The duration comes from the converted start and end: 4999 µs, not 5000.
    expect(byId.get('b000000000000002')!.duration).toBe(4_999 - 1);
  });

  it('uses microseconds for start, duration and log timestamps', () => {
    const [trace] = toJaegerJson(sampleTrace()).data;
    const pool = trace!.spans.find((s) => s.operationName === 'HTTPConnectionPool._get_conn')!;
    expect(pool.startTime).toBe(1_732_500_000_000_000 + 4000); // T0 in µs + 4 ms
    expect(pool.duration).toBe(1000);
    expect(pool.logs[0]!.timestamp).toBe(pool.startTime + 500);
    expect(Number.isInteger(pool.startTime)).toBe(true);
  });

  it('types tags and adds kind, scope and status the way the OTel Jaeger mapping does', () => {
    const [trace] = toJaegerJson(sampleTrace()).data;
    const cs = trace!.spans.find((s) => s.operationName === 'HTTPClient._cs_request')!;
    expect(tagsOf(cs.tags)).toMatchObject({
      'http.request.method': { type: 'string', value: 'PUT' },
      'code.line.number': { type: 'int64', value: 120 },
      ratio: { type: 'float64', value: 0.25 },
      retried: { type: 'bool', value: false },
      'novatrace.ports': { type: 'string', value: '[8774,5000]' },
      'span.kind': { type: 'string', value: 'internal' },
      'otel.scope.name': { type: 'string', value: 'novatrace.novaclient' },
      'otel.library.name': { type: 'string', value: 'novatrace.novaclient' },
    });
    expect(tagsOf(cs.tags)).not.toHaveProperty('error');
    const failed = trace!.spans.find((s) => s.operationName === 'HTTPAdapter.send')!;
    expect(tagsOf(failed.tags)).toMatchObject({
      'otel.status_code': { type: 'string', value: 'ERROR' },
      'otel.status_description': { type: 'string', value: 'Connection refused' },
      error: { type: 'bool', value: true },
    });
    const wire = trace!.spans.find((s) => s.operationName === 'PUT')!;
    expect(tagsOf(wire.tags)['span.kind']).toEqual({ type: 'string', value: 'client' });
  });

  it('writes events as logs whose first field is the event name', () => {
    const [trace] = toJaegerJson(sampleTrace()).data;
    const pool = trace!.spans.find((s) => s.operationName === 'HTTPConnectionPool._get_conn')!;
    expect(pool.logs[0]!.fields[0]).toEqual({
      key: 'event',
      type: 'string',
      value: 'Starting new HTTP connection (1): 127.0.0.1:8774',
    });
    expect(tagsOf(pool.logs[0]!.fields)['novatrace.event']).toEqual({
      type: 'string',
      value: 'pool miss: new connection',
    });
  });

  // What Jaeger UI's Upload needs to nest the spans (model/transform-trace-data.tsx and the
  // span tree selector): a lower-case traceID, processes for every processID, a non-zero
  // integer startTime, and the parent as a reference to a spanID of the same trace.
  it('meets what Jaeger UI Upload relies on to build the tree', () => {
    const [trace] = toJaegerJson(sampleTrace()).data;
    expect(trace!.traceID).toMatch(/^[0-9a-f]{32}$/);
    const ids = new Set(trace!.spans.map((s) => s.spanID));
    const valueTypes = { string: 'string', bool: 'boolean', int64: 'number', float64: 'number' };
    for (const s of trace!.spans) {
      expect(trace!.processes[s.processID]?.serviceName).toBeTruthy();
      expect(Number.isInteger(s.startTime) && s.startTime > 0).toBe(true);
      expect(Number.isInteger(s.duration) && s.duration >= 0).toBe(true);
      for (const ref of s.references) expect(ids.has(ref.spanID)).toBe(true);
      for (const t of [...s.tags, ...s.logs.flatMap((l) => l.fields)]) {
        expect(typeof t.value).toBe(valueTypes[t.type as keyof typeof valueTypes]);
        if (t.type === 'int64') expect(Number.isInteger(t.value)).toBe(true);
      }
    }
    expect(trace!.spans.filter((s) => s.references.length === 0)).toHaveLength(1);
  });

  it('writes one trace per trace id', () => {
    const other = {
      ...span('c000000000000001', 'other', { start: 1, end: 2 }),
      traceId: 'f'.repeat(32),
    };
    const file = toJaegerJson([...sampleTrace(), other]);
    expect(file.data.map((t) => t.traceID)).toEqual([TRACE_ID, 'f'.repeat(32)]);
    expect(file.data[1]!.spans).toHaveLength(1);
  });
});

describe('fromJaegerJson', () => {
  it('round-trips OTLP → Jaeger → records keeping names, nesting, events and attributes', () => {
    const original = fromOtlpJson(JSON.parse(JSON.stringify(toOtlpJson(sampleTrace()))));
    const back = fromJaegerJson(JSON.parse(JSON.stringify(toJaegerJson(original))));
    expect(back.map((r) => r.name).sort()).toEqual(original.map((r) => r.name).sort());
    expect(nesting(back)).toEqual(nesting(original));
    for (const r of original) {
      const b = back.find((x) => x.spanId === r.spanId)!;
      expect(b.kind).toBe(r.kind);
      expect(b.service).toBe(r.service);
      expect(b.scope).toBe(r.scope);
      expect(b.status).toEqual(r.status);
      expect(b.startTimeUnixNano).toBe(r.startTimeUnixNano); // whole microseconds here
      expect(b.endTimeUnixNano).toBe(r.endTimeUnixNano);
      expect(b.events).toEqual(r.events);
      // Arrays are the one thing Jaeger flattens (to their JSON text).
      const expected = Object.fromEntries(
        Object.entries(r.attributes).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : v])
      );
      expect(b.attributes).toEqual(expected);
    }
  });

  it('round-trips a running span as running', () => {
    const [back] = fromJaegerJson(
      toJaegerJson([span('b000000000000001', 'running', { start: 1 })])
    );
    expect(back!.endTimeUnixNano).toBeUndefined();
    expect(back!.attributes).toEqual({});
  });

  it('accepts the wrappers Jaeger UI accepts', () => {
    const [trace] = toJaegerJson(sampleTrace()).data;
    expect(fromJaegerJson({ data: trace })).toHaveLength(7);
    expect(fromJaegerJson([trace])).toHaveLength(7);
    expect(fromJaegerJson(trace)).toHaveLength(7);
  });

  it('widens 64-bit trace ids, reads untyped and stringly typed tags, and FOLLOWS_FROM', () => {
    const [r, child] = fromJaegerJson({
      data: [
        {
          traceID: '00f067aa0ba902b7',
          processes: { a: { serviceName: 'svc' } },
          spans: [
            {
              spanID: '00000000000000a1',
              operationName: 'root',
              startTime: 5,
              duration: 2,
              processID: 'a',
              tags: [
                { key: 'n', type: 'int64', value: '42' },
                { key: 'b', type: 'bool', value: 'true' },
                { key: 'plain', value: 'x' },
                { key: 'error', type: 'bool', value: true },
              ],
            },
            {
              spanID: '00000000000000a2',
              operationName: 'next',
              startTime: 8,
              processID: 'a',
              references: [
                {
                  refType: 'FOLLOWS_FROM',
                  traceID: '00f067aa0ba902b7',
                  spanID: '00000000000000a1',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(r!.traceId).toBe('000000000000000000f067aa0ba902b7');
    expect(r!.attributes).toEqual({ n: 42, b: true, plain: 'x' });
    expect(r!.status.code).toBe(2);
    expect(r!.startTimeUnixNano).toBe('5000');
    expect(r!.endTimeUnixNano).toBe('7000');
    expect(child!.parentSpanId).toBe('00000000000000a1');
  });

  it('ignores references into other traces when finding the parent', () => {
    const [trace] = toJaegerJson([span('b000000000000001', 'x', { start: 1, end: 2 })]).data;
    trace!.spans[0]!.references = [
      { refType: 'CHILD_OF', traceID: 'e'.repeat(32), spanID: 'e'.repeat(16) },
    ];
    expect(fromJaegerJson({ data: [trace] })[0]!.parentSpanId).toBeUndefined();
  });

  it.each([
    [{ data: [{ spans: [] }] }, 'data[0].traceID: missing; expected 32 hex characters'],
    [{ data: [{ traceID: 'a'.repeat(32), spans: [] }] }, 'data[0].processes: missing'],
    [
      { data: [{ traceID: 'a'.repeat(32), processes: {}, spans: [{ spanID: 'zz' }] }] },
      'data[0].spans[0].spanID: expected 16 hex characters, got "zz"',
    ],
    [
      {
        data: [
          {
            traceID: 'a'.repeat(32),
            processes: {},
            spans: [{ spanID: 'b'.repeat(16), startTime: 1 }],
          },
        ],
      },
      'data[0].spans[0].processID: missing',
    ],
    [
      {
        data: [
          {
            traceID: 'a'.repeat(32),
            processes: {},
            spans: [{ spanID: 'b'.repeat(16), processID: 'p9', startTime: 1 }],
          },
        ],
      },
      'data[0].spans[0].processID: no process "p9" in processes',
    ],
    [
      {
        data: [
          {
            traceID: 'a'.repeat(32),
            processes: { p: { serviceName: 's' } },
            spans: [{ spanID: 'b'.repeat(16), processID: 'p', startTime: -1 }],
          },
        ],
      },
      'data[0].spans[0].startTime: expected microseconds as an integer, got number -1',
    ],
    [
      {
        data: [
          {
            traceID: 'a'.repeat(32),
            processes: { p: { serviceName: 's' } },
            spans: [
              {
                spanID: 'b'.repeat(16),
                processID: 'p',
                startTime: 1,
                tags: [{ key: 'k', type: 'weird', value: 1 }],
              },
            ],
          },
        ],
      },
      'data[0].spans[0].tags[0].type: expected string, bool, int64, float64 or binary',
    ],
    [{ nothing: true }, 'data: missing'],
  ])('rejects %j with a message naming the field', (doc, message) => {
    expect(errorOf(() => fromJaegerJson(doc)).message).toContain(message);
  });
});
