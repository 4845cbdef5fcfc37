// Socket tests of requests over urllib3 over undici, against test/helpers/http-test-server.ts
// (urllib3's test/with_dummyserver split: real loopback sockets, port 0).
import { readFileSync } from 'node:fs';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  ConnectTimeout,
  ReadTimeout,
  RequestException,
  Session,
  Timeout,
  request as requests_request,
} from '../../../src/requests/index.js';
import {
  MaxRetryError,
  NewConnectionError,
  ProtocolError,
  ReadTimeoutError,
} from '../../../src/urllib3/exceptions.js';
import { sendJson, startTestServer, type TestServer } from '../../helpers/http-test-server.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing('requests-test');

let server: TestServer;
let session: Session;

beforeEach(async () => {
  server = await startTestServer();
  server.route('PUT', '/v2.1/servers/s1/os-volume_attachments/a1', (req, res) =>
    sendJson(res, 202, { volumeAttachment: { volumeId: JSON.parse(req.body.toString()).v } })
  );
  server.route('GET', '/ok', (_req, res) => sendJson(res, 200, { ok: true }));
  session = new Session({ env: {} });
});

afterEach(async () => {
  await session.close();
  await server.close();
});

/** Events of a span by their stable key (`novatrace.event`). */
function eventKeys(span: ReadableSpan | undefined): string[] {
  return (span?.events ?? []).map((e) => String(e.attributes?.['novatrace.event'] ?? e.name));
}

