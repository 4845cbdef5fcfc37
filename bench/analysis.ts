/**
 * Analysis benchmark (numbers, not tests): the page's model and analysis code on a 100,000-span
 * trace, run in Node on the same modules the page bundles — build + flatten to first rows, the
 * find index (built once per trace), find per keystroke (typing `_get_conn` one letter at a time), and the trace statistics. These are
 * the model's share of the page's goals; the browser's own share (fetch, JSON parse, paint) is not
 * in these figures. Bounded loops; no network. Run alone: `node bin/run-ts.js bench/analysis.ts`.
 */
import type { Page } from 'playwright-core';
import type { SpanRecord } from '../src/telemetry/types.js';
import { Finder, searchIndex } from '../web/find.js';
import { buildTree, flatten } from '../web/model.js';
import { traceStatistics } from '../web/trace-stats.js';
import { bigTrace as layerTrace, pageSkipReason, startBenchViewer } from './page.js';
import type { Figure } from './report.js';

const SPANS = 100_000;
const ROUNDS = 5;
const NAMES = [
  'HTTPClient._cs_request',
  'Session.send',
  'HTTPAdapter.send',
  'HTTPConnectionPool.urlopen',
  'HTTPConnectionPool._get_conn',
];

/** A realistic 100k-span trace (fan-out of 4), as it arrives from JSON. */
export function bigTrace(): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (let i = 0; i < SPANS; i++) {
    const name = NAMES[i % NAMES.length] as string;
    const nanos = String(i * 50_000).padStart(10, '0');
    out.push({
      traceId: 'b'.repeat(32),
      spanId: i.toString(16).padStart(16, '0'),
      ...(i > 0
        ? {
            parentSpanId: Math.floor((i - 1) / 4)
              .toString(16)
              .padStart(16, '0'),
          }
        : {}),
      name,
      kind: i % 5 === 4 ? 'client' : 'internal',
      service: 'novaclient',
      scope: 'novatrace.urllib3',
      startTimeUnixNano: `179500000${nanos}`,
      endTimeUnixNano: `179500000${String(i * 50_000 + 40_000).padStart(10, '0')}`,
      attributes: {
        'code.function.name': name,
        'novatrace.layer': 'urllib3',
        'url.full': `http://127.0.0.1:8774/v2.1/servers/${i.toString(16)}`,
        'network.local.port': 40_000 + (i % 50),
        'urllib3.pool.maxsize': 10,
      },
      events: [
        {
          name: i % 2 ? 'pool hit' : 'Starting new HTTP connection (1): 127.0.0.1',
          timeUnixNano: `179500000${String(i * 50_000 + 1_000).padStart(10, '0')}`,
          attributes: { 'novatrace.event': i % 2 ? 'pool hit' : 'pool miss: new connection' },
        },
      ],
      status: { code: 0 },
    });
  }
  return JSON.parse(JSON.stringify(out)) as SpanRecord[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const OPEN_ROUNDS = 3;

/** CPU milliseconds this process has used (user + system): steadier than wall time when the
 * machine is shared, so each figure's note gives it too. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/**
 * Milliseconds from asking the page for a trace (its permalink) to the frame that shows its first
 * rows, and to the frame that shows all `count` of them.
 */
async function openTimes(page: Page, traceId: string, count: number): Promise<[number, number]> {
  return page.evaluate(
    async ([id, n]) => {
      const t0 = performance.now();
      location.hash = `#trace=${id}`;
      let first = Number.NaN;
      for (let i = 0; i < 3000; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const rows = document.querySelector<HTMLElement>('.rows');
        if (rows?.dataset.traceId !== id || !rows.querySelector('.row')) continue;
        // The frame that shows them.
        await new Promise((r) => requestAnimationFrame(r));
        if (Number.isNaN(first)) first = performance.now() - t0;
        if (rows.dataset.rowCount === n) return [first, performance.now() - t0] as [number, number];
      }
      return [first, Number.NaN] as [number, number];
    },
    [traceId, String(count)] as const
  );
}

/**
 * The page's share: a 100,000-span trace held by a viewer on loopback, opened in headless
 * Chromium from another trace by its permalink (fetch, parse, model, first paint), a few rounds.
 */
async function pageFigures(): Promise<Figure[]> {
  const skipped = pageSkipReason();
  const figures = (first: number, all: number, notes: [string, string]): Figure[] => [
    {
      figure: 'page: open a 100,000-span trace to first rows',
      value: first,
      unit: 'ms',
      goal: 1000,
      better: 'lower',
      note: notes[0],
    },
    {
      // Not a goal of the issue (it asks for the first rows): ours, so the rest cannot slip.
      figure: 'page: open a 100,000-span trace to all rows in',
      value: all,
      unit: 'ms',
      goal: 3000,
      better: 'lower',
      note: notes[1],
    },
  ];
  if (skipped) return figures(Number.NaN, Number.NaN, [skipped, skipped]);
  const v = await startBenchViewer({
    store: { maxSpans: 200_000, maxBytes: 1024 * 2 ** 20, maxTraceBytes: 512 * 2 ** 20 },
  });
  try {
    const small = layerTrace(50);
    const huge = layerTrace(SPANS, 8);
    v.viewer.ingest(small, 'file');
    v.viewer.ingest(huge, 'file');
    const smallId = (small[0] as SpanRecord).traceId;
    const hugeId = (huge[0] as SpanRecord).traceId;
    const page = await v.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${v.url}/#trace=${smallId}`);
    await page.waitForSelector('.live.on');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    /** The page's main-thread busy time so far, ms (Chromium's TaskDuration). */
    const pageBusy = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
    };
    const firsts: number[] = [];
    const alls: number[] = [];
    const pageCpu: number[] = [];
    const serverCpu: number[] = [];
    for (let round = 0; round < OPEN_ROUNDS; round++) {
      await openTimes(page, smallId, small.length);
      const [busy0, cpu0] = [await pageBusy(), cpuMs()];
      const [first, all] = await openTimes(page, hugeId, SPANS);
      // The server runs in this process: its CPU (with the bench's own small share).
      serverCpu.push(cpuMs() - cpu0);
      pageCpu.push((await pageBusy()) - busy0);
      firsts.push(first);
      alls.push(all);
    }
    const load = `median of ${OPEN_ROUNDS}`;
    return figures(median(firsts), median(alls), [
      load,
      `${load}; CPU: page main thread ${median(pageCpu).toFixed(0)} ms, server ${median(serverCpu).toFixed(0)} ms`,
    ]);
  } finally {
    await v.close();
  }
}

