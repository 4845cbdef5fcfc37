import { describe, expect, it } from 'vitest';
import { TraceFormatError } from '../../../src/telemetry/error.js';
import { fromOtlpJson, toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { TRACE_ID, at, sampleTrace, span } from './sample-trace.js';

/** A minimal valid request with one span; `patch` edits that span. */
function oneSpan(patch: Record<string, unknown> = {}): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            scope: { name: 'scope' },
            spans: [
              {
                traceId: TRACE_ID,
                spanId: '00f067aa0ba902b7',
                name: 'op',
                kind: 1,
                startTimeUnixNano: '1000',
                endTimeUnixNano: '2000',
                ...patch,
              },
            ],
          },
        ],
      },
    ],
  };
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

describe('toOtlpJson', () => {
  it('groups spans by service.name, then by scope, in order of first appearance', () => {
    const doc = toOtlpJson(sampleTrace());
    expect(doc.resourceSpans.map((rs) => rs.resource.attributes[0]?.value.stringValue)).toEqual([
      'novaclient',
      'nova-api',
    ]);
    const scopes = doc.resourceSpans[0]!.scopeSpans.map((ss) => ss.scope.name);
    expect(scopes).toEqual(['novatrace.novaclient', 'novatrace.requests', 'novatrace.urllib3']);
    expect(doc.resourceSpans[1]!.scopeSpans[0]!.spans[0]!.name).toMatch(/^PUT \/v2\.1/);
  });

  it('writes OTLP enums as integers, times as decimal strings and ids as hex', () => {
    const doc = toOtlpJson(sampleTrace());
    const spans = doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const put = spans.find((s) => s.name === 'PUT')!;
    expect(put.kind).toBe(3);
    expect(spans.find((s) => s.name.startsWith('PUT /'))!.kind).toBe(2);
    expect(spans.find((s) => s.name === 'Session.request')!.kind).toBe(1);
    expect(put.startTimeUnixNano).toBe(at(6));
    expect(typeof put.startTimeUnixNano).toBe('string');
    expect(put.traceId).toBe(TRACE_ID);
    expect(put.parentSpanId).toBe('a000000000000003');
    expect(spans.find((s) => s.name === 'HTTPAdapter.send')!.status).toEqual({
      code: 2,
      message: 'Connection refused',
    });
    expect(spans.find((s) => s.name === 'nova volume-update')!.parentSpanId).toBeUndefined();
  });

  it('types attribute values as AnyValue, arrays included', () => {
    const doc = toOtlpJson(sampleTrace());
    const cs = doc.resourceSpans[0]!.scopeSpans[0]!.spans.find(
      (s) => s.name === 'HTTPClient._cs_request'
    )!;
    const value = (key: string) => cs.attributes.find((a) => a.key === key)?.value;
    expect(value('http.request.method')).toEqual({ stringValue: 'PUT' });
    expect(value('code.line.number')).toEqual({ intValue: '120' });
    expect(value('ratio')).toEqual({ doubleValue: 0.25 });
    expect(value('retried')).toEqual({ boolValue: false });
    expect(value('http.request.header.x-auth-token')).toEqual({
      arrayValue: { values: [{ stringValue: '{SHA1}abc' }, { stringValue: 'second' }] },
    });
    expect(value('novatrace.ports')).toEqual({
      arrayValue: { values: [{ intValue: '8774' }, { intValue: '5000' }] },
    });
    // One number type per array: 2 is written as a double next to 0.5.
    expect(value('novatrace.weights')).toEqual({
      arrayValue: { values: [{ doubleValue: 0.5 }, { doubleValue: 2 }] },
    });
  });

  it('leaves endTimeUnixNano out for a running span', () => {
    const doc = toOtlpJson([span('b000000000000001', 'running', { start: 1 })]);
    expect(doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]).not.toHaveProperty('endTimeUnixNano');
  });

  it('writes non-finite doubles as the strings protobuf JSON uses', () => {
    const doc = toOtlpJson([
      span('b000000000000001', 'x', { start: 1, end: 2, attributes: { a: NaN, b: -Infinity } }),
    ]);
    expect(doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes).toEqual([
      { key: 'a', value: { doubleValue: 'NaN' } },
      { key: 'b', value: { doubleValue: '-Infinity' } },
    ]);
  });
});