function named(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function parentOf(spans: ReadableSpan[], span: ReadableSpan): ReadableSpan | undefined {
  return spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const probe = await startTestServer();
  const port = probe.port;
  await probe.close();
  return port;
}

describe('Session.request', () => {
  it('reuses the kept-alive connection for the next request (same client port)', async () => {
    const url = `${server.url}/v2.1/servers/s1/os-volume_attachments/a1`;
    const r1 = await session.request('PUT', url, { data: '{"v":"vol-1"}' });
    const r2 = await session.request('PUT', url, { data: '{"v":"vol-2"}' });
    expect([r1.status_code, r2.status_code]).toEqual([202, 202]);
    expect(r2.json()).toEqual({ volumeAttachment: { volumeId: 'vol-2' } });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
    expect(server.connectionsAccepted()).toBe(1);
    const spans = await tracing.spans();
    const getConns = named(spans, 'HTTPConnectionPool._get_conn');
    expect(getConns.map(eventKeys)).toEqual([[], ['pool hit']]);
    expect(named(spans, 'HTTPConnectionPool._new_conn')).toHaveLength(1);
    expect(named(spans, 'HTTPConnectionPool._new_conn')[0]?.events[0]?.name).toBe(
      'Starting new HTTP connection (1): 127.0.0.1'
    );
  });

  it('sends the requests 2.9 default headers in order, then the caller’s', async () => {
    await session.request('GET', `${server.url}/ok`, {
      headers: { 'X-Extra': 'yes', Accept: 'application/json' },
    });
    const raw = server.requests[0]?.rawHeaders ?? [];
    const names = raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    // undici writes Host and its own Connection first; requests' order follows.
    expect(names.slice(0, 2)).toEqual(['host', 'connection']);
    expect(
      names.filter((n) => ['user-agent', 'accept-encoding', 'accept', 'x-extra'].includes(n))
    ).toEqual(['user-agent', 'accept-encoding', 'accept', 'x-extra']);
    expect(server.requests[0]?.headers['user-agent']).toBe('python-requests/2.9.1');
    expect(server.requests[0]?.headers['accept']).toBe('application/json');
    expect(server.requests[0]?.headers['connection']).toBe('keep-alive');
  });

  it('resets a pooled connection the server closed, and opens a new one', async () => {
    await session.request('GET', `${server.url}/ok`);
    await server.closeIdle();
    const r = await session.request('GET', `${server.url}/ok`);
    expect(r.status_code).toBe(200);
    expect(server.requests[1]?.remotePort).not.toBe(server.requests[0]?.remotePort);
    const spans = await tracing.spans();
    const second = named(spans, 'HTTPConnectionPool._get_conn')[1];
    expect(eventKeys(second)).toContain('connection dropped: reset');
    expect(
      second?.events.find((e) => e.attributes?.['novatrace.event'] === 'connection dropped: reset')
        ?.name
    ).toBe('Resetting dropped connection: 127.0.0.1');
    // urllib3 1.13 reuses the same HTTPConnection object (httplib reopens it): no new conn.
    expect(named(spans, 'HTTPConnectionPool._new_conn')).toHaveLength(1);
    expect(named(spans, 'GET')[1]?.events.map((e) => e.name)).toContain('connected');
  });

  it('raises ConnectionError caused by MaxRetryError(NewConnectionError) when the port is closed', async () => {
    const port = await closedPort();
    const err = await session
      .request('GET', `http://127.0.0.1:${port}/ok`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(ConnectTimeout);
    expect(err).toBeInstanceOf(RequestException);
    const cause = (err as Error).cause;
    expect(cause).toBeInstanceOf(MaxRetryError);
    expect((cause as MaxRetryError).reason).toBeInstanceOf(NewConnectionError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^HTTPConnectionPool\\(host='127\\.0\\.0\\.1', port=${port}\\): Max retries exceeded with url: /ok ` +
          `\\(Caused by NewConnectionError\\('<requests\\.packages\\.urllib3\\.connection\\.HTTPConnection object at 0x[0-9a-f]+>: ` +
          `Failed to establish a new connection: \\[Errno \\d+\\] Connection refused'\\)\\)$`
      )
    );
    const spans = await tracing.spans();
    const wire = named(spans, 'GET')[0];
    expect(wire?.kind).toBe(SpanKind.CLIENT);
    expect(wire?.status.code).toBe(SpanStatusCode.ERROR);
    expect(wire?.attributes['error.type']).toBe('urllib3.exceptions.NewConnectionError');
    const send = named(spans, 'HTTPAdapter.send')[0];
    expect(send?.attributes['error.type']).toBe('requests.exceptions.ConnectionError');
    expect(eventKeys(send)).toContain('exception translated');
    const urlopen = named(spans, 'HTTPConnectionPool.urlopen')[0];
    expect(urlopen?.attributes['error.type']).toBe('urllib3.exceptions.MaxRetryError');
  });

  it('raises ConnectionError("Connection aborted.") when the server drops the socket mid-request', async () => {
    server.route('GET', '/crash', (_req, res) => {
      res.socket?.destroy();
    });
    const err = await session.request('GET', `${server.url}/crash`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    // Retry(0, read=False): a read-side ProtocolError is re-raised as itself, not MaxRetryError.
    expect((err as Error).cause).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toBe(
      "('Connection aborted.', SocketError('other side closed'))"
    );
    // The broken connection's slot was freed; the next request opens a new connection.
    const r = await session.request('GET', `${server.url}/ok`);
    expect(r.status_code).toBe(200);
    expect(server.connectionsAccepted()).toBe(2);
  });

  it('raises ReadTimeout when the server is slower than the read timeout', async () => {
    server.route('GET', '/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 400));
      if (!res.destroyed) sendJson(res, 200, { late: true });
    });
    const err = await session
      .request('GET', `${server.url}/slow`, { timeout: [2, 0.05] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadTimeout);
    expect(err).toBeInstanceOf(Timeout);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect((err as Error).cause).toBeInstanceOf(ReadTimeoutError);
    expect((err as Error).message).toBe(
      `HTTPConnectionPool(host='127.0.0.1', port=${server.port}): Read timed out. (read timeout=0.05)`
    );
    const spans = await tracing.spans();
    expect(named(spans, 'GET')[0]?.attributes['error.type']).toBe(
      'urllib3.exceptions.ReadTimeoutError'
    );
  });

  it('follows a 301, then takes the redirect cache on the next call', async () => {
    server.route('GET', '/old', (_req, res) => {
      res.writeHead(301, { Location: '/new', 'Content-Length': '0' });
      res.end();
    });
    server.route('GET', '/new', (_req, res) => sendJson(res, 200, { here: true }));
    const r1 = await session.request('GET', `${server.url}/old`);
    expect(r1.status_code).toBe(200);
    expect(r1.url).toBe(`${server.url}/new`);
    expect(r1.history.map((h) => h.status_code)).toEqual([301]);
    const r2 = await session.request('GET', `${server.url}/old`);
    expect(r2.status_code).toBe(200);
    expect(r2.history).toEqual([]);
    expect(server.requests.map((q) => q.url)).toEqual(['/old', '/new', '/new']);
    // One connection served all three (the redirect released it before following).
    expect(new Set(server.requests.map((q) => q.remotePort)).size).toBe(1);
    const spans = await tracing.spans();
    const sends = named(spans, 'Session.send');
    expect(eventKeys(sends[sends.length - 1])).toContain('redirect cache hit');
    const redirects = named(spans, 'Session.resolve_redirects');
    expect(redirects).toHaveLength(1);
    expect(eventKeys(redirects[0])).toContain('redirect');
    const resent = named(spans, 'GET').find(
      (s) => s.attributes['url.full'] === `${server.url}/new`
    );
    expect(resent?.attributes['http.request.resend_count']).toBe(1);
  });

  it('turns a POST answered by 302 into a GET without body, and keeps PUT and body on 307', async () => {
    server.route('POST', '/p', (_req, res) => {
      res.writeHead(302, { Location: '/target', 'Content-Length': '0' });
      res.end();
    });
    server.route('PUT', '/t', (_req, res) => {
      res.writeHead(307, { Location: '/target', 'Content-Length': '0' });
      res.end();
    });
    server.route('*', '/target', (req, res) =>
      sendJson(res, 200, { method: req.method, body: req.body.toString() })
    );
    const r1 = await session.request('POST', `${server.url}/p`, { data: 'payload' });
    expect(r1.json()).toEqual({ method: 'GET', body: '' });
    const r2 = await session.request('PUT', `${server.url}/t`, { data: 'payload' });
    expect(r2.json()).toEqual({ method: 'PUT', body: 'payload' });
  });

  it('uploads an async iterable body chunked on the low-level path and puts the connection back', async () => {
    server.route('POST', '/upload', (req, res) =>
      sendJson(res, 201, { chunked: req.chunked, body: req.body.toString() })
    );
    async function* chunks() {
      yield 'alpha,';
      yield new TextEncoder().encode('beta,');
      yield 'gamma';
    }
    const r = await session.request('POST', `${server.url}/upload`, { data: chunks() });
    expect(r.json()).toEqual({ chunked: true, body: 'alpha,beta,gamma' });
    await session.request('GET', `${server.url}/ok`);
    expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
    const spans = await tracing.spans();
    expect(eventKeys(named(spans, 'HTTPAdapter.send')[0])).toContain('chunked: low-level path');
    // The low-level path skips urlopen: _get_conn hangs directly under HTTPAdapter.send.
    expect(named(spans, 'HTTPConnectionPool.urlopen')).toHaveLength(1);
    const post = named(spans, 'POST')[0];
    expect(post?.events.filter((e) => e.name === 'chunk sent')).toHaveLength(3);
  });

  it('injects a traceparent naming the wire span', async () => {
    await session.request('GET', `${server.url}/ok`);
    const spans = await tracing.spans();
    const wire = named(spans, 'GET')[0] as ReadableSpan;
    const { traceId, spanId } = wire.spanContext();
    expect(server.requests[0]?.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('builds the span tree of one request as the seed walks it', async () => {
    await session.request('PUT', `${server.url}/v2.1/servers/s1/os-volume_attachments/a1`, {
      data: '{"v":"x"}',
      headers: { 'X-Auth-Token': 'tok-secret-value' },
    });
    const spans = await tracing.spans();
    const tree = (span: ReadableSpan, depth = 0): string[] => [
      `${'  '.repeat(depth)}${span.name}`,
      ...spans
        .filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId)
        .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
        .flatMap((s) => tree(s, depth + 1)),
    ];
    const root = spans.find((s) => !parentOf(spans, s)) as ReadableSpan;
    expect(tree(root).join('\n')).toBe(
      [
        'Session.request',
        '  Session.send',
        '    HTTPAdapter.send',
        '      HTTPAdapter.get_connection',
        '        PoolManager.connection_from_url',
        '      HTTPConnectionPool.urlopen',
        '        HTTPConnectionPool._get_conn',
        '          HTTPConnectionPool._new_conn',
        '        HTTPConnectionPool._make_request',
        '          PUT',
        '      HTTPAdapter.build_response',
        '    HTTPConnectionPool._put_conn',
      ].join('\n')
    );
    const wire = named(spans, 'PUT')[0] as ReadableSpan;
    expect(wire.kind).toBe(SpanKind.CLIENT);
    expect(wire.attributes).toMatchObject({
      'http.request.method': 'PUT',
      'url.full': `${server.url}/v2.1/servers/s1/os-volume_attachments/a1`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'network.peer.address': '127.0.0.1',
      'network.peer.port': server.port,
      'network.protocol.version': '1.1',
      'http.response.status_code': 202,
      'code.file.path': 'src/urllib3/connection.ts',
    });
    const line = Number(wire.attributes['code.line.number']);
    expect(readFileSync('src/urllib3/connection.ts', 'utf8').split('\n')[line - 1]).toContain(
      'startActiveSpan('
    );
    expect(wire.attributes['error.type']).toBeUndefined();
    expect(wire.events.map((e) => e.name)).toEqual([
      'connected',
      'headers sent',
      'body sent',
      'response headers',
      // The small answer is all in before the span ends: undici has the whole body.
      'response body done',
    ]);
    expect(JSON.stringify(spans.map((s) => [s.attributes, s.events]))).not.toContain(
      'tok-secret-value'
    );
  });

  it('marks the wire span ERROR with error.type "404" for a 404 answer', async () => {
    const r = await session.request('GET', `${server.url}/missing`);
    expect(r.status_code).toBe(404);
    const spans = await tracing.spans();
    const wire = named(spans, 'GET')[0];
    expect(wire?.status.code).toBe(SpanStatusCode.ERROR);
    expect(wire?.attributes['error.type']).toBe('404');
    expect(named(spans, 'Session.request')[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('api.request', () => {
  it('opens a new connection per call (a throw-away Session, closed after)', async () => {
    const r1 = await requests_request('GET', `${server.url}/ok`);
    const r2 = await requests_request('GET', `${server.url}/ok`);
    expect([r1.status_code, r2.status_code]).toEqual([200, 200]);
    expect(server.requests[1]?.remotePort).not.toBe(server.requests[0]?.remotePort);
    const spans = await tracing.spans();
    expect(named(spans, 'api.request')).toHaveLength(2);
    expect(named(spans, 'HTTPConnectionPool._new_conn').map((s) => s.events[0]?.name)).toEqual([
      'Starting new HTTP connection (1): 127.0.0.1',
      'Starting new HTTP connection (1): 127.0.0.1',
    ]);
    const session = named(spans, 'Session.request')[0];
    expect(parentOf(spans, session as ReadableSpan)?.name).toBe('api.request');
  });
});
