/**
 * Analysis benchmark (numbers, not tests): the page's model and analysis code on a 100,000-span
 * trace, run in Node on the same modules the page bundles — build + flatten to first rows, the
 * find index (built once per trace), find per keystroke (typing `_get_conn` one letter at a time), and the trace statistics. These are
 * the model's share of the page's goals; the browser's own share (fetch, JSON parse, paint) is not
 * in these figures. Bounded loops; no network. Run alone: `node bin/run-ts.js bench/analysis.ts`.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import { Finder, SearchIndex } from '../web/find.js';
import { buildTree, flatten } from '../web/model.js';
import { traceStatistics } from '../web/trace-stats.js';

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

/** The figures, median of a few rounds each. */
export async function measure(): Promise<Figure[]> {
  const spans = bigTrace();
  const build: number[] = [];
  const index: number[] = [];
  const find: number[] = [];
  const stats: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Fresh records each round: find keeps each record's text, which must not carry over.
    const records = structuredClone(spans);
    let t = performance.now();
    const tree = buildTree(records);
    flatten(tree, new Set());
    build.push(performance.now() - t);
    // The page builds the search index once when the trace is shown (web/analysis-pane.ts, in
    // idle time); a fresh SearchIndex here times that build on its own, then typing uses the
    // tree's cached index.
    t = performance.now();
    new SearchIndex().refresh(tree);
    index.push(performance.now() - t);
    const finder = new Finder();
    finder.run(tree, '');
    const word = '_get_conn';
    let worst = 0;
    for (let i = 1; i <= word.length; i++) {
      t = performance.now();
      finder.run(tree, word.slice(0, i));
      worst = Math.max(worst, performance.now() - t);
    }
    find.push(worst);
    t = performance.now();
    traceStatistics(tree);
    stats.push(performance.now() - t);
  }
  return [
    {
      figure: 'model: build + flatten a 100,000-span trace (Node)',
      value: median(build),
      unit: 'ms',
      goal: 1000,
      better: 'lower',
    },
    {
      figure: 'model: find index of 100,000 spans, built once per trace (Node)',
      value: median(index),
      unit: 'ms',
      goal: 200,
      better: 'lower',
    },
    {
      // The worst keystroke of each round of typing the word, median over the rounds: one
      // garbage collection or a neighbour's burst on a shared machine does not decide it.
      figure: 'model: find per keystroke on 100,000 spans, worst of a word (Node)',
      value: median(find),
      unit: 'ms',
      goal: 100,
      better: 'lower',
    },
    {
      figure: 'model: trace statistics on 100,000 spans (Node)',
      value: median(stats),
      unit: 'ms',
      goal: 200,
      better: 'lower',
    },
  ];
}

if (process.argv[1]?.endsWith('bench/analysis.ts')) {
  for (const f of await measure()) {
    const met = f.better === 'lower' ? f.value <= f.goal : f.value >= f.goal;
    console.log(
      `${f.figure}: ${f.value.toFixed(1)} ${f.unit} (goal ≤ ${f.goal}) ${met ? 'met' : 'NOT MET'}`
    );
  }
}
