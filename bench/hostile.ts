/**
 * Hostile-load figures (issue 14), loopback only, bounded loops:
 * - OTLP ingest rate with 50 `/api/events` subscribers (45 reading, 5 stalled) over the rate
 *   without them (goal ≥ 0.5);
 * - `/healthz` p99 while hostile bodies arrive (1.9 million empty protobuf spans, a JSON body
 *   of 2 million `{}` spans; goal ≤ 100 ms);
 * - RSS peak during a burst of hostile bodies (goal ≤ 400 MiB) and after it over before
 *   (goal ≤ 2);
 * - the store's heap per span at 100,000 spans (goal ≤ 400 B), and the heap a store holds when
 *   full at its byte cap over that cap (goal ≤ 1: the byte bound bounds the heap).
 * Run alone with `node bin/run-ts.js bench/hostile.ts`.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { toOtlpJson } from '../src/telemetry/otlp-json.js';
import { readTraceFile } from '../src/telemetry/trace-file.js';
import { SpanBus } from '../src/telemetry/span-bus.js';
import type { SpanRecord } from '../src/telemetry/types.js';
import { createViewerApp, type ViewerApp } from '../src/viewer/app.js';
import { TraceStore } from '../src/viewer/trace-store.js';
import { emptySpansProto } from '../test/helpers/otlp-proto-bytes.js';

import type { Figure } from './report.js';

const INGEST_REQUESTS = 300;
const BASE = 1_795_000_000_000_000_000n;
let ids = 0;

function record(trace: string, i: number, parent?: string): SpanRecord {
  ids += 1;
  const start = BASE + BigInt(ids) * 1000n;
  return {
    traceId: trace,
    spanId: ids.toString(16).padStart(16, '0'),
    ...(parent ? { parentSpanId: parent } : {}),
    name: ['HTTPClient._cs_request', 'Session.send', 'HTTPConnectionPool.urlopen'][i % 3]!,
    kind: 'internal',
    service: 'novaclient',
    scope: 'novatrace.urllib3',
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 40_000n).toString(),
    attributes: {
      'code.function.name': 'HTTPConnectionPool.urlopen',
      'code.file.path': 'src/urllib3/connectionpool.ts',
      'code.line.number': 200 + (i % 50),
      'novatrace.layer': 'urllib3',
      'url.full': `http://127.0.0.1:8774/v2.1/servers/${ids.toString(16)}/os-volume_attachments`,
      'server.port': 8774,
    },
    events: [{ name: 'pool hit', timeUnixNano: start.toString(), attributes: {} }],
    status: { code: 0 },
  };
}

function smallTraceBody(): string {
  const trace = (++ids).toString(16).padStart(32, '0');
  const root = record(trace, 0);
  const spans = [root, ...Array.from({ length: 4 }, (_, i) => record(trace, i + 1, root.spanId))];
  return JSON.stringify(toOtlpJson(spans));
}

async function start(): Promise<{ viewer: ViewerApp; server: Server; url: string; port: number }> {
  const viewer = createViewerApp({ bus: new SpanBus() });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { viewer, server, url: `http://127.0.0.1:${port}`, port };
}

async function stop(s: { viewer: ViewerApp; server: Server }): Promise<void> {
  s.viewer.hub.closeAll();
  s.server.closeAllConnections();
  await new Promise<void>((resolve) => s.server.close(() => resolve()));
  await s.viewer.close();
}

async function ingestRate(url: string, requests = INGEST_REQUESTS): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: smallTraceBody(),
    });
    await res.arrayBuffer();
  }
  return requests / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Ingest into a viewer with 50 subscribers over ingest into one without, both served from this
 * process and measured in alternating blocks, so that the two rates of a pair see the same load
 * on a shared machine: the figure is the median of the pairs' ratios.
 */
