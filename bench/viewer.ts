/**
 * Viewer benchmark (numbers, not tests):
 * - latency from a span's end on the live bus to its row showing the span as ended in a real
 *   headless Chromium page (p50, p95), spans published at a steady pace;
 * - time to show a 5,000-span trace: from asking the page for it to its rows on screen (fetch,
 *   JSON parse, tree build and render), median of a few rounds;
 * - time to open a 100,000-span trace until all its rows are in, and the frame times while scrolling it;
 * - heap held by the trace store at 100,000 spans.
 * Everything is loopback; loops are bounded. Run alone with `node bin/run-ts.js bench/viewer.ts`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Page } from 'playwright-core';
import type { SpanRecord } from '../src/telemetry/types.js';
import { TraceStore } from '../src/viewer/trace-store.js';
import {
  bigTrace,
  clockOffset,
  layerRecord,
  liveLatencies,
  loadNote,
  mainThreadMs,
  newTraceId,
  pageSkipReason,
  startBenchViewer,
} from './page.js';
import { formatFigure, type Figure } from './report.js';
import { median, percentile } from './stats.js';

const LATENCY_SPANS = 250;
const LATENCY_PACE_MS = 5;
const BIG_TRACE = 5_000;
const RENDER_ROUNDS = 5;
const HUGE_TRACE = 100_000;
const SCROLL_FRAMES = 120;
const STORE_SPANS = 100_000;
const STORE_TRACE_SIZE = 200;

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
    // The heap is what is measured: the byte estimate's cap must not evict first.
    maxBytes: 2 ** 31,
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

/** Milliseconds from asking the page for `traceId` (a permalink) to its rows on screen. */
async function timeToRows(page: Page, traceId: string, count: number): Promise<number> {
  return page.evaluate(
    async ([id, n]) => {
      const t0 = performance.now();
      location.hash = `#trace=${id}`;
      for (let i = 0; i < 5000; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const rows = document.querySelector<HTMLElement>('.rows');
        if (
          rows?.dataset.traceId === id &&
          rows.dataset.rowCount === n &&
          rows.querySelector('.row')
        ) {
          // The frame that shows them.
          await new Promise((r) => requestAnimationFrame(r));
          return performance.now() - t0;
        }
      }
      return Number.NaN;
    },
    [traceId, String(count)] as const
  );
}

/** Frame intervals (ms) while the tree scrolls down by a screen every frame. */
async function scrollFrames(page: Page, frames: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const view = document.querySelector<HTMLElement>('.tree-scroll') as HTMLElement;
    const out: number[] = [];
    let last = await new Promise<number>((r) => requestAnimationFrame(r));
    for (let i = 0; i < n; i++) {
      view.scrollTop += Math.floor(view.clientHeight * 0.9);
      const t = await new Promise<number>((r) => requestAnimationFrame(r));
      out.push(t - last);
      last = t;
    }
    return out;
  }, frames);
}

