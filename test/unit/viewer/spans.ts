/**
 * Synthetic span records for the viewer tests: a small tree with layer attributes, events and
 * times, built without running the ported code.
 */
import type { AttrValue, SpanEventRecord, SpanRecord } from '../../../src/telemetry/types.js';

let counter = 0;

/** A fresh 32-hex trace id (padding with a hex digit would make 0xa and 0xaa the same id). */
export function traceId(): string {
  counter += 1;
  return 'a' + counter.toString(16).padStart(31, '0');
}

/** A 16-hex span id from a short label. */
export function spanId(label: string | number): string {
  return String(label)
    .split('')
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padStart(16, '0')
    .slice(-16);
}

export interface SpanSpec {
  readonly id: string | number;
  readonly parent?: string | number;
  readonly name: string;
  /** Milliseconds after the trace start. */
  readonly start: number;
  /** Milliseconds after the trace start; omit for a running span. */
  readonly end?: number;
  readonly attributes?: Record<string, AttrValue>;
  readonly events?: readonly {
    name: string;
    at: number;
    key?: string;
    attributes?: Record<string, AttrValue>;
  }[];
  readonly kind?: SpanRecord['kind'];
  readonly error?: { type: string; message: string };
}

const BASE = 1_795_000_000_000_000_000n;

export function nanos(ms: number): string {
  return (BASE + BigInt(Math.round(ms * 1e6))).toString();
}

/** One span record of trace `trace`. */
export function span(trace: string, spec: SpanSpec): SpanRecord {
  const events: SpanEventRecord[] = (spec.events ?? []).map((e) => ({
    name: e.name,
    timeUnixNano: nanos(e.at),
    attributes: { ...(e.key ? { 'novatrace.event': e.key } : {}), ...(e.attributes ?? {}) },
  }));
  if (spec.error) {
    events.push({
      name: 'exception',
      timeUnixNano: nanos(spec.end ?? spec.start),
      attributes: { 'exception.type': spec.error.type, 'exception.message': spec.error.message },
    });
  }
  return {
    traceId: trace,
    spanId: spanId(spec.id),
    ...(spec.parent !== undefined ? { parentSpanId: spanId(spec.parent) } : {}),
    name: spec.name,
    kind: spec.kind ?? 'internal',
    service: 'novaclient',
    scope: 'novatrace.urllib3',
    startTimeUnixNano: nanos(spec.start),
    ...(spec.end !== undefined ? { endTimeUnixNano: nanos(spec.end) } : {}),
    attributes: spec.attributes ?? {},
    events,
    status: spec.error ? { code: 2, message: spec.error.message } : { code: 0 },
  };
}

/** A seed-shaped call: root → _cs_request → urlopen → _get_conn (with a pool decision) → PUT. */
export function seedTrace(
  trace: string,
  opts: { warm?: boolean; error?: boolean } = {}
): SpanRecord[] {
  const conn = opts.warm ? 'pool hit' : 'pool miss: new connection';
  return [
    span(trace, {
      id: 'root',
      name: 'nova volume-update',
      start: 0,
      end: 20,
      attributes: { 'novatrace.layer': 'novaclient' },
    }),
    span(trace, {
      id: 'cs',
      parent: 'root',
      name: 'HTTPClient._cs_request',
      start: 1,
      end: 19,
      attributes: {
        'novatrace.layer': 'novaclient',
        'code.file.path': 'src/novaclient/client.ts',
        'code.line.number': 10,
      },
      events: [
        {
          name: opts.warm ? 'token held' : 'no token',
          at: 1.5,
          key: opts.warm ? 'token held: skip authenticate' : 'no management_url: authenticate',
        },
      ],
      ...(opts.error
        ? {
            error: {
              type: 'novaclient.exceptions.Unauthorized',
              message: 'Unauthorized (HTTP 401)',
            },
          }
        : {}),
    }),
    ...(opts.warm
      ? []
      : [
          span(trace, {
            id: 'auth',
            parent: 'cs',
            name: 'HTTPClient.authenticate',
            start: 2,
            end: 6,
            attributes: { 'novatrace.layer': 'novaclient' },
          }),
        ]),
    span(trace, {
      id: 'urlopen',
      parent: 'cs',
      name: 'HTTPConnectionPool.urlopen',
      start: 7,
      end: 18,
      attributes: { 'novatrace.layer': 'urllib3' },
    }),
    span(trace, {
      id: 'getconn',
      parent: 'urlopen',
      name: 'HTTPConnectionPool._get_conn',
      start: 8,
      end: 9,
      attributes: { 'novatrace.layer': 'urllib3' },
      events: [{ name: conn, at: 8.5, key: conn }],
    }),
    span(trace, {
      id: 'put',
      parent: 'urlopen',
      name: 'PUT',
      kind: 'client',
      start: 10,
      end: 17,
      attributes: { 'http.request.method': 'PUT' },
    }),
  ];
}
