// HTTPS through HTTPSConnectionPool: requests' `verify` decides cert_reqs / ca_certs on the pool,
// which copies them onto each new connection (undici's TLS options).
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session, SSLError } from '../../../src/requests/index.js';
import { HTTPSConnectionPool } from '../../../src/urllib3/connectionpool.js';
import { SSLError as Urllib3SSLError } from '../../../src/urllib3/exceptions.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing('https-test');
const CERT = fileURLToPath(new URL('./certs/server.crt', import.meta.url));
const KEY = fileURLToPath(new URL('./certs/server.key', import.meta.url));

let server: Server;
let url: string;
let session: Session;

beforeEach(async () => {
  server = createServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"secure":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  session = new Session({ env: {} });
});

afterEach(async () => {
  await session.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('HTTPSConnectionPool', () => {
  it('verifies the server against the CA bundle given as verify', async () => {
    const r = await session.request('GET', url, { verify: CERT });
    expect(r.json()).toEqual({ secure: true });
    const spans = await tracing.spans();
    expect(spans.find((s) => s.name === 'HTTPConnectionPool._new_conn')?.events[0]?.name).toBe(
      'Starting new HTTPS connection (1): 127.0.0.1'
    );
    expect(spans.find((s) => s.name === 'GET')?.attributes['url.scheme']).toBe('https');
  });

  it('raises requests.SSLError for an untrusted certificate with verify on', async () => {
    const err = await session.request('GET', url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SSLError);
    expect((err as Error).cause).toBeInstanceOf(Urllib3SSLError);
  });

  it('skips verification with verify false', async () => {
    const r = await session.request('GET', url, { verify: false });
    expect(r.status_code).toBe(200);
  });

  it('sets cert_reqs on the pool, used by connections made afterwards', async () => {
    const pool = new HTTPSConnectionPool('127.0.0.1', 443, { cert_reqs: 'CERT_NONE' });
    const conn = await pool._get_conn();
    expect(conn.scheme).toBe('https');
    expect(conn.port).toBe(443);
    expect((conn as unknown as { cert_reqs: string }).cert_reqs).toBe('CERT_NONE');
    await pool.close();
  });
});
