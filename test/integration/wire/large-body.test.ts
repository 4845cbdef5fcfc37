/**
 * A response body longer than undici's first read arrives after httplib's getresponse() returns
 * (requests reads it later): the wire span lasts to the body's last byte and records its size
 * and a bounded preview, as it does for a short body; a body closed unread still ends the span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Session } from '../../../src/requests/sessions.js';
import { BODY_PREVIEW_BYTES } from '../../../src/telemetry/redact.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';
import { startRawCapture, type RawCaptureServer } from '../../helpers/raw-capture.js';

const tracing = useMemoryTracing();
const BODY = JSON.stringify({
  servers: Array.from({ length: 6000 }, (_, i) => ({ id: `server-${i}`, name: `vm-${i}` })),
});

let server: RawCaptureServer;
beforeAll(async () => {
  server = await startRawCapture(
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`
  );
});
afterAll(async () => {
  await server.close();
});

function nanos(t: readonly [number, number]): number {
  return t[0] * 1e9 + t[1];
}

async function wireSpan(): Promise<ReadableSpan> {
  const wire = (await tracing.spans()).find((s) => s.name === 'GET');
  if (!wire) throw new Error('no wire span');
  return wire;
}

describe('the wire span of a long response body', () => {
  it('ends at the last byte with the body size and a bounded preview', async () => {
    expect(Buffer.byteLength(BODY)).toBeGreaterThan(200_000);
    const session = new Session();
    try {
      const r = await session.request('GET', `http://127.0.0.1:${server.port}/servers/detail`);
      expect(r.content.length).toBe(Buffer.byteLength(BODY));
    } finally {
      await session.close();
    }
    const wire = await wireSpan();
    expect(wire.attributes['http.response.body.size']).toBe(Buffer.byteLength(BODY));
    const preview = String(wire.attributes['novatrace.wire.response_body_preview']);
    expect(preview.startsWith(BODY.slice(0, 200))).toBe(true);
    expect(preview.endsWith(`… [${Buffer.byteLength(BODY)} bytes in all]`)).toBe(true);
    expect(Buffer.byteLength(preview)).toBeLessThan(BODY_PREVIEW_BYTES + 40);
    const done = wire.events.find((e) => e.name === 'response body done');
    const headers = wire.events.find((e) => e.name === 'response headers');
    expect(done && headers).toBeTruthy();
    expect(nanos(done!.time)).toBeGreaterThanOrEqual(nanos(headers!.time));
    expect(nanos(wire.endTime)).toBeGreaterThanOrEqual(nanos(done!.time));
  });

  it('ends when the body is closed unread (stream=True)', async () => {
    const session = new Session();
    try {
      const r = await session.request('GET', `http://127.0.0.1:${server.port}/servers/detail`, {
        stream: true,
      });
      expect(r.status_code).toBe(200);
      expect((await tracing.spans()).some((s) => s.name === 'GET')).toBe(false);
      await r.close();
    } finally {
      await session.close();
    }
    const wire = await wireSpan();
    expect(wire.attributes['http.response.status_code']).toBe(200);
    expect(wire.attributes['http.response.body.size']).toBeUndefined();
  });
});
