// A page whose event stream stalls is dropped to a resync by the server, and the page then
// shows what it missed: real headless Chromium, the real viewer, and between them a TCP proxy
// that can stop reading the server's side of the page's `/api/events` connection (as a busy
// or suspended browser would), so the server's socket fills up for real.
import type { Server } from 'node:http';
import { connect, createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Socket } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanBus } from '../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';
import { seedTrace, span, traceId } from '../unit/viewer/spans.js';
import { launchBrowser, SKIP_BROWSER, type Browser } from './chromium.js';

/** A TCP proxy that can stop and restart the server-to-browser side of event streams. */
interface StreamProxy {
  readonly url: string;
  /** Stops reading the server's side of every `/api/events` connection. */
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

async function streamProxy(port: number): Promise<StreamProxy> {
  const sockets = new Set<Socket>();
  const streams = new Set<Socket>();
  let stalled = false;
  const server: NetServer = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 16).toString('latin1') === 'GET /api/events ') {
        streams.add(upstream);
        if (stalled) upstream.pause();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      streams.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall() {
      stalled = true;
      for (const s of streams) s.pause();
    },
    resume() {
      stalled = false;
      for (const s of streams) s.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let bus: SpanBus;
let viewer: ViewerApp;
let server: Server;
let proxy: StreamProxy;
let browser: Browser;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  bus = new SpanBus();
  viewer = createViewerApp({ bus, sse: { maxQueue: 20, maxBacklogBytes: 256 * 1024 } });
  await viewer.ready();
  server = await serveViewer(viewer);
  proxy = await streamProxy((server.address() as AddressInfo).port);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
  await proxy?.close();
});

const BIG = 'x'.repeat(8 * 1024);

async function rowNames(page: Page): Promise<string[]> {
  return page.$$eval('.tree .row', (rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
}

describe.skipIf(SKIP_BROWSER)('a page dropped from the live stream', () => {
  it('is sent a resync once it reads again, and then shows the spans it missed', async () => {
    const shown = traceId();
    viewer.ingest(seedTrace(shown), 'file');
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${proxy.url}/#trace=${shown}`);
    await page.waitForSelector('.live.on');
    await page.waitForSelector('.tree .row[data-name="nova volume-update"]');
    const root = viewer.store.get(shown)!.find((s) => !s.parentSpanId)!;

    proxy.stall();
    // Fill the page's socket with big spans (late children of the root, listed after the rest)
    // until the server drops the page. Another trace would do too, but the page would follow it.
    let n = 0;
    for (let turn = 0; turn < 3_000 && viewer.hub.stats.droppedEvents === 0; turn++) {
      for (let i = 0; i < 10; i++, n++) {
        const attributes = { a: BIG + n, b: BIG, c: BIG, d: BIG };
        const filler = span(shown, {
          id: `f${n}`,
          name: `filler ${n}`,
          start: 100 + n,
          attributes,
        });
        bus.publish({ type: 'span-end', span: { ...filler, parentSpanId: root.spanId } });
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(viewer.hub.stats.blockedStreams).toBe(1);
    const dropped = viewer.hub.stats.droppedEvents;
    expect(dropped).toBeGreaterThan(0);

    // A span of the trace on screen, published while the page is dropped: never streamed to it.
    const missed = span(shown, { id: 'missed', name: 'missed while dropped', start: 1, end: 2 });
    bus.publish({ type: 'span-end', span: { ...missed, parentSpanId: root.spanId } });
    await new Promise((r) => setTimeout(r, 50));
    expect(viewer.hub.stats.droppedEvents).toBe(dropped + 1);
    expect(await rowNames(page)).not.toContain('missed while dropped');

    proxy.resume();
    await page.waitForSelector('.tree .row[data-name="missed while dropped"]', {
      timeout: 20_000,
    });
    expect(viewer.hub.stats.resyncs).toBeGreaterThanOrEqual(1);
    expect(viewer.hub.stats.blockedStreams).toBe(0);

    // Live again: a span published now arrives over the stream.
    const after = span(shown, { id: 'after', name: 'after the resync', start: 2, end: 3 });
    bus.publish({ type: 'span-end', span: { ...after, parentSpanId: root.spanId } });
    await page.waitForSelector('.tree .row[data-name="after the resync"]');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
