/**
 * @module
 * What the page benchmarks share (bench/viewer.ts, bench/follow.ts): a viewer on loopback with
 * a live span bus, headless Chromium, the clock offset between Node and the page, a probe that
 * notes when each span's row was painted as ended, and the synthetic spans they publish.
 *
 * "Painted" is the first task after the rendering update that drew the change: the page
 * changes rows inside an animation-frame callback, so the probe posts a message from that
 * frame, which runs once the frame's style, layout and paint are done (the "after frame"
 * technique). A change made outside a frame callback waits for the next frame first.
 */
import type { Server } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { SpanBus } from '../src/telemetry/span-bus.js';
import type { SpanRecord } from '../src/telemetry/types.js';
import { createViewerApp } from '../src/viewer/app.js';
import { CHROMIUM_ARGS, findChromium } from '../test/browser/chromium.js';
import { median } from './stats.js';

/** Why the page benchmarks cannot run here, or undefined when they can. */
export function pageSkipReason(): string | undefined {
  return findChromium()
    ? undefined
    : 'SKIPPED: no chromium (apt-get install chromium or set CHROMIUM_PATH)';
}

/**
 * The machine's 1-minute load average, for a figure's note: page figures on a shared machine
 * swing with it, and a figure is read beside the load it was measured under.
 */
export function loadNote(): string {
  return `load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} cores`;
}

export interface BenchViewer {
  readonly bus: SpanBus;
  readonly viewer: ReturnType<typeof createViewerApp>;
  readonly url: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** A viewer on 127.0.0.1 (port 0) with its own span bus, and a headless Chromium. */
export async function startBenchViewer(
  options: Partial<Parameters<typeof createViewerApp>[0]> = {}
): Promise<BenchViewer> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(pageSkipReason());
  const bus = new SpanBus();
  const viewer = createViewerApp({ bus, scenarios: () => [], ...options });
  await viewer.ready();
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return {
    bus,
    viewer,
    url,
    browser,
    async close() {
      await browser.close();
      viewer.hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await viewer.close();
    },
  };
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * CPU time the page's main thread has used so far, in ms (Chromium's `ThreadTime` metric). Unlike
 * wall time it does not grow while the thread waits for a core, so a figure's note can say what
 * the page itself spent on it, whatever else ran on the machine.
 */
export async function mainThreadMs(page: Page): Promise<number> {
  let session = sessions.get(page);
  if (!session) {
    session = page
      .context()
      .newCDPSession(page)
      .then(async (s) => {
        await s.send('Performance.enable');
        return s;
      });
    sessions.set(page, session);
  }
  const { metrics } = await (await session).send('Performance.getMetrics');
  const thread = metrics.find((m) => m.name === 'ThreadTime');
  return thread ? thread.value * 1000 : Number.NaN;
}

/** Milliseconds to add to a Node epoch time to get the page's (median of bracketed reads). */
export async function clockOffset(page: Page): Promise<number> {
  const offsets: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const tp = await page.evaluate(() => performance.timeOrigin + performance.now());
    const t1 = performance.timeOrigin + performance.now();
    offsets.push(tp - (t0 + t1) / 2);
  }
  return median(offsets);
}

/**
 * Installs the paint probe: `window.paintedAt[spanId]` becomes the page's epoch time at which
 * the span's row was first painted in the ended state. A string, not a function: tsx's
 * name-keeping helpers do not exist inside the page.
 */