async function pageBenchmarks(): Promise<Record<string, number | string>> {
  const skipped = pageSkipReason();
  if (skipped) return { 'page benchmarks': skipped };
  // Room for the whole 100,000-span trace (the default byte cap would keep part of it).
  const v = await startBenchViewer({
    store: { maxSpans: 200_000, maxBytes: 1024 * 2 ** 20, maxTraceBytes: 512 * 2 ** 20 },
  });
  try {
    const page = await v.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(v.url);
    await page.waitForSelector('.live.on');
    const cpu0 = await mainThreadMs(page);
    const latencies = await liveLatencies(v, page, LATENCY_SPANS, LATENCY_PACE_MS);
    const cpuPerSpan = ((await mainThreadMs(page)) - cpu0) / LATENCY_SPANS;
    const latencyLoad = `page main thread ${cpuPerSpan.toFixed(1)} ms CPU per span, ${loadNote()}`;

    // --- a 5,000-span trace: ask for it, see its rows ----------------------------------------
    const big = [bigTrace(BIG_TRACE), bigTrace(BIG_TRACE)];
    for (const trace of big) v.viewer.ingest(trace, 'file');
    const renders: number[] = [];
    const cpuRenders: number[] = [];
    for (let round = 0; round < RENDER_ROUNDS; round++) {
      const id = (big[round % 2] as SpanRecord[])[0]?.traceId as string;
      const before = await mainThreadMs(page);
      renders.push(await timeToRows(page, id, BIG_TRACE));
      cpuRenders.push((await mainThreadMs(page)) - before);
    }
    const rowsInDom = await page.evaluate(() => document.querySelectorAll('.tree .row').length);
    const renderLoad = `page main thread ${median(cpuRenders).toFixed(0)} ms CPU (median), ${loadNote()}`;

    // --- a 100,000-span trace: open it, then scroll through it -------------------------------
    const huge = bigTrace(HUGE_TRACE, 8);
    v.viewer.ingest(huge, 'file');
    const hugeId = (huge[0] as SpanRecord).traceId;
    const openHuge = await timeToRows(page, hugeId, HUGE_TRACE);
    const hugeRowsInDom = await page.evaluate(() => document.querySelectorAll('.tree .row').length);
    const openLoad = loadNote();
    const scrollCpu0 = await mainThreadMs(page);
    const frames = await scrollFrames(page, SCROLL_FRAMES);
    const scrollCpu = ((await mainThreadMs(page)) - scrollCpu0) / SCROLL_FRAMES;
    const scrollLoad = `page main thread ${scrollCpu.toFixed(1)} ms CPU per frame, ${loadNote()}`;
    await page.close();

    // --- the stream alone: bus → EventSource message on a page that renders nothing ---------
    const bare = await v.browser.newPage();
    await bare.goto(`${v.url}/healthz`);
    await bare.evaluate(`(() => {
      window.got = {};
      const es = new EventSource('/api/events');
      es.addEventListener('span-end', (e) => {
        window.got[JSON.parse(e.data).span.spanId] = performance.timeOrigin + performance.now();
      });
    })()`);
    await new Promise((r) => setTimeout(r, 300));
    const offsetBare = await clockOffset(bare);
    const bareSent: Record<string, number> = {};
    const streamTrace = newTraceId();
    for (let i = 0; i < LATENCY_SPANS; i++) {
      const record = layerRecord(streamTrace, i, undefined);
      bareSent[record.spanId] = performance.timeOrigin + performance.now();
      v.bus.publish({ type: 'span-end', span: record });
      await new Promise((r) => setTimeout(r, LATENCY_PACE_MS));
    }
    await bare.waitForFunction(
      (n) => Object.keys((window as unknown as { got: object }).got).length >= n,
      LATENCY_SPANS
    );
    const bareGot = (await bare.evaluate('window.got')) as Record<string, number>;
    const streamOnly = Object.entries(bareSent).map(
      ([id, t]) => (bareGot[id] as number) - offsetBare - t
    );
    return {
      'span end → row, p50 ms': percentile(latencies, 50),
      'span end → row, p95 ms': percentile(latencies, 95),
      'span end → row, samples': latencies.length,
      'span end → row, load': latencyLoad,
      'show a 5,000-span trace: load': renderLoad,
      'open a 100,000-span trace: load': openLoad,
      'scroll a 100,000-span trace: load': scrollLoad,
      'span end → EventSource message (page renders nothing), p50 ms': percentile(streamOnly, 50),
      'span end → EventSource message (page renders nothing), p95 ms': percentile(streamOnly, 95),
      'show a 5,000-span trace: median ms': median(renders),
      'show a 5,000-span trace: max ms': Math.max(...renders),
      'rows in the DOM for 5,000 spans (virtualised)': rowsInDom,
      'open a 100,000-span trace to all rows: ms': openHuge,
      'rows in the DOM for 100,000 spans': hugeRowsInDom,
      'scroll a 100,000-span trace: frame p95 ms': percentile(frames, 95),
      'scroll a 100,000-span trace: frame p50 ms': percentile(frames, 50),
    };
  } finally {
    await v.close();
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
  const str = (key: string): string => (typeof r[key] === 'string' ? r[key] : '');
  return [
    {
      figure: 'span end → row painted in page, p95, 1 page',
      value: num('span end → row, p95 ms'),
      unit: 'ms',
      goal: 33,
      better: 'lower',
      note:
        skipped ??
        `p50 ${num('span end → row, p50 ms').toFixed(1)} ms, ${str('span end → row, load')}`,
    },
    {
      figure: 'show a 5,000-span trace, median',
      value: num('show a 5,000-span trace: median ms'),
      unit: 'ms',
      goal: 100,
      better: 'lower',
      note:
        skipped ??
        `max ${num('show a 5,000-span trace: max ms').toFixed(0)} ms of ${RENDER_ROUNDS}, ${str('show a 5,000-span trace: load')}`,
    },
    {
      // Until every row is in: the first rows, which come from the first page, are timed by
      // bench/analysis.ts ("page: open a 100,000-span trace to first rows").
      figure: 'open a 100,000-span trace to all rows in the tree',
      value: num('open a 100,000-span trace to all rows: ms'),
      unit: 'ms',
      goal: 3000,
      better: 'lower',
      note:
        skipped ??
        `${num('rows in the DOM for 100,000 spans')} rows in the DOM, ${str('open a 100,000-span trace: load')}`,
    },
    {
      // Smooth: no frame while scrolling a screen per frame longer than two frames (33 ms).
      figure: 'scroll a 100,000-span trace, frame p95',
      value: num('scroll a 100,000-span trace: frame p95 ms'),
      unit: 'ms',
      goal: 33,
      better: 'lower',
      note:
        skipped ??
        `frame p50 ${num('scroll a 100,000-span trace: frame p50 ms').toFixed(1)} ms, ${str('scroll a 100,000-span trace: load')}`,
    },
    {
      figure: 'store heap per span at 100k layer-shaped spans (bench/page.ts)',
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
