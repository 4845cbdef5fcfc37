/**
 * The mock cloud against hostile input (issue 14): absurd nesting is Nova's and Keystone's 400,
 * never a 500; a foreign Host never reaches the catalog; every answer carries the security
 * headers; slow-header sockets are closed, except those of a run paused in step mode.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  holdConnections,
  releaseConnections,
  type RunningCloud,
} from '../../../src/cloud/index.js';
import { CLOUD_SECURITY_HEADERS } from '../../../src/cloud/app.js';
import { pyRepr } from '../../../src/cloud/validation.js';
import { appWithToken, startTestCloud, v3PasswordBody } from '../../helpers/start-cloud.js';

const { servers: S, volumes: V } = FIXTURES;
const PUT_PATH = `/v2.1/servers/${S.vm1.id}/os-volume_attachments/${V.attached.id}`;
const DEEP = '['.repeat(50_000) + ']'.repeat(50_000);

function expectSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(CLOUD_SECURITY_HEADERS)) {
    expect(res.headers.get(name), name).toBe(value);
  }
}

describe('nesting', () => {
  it('answers Nova 400 "Malformed request body" to 50,000 nested brackets, and stays up', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('PUT', PUT_PATH, { body: DEEP });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      badRequest: { code: 400, message: 'Malformed request body' },
    });
    expectSecurityHeaders(res);
    const ok = await cloud.call('PUT', PUT_PATH, {
      body: { volumeAttachment: { volumeId: V.spare.id } },
    });
    expect(ok.status).toBe(202);
  });

  it('answers Keystone 400 to the same body', async () => {
    const cloud = await appWithToken();
    const res = await cloud.app.request('/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: DEEP,
    });
    expect(res.status).toBe(400);
    expectSecurityHeaders(res);
  });

  it('prints a deep but accepted value in the validation message (iterative repr)', async () => {
    const cloud = await appWithToken();
    const value = JSON.parse('['.repeat(800) + ']'.repeat(800)) as unknown;
    const res = await cloud.call('PUT', PUT_PATH, {
      body: { volumeAttachment: { volumeId: value } },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { badRequest: { message: string } };
    expect(body.badRequest.message).toContain(`Value: ${'['.repeat(800)}`);
    expect(body.badRequest.message).toMatch(/is not of type 'string'$/);
    expect(pyRepr(JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)))).toHaveLength(100_000);
    expect(pyRepr({ a: [1, { "b'": null }] })).toBe(`{'a': [1, {"b'": None}]}`);
  });
});

describe('Host and security headers on real sockets', () => {
  let cloud: RunningCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ headersTimeoutMs: 600 });
  });
  afterAll(async () => {
    await cloud.close();
  });

  /** A raw request, so the Host header is whatever we say. */
  function rawRequest(path: string, host: string, method = 'GET', body = ''): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(cloud.port, '127.0.0.1', () => {
        socket.write(
          `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n` +
            (body
              ? `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
              : '') +
            `\r\n${body}`
        );
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (text += d));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
  }

  it('refuses a foreign Host on Keystone and Nova routes with 421 and the security headers', async () => {
    const token = await rawRequest(
      '/identity/v3/auth/tokens',
      'rebound.example:80',
      'POST',
      JSON.stringify(v3PasswordBody())
    );
    expect(token).toMatch(/^HTTP\/1\.1 421 /);
    expect(token).not.toContain('rebound.example/');
    expect(token.toLowerCase()).toContain('x-content-type-options: nosniff');
    for (const path of ['/identity/v3', '/v2.1', '/', '/_novatrace/state']) {
      expect(await rawRequest(path, 'rebound.example'), path).toMatch(/^HTTP\/1\.1 421 /);
    }
  });

  it('answers a loopback Host, and names it in the catalog', async () => {
    const res = await rawRequest(
      '/identity/v3/auth/tokens',
      `localhost:${cloud.port}`,
      'POST',
      JSON.stringify(v3PasswordBody())
    );
    expect(res).toMatch(/^HTTP\/1\.1 201 /);
    expect(res).toContain(`http://localhost:${cloud.port}/v2.1`);
    const nova = await fetch(`${cloud.url}/v2.1`);
    expect(nova.status).toBe(200);
    expectSecurityHeaders(nova);
    const missing = await fetch(`${cloud.url}/nowhere`);
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    const unauthorized = await fetch(`${cloud.url}/v2.1/servers`);
    expect(unauthorized.status).toBe(401);
    expectSecurityHeaders(unauthorized);
  });

  it('closes 150 slow-header sockets, but not the one of a paused run', async () => {
    const sockets: Socket[] = [];
    const closed = new Set<Socket>();
    const opened = () =>
      new Promise<Socket>((resolve) => {
        const s = connect(cloud.port, '127.0.0.1', () => {
          s.write(`GET /v2.1 HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
          resolve(s);
        });
        s.on('error', () => undefined);
        s.on('close', () => closed.add(s));
        sockets.push(s);
      });
    const slow: Socket[] = [];
    for (let i = 0; i < 150; i++) slow.push(await opened());
    const paused = await opened();
    holdConnections('hostile-test', [paused.localPort ?? 0]);
    const release = () => releaseConnections('hostile-test');
    const drip = setInterval(() => {
      for (const s of sockets) if (!closed.has(s)) s.write('X-Drip: 1\r\n');
    }, 200);
    try {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && slow.some((s) => !closed.has(s))) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(slow.filter((s) => !closed.has(s))).toHaveLength(0);
      expect(closed.has(paused)).toBe(false);
      // The paused run goes on: it finishes its request and gets its answer.
      release();
      const answer = new Promise<string>((resolve) => {
        let text = '';
        paused.on('data', (d: Buffer) => {
          text += d.toString('utf8');
          if (text.includes('\r\n\r\n')) resolve(text);
        });
      });
      paused.write('\r\n');
      expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      clearInterval(drip);
      release();
      for (const s of sockets) s.destroy();
    }
  });
});