export async function installPaintProbe(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = {};
    window.paintedAt = seen;
    const now = () => performance.timeOrigin + performance.now();
    let inFrame = false;
    const pending = [];
    const afterPaint = () => {
      const t = now();
      for (const id of pending.splice(0)) seen[id] = t;
    };
    const channel = new MessageChannel();
    channel.port1.onmessage = afterPaint;
    const note = (row) => {
      const id = row.dataset && row.dataset.spanId;
      if (!id || row.dataset.state !== 'ended' || seen[id] !== undefined) return;
      seen[id] = -1;
      pending.push(id);
      if (pending.length > 1) return;
      if (inFrame) channel.port2.postMessage(0);
      else requestAnimationFrame(() => channel.port2.postMessage(0));
    };
    const take = (records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target);
        for (const n of r.addedNodes) if (n.dataset) note(n);
      }
    };
    const observer = new MutationObserver(take);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    // Frame callbacks run with inFrame set, and their row changes are read before they return.
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf((ts) => {
      inFrame = true;
      try { cb(ts); } finally { take(observer.takeRecords()); inFrame = false; }
    });
  })()`);
}

/** The page's paint times so far (see {@link installPaintProbe}), -1 while waiting for paint. */
export async function paintTimes(page: Page, count: number): Promise<Record<string, number>> {
  await page.waitForFunction(
    (n) =>
      Object.values((window as unknown as { paintedAt: Record<string, number> }).paintedAt).filter(
        (v) => v > 0
      ).length >= n,
    count,
    { timeout: 60_000 }
  );
  return page.evaluate(
    () => (window as unknown as { paintedAt: Record<string, number> }).paintedAt
  );
}

const BASE_NS = 1_795_000_000_000_000_000n;
let idCounter = 0;

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A fresh trace id. */
export function newTraceId(): string {
  return hex(++idCounter, 32);
}

const NAMES = [
  'HTTPClient._cs_request',
  'Session.send',
  'HTTPAdapter.send',
  'HTTPConnectionPool.urlopen',
  'HTTPConnectionPool._get_conn',
];
const LAYERS = ['novaclient', 'requests', 'requests', 'urllib3', 'urllib3'];

/** A realistic layer span: the attributes and events a ported function records. */
export function layerRecord(
  traceId: string,
  index: number,
  parent: string | undefined,
  ended = true
): SpanRecord {
  idCounter += 1;
  const start = BASE_NS + BigInt(index) * 50_000n;
  const name = NAMES[index % NAMES.length] as string;
  const layer = LAYERS[index % LAYERS.length] as string;
  return {
    traceId,
    spanId: hex(idCounter, 16),
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind: 'internal',
    service: 'novaclient',
    scope: `novatrace.${layer}`,
    startTimeUnixNano: start.toString(),
    ...(ended ? { endTimeUnixNano: (start + 40_000n).toString() } : {}),
    attributes: {
      'code.function.name': name,
      'code.file.path': 'src/urllib3/connectionpool.ts',
      'code.line.number': 200 + (index % 50),
      'novatrace.layer': layer,
      'novatrace.upstream.file': 'urllib3/connectionpool.py',
      'novatrace.upstream.version': 'urllib3 1.13.1',
      'http.request.method': 'PUT',
      'url.full': `http://127.0.0.1:8774/v2.1/servers/${hex(index, 8)}/os-volume_attachments/${hex(idCounter, 12)}`,
      'server.address': '127.0.0.1',
      'server.port': 8774,
      'urllib3.pool.maxsize': 10,
      'urllib3.pool.num_connections': index % 3,
    },
    events: [
      {
        name: index % 2 ? 'pool hit' : 'Starting new HTTP connection (1): 127.0.0.1:8774',
        timeUnixNano: (start + 1_000n).toString(),
        attributes: {
          'novatrace.event': index % 2 ? 'pool hit' : 'pool miss: new connection',
          'novatrace.layer': layer,
        },
      },
    ],
    status: { code: 0 },
  };
}

/** A trace of `size` spans: a root and a few levels of fan-out (`fanout` children each). */
export function bigTrace(size: number, fanout = 4): SpanRecord[] {
  const traceId = newTraceId();
  const out: SpanRecord[] = [layerRecord(traceId, 0, undefined)];
  for (let i = 1; i < size; i++) {
    const parent = out[Math.floor((i - 1) / fanout)] as SpanRecord;
    out.push(layerRecord(traceId, i, parent.spanId));
  }
  return out;
}

/**
 * Span end → row painted, in ms, for `spans` children of one running root published at `paceMs`
 * on the viewer's bus, as seen by `page` (opened on the viewer, live).
 */
export async function liveLatencies(
  v: BenchViewer,
  page: Page,
  spans: number,
  paceMs: number
): Promise<number[]> {
  const offset = await clockOffset(page);
  await installPaintProbe(page);
  const traceId = newTraceId();
  const root = layerRecord(traceId, 0, undefined, false);
  v.bus.publish({ type: 'span-start', span: root });
  await page.waitForFunction((id) => location.hash.includes(id), traceId, { timeout: 30_000 });
  const sentAt: Record<string, number> = {};
  for (let i = 1; i <= spans; i++) {
    const running = layerRecord(traceId, i, root.spanId, false);
    v.bus.publish({ type: 'span-start', span: running });
    await new Promise((r) => setTimeout(r, paceMs));
    const ended = {
      ...running,
      endTimeUnixNano: (BigInt(running.startTimeUnixNano) + 40_000n).toString(),
    };
    sentAt[ended.spanId] = performance.timeOrigin + performance.now();
    v.bus.publish({ type: 'span-end', span: ended });
  }
  const painted = await paintTimes(page, spans);
  return Object.entries(sentAt).map(([id, t]) => (painted[id] as number) - offset - t);
}