describe('fromOtlpJson', () => {
  it('round-trips records through JSON text unchanged', () => {
    const records = sampleTrace();
    const back = fromOtlpJson(JSON.parse(JSON.stringify(toOtlpJson(records))));
    const byId = (a: { spanId: string }, b: { spanId: string }) => a.spanId.localeCompare(b.spanId);
    expect([...back].sort(byId)).toEqual([...records].sort(byId));
  });

  it('round-trips a running span as running', () => {
    const [back] = fromOtlpJson(toOtlpJson([span('b000000000000001', 'running', { start: 1 })]));
    expect(back!.endTimeUnixNano).toBeUndefined();
  });

  it('accepts intValue and times as JSON numbers, and enums by name', () => {
    const [r] = fromOtlpJson(
      oneSpan({
        startTimeUnixNano: 1000,
        endTimeUnixNano: 2000,
        kind: 'SPAN_KIND_CLIENT',
        status: { code: 'STATUS_CODE_ERROR' },
        attributes: [
          { key: 'n', value: { intValue: 7 } },
          { key: 's', value: { intValue: '-12' } },
          { key: 'big', value: { intValue: '9223372036854775807' } },
        ],
      })
    );
    expect(r!.kind).toBe('client');
    expect(r!.status.code).toBe(2);
    expect(r!.startTimeUnixNano).toBe('1000');
    expect(r!.attributes).toEqual({ n: 7, s: -12, big: '9223372036854775807' });
  });

  it('ignores unknown fields and reads the service name and scope', () => {
    const doc = oneSpan({ flags: 257, droppedAttributesCount: 0, somethingNew: { x: 1 } }) as {
      extra?: unknown;
    };
    doc.extra = true;
    const [r] = fromOtlpJson(doc);
    expect(r).toMatchObject({ service: 'svc', scope: 'scope', name: 'op', kind: 'internal' });
  });

  it('flattens maps and mixed arrays to JSON text and keeps homogeneous arrays', () => {
    const [r] = fromOtlpJson(
      oneSpan({
        attributes: [
          {
            key: 'map',
            value: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }] } },
          },
          {
            key: 'mixed',
            value: { arrayValue: { values: [{ stringValue: 'x' }, { boolValue: true }] } },
          },
          { key: 'bools', value: { arrayValue: { values: [{ boolValue: true }] } } },
          { key: 'empty', value: {} },
          { key: 'bytes', value: { bytesValue: 'aGk=' } },
          { key: 'inf', value: { doubleValue: 'Infinity' } },
        ],
      })
    );
    expect(r!.attributes).toEqual({
      map: '{"a":1}',
      mixed: '["x",true]',
      bools: [true],
      bytes: 'aGk=',
      inf: Infinity,
    });
  });

  it('keeps hostile strings as data', () => {
    const hostile = '\u001b[2J\u001b]0;pwned\u0007<script>alert(1)</script>\u202e';
    const [r] = fromOtlpJson(
      oneSpan({ name: hostile, attributes: [{ key: hostile, value: { stringValue: hostile } }] })
    );
    expect(r!.name).toBe(hostile);
    expect(r!.attributes[hostile]).toBe(hostile);
  });

  it('treats a missing or all-zero parentSpanId as a root and endTimeUnixNano 0 as running', () => {
    expect(fromOtlpJson(oneSpan({ parentSpanId: '' }))[0]!.parentSpanId).toBeUndefined();
    expect(
      fromOtlpJson(oneSpan({ parentSpanId: '0000000000000000' }))[0]!.parentSpanId
    ).toBeUndefined();
    expect(fromOtlpJson(oneSpan({ endTimeUnixNano: '0' }))[0]!.endTimeUnixNano).toBeUndefined();
  });

  it('lower-cases upper-case hex ids', () => {
    const [r] = fromOtlpJson(oneSpan({ spanId: '00F067AA0BA902B7' }));
    expect(r!.spanId).toBe('00f067aa0ba902b7');
  });

  it('accepts the pre-1.0 instrumentationLibrarySpans names', () => {
    const doc = oneSpan() as {
      resourceSpans: { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown }[];
    };
    const rs = doc.resourceSpans[0]!;
    const [ss] = rs.scopeSpans as { scope: unknown; spans: unknown }[];
    rs.instrumentationLibrarySpans = [
      { instrumentationLibrary: { name: 'old' }, spans: ss!.spans },
    ];
    delete rs.scopeSpans;
    expect(fromOtlpJson(doc)[0]!.scope).toBe('old');
  });

  it('names the path of a bad span id', () => {
    const doc = oneSpan({ spanId: 'xyz' });
    const err = errorOf(() => fromOtlpJson(doc));
    expect(err.message).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 16 hex characters, got "xyz"'
    );
    expect(err.code).toBe('TRACE_FORMAT');
    expect(err.path).toBe('resourceSpans[0].scopeSpans[0].spans[0].spanId');
  });

  it('says when ids look like base64', () => {
    const err = errorOf(() => fromOtlpJson(oneSpan({ traceId: 'S/kvNXezTaajzpKdDg5HNg==' })));
    expect(err.message).toMatch(/traceId: expected 32 hex characters.*looks like base64/);
  });

  it.each([
    [{ traceId: undefined }, 'spans[0].traceId: missing; expected 32 hex characters'],
    [{ traceId: '0'.repeat(32) }, 'spans[0].traceId: all zeros is not a valid id'],
    [{ parentSpanId: 42 }, 'spans[0].parentSpanId: expected 16 hex characters, got number 42'],
    [{ startTimeUnixNano: undefined }, 'spans[0].startTimeUnixNano: missing'],
    [{ startTimeUnixNano: '12.5' }, 'spans[0].startTimeUnixNano: expected epoch nanoseconds'],
    [{ endTimeUnixNano: '999' }, 'spans[0].endTimeUnixNano: earlier than startTimeUnixNano'],
    [{ kind: 9 }, 'spans[0].kind: expected one of 0, 1, 2, 3, 4, 5, got number 9'],
    [{ status: { code: 'BAD' } }, 'spans[0].status.code: expected one of 0, 1, 2'],
    [{ name: 5 }, 'spans[0].name: expected a string, got number 5'],
    [{ attributes: {} }, 'spans[0].attributes: expected an array, got an object'],
    [{ attributes: [{ key: 1 }] }, 'spans[0].attributes[0].key: expected a string'],
    [
      { attributes: [{ key: 'k', value: { stringValue: 'a', intValue: '1' } }] },
      'spans[0].attributes[0].value: expected exactly one of',
    ],
    [
      { attributes: [{ key: 'k', value: { intValue: 'seven' } }] },
      'spans[0].attributes[0].value.intValue: expected an integer',
    ],
    [{ events: [{ name: 'e' }] }, 'spans[0].events[0].timeUnixNano: missing'],
  ])('rejects %j with a message naming the field', (patch, message) => {
    const err = errorOf(() => fromOtlpJson(oneSpan(patch)));
    expect(err.message).toContain(`resourceSpans[0].scopeSpans[0].${message}`);
  });

  it('rejects documents that are not an ExportTraceServiceRequest', () => {
    expect(errorOf(() => fromOtlpJson([])).message).toMatch(/expected an OTLP\/JSON object/);
    expect(errorOf(() => fromOtlpJson({})).message).toBe('resourceSpans: missing');
    expect(errorOf(() => fromOtlpJson({ resource_spans: [] })).message).toMatch(
      /^resource_spans: snake_case key/
    );
    expect(errorOf(() => fromOtlpJson({ resourceSpans: [1] })).message).toBe(
      'resourceSpans[0]: expected an object, got number 1'
    );
  });

  it('refuses values nested without end', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    const err = errorOf(() => fromOtlpJson(oneSpan({ attributes: [{ key: 'deep', value }] })));
    expect(err.message).toMatch(/nested deeper than 16 levels/);
  });

  it('escapes control characters when it quotes a bad value', () => {
    const err = errorOf(() => fromOtlpJson(oneSpan({ spanId: '\u001b[31mred\u009b' })));
    expect(err.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(err.message).toContain('\\u001b[31mred\\u009b');
  });
});

describe('fromOtlpJson: attribute keys that are JavaScript built-ins', () => {
  it('keeps an attribute named __proto__ as data, next to its neighbours', () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'x',
                  kind: 1,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: [
                    { key: '__proto__', value: { stringValue: 'data' } },
                    { key: 'ok', value: { stringValue: 'v' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const [record] = fromOtlpJson(body);
    expect(Object.keys(record!.attributes)).toEqual(['__proto__', 'ok']);
    expect(Object.getOwnPropertyDescriptor(record!.attributes, '__proto__')?.value).toBe('data');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.stringify(toOtlpJson([record!]))).toContain('"__proto__"');
  });
});
