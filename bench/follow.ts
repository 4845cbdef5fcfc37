/**
 * Follow benchmark (numbers, not tests): span end on the live bus → its row painted as ended in
 * a real headless Chromium page, p95, with the page alone and with the page among 50 other
 * subscribers of the event stream (a class watching the teacher's run). "Painted" as in
 * bench/page.ts. Loopback only, bounded loops. Run alone with `node bin/run-ts.js bench/follow.ts`.
 */
import { liveLatencies, loadNote, mainThreadMs, pageSkipReason, startBenchViewer } from './page.js';
import { formatFigure, type Figure } from './report.js';
import { percentile } from './stats.js';

const SPANS = 120;
const PACE_MS = 10;
const FOLLOWERS = 50;
const GOAL_MS = 33;

/** Span end → row painted samples, with `followers` other subscribers on the stream. */
async function latencies(followers: number): Promise<{ samples: number[]; load: string }> {
  const v = await startBenchViewer();
  const aborts: AbortController[] = [];
  try {
    // The other subscribers read every frame, as a following page's EventSource does.
    for (let i = 0; i < followers; i++) {
      const ac = new AbortController();
      aborts.push(ac);
      const res = await fetch(`${v.url}/api/events`, { signal: ac.signal });
      const reader = res.body?.getReader();
      void (async () => {
        try {
          for (;;) if ((await reader!.read()).done) break;
        } catch {
          // aborted at the end
        }
      })();
    }
    const page = await v.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(v.url);
    await page.waitForSelector('.live.on');
    const cpu0 = await mainThreadMs(page);
    const samples = await liveLatencies(v, page, SPANS, PACE_MS);
    const cpu = ((await mainThreadMs(page)) - cpu0) / SPANS;
    return { samples, load: `page main thread ${cpu.toFixed(1)} ms CPU per span, ${loadNote()}` };
  } finally {
    for (const ac of aborts) ac.abort();
    await v.close();
  }
}

export async function measure(): Promise<Figure[]> {
  const skipped = pageSkipReason();
  const figure = (
    name: string,
    { samples, load }: { samples: number[]; load: string }
  ): Figure => ({
    figure: name,
    value: skipped ? Number.NaN : percentile(samples, 95),
    unit: 'ms',
    goal: GOAL_MS,
    better: 'lower',
    note:
      skipped ?? `p50 ${percentile(samples, 50).toFixed(1)} ms, ${samples.length} spans, ${load}`,
  });
  const none = { samples: [], load: '' };
  const alone = skipped ? none : await latencies(0);
  const among = skipped ? none : await latencies(FOLLOWERS);
  return [
    figure('span end → row painted p95, 1 page', alone),
    figure(`span end → row painted p95, 1 page among ${FOLLOWERS} subscribers`, among),
  ];
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('bench/follow.ts')) {
  for (const f of await measure()) console.log(formatFigure(f));
}
