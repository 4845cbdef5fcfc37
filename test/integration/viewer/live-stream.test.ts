/**
 * `/api/events` on a real socket (the viewer's own server, @hono/node-server): a browser that
 * stops reading fills its socket, is dropped to a resync, and gets a correct one when it reads
 * again; ingest and the other browsers carry on meanwhile.
 */
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { SpanBus } from '../../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../../src/viewer/app.js';
import { SECURITY_HEADERS } from '../../../src/viewer/security.js';
import type { TraceSummary } from '../../../src/viewer/types.js';
import { closeViewer, serveViewer } from '../../helpers/serve-viewer.js';
import { span, traceId } from '../../unit/viewer/spans.js';

let viewer: ViewerApp | undefined;
let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await closeViewer(viewer, server);
  viewer = undefined;
  server = undefined;
});

/** A raw HTTP/1.1 subscriber whose reading the test turns on and off; keeps what it read. */
function subscriber(port: number): { socket: Socket; text: () => string } {
  let text = '';
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => undefined);
  sockets.push(socket);
  return { socket, text: () => text };
}

/** The SSE frames in a raw chunked HTTP answer (chunk-size lines and empty lines skipped). */
function frames(raw: string): { event: string; data: string }[] {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const out: { event: string; data: string }[] = [];
  let event = '';
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) out.push({ event, data: line.slice(6) });
  }
  return out;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const BIG = 'x'.repeat(8 * 1024);

describe('GET /api/events on the Node socket', () => {
  it('answers with the event-stream and security headers, and a hello resync', async () => {
    viewer = createViewerApp({ bus: new SpanBus() });
    server = await serveViewer(viewer);
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(res.headers.get(name)).toBe(value);
    }
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^event: resync\nretry: 2000\ndata: /);
    expect(viewer.hub.size).toBe(1);
    await reader.cancel();
    await until(() => viewer!.hub.size === 0, 'the hub forgets the closed stream');
  });

  it('drops a stalled browser to a resync without holding up ingest or the other browsers', async () => {
    const bus = new SpanBus();
    viewer = createViewerApp({ bus, sse: { maxQueue: 50 } });
    server = await serveViewer(viewer);
    const port = (server.address() as { port: number }).port;
    const reader = subscriber(port);
    const stalled = subscriber(port);
    await until(() => viewer!.hub.size === 2 && frames(stalled.text()).length === 1, 'hello');
    stalled.socket.pause();

    // Big spans, 20 a turn, until the stalled socket is full and its backlog bound passed.
    const t = traceId();
    let n = 0;
    for (let turn = 0; turn < 2_000 && viewer.hub.stats.droppedEvents === 0; turn++) {
      for (let i = 0; i < 20; i++, n++) {
        const attributes = { a: BIG + n, b: BIG, c: BIG, d: BIG };
        bus.publish({
          type: 'span-end',
          span: span(t, { id: n, name: `s${n}`, start: n, end: n + 1, attributes }),
        });
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(viewer.hub.stats.blockedStreams).toBe(1);
    expect(viewer.hub.stats.droppedEvents).toBeGreaterThan(0);

    // Ingest still answers, and the reading browser gets everything, in order.
    const late = traceId();
    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        toOtlpJson([span(late, { id: 'late', name: 'late', start: 0, end: 1 })])
      ),
    });
    expect(res.status).toBe(200);
    await until(() => reader.text().includes('"name":"late"'), 'the reader gets the late span');
    const got = frames(reader.text()).filter((f) => f.event === 'span-end');
    expect(got.length).toBe(n + 1);
    expect(got.map((f) => (JSON.parse(f.data) as { span: { name: string } }).span.name)).toEqual([
      ...Array.from({ length: n }, (_, i) => `s${i}`),
      'late',
    ]);
    expect(frames(reader.text()).filter((f) => f.event === 'resync')).toHaveLength(1);

    // The stalled browser reads again: what it missed comes as one resync with the whole state.
    stalled.socket.resume();
    await until(
      () => frames(stalled.text()).filter((f) => f.event === 'resync').length === 2,
      'the dropped browser gets its resync'
    );
    const resync = JSON.parse(
      frames(stalled.text()).filter((f) => f.event === 'resync')[1]!.data
    ) as { reason: string; traces: TraceSummary[] };
    expect(resync.reason).toBe('dropped');
    expect(resync.traces.map((s) => [s.traceId, s.spanCount]).sort()).toEqual(
      [
        [t, n],
        [late, 1],
      ].sort()
    );
    const missed = frames(stalled.text()).filter((f) => f.event === 'span-end').length;
    expect(missed).toBeLessThan(n);

    // And it is live again after the resync.
    bus.publish({
      type: 'span-end',
      span: span(late, { id: 'after', name: 'after', start: 1, end: 2 }),
    });
    await until(() => stalled.text().includes('"name":"after"'), 'the resynced browser is live');
    expect(viewer.hub.stats.blockedStreams).toBe(0);
  });
});
