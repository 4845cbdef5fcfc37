/**
 * What the wire span records of one exchange: the head as sent and as received (in order, in
 * the case that crossed the wire, secrets as {SHA1}), bounded body previews with secrets
 * redacted, and the timing events. A raw TCP server keeps the bytes, so the record is compared
 * with what really went over the socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Session } from '../../../src/requests/sessions.js';
import { BODY_PREVIEW_BYTES, sha1Redact } from '../../../src/telemetry/redact.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';
import { headerPairs, startRawCapture, type RawCaptureServer } from '../../helpers/raw-capture.js';

const tracing = useMemoryTracing();
const TOKEN = 'gAAAAABsecret-token-value-0123456789';
const PASSWORD = 'hunter2-very-secret';
const RESPONSE_BODY = JSON.stringify({ access: { token: { id: TOKEN, expires: 'x' }, user: {} } });
const RESPONSE =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
  `X-Subject-Token: ${TOKEN}\r\nContent-Length: ${Buffer.byteLength(RESPONSE_BODY)}\r\n\r\n` +
  RESPONSE_BODY;

let server: RawCaptureServer;
beforeAll(async () => {
  server = await startRawCapture(RESPONSE);
});
afterAll(async () => {
  await server.close();
});

function attr(span: ReadableSpan, key: string): unknown {
  return span.attributes[key];
}

async function post(body: string): Promise<ReadableSpan> {
  const session = new Session();
  try {
    const r = await session.request('POST', `http://127.0.0.1:${server.port}/v2.0/tokens`, {
      headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' },
      data: body,
    });
    expect(r.status_code).toBe(200);
  } finally {
    await session.close();
  }
  const wire = (await tracing.spans()).find((s) => s.name === 'POST');
  if (!wire) throw new Error('no wire span');
  return wire;
}

describe('the wire span record', () => {
  it('keeps the request head as sent, in order and case, with the token as {SHA1}', async () => {
    const body = JSON.stringify({
      auth: { passwordCredentials: { username: 'u', password: PASSWORD } },
    });
    const wire = await post(body);
    const sent = headerPairs(server.requests.at(-1)!.head).map(
      ([name, value]) => `${name}: ${name === 'X-Auth-Token' ? sha1Redact(value) : value}`
    );
    expect(attr(wire, 'novatrace.wire.request_headers')).toBe(sent.join('\n'));
    expect(sent.at(-1)).toBe(`content-length: ${Buffer.byteLength(body)}`);
    expect(attr(wire, 'http.request.header.x-auth-token')).toEqual([sha1Redact(TOKEN)]);
    expect(attr(wire, 'http.request.header.content-length')).toEqual([
      String(Buffer.byteLength(body)),
    ]);
    expect(attr(wire, 'http.request.body.size')).toBe(Buffer.byteLength(body));
    const headersSent = wire.events.find((e) => e.name === 'headers sent');
    expect(headersSent?.attributes?.['novatrace.request.line']).toBe('POST /v2.0/tokens HTTP/1.1');
  });

  it('keeps the status line and the response headers as received, the subject token as {SHA1}', async () => {
    const wire = await post('{}');
    expect(attr(wire, 'novatrace.wire.status_line')).toBe('HTTP/1.1 200 OK');
    expect(attr(wire, 'novatrace.wire.response_headers')).toBe(
      [
        'Content-Type: application/json',
        `X-Subject-Token: ${sha1Redact(TOKEN)}`,
        `Content-Length: ${Buffer.byteLength(RESPONSE_BODY)}`,
      ].join('\n')
    );
    expect(attr(wire, 'http.response.header.x-subject-token')).toEqual([sha1Redact(TOKEN)]);
    expect(attr(wire, 'http.response.body.size')).toBe(Buffer.byteLength(RESPONSE_BODY));
  });

  it('previews both bodies as sent, with the password and the token id redacted', async () => {
    const body = `{"auth": {"passwordCredentials": {"username": "u", "password": "${PASSWORD}"}}}`;
    const wire = await post(body);
    expect(attr(wire, 'novatrace.wire.request_body_preview')).toBe(
      body.replace(PASSWORD, sha1Redact(PASSWORD))
    );
    expect(attr(wire, 'novatrace.wire.response_body_preview')).toBe(
      RESPONSE_BODY.replace(TOKEN, sha1Redact(TOKEN))
    );
    // The secrets appear nowhere in the span: attributes, events, names.
    const text = JSON.stringify({ a: wire.attributes, e: wire.events, n: wire.name });
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
  });

  it('bounds the previews and says how big the body was', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => `item-${i}`) });
    const wire = await post(big);
    const preview = String(attr(wire, 'novatrace.wire.request_body_preview'));
    expect(Buffer.byteLength(preview)).toBeLessThan(BODY_PREVIEW_BYTES + 40);
    expect(preview.startsWith(big.slice(0, 100))).toBe(true);
    expect(preview).toContain(`[${Buffer.byteLength(big)} bytes in all]`);
  });

  it('records the timing events in wire order: connected, sent, first byte, body done', async () => {
    const wire = await post('{}');
    const names = wire.events.map((e) => e.name);
    expect(names).toEqual([
      'connected',
      'headers sent',
      'body sent',
      'response headers',
      'response body done',
    ]);
    const ns = wire.events.map((e) => e.time[0] * 1e9 + e.time[1]);
    expect([...ns].sort((x, y) => x - y)).toEqual(ns);
  });

  it('records the head of a request urllib3 sends without headers or body', async () => {
    const pool = new HTTPConnectionPool('127.0.0.1', server.port);
    try {
      await pool.urlopen('GET', '/v2.1/');
    } finally {
      await pool.close();
    }
    const wire = (await tracing.spans()).find((s) => s.name === 'GET');
    const sent = headerPairs(server.requests.at(-1)!.head).map(([n, v]) => `${n}: ${v}`);
    expect(attr(wire!, 'novatrace.wire.request_headers')).toBe(sent.join('\n'));
    expect(sent.some((l) => l.startsWith('content-length'))).toBe(false);
    expect(attr(wire!, 'novatrace.wire.request_body_preview')).toBeUndefined();
  });
});
