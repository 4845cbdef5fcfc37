// urllib3 over real loopback sockets (urllib3's test/with_dummyserver split).
import { gzipSync, deflateSync, deflateRawSync } from 'node:zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkedEncodingError, HTTPAdapter, Session } from '../../../src/requests/index.js';
import { withRunScope, type LayerEntry } from '../../../src/telemetry/run-scope.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import {
  MaxRetryError,
  NewConnectionError,
  ProtocolError,
} from '../../../src/urllib3/exceptions.js';
import { Retry } from '../../../src/urllib3/util/retry.js';
import { sendJson, startTestServer, type TestServer } from '../../helpers/http-test-server.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing('urllib3-test');
let server: TestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeEach(async () => {
  server = await startTestServer();
  server.route('GET', '/ok', (_req, res) => sendJson(res, 200, { ok: true }));
});

afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
  await server.close();
});

function named(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function pool(opts: ConstructorParameters<typeof HTTPConnectionPool>[2] = {}): HTTPConnectionPool {
  const p = new HTTPConnectionPool('127.0.0.1', server.port, opts);
  cleanup.push(() => p.close());
  return p;
}

describe('HTTPConnectionPool.urlopen', () => {
  it('preloads the body and puts the connection back by default', async () => {
    const p = pool({ maxsize: 1 });
    const r = await p.urlopen('GET', '/ok');
    expect(r.status).toBe(200);
    expect(JSON.parse(Buffer.from(r.data ?? []).toString())).toEqual({ ok: true });
    expect(p.pool?.snapshot()).toHaveLength(1);
    expect(p.pool?.snapshot()[0]).not.toBeNull();
    await p.urlopen('GET', '/ok');
    expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
  });

  it('retries a refused connection per Retry, counting resends, then raises MaxRetryError', async () => {
    const probe = await startTestServer();
    const port = probe.port;
    await probe.close();
    const p = new HTTPConnectionPool('127.0.0.1', port, { maxsize: 1 });
    cleanup.push(() => p.close());
    const err = await p.urlopen('GET', '/ok', { retries: new Retry(2) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaxRetryError);
    expect((err as MaxRetryError).reason).toBeInstanceOf(NewConnectionError);
    const spans = await tracing.spans();
    const wires = named(spans, 'GET');
    expect(wires.map((s) => s.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2]);
    const retryEvents = spans
      .flatMap((s) => s.events)
      .filter((e) => e.attributes?.['novatrace.event'] === 'retry');
    // Finished spans come innermost first, so sort the two retry lines.
    expect(retryEvents.map((e) => e.name).sort()).toEqual([
      expect.stringMatching(/^Retrying \(Retry\(total=0, /),
      expect.stringMatching(
        /^Retrying \(Retry\(total=1, connect=None, read=None, redirect=None\)\) after connection broken by 'NewConnectionError\(.*Connection refused'\)': \/ok$/
      ),
    ]);
    // Each failed connection was discarded and its slot freed.
    expect(p.pool?.snapshot()).toEqual([null]);
    expect(named(spans, 'HTTPConnectionPool.urlopen')).toHaveLength(3);
  });

  it('decodes gzip and both deflate flavours when decode_content is on', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const encoded: Record<string, [string, Buffer]> = {
      '/gzip': ['gzip', gzipSync(body)],
      '/deflate': ['deflate', deflateSync(body)],
      '/rawdeflate': ['deflate', deflateRawSync(body)],
    };
    for (const [path, [encoding, bytes]] of Object.entries(encoded)) {
      server.route('GET', path, (_req, res) => {
        res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Length': bytes.length });
        res.end(bytes);
      });
    }
    const p = pool({ maxsize: 1 });
    for (const path of Object.keys(encoded)) {
      const r = await p.urlopen('GET', path);
      expect(Buffer.from(r.data ?? []).toString()).toBe(body);
    }
    const raw = await p.urlopen('GET', '/gzip', { decode_content: false });
    expect(Buffer.from(raw.data ?? [])).toEqual(encoded['/gzip']?.[1]);
  });

  it('after a Connection: close answer, resets the closed connection as urllib3 does, on a new socket', async () => {
    server.route('GET', '/close', (_req, res) => {
      res.setHeader('Connection', 'close');
      sendJson(res, 200, { bye: true });
    });
    const p = pool({ maxsize: 1 });
    await p.urlopen('GET', '/close');
    await p.urlopen('GET', '/ok');
    expect(server.requests[1]?.remotePort).not.toBe(server.requests[0]?.remotePort);
    const spans = await tracing.spans();
    const events = spans.flatMap((s) => s.events.map((e) => e.attributes?.['novatrace.event']));
    // urllib3 1.13: is_connection_dropped is True for a closed socket (sock is None)
    expect(events.filter((e) => e === 'connection dropped: reset')).toHaveLength(1);
    expect(named(spans, 'HTTPConnectionPool._new_conn')).toHaveLength(1);
  });

  it('awaits the step gate at every layer and at the wire, before any byte is sent', async () => {
    const entries: LayerEntry[] = [];
    let requestsSeenAtWireGate = -1;
    const p = pool({ maxsize: 1 });
    await withRunScope(
      {
        gate: async (entry) => {
          entries.push(entry);
          if (entry.name === 'wire') requestsSeenAtWireGate = server.requests.length;
        },
      },
      () => p.urlopen('GET', '/ok')
    );
    expect(entries.map((e) => e.name)).toEqual([
      'HTTPConnectionPool.urlopen',
      'HTTPConnectionPool._get_conn',
      'HTTPConnectionPool._new_conn',
      'HTTPConnectionPool._make_request',
      'wire',
      'HTTPConnectionPool._put_conn',
    ]);
    expect(entries.find((e) => e.name === 'wire')?.method).toBe('GET');
    expect(requestsSeenAtWireGate).toBe(0);
  });
});

describe('HTTPConnectionPool._get_conn', () => {
  it('makes a second request wait for the only connection when pool_block is on', async () => {
    server.route('GET', '/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 50));
      sendJson(res, 200, { slow: true });
    });
    const session = new Session({ env: {} });
    cleanup.push(() => session.close());
    session.mount('http://', new HTTPAdapter({ pool_maxsize: 1, pool_block: true }));
    const [a, b] = await Promise.all([
      session.request('GET', `${server.url}/slow`),
      session.request('GET', `${server.url}/ok`),
    ]);
    expect([a.status_code, b.status_code]).toEqual([200, 200]);
    expect(server.connectionsAccepted()).toBe(1);
    expect(server.requests.map((q) => q.url)).toEqual(['/slow', '/ok']);
    const spans = await tracing.spans();
    const events = named(spans, 'HTTPConnectionPool._get_conn').map((s) =>
      s.events.map((e) => e.attributes?.['novatrace.event'])
    );
    expect(events).toContainEqual(['pool empty: block', 'pool hit']);
  });

  it('makes a second connection, then discards it when the pool is full, without pool_block', async () => {
    server.route('GET', '/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 50));
      sendJson(res, 200, { slow: true });
    });
    const session = new Session({ env: {} });
    cleanup.push(() => session.close());
    session.mount('http://', new HTTPAdapter({ pool_maxsize: 1 }));
    await Promise.all([
      session.request('GET', `${server.url}/slow`),
      session.request('GET', `${server.url}/ok`),
    ]);
    expect(server.connectionsAccepted()).toBe(2);
    const spans = await tracing.spans();
    const puts = named(spans, 'HTTPConnectionPool._put_conn').map((s) => s.events[0]?.name);
    expect(puts).toContain('Connection pool is full, discarding connection: 127.0.0.1');
  });
});

describe('HTTPResponse.read', () => {
  it('raises ProtocolError when the server drops the socket mid-body; requests says ChunkedEncodingError', async () => {
    server.route('GET', '/cut', (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const p = pool({ maxsize: 1 });
    const raw = await p.urlopen('GET', '/cut', { preload_content: false });
    await expect(raw.read()).rejects.toBeInstanceOf(ProtocolError);
    const session = new Session({ env: {} });
    cleanup.push(() => session.close());
    await expect(session.request('GET', `${server.url}/cut`)).rejects.toBeInstanceOf(
      ChunkedEncodingError
    );
  });
});
