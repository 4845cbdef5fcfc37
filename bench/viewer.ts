/**
 * Viewer benchmark (numbers, not tests):
 * - latency from a span's end on the live bus to its row showing the span as ended in a real
 *   headless Chromium page (p50, p95), spans published at a steady pace;
 * - time to show a 5,000-span trace: from asking the page for it to its rows on screen (fetch,
 *   JSON parse, tree build and render), median of a few rounds;
 * - heap held by the trace store at 100,000 spans.
 * Everything is loopback; loops are bounded. Run alone with `node bin/run-ts.js bench/viewer.ts`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { SpanBus } from '../src/telemetry/span-bus.js';
import type { SpanRecord } from '../src/telemetry/types.js';
import { createViewerApp } from '../src/viewer/app.js';
import { TraceStore } from '../src/viewer/trace-store.js';
import { findChromium, CHROMIUM_ARGS } from '../test/browser/chromium.js';
import { formatFigure, type Figure } from './report.js';
import { median, percentile } from './stats.js';

// Below the virtualisation threshold (300 rows), so every row is in the DOM to be observed.
const LATENCY_SPANS = 250;
const LATENCY_PACE_MS = 5;
const BIG_TRACE = 5_000;
const RENDER_ROUNDS = 5;
const STORE_SPANS = 100_000;
const STORE_TRACE_SIZE = 200;

const BASE_NS = 1_795_000_000_000_000_000n;
let idCounter = 0;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A realistic layer span: the attributes and events a ported function records. */
function layerRecord(
  traceId: string,
  index: number,
  parent: string | undefined,
  ended = true
): SpanRecord {
  idCounter += 1;
  const start = BASE_NS + BigInt(index) * 50_000n;
  const names = [
    'HTTPClient._cs_request',
    'Session.send',
    'HTTPAdapter.send',
    'HTTPConnectionPool.urlopen',
    'HTTPConnectionPool._get_conn',
  ];
  const layer = ['novaclient', 'requests', 'requests', 'urllib3', 'urllib3'][index % 5] as string;
  return {
    traceId,
    spanId: hex(idCounter, 16),
    ...(parent ? { parentSpanId: parent } : {}),
    name: names[index % names.length] as string,
    kind: 'internal',
    service: 'novaclient',
    scope: `novatrace.${layer}`,
    startTimeUnixNano: start.toString(),
    ...(ended ? { endTimeUnixNano: (start + 40_000n).toString() } : {}),
    attributes: {
      'code.function.name': names[index % names.length] as string,
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

/** A trace of `size` spans: a root and a few levels of fan-out, like many runs in one trace. */
function bigTrace(size: number): SpanRecord[] {
  const traceId = hex(++idCounter, 32);
  const out: SpanRecord[] = [layerRecord(traceId, 0, undefined)];
  for (let i = 1; i < size; i++) {
    const parent = out[Math.floor((i - 1) / 4)] as SpanRecord;
    out.push(layerRecord(traceId, i, parent.spanId));
  }
  return out;
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap held by a store of 100k spans (500 traces of 200), after a full GC before and after. */
function storeMemory(): Record<string, number> {
  const gc = gcFunction();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new TraceStore({
    maxSpans: STORE_SPANS,
    maxTraces: STORE_SPANS / STORE_TRACE_SIZE,
  });
  for (let t = 0; t < STORE_SPANS / STORE_TRACE_SIZE; t++) {
    // Through JSON, as spans arrive from the wire: no structure shared between records.
    const text = JSON.stringify(bigTrace(STORE_TRACE_SIZE));
    store.putAll(JSON.parse(text) as SpanRecord[], 'otlp');
  }
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const held = after - before;
  if (store.spanCount !== STORE_SPANS) throw new Error(`store holds ${store.spanCount} spans`);
  return {
    'store heap at 100k spans: MB': held / (1024 * 1024),
    'store heap per span: bytes': Math.round(held / STORE_SPANS),
  };
}

async function pageBenchmarks(): Promise<Record<string, number | string>> {
  const executablePath = findChromium();
  if (!executablePath) {
    return {
      'page benchmarks': 'SKIPPED: no chromium (apt-get install chromium or set CHROMIUM_PATH)',
    };
  }
  const bus = new SpanBus();
  const viewer = createViewerApp({ bus, scenarios: () => [] });
  await viewer.ready();
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(url);
    await page.waitForSelector('.live.on');

    // Clock offset page − node, from a bracketed read (both are epoch milliseconds).
    const offsets: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.timeOrigin + performance.now();
      const tp = await page.evaluate(() => performance.timeOrigin + performance.now());
      const t1 = performance.timeOrigin + performance.now();
      offsets.push(tp - (t0 + t1) / 2);
    }
    const offset = median(offsets);

    // --- latency: span end on the bus → its row marked ended in the page ---------------------
    // A string, not a function: tsx's name-keeping helpers do not exist inside the page.
    await page.evaluate(`(() => {
      const seen = {};
      window.endedAt = seen;
      const note = (row) => {
        const id = row.dataset && row.dataset.spanId;
        if (id && row.dataset.state !== 'running' && seen[id] === undefined) {
          seen[id] = performance.timeOrigin + performance.now();
        }
      };
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === 'attributes') note(r.target);
          for (const n of r.addedNodes) if (n.dataset) note(n);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    })()`);
    const traceId = hex(++idCounter, 32);
    const root = layerRecord(traceId, 0, undefined, false);
    bus.publish({ type: 'span-start', span: root });
    await page.waitForFunction((id) => location.hash.includes(id), traceId);
    const publishedAt: Record<string, number> = {};
    for (let i = 1; i <= LATENCY_SPANS; i++) {
      const running = layerRecord(traceId, i, root.spanId, false);
      bus.publish({ type: 'span-start', span: running });
      await new Promise((r) => setTimeout(r, LATENCY_PACE_MS));
      const ended = {
        ...running,
        endTimeUnixNano: (BigInt(running.startTimeUnixNano) + 40_000n).toString(),
      };
      publishedAt[ended.spanId] = performance.timeOrigin + performance.now();
      bus.publish({ type: 'span-end', span: ended });
    }
    await page.waitForFunction(
      (n) =>
        Object.keys((window as unknown as { endedAt: Record<string, number> }).endedAt).length >= n,
      LATENCY_SPANS,
      { timeout: 30_000 }
    );
    const endedAt = await page.evaluate(
      () => (window as unknown as { endedAt: Record<string, number> }).endedAt
    );
    const latencies = Object.entries(publishedAt).map(
      ([id, t]) => (endedAt[id] as number) - offset - t
    );

    // --- a 5,000-span trace: ask for it, see its rows ----------------------------------------
    const big = [bigTrace(BIG_TRACE), bigTrace(BIG_TRACE)];
    for (const trace of big) viewer.ingest(trace, 'file');
    const renders: number[] = [];
    for (let round = 0; round < RENDER_ROUNDS; round++) {
      const id = (big[round % 2] as SpanRecord[])[0]?.traceId as string;
      const ms = await page.evaluate(async (traceId) => {
        const t0 = performance.now();
        location.hash = `#trace=${traceId}`;
        for (let i = 0; i < 2000; i++) {
          await new Promise((r) => requestAnimationFrame(r));
          const rows = document.querySelector<HTMLElement>('.rows');
          if (
            rows?.dataset.traceId === traceId &&
            rows.dataset.rowCount === '5000' &&
            rows.querySelector('.row')
          )
            break;
        }
        await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      }, id);
      renders.push(ms);
    }
    const rowsInDom = await page.evaluate(() => document.querySelectorAll('.tree .row').length);
    await page.close();

    // --- the stream alone: bus → EventSource message on a page that renders nothing ---------
    const bare = await browser.newPage();
    await bare.goto(`${url}/healthz`);
    await bare.evaluate(`(() => {
      window.got = {};
      const es = new EventSource('/api/events');
      es.addEventListener('span-end', (e) => {
        window.got[JSON.parse(e.data).span.spanId] = performance.timeOrigin + performance.now();
      });
    })()`);
    await bare.waitForFunction(() => document.readyState === 'complete');
    await new Promise((r) => setTimeout(r, 300));
    const bareSent: Record<string, number> = {};
    const streamTrace = hex(++idCounter, 32);
    for (let i = 0; i < LATENCY_SPANS; i++) {
      const record = layerRecord(streamTrace, i, undefined);
      bareSent[record.spanId] = performance.timeOrigin + performance.now();
      bus.publish({ type: 'span-end', span: record });
      await new Promise((r) => setTimeout(r, LATENCY_PACE_MS));
    }
    await bare.waitForFunction(
      (n) => Object.keys((window as unknown as { got: object }).got).length >= n,
      LATENCY_SPANS
    );
    const bareGot = (await bare.evaluate('window.got')) as Record<string, number>;
    const streamOnly = Object.entries(bareSent).map(
      ([id, t]) => (bareGot[id] as number) - offset - t
    );
    return {
      'span end → row, p50 ms': percentile(latencies, 50),
      'span end → row, p95 ms': percentile(latencies, 95),
      'span end → row, samples': latencies.length,
      'span end → EventSource message (page renders nothing), p50 ms': percentile(streamOnly, 50),
      'span end → EventSource message (page renders nothing), p95 ms': percentile(streamOnly, 95),
      'show a 5,000-span trace: median ms': median(renders),
      'show a 5,000-span trace: max ms': Math.max(...renders),
      'rows in the DOM for 5,000 spans (virtualised)': rowsInDom,
    };
  } finally {
    await browser.close();
    viewer.hub.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await viewer.close();
  }
}

/**
 * Runs the viewer benchmarks.
 * @returns named numbers (and SKIPPED notes) for the bench table
 */
export async function benchViewer(): Promise<Record<string, number | string>> {
  const page = await pageBenchmarks();
  return { ...page, ...storeMemory() };
}

/** The viewer's figures with their goals (issue 13): live latency, a 5,000-span trace, memory. */
export async function measure(): Promise<Figure[]> {
  const r = await benchViewer();
  const skipped = typeof r['page benchmarks'] === 'string' ? r['page benchmarks'] : undefined;
  const num = (key: string): number => (typeof r[key] === 'number' ? r[key] : Number.NaN);
  return [
    {
      figure: 'span end → row painted in page, p95, 1 page',
      value: num('span end → row, p95 ms'),
      unit: 'ms',
      goal: 33,
      better: 'lower',
      note: skipped ?? `p50 ${num('span end → row, p50 ms').toFixed(1)} ms`,
    },
    {
      figure: 'show a 5,000-span trace, median',
      value: num('show a 5,000-span trace: median ms'),
      unit: 'ms',
      goal: 100,
      better: 'lower',
      ...(skipped ? { note: skipped } : {}),
    },
    {
      figure: 'store memory per span at 100k spans',
      value: num('store heap per span: bytes'),
      unit: 'B',
      goal: 400,
      better: 'lower',
    },
  ];
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('bench/viewer.ts')
) {
  for (const f of await measure()) console.log(formatFigure(f));
}
