/**
 * Step benchmark (numbers, not tests): key press → the page shows the next stop, in a real
 * headless Chromium page against the real viewer, the real ported client and the mock cloud.
 * - `n` at the live stop: the program really runs to its next stop (a round trip through the
 *   server and the ported code), and the page draws it;
 * - `b` / `n` through stops already reached: the page redraws a kept stop (no server call).
 * Each sample runs inside the page from the key event until the banner names the new stop, its
 * row is selected and its TypeScript line lit, plus the frame that paints it. p95 over stepped `happy` runs; goal ≤ 50 ms. Loopback only, bounded loops.
 * Run alone with `node bin/run-ts.js bench/step.ts`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { startCloud } from '../src/cloud/index.js';
import { runScenario, SCENARIOS } from '../src/scenarios/index.js';
import { startTelemetry } from '../src/telemetry/session.js';
import { createViewerApp } from '../src/viewer/app.js';
import { launchBrowser } from '../test/browser/chromium.js';
import type { Figure } from './report.js';
import { median, percentile } from './stats.js';

const GOAL_MS = 50;
const RUNS = 2;
const MAX_STEPS = 80;
const HISTORY_STEPS = 15;

/**
 * One sample in the page: press `key`, wait until the page shows the stop after (n) or before
 * (b) the one it showed: the banner names it, its span's row is the tree's selection, and the
 * TypeScript pane lights its line; then one frame (the paint). Null when that did not happen
 * within 5 s. Plain JavaScript text, so no build helper leaks into the page.
 */
const IN_PAGE = `async (k) => {
  const banner = document.getElementById('banner');
  const line = () => banner.querySelector('.banner-line[data-stop]');
  const before = line();
  if (!before) return null;
  const want = String(Number(before.dataset.stop) + (k === 'b' ? -1 : 1));
  const shown = () => {
    const l = line();
    if (!l || l.dataset.stop !== want) return false;
    const row = document.querySelector('#tree .row.selected');
    if (!row || row.dataset.spanId !== l.dataset.span) return false;
    if (!l.dataset.line) return true;
    const lit = document.querySelector('.source:not(.python-pane) .src-line.lit .ln');
    return !!lit && lit.textContent === l.dataset.line;
  };
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  const ok = shown() || await new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (shown()) { obs.disconnect(); clearTimeout(timer); resolve(true); }
    });
    const timer = setTimeout(() => { obs.disconnect(); resolve(false); }, 5000);
    obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'data-stop'] });
  });
  if (!ok) return null;
  await new Promise((r) => requestAnimationFrame(() => r()));
  return performance.now() - t0;
}`;

/** Main-thread CPU milliseconds of the page (Chromium's ThreadTime), to read beside the wall. */
type CpuClock = () => Promise<number>;

/** One sample: its wall latency, and the page's main-thread CPU time spent over it. */
async function pressAndWait(
  page: Page,
  key: string,
  cpu: CpuClock
): Promise<{ ms: number; cpuMs: number } | null> {
  const before = await cpu();
  const ms = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(key)})`)) as number | null;
  const cpuMs = (await cpu()) - before;
  return ms === null ? null : { ms, cpuMs };
}

interface Samples {
  live: number[];
  kept: number[];
  liveCpu: number[];
  keptCpu: number[];
}

async function sample(): Promise<Samples> {
  // As `novatrace serve` sets it up (src/viewer/command.ts), with nothing exported.
  const session = startTelemetry({
    serviceName: 'novaclient',
    env: { OTEL_TRACES_EXPORTER: 'none' },
  });
  const cloud = await startCloud({ spanProcessors: session.cloudSpanProcessors() });
  const viewer = createViewerApp({
    scenarios: () => SCENARIOS,
    runScenario: (name) => runScenario(name, { cloud }),
  });
  await viewer.ready();
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchBrowser({ width: 1280, height: 800 });
  const out: Samples = { live: [], kept: [], liveCpu: [], keptCpu: [] };
  try {
    const page = await browser.context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const cpu: CpuClock = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
    };
    await page.goto(url);
    await page.waitForSelector('.live.on');
    await page.click('.scenario[data-scenario="happy"]');
    await page.check('#step-mode');
    for (let r = 0; r < RUNS; r++) {
      await page.click('#run');
      await page.locator('.banner-line.paused').waitFor({ timeout: 20_000 });
      for (let i = 0; i < MAX_STEPS; i++) {
        const one = await pressAndWait(page, 'n', cpu);
        if (one === null) break;
        out.live.push(one.ms);
        out.liveCpu.push(one.cpuMs);
        if (i > 0 && i % 10 === 0) {
          // Through kept stops: back a few, then forward again to the live one.
          for (let j = 0; j < HISTORY_STEPS / 3; j++) {
            const b = await pressAndWait(page, 'b', cpu);
            if (b) out.kept.push(b.ms);
            if (b) out.keptCpu.push(b.cpuMs);
          }
          for (let j = 0; j < HISTORY_STEPS / 3; j++) {
            const n = await pressAndWait(page, 'n', cpu);
            if (n) out.kept.push(n.ms);
            if (n) out.keptCpu.push(n.cpuMs);
          }
        }
        if (!(await page.locator('.banner-line.paused').count())) break;
      }
      await page.keyboard.press('c');
      await page.waitForSelector('.banner-line:has-text("exit code")', { timeout: 20_000 });
    }
  } finally {
    await browser.close();
    viewer.hub.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await viewer.close();
    await cloud.close();
    await session.shutdown();
  }
  return out;
}

export async function measure(): Promise<Figure[]> {
  const { live, kept, liveCpu, keptCpu } = await sample();
  // The page's main-thread CPU per press tells the page's own cost apart from a loaded
  // machine's scheduling (the wall figure carries both).
  const note = (xs: number[], cpu: number[]) =>
    `${xs.length} key presses, median ${median(xs).toFixed(1)} ms, in-page key event → frame; ` +
    `page main-thread CPU per press median ${median(cpu).toFixed(1)} ms, p95 ${percentile(cpu, 95).toFixed(1)} ms`;
  return [
    {
      figure: 'step: key n → next live stop shown, p95',
      value: live.length ? percentile(live, 95) : NaN,
      unit: 'ms',
      goal: GOAL_MS,
      better: 'lower',
      note: note(live, liveCpu),
    },
    {
      figure: 'step: key b/n → kept stop shown, p95',
      value: kept.length ? percentile(kept, 95) : NaN,
      unit: 'ms',
      goal: GOAL_MS,
      better: 'lower',
      note: note(kept, keptCpu),
    },
  ];
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('bench/step.ts')) {
  const { formatFigure } = await import('./report.js');
  for (const f of await measure()) console.log(formatFigure(f));
}