async function subscriberRatio(): Promise<number> {
  const quiet = await start();
  const s = await start();
  // The 45 readers live in another process, as browsers do: their parsing is not ours.
  const readers = spawn(
    process.execPath,
    [
      '-e',
      `const http = require('node:http');
       for (let i = 0; i < 45; i++) http.get('${s.url}/api/events', (res) => res.on('data', () => {}));
       setTimeout(() => process.exit(0), 120000);`,
    ],
    { stdio: 'ignore' }
  );
  const stalled: Socket[] = [];
  try {
    await ingestRate(quiet.url); // warm-up
    for (let i = 0; i < 5; i++) {
      const sock = connect(s.port, '127.0.0.1', () => {
        sock.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        sock.pause(); // never reads
      });
      sock.on('error', () => undefined);
      stalled.push(sock);
    }
    while (s.viewer.hub.size < 50) await new Promise((r) => setTimeout(r, 20));
    // A stalled socket first takes what the kernel buffers hold (megabytes on loopback); the
    // figure is the rate once the 5 are full and their browsers dropped to a resync.
    const fillingAlone = await ingestRate(quiet.url, 100);
    const filling = await ingestRate(s.url, 100);
    for (let i = 0; i < 60 && s.viewer.hub.stats.blockedStreams < 5; i++) await ingestRate(s.url);
    await ingestRate(s.url); // past the backlog bound of the full ones: they are dropped
    await ingestRate(quiet.url); // the same number of traces in both stores
    const ratios: number[] = [];
    const rates: string[] = [];
    for (let pair = 0; pair < 6; pair++) {
      // A then B, B then A: a drift in load favours neither.
      const [alone, crowded] =
        pair % 2 === 0
          ? [await ingestRate(quiet.url, 100), await ingestRate(s.url, 100)]
          : [await ingestRate(s.url, 100), await ingestRate(quiet.url, 100)].reverse();
      ratios.push(crowded! / alone!);
      rates.push(`${alone!.toFixed(0)}/${crowded!.toFixed(0)}`);
    }
    const { blockedStreams, droppedEvents } = s.viewer.hub.stats;
    process.stderr.write(
      `  ingest req/s alone/with 50 subscribers, 6 pairs: ${rates.join(' ')}; ` +
        `${blockedStreams} of 5 stalled sockets full, ${droppedEvents} events dropped to a ` +
        `resync; while they filled: ${(filling / fillingAlone).toFixed(2)}\n`
    );
    return median(ratios);
  } finally {
    readers.kill();
    for (const sock of stalled) sock.destroy();
    await stop(s);
    await stop(quiet);
  }
}