/** The figures, median of a few rounds each. */
export async function measure(): Promise<Figure[]> {
  return [...(await pageFigures()), ...(await modelFigures())];
}

async function modelFigures(): Promise<Figure[]> {
  const spans = bigTrace();
  const build: number[] = [];
  const index: number[] = [];
  const find: number[] = [];
  const stats: number[] = [];
  const cpu = {
    build: [] as number[],
    index: [] as number[],
    find: [] as number[],
    stats: [] as number[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Fresh records each round: find keeps each record's text, which must not carry over.
    const records = structuredClone(spans);
    let t = performance.now();
    let c = cpuMs();
    const tree = buildTree(records);
    flatten(tree, new Set());
    build.push(performance.now() - t);
    cpu.build.push(cpuMs() - c);
    // The page builds the search index once when the trace is shown (web/analysis-pane.ts, in
    // idle time); a fresh SearchIndex here times that build on its own, then typing uses the
    // tree's cached index.
    t = performance.now();
    c = cpuMs();
    searchIndex(tree);
    index.push(performance.now() - t);
    cpu.index.push(cpuMs() - c);
    const finder = new Finder();
    finder.run(tree, '');
    const word = '_get_conn';
    let worst = 0;
    let worstCpu = 0;
    for (let i = 1; i <= word.length; i++) {
      t = performance.now();
      c = cpuMs();
      finder.run(tree, word.slice(0, i));
      worst = Math.max(worst, performance.now() - t);
      worstCpu = Math.max(worstCpu, cpuMs() - c);
    }
    find.push(worst);
    cpu.find.push(worstCpu);
    t = performance.now();
    c = cpuMs();
    traceStatistics(tree);
    stats.push(performance.now() - t);
    cpu.stats.push(cpuMs() - c);
  }
  return [
    {
      figure: 'model: build + flatten a 100,000-span trace (Node)',
      value: median(build),
      unit: 'ms',
      goal: 1000,
      better: 'lower',
      note: `CPU ${median(cpu.build).toFixed(0)} ms`,
    },
    {
      figure: 'model: find index of 100,000 spans, built once per trace (Node)',
      value: median(index),
      unit: 'ms',
      goal: 200,
      better: 'lower',
      note: `CPU ${median(cpu.index).toFixed(0)} ms`,
    },
    {
      // The worst keystroke of each round of typing the word, median over the rounds: one
      // garbage collection or a neighbour's burst on a shared machine does not decide it.
      figure: 'model: find per keystroke on 100,000 spans, worst of a word (Node)',
      value: median(find),
      unit: 'ms',
      goal: 100,
      better: 'lower',
      note: `CPU ${median(cpu.find).toFixed(0)} ms`,
    },
    {
      figure: 'model: trace statistics on 100,000 spans (Node)',
      value: median(stats),
      unit: 'ms',
      goal: 200,
      better: 'lower',
      note: `CPU ${median(cpu.stats).toFixed(0)} ms`,
    },
  ];
}

if (process.argv[1]?.endsWith('bench/analysis.ts')) {
  for (const f of await measure()) {
    const met = f.better === 'lower' ? f.value <= f.goal : f.value >= f.goal;
    console.log(
      `${f.figure}: ${f.value.toFixed(1)} ${f.unit} (goal ≤ ${f.goal}) ${met ? 'met' : 'NOT MET'}${f.note ? ` (${f.note})` : ''}`
    );
  }
}
