/**
 * A small hand-made trace in the shape novatrace produces: CLI root, a novaclient layer, a
 * requests layer, the urllib3 pool with a decision event, the CLIENT wire span and the cloud's
 * SERVER span of another service, plus a failing sibling with an exception event.
 */
import type { SpanRecord } from '../../../src/telemetry/types.js';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1_732_500_000_000_000_000n;

/** Epoch ns string `ms` milliseconds (fractions allowed) after the trace start. */
export function at(ms: number): string {
  return (T0 + BigInt(Math.round(ms * 1_000_000))).toString();
}

interface Opts {
  parent?: string;
  kind?: SpanRecord['kind'];
  service?: string;
  scope?: string;
  start: number;
  end?: number;
  attributes?: SpanRecord['attributes'];
  events?: SpanRecord['events'];
  status?: SpanRecord['status'];
}

export function span(spanId: string, name: string, o: Opts): SpanRecord {
  return {
    traceId: TRACE_ID,
    spanId,
    ...(o.parent ? { parentSpanId: o.parent } : {}),
    name,
    kind: o.kind ?? 'internal',
    service: o.service ?? 'novaclient',
    scope: o.scope ?? 'novatrace.novaclient',
    startTimeUnixNano: at(o.start),
    ...(o.end !== undefined ? { endTimeUnixNano: at(o.end) } : {}),
    attributes: o.attributes ?? {},
    events: o.events ?? [],
    status: o.status ?? { code: 0 },
  };
}

export function sampleTrace(): SpanRecord[] {
  return [
    span('a000000000000001', 'nova volume-update', {
      start: 0,
      end: 40,
      attributes: { 'novatrace.layer': 'novaclient', 'process.exit.code': 0 },
    }),
    span('a000000000000002', 'HTTPClient._cs_request', {
      parent: 'a000000000000001',
      start: 2,
      end: 38,
      attributes: {
        'novatrace.layer': 'novaclient',
        'code.line.number': 120,
        'http.request.method': 'PUT',
        ratio: 0.25,
        retried: false,
        'http.request.header.x-auth-token': ['{SHA1}abc', 'second'],
        'novatrace.ports': [8774, 5000],
        'novatrace.weights': [0.5, 2],
        flags: [true, false],
      },
      events: [
        {
          name: 'token held: skip authenticate',
          timeUnixNano: at(2.5),
          attributes: { 'novatrace.event': 'token held: skip authenticate' },
        },
      ],
    }),
    span('a000000000000003', 'Session.request', {
      parent: 'a000000000000002',
      scope: 'novatrace.requests',
      start: 3,
      end: 37,
      attributes: { 'novatrace.layer': 'requests' },
    }),
    span('a000000000000004', 'HTTPConnectionPool._get_conn', {
      parent: 'a000000000000003',
      scope: 'novatrace.urllib3',
      start: 4,
      end: 5,
      attributes: { 'novatrace.layer': 'urllib3' },
      events: [
        {
          name: 'Starting new HTTP connection (1): 127.0.0.1:8774',
          timeUnixNano: at(4.5),
          attributes: {
            'novatrace.event': 'pool miss: new connection',
            'novatrace.layer': 'urllib3',
          },
        },
      ],
    }),
    span('a000000000000005', 'PUT', {
      parent: 'a000000000000003',
      kind: 'client',
      scope: 'novatrace.urllib3',
      start: 6,
      end: 30,
      attributes: { 'http.request.method': 'PUT', 'http.response.status_code': 202 },
    }),
    span('a000000000000006', 'PUT /v2.1/servers/{server_id}/os-volume_attachments/{id}', {
      parent: 'a000000000000005',
      kind: 'server',
      service: 'nova-api',
      scope: 'novatrace.cloud',
      start: 8,
      end: 28,
      attributes: { 'http.route': '/v2.1/servers/{server_id}/os-volume_attachments/{id}' },
    }),
    span('a000000000000007', 'HTTPAdapter.send', {
      parent: 'a000000000000003',
      scope: 'novatrace.requests',
      start: 31,
      end: 36,
      attributes: {
        'novatrace.layer': 'requests',
        'error.type': 'requests.exceptions.ConnectionError',
      },
      events: [
        {
          name: 'exception',
          timeUnixNano: at(35),
          attributes: {
            'exception.type': 'requests.exceptions.ConnectionError',
            'exception.message': 'Connection refused',
          },
        },
      ],
      status: { code: 2, message: 'Connection refused' },
    }),
  ];
}