const HOSTILE: { path: string; type: string; body: () => string | Uint8Array }[] = [
  { path: '/v1/traces', type: 'application/x-protobuf', body: () => emptySpansProto(1_900_000) },
  {
    path: '/api/traces',
    type: 'application/json',
    body: () => `{"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat(2_000_000)}{}]}]}]}`,
  },
  {
    path: '/v1/traces',
    type: 'application/json',
    body: () => `{"resourceSpans":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
  },
];

/** The bodies, made once: the sender shares this process, and making them is not the server's work. */
const bodies = new Map<(typeof HOSTILE)[number], string | Uint8Array>();

async function sendHostile(url: string, h: (typeof HOSTILE)[number]): Promise<number> {
  let body = bodies.get(h);
  if (body === undefined) {
    body = h.body();
    bodies.set(h, body);
  }
  const res = await fetch(`${url}${h.path}`, {
    method: 'POST',
    headers: { 'content-type': h.type, origin: url },
    body: body as BodyInit,
  });
  await res.arrayBuffer();
  return res.status;
}

const p99 = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
};

/**
 * `/healthz` latency while the hostile bodies arrive. Printed beside it, for reading the figure
 * on a shared machine: the same probe over as many samples with no hostile body (what the
 * machine's load costs by itself), and the longest event-loop delay in each phase.
 */
async function healthzP99(): Promise<number> {
  const s = await start();
  const probeFor = async (work: (latencies: number[]) => Promise<unknown>) => {
    const latencies: number[] = [];
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now();
        await (await fetch(`${s.url}/healthz`)).arrayBuffer();
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      await work(latencies);
    } finally {
      probing = false;
      await probe;
      delay.disable();
    }
    return { latencies, maxDelay: delay.max / 1e6 };
  };
  try {
    // The sender is another process, as a hostile client is: encoding and pushing its bodies
    // is not the server's work, and on a loaded machine it would stall this loop too.
    const sender = spawn(
      process.execPath,
      [join(import.meta.dirname, '..', 'bin', 'run-ts.js'), import.meta.filename, SEND, s.url],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    );
    const said = (word: string) =>
      new Promise<void>((resolve, reject) => {
        let out = '';
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes(word)) {
            sender.stdout.off('data', onData);
            resolve();
          }
        };
        sender.stdout.on('data', onData);
        sender.once('exit', (code) => reject(new Error(`hostile sender exited ${code}`)));
      });
    const ready = said('ready');
    const done = said('done');
    await ready;
    const hostile = await probeFor(() => done);
    const n = hostile.latencies.length;
    const quiet = await probeFor(async (latencies) => {
      while (latencies.length < n) await new Promise((r) => setTimeout(r, 20));
    });
    process.stderr.write(
      `  /healthz p99 ${p99(hostile.latencies).toFixed(0)} ms during hostile bodies ` +
        `(${n} samples, longest loop delay ${hostile.maxDelay.toFixed(0)} ms); ` +
        `${p99(quiet.latencies).toFixed(0)} ms with none (longest loop delay ` +
        `${quiet.maxDelay.toFixed(0)} ms)\n`
    );
    return p99(hostile.latencies);
  } finally {
    await stop(s);
  }
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const MiB = 1024 * 1024;

async function rssBurst(): Promise<{ peak: number; ratio: number }> {
  const gc = gcFunction();
  const s = await start();
  try {
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    for (let round = 0; round < 4; round++) {
      // Three at once, as a fuzzer with a little concurrency would send them.
      await Promise.all(HOSTILE.map((h) => sendHostile(s.url, h)));
    }
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 200));
    gc();
    gc();
    const after = process.memoryUsage().rss;
    return { peak: peak / MiB, ratio: after / before };
  } finally {
    await stop(s);
  }
}

export function storeBytesPerSpan(): number {
  const gc = gcFunction();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new TraceStore({ maxSpans: 100_000, maxTraces: 500 });
  for (let t = 0; t < 500; t++) {
    const trace = (++ids).toString(16).padStart(32, '0');
    const root = record(trace, 0);
    const spans = [
      root,
      ...Array.from({ length: 199 }, (_, i) => record(trace, i + 1, root.spanId)),
    ];
    // Through JSON, as spans arrive from the wire: no structure shared between records.
    store.putAll(JSON.parse(JSON.stringify(spans)) as SpanRecord[], 'otlp');
  }
  gc();
  gc();
  const held = process.memoryUsage().heapUsed - before;
  if (store.spanCount !== 100_000) throw new Error(`store holds ${store.spanCount} spans`);
  return held / store.spanCount;
}

/**
 * The same heap figure on the spans the project really records: every trace of `traces/`
 * (both roads, wire records included) again and again under fresh trace ids, to 100k spans.
 */
export function recordedStoreBytesPerSpan(): number {
  const dir = join(import.meta.dirname, '..', 'traces');
  const texts = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.stringify(readTraceFile(readFileSync(join(dir, f), 'utf8'))));
  const gc = gcFunction();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new TraceStore({ maxSpans: 100_000, maxTraces: 100_000, maxBytes: 2 ** 31 });
  for (let k = 0, held = 0; held < 100_000; k++) {
    const traceId = (++ids).toString(16).padStart(32, '0');
    // Through JSON, as spans arrive from the wire: no structure shared between records.
    const spans = (JSON.parse(texts[k % texts.length] as string) as SpanRecord[])
      .slice(0, 100_000 - held)
      .map((r) => ({ ...r, traceId }));
    store.putAll(spans, 'otlp');
    held += spans.length;
  }
  gc();
  gc();
  const held = process.memoryUsage().heapUsed - before;
  if (store.spanCount !== 100_000) throw new Error(`store holds ${store.spanCount} spans`);
  return held / store.spanCount;
}

/**
 * The byte bound in heap terms: a store capped at 64 MiB (its count of what its spans hold) fed
 * three times that much of the spans of `traces/`, then the heap it holds over its cap.
 */
export function storeHeapAtByteCap(): { ratio: number; evicted: number } {
  const dir = join(import.meta.dirname, '..', 'traces');
  const texts = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.stringify(readTraceFile(readFileSync(join(dir, f), 'utf8'))));
  const cap = 64 * 1024 * 1024;
  // What the store counts for each file's spans (on the safe side, not the heap).
  const counted = texts.map((text) => {
    const scratch = new TraceStore({ maxBytes: 2 ** 31 });
    scratch.putAll(JSON.parse(text) as SpanRecord[], 'otlp');
    return scratch.bytes;
  });
  const gc = gcFunction();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new TraceStore({ maxSpans: 10_000_000, maxTraces: 100_000, maxBytes: cap });
  for (let k = 0, fed = 0; fed < 3 * cap; k++) {
    const traceId = (++ids).toString(16).padStart(32, '0');
    // Through JSON, as spans arrive from the wire: no structure shared between records.
    const spans = (JSON.parse(texts[k % texts.length] as string) as SpanRecord[]).map((r) => ({
      ...r,
      traceId,
    }));
    store.putAll(spans, 'otlp');
    fed += counted[k % texts.length] as number;
  }
  gc();
  gc();
  const held = process.memoryUsage().heapUsed - before;
  if (store.bytes > cap) throw new Error(`store counts ${store.bytes} B over its cap`);
  return { ratio: held / cap, evicted: store.stats.evictedTraces };
}

export async function measure(): Promise<Figure[]> {
  const ratio = await subscriberRatio();
  const p99 = await healthzP99();
  const rss = await rssBurst();
  const perSpan = storeBytesPerSpan();
  const perRecordedSpan = recordedStoreBytesPerSpan();
  const atCap = storeHeapAtByteCap();
  return [
    {
      figure: 'OTLP ingest with 50 subscribers (5 stalled) / without',
      value: ratio,
      unit: 'ratio',
      goal: 0.5,
      better: 'higher',
    },
    {
      figure: '/healthz p99 during hostile bodies',
      value: p99,
      unit: 'ms',
      goal: 100,
      better: 'lower',
    },
    {
      figure: 'RSS peak during a hostile burst',
      value: rss.peak,
      unit: 'MiB',
      goal: 400,
      better: 'lower',
    },
    {
      figure: 'RSS after the burst / before',
      value: rss.ratio,
      unit: 'ratio',
      goal: 2,
      better: 'lower',
    },
    {
      figure: 'store heap per span at 100k small spans (6 attributes, 1 event)',
      value: perSpan,
      unit: 'B',
      goal: 400,
      better: 'lower',
    },
    {
      figure: 'store heap per span at 100k recorded spans (traces/, wire records included)',
      value: perRecordedSpan,
      unit: 'B',
      goal: 400,
      better: 'lower',
    },
    {
      figure: 'store heap when full at its 64 MiB byte cap / the cap (traces/ spans, 3× fed)',
      value: atCap.ratio,
      unit: 'ratio',
      goal: 1,
      better: 'lower',
      note: `${atCap.evicted} traces evicted`,
    },
  ];
}

const SEND = '--send-hostile';

if (process.argv[2] === SEND) {
  // The hostile client of healthzP99, in a process of its own: two rounds of the bodies.
  const url = process.argv[3] as string;
  for (const h of HOSTILE) bodies.set(h, h.body());
  process.stdout.write('ready\n');
  for (let round = 0; round < 2; round++) {
    for (const h of HOSTILE) await sendHostile(url, h);
  }
  process.stdout.write('done\n');
  process.exit(0);
} else if (process.argv[1]?.endsWith('hostile.ts')) {
  for (const f of await measure()) {
    const met = f.better === 'lower' ? f.value <= f.goal : f.value >= f.goal;
    process.stdout.write(
      `${f.figure}: ${f.value.toFixed(f.unit === 'ratio' ? 2 : 0)} ${f.unit} (goal ${f.better === 'lower' ? '≤' : '≥'} ${f.goal}) ${met ? 'met' : 'NOT MET'}\n`
    );
  }
  process.exit(0);
}
