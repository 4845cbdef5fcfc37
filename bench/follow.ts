/**
 * Follow benchmark (numbers, not tests): span end on the live bus → its row painted as ended in
 * a real headless Chromium page, p95, with the page alone and with the page among 50 other
 * subscribers of the event stream (a class watching the teacher's run). "Painted" is the first
 * animation frame after the row changed. Loopback only, bounded loops.
 * Run alone with `node bin/run-ts.js bench/follow.ts`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { SpanBus } from '../src/telemetry/span-bus.js';
import type { SpanRecord } from '../src/telemetry/types.js';
import { createViewerApp } from '../src/viewer/app.js';
import { CHROMIUM_ARGS, findChromium } from '../test/browser/chromium.js';
import { median, percentile } from './stats.js';

import type { Figure } from './report.js';

const SPANS = 120;
const PACE_MS = 10;
const FOLLOWERS = 50;
const GOAL_MS = 33;
const BASE_NS = 1_795_000_000_000_000_000n;
let ids = 0;

function record(
  traceId: string,
  parent: string | undefined,
  i: number,
  ended: boolean
): SpanRecord {
  const start = BASE_NS + BigInt(i) * 50_000n;
  return {
    traceId,
    spanId: (++ids).toString(16).padStart(16, '0'),
    ...(parent ? { parentSpanId: parent } : {}),
    name: i % 2 ? 'HTTPConnectionPool._get_conn' : 'Session.send',
    kind: 'internal',
    startTimeUnixNano: start.toString(),
    ...(ended ? { endTimeUnixNano: (start + 40_000n).toString() } : {}),
    attributes: { 'novatrace.layer': i % 2 ? 'urllib3' : 'requests', 'code.function.name': 'x' },
    events: [{ name: 'pool hit', timeUnixNano: start.toString(), attributes: {} }],
    status: { code: 0 },
    scope: 'novatrace.bench',
    service: 'bench',
  } as SpanRecord;
}

/** p95 of span end → row painted, with `followers` other subscribers on the stream. */
async function latencyP95(followers: number): Promise<number> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error('no chromium (apt-get install chromium or set CHROMIUM_PATH)');
  const bus = new SpanBus();
  const viewer = createViewerApp({ bus, scenarios: () => [] });
  await viewer.ready();
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const aborts: AbortController[] = [];
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    // The other subscribers read every frame, as a following page's EventSource does.
    for (let i = 0; i < followers; i++) {
      const ac = new AbortController();
      aborts.push(ac);
      const res = await fetch(`${url}/api/events`, { signal: ac.signal });
      const reader = res.body?.getReader();
      void (async () => {
        try {
          for (;;) if ((await reader!.read()).done) break;
        } catch {
          // aborted at the end
        }
      })();
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.waitForSelector('.live.on');
    const offsets: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.timeOrigin + performance.now();
      const tp = await page.evaluate(() => performance.timeOrigin + performance.now());
      const t1 = performance.timeOrigin + performance.now();
      offsets.push(tp - (t0 + t1) / 2);
    }
    const offset = median(offsets);
    await page.evaluate(`(() => {
      const seen = {};
      window.paintedAt = seen;
      const note = (row) => {
        const id = row.dataset && row.dataset.spanId;
        if (id && row.dataset.state === 'ended' && seen[id] === undefined) {
          seen[id] = -1;
          requestAnimationFrame(() => { seen[id] = performance.timeOrigin + performance.now(); });
        }
      };
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === 'attributes') note(r.target);
          for (const n of r.addedNodes) if (n.dataset) note(n);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    })()`);
    const traceId = (++ids).toString(16).padStart(32, '0');
    const root = record(traceId, undefined, 0, false);
    bus.publish({ type: 'span-start', span: root });
    await page.waitForFunction((id) => location.hash.includes(id), traceId);
    const sentAt: Record<string, number> = {};
    for (let i = 1; i <= SPANS; i++) {
      const running = record(traceId, root.spanId, i, false);
      bus.publish({ type: 'span-start', span: running });
      await new Promise((r) => setTimeout(r, PACE_MS));
      const ended = {
        ...running,
        endTimeUnixNano: (BigInt(running.startTimeUnixNano) + 40_000n).toString(),
      };
      sentAt[ended.spanId] = performance.timeOrigin + performance.now();
      bus.publish({ type: 'span-end', span: ended });
    }
    await page.waitForFunction(
      (n) =>
        Object.values(
          (window as unknown as { paintedAt: Record<string, number> }).paintedAt
        ).filter((v) => v > 0).length >= n,
      SPANS,
      { timeout: 30_000 }
    );
    const painted = await page.evaluate(
      () => (window as unknown as { paintedAt: Record<string, number> }).paintedAt
    );
    return percentile(
      Object.entries(sentAt).map(([id, t]) => (painted[id] as number) - offset - t),
      95
    );
  } finally {
    for (const ac of aborts) ac.abort();
    await browser.close();
    viewer.hub.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await viewer.close();
  }
}

export async function measure(): Promise<Figure[]> {
  const alone = await latencyP95(0);
  const among = await latencyP95(FOLLOWERS);
  return [
    {
      figure: 'span end → row painted p95, 1 page',
      value: alone,
      unit: 'ms',
      goal: GOAL_MS,
      better: 'lower',
    },
    {
      figure: `span end → row painted p95, 1 page among ${FOLLOWERS} subscribers`,
      value: among,
      unit: 'ms',
      goal: GOAL_MS,
      better: 'lower',
    },
  ];
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('bench/follow.ts')) {
  for (const f of await measure()) {
    console.log(
      `${f.figure}: ${f.value.toFixed(1)} ${f.unit} (goal ≤ ${f.goal}) ${f.value <= f.goal ? 'met' : 'NOT MET'}`
    );
  }
}
