// Stepping like a debugger, in real headless Chromium against the real viewer, the real ported
// client and the real mock cloud: a stepped `happy` run stops at the return of
// HTTPConnectionPool._get_conn, Back shows earlier stops without re-running, the Python pane
// shows the function the layer ports, paused time stays out of the shown durations, and a
// recorded trace file steps (and plays) with no server-side run.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../src/cloud/index.js';
import { runScenario, SCENARIOS } from '../../src/scenarios/index.js';
import { LiveSpanProcessor } from '../../src/telemetry/live-processor.js';
import { spanBus } from '../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import type { PausePoint } from '../../src/viewer/types.js';
import { useMemoryTracing } from '../helpers/memory-tracing.js';
import { launchBrowser, screenshotPaths, SKIP_BROWSER, type Browser } from './chromium.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';

useMemoryTracing();

const ROOT = join(import.meta.dirname, '..', '..');
/** Debian's python3-urllib3 (which .ci/run installs). */
const DEBIAN_URLLIB3 = '/usr/lib/python3/dist-packages/urllib3/connectionpool.py';

let cloud: RunningCloud;
let viewer: ViewerApp;
let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  cloud = await startCloud({ spanProcessors: [new LiveSpanProcessor()] });
  viewer = createViewerApp({
    bus: spanBus,
    scenarios: () => SCENARIOS,
    runScenario: (name) => runScenario(name, { cloud }),
  });
  await viewer.ready();
  server = await serveViewer(viewer);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser({ width: 1280, height: 800 });
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
  await cloud?.close();
});

async function open(): Promise<Page & { errors: string[] }> {
  const page = (await browser.context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('.live.on');
  return page;
}

/** A duration as the page prints it (`850 µs`, `12.3 ms`, `1.24 s`), in ms. */
function parseMs(text: string): number {
  const m = /([\d.]+)\s*(µs|ms|s)\b/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const n = Number(m[1]);
  return m[2] === 'µs' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

async function runs(): Promise<{ runId: string; phase: string }[]> {
  return (await (await fetch(`${url}/api/runs`)).json()) as { runId: string; phase: string }[];
}

/** Runs happy unstepped from the page; returns the shown duration of do_volume_update. */
async function unsteppedDuration(page: Page): Promise<number> {
  await page.click('.scenario[data-scenario="happy"]');
  await page.uncheck('#step-mode');
  const before = (await runs()).length;
  await page.click('#run');
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('.banner-line')].some((b) =>
        b.textContent?.includes('finished with exit code 0')
      ) && n >= 0,
    before
  );
  await expect.poll(async () => (await runs()).length).toBe(before + 1);
  const dur = page.locator('.row[data-name="do_volume_update"] .dur');
  await expect
    .poll(async () => (await dur.count()) === 1 && !!(await dur.textContent()))
    .toBe(true);
  return parseMs((await dur.textContent()) ?? '');
}

describe.skipIf(SKIP_BROWSER)('stepping in the page (real Chromium)', () => {
  it('stops at the return of _get_conn, goes Back twice to an earlier stop, shows the Python, keeps paused time out', async () => {
    const page = await open();
    // A warm-up run, then three unstepped runs (one run on a loaded 2-core machine can take
    // twice as long as the next) for the stepped one to be compared with.
    await unsteppedDuration(page);
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) samples.push(await unsteppedDuration(page));

    await page.check('#step-mode');
    await page.click('#run');
    const paused = page.locator('.banner-line.paused');
    await paused.waitFor();
    let text = '';
    for (let i = 0; i < 80; i++) {
      text = (await paused.textContent()) ?? '';
      if (text.includes('Paused at the return of HTTPConnectionPool._get_conn')) break;
      await page.keyboard.press('n');
      await page.waitForFunction(
        (t) => document.querySelector('.banner-line.paused')?.textContent !== t,
        text
      );
    }
    expect(text).toContain('Paused at the return of HTTPConnectionPool._get_conn');
    const run = (await runs()).find((r) => r.phase === 'paused');
    if (!run) throw new Error('no paused run');
    const stops = (await (
      await fetch(`${url}/api/runs/${run.runId}/stops`)
    ).json()) as PausePoint[];
    const newest = stops[stops.length - 1] as PausePoint;
    expect(newest).toMatchObject({ kind: 'return', name: 'HTTPConnectionPool._get_conn' });
    const selected = page.locator('.row[aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('data-span-id')).toBe(newest.spanId);

    // A span still open shows its active time: it stands still while the program waits (its
    // wall time would grow by the wait), and it is far below the wall time since the run began.
    const rootDur = page.locator('.row[data-name="nova volume-update"] .dur');
    expect(
      await page.locator('.row[data-name="nova volume-update"]').getAttribute('data-state')
    ).toBe('running');
    const openBefore = parseMs((await rootDur.textContent()) ?? '');
    await page.waitForTimeout(1200);
    const openAfter = parseMs((await rootDur.textContent()) ?? '');
    expect(openAfter).toBeCloseTo(openBefore, 0);
    const wallMs = Number(
      (BigInt(newest.atUnixNano) - BigInt(stops[0]?.atUnixNano ?? 0n)) / 1_000_000n
    );
    expect(openAfter, `open root ${openAfter} ms, wall ${wallMs} ms`).toBeLessThan(wallMs / 2);

    // The Python pane beside the TypeScript: the function _get_conn ports, its return lit.
    const python = page.locator('#python-pane');
    if (existsSync(DEBIAN_URLLIB3)) {
      await python.locator('.src-line', { hasText: 'def _get_conn(' }).waitFor();
      expect(await python.locator('.src-line.lit').textContent()).toMatch(/return/);
    } else {
      console.warn(
        `\n*** SKIPPED: Python pane text check: ${DEBIAN_URLLIB3} missing (apt-get install python3-urllib3) ***\n`
      );
      await python.locator('.python-missing').waitFor();
      expect(await python.textContent()).toContain('--python-src');
    }

    // Back twice: the stop two before, its span selected, its line in the banner; no re-run.
    const back = page.getByRole('button', { name: 'Back', exact: false }).first();
    expect(await back.isVisible()).toBe(true);
    await page.keyboard.press('b');
    await page.keyboard.press('b');
    const earlier = stops[stops.length - 3] as PausePoint;
    const history = page.locator('.banner-line.history');
    await expect.poll(() => history.getAttribute('data-stop')).toBe(String(earlier.index));
    await expect.poll(() => selected.getAttribute('data-span-id')).toBe(earlier.spanId);
    expect(await history.textContent()).toContain(`Stop ${earlier.index + 1} of ${stops.length}`);
    expect(await history.textContent()).toContain('the program still waits');
    // The program did not move: the server still waits at the newest stop.
    const still = (await (await fetch(`${url}/api/runs/${run.runId}`)).json()) as {
      phase: string;
      pausedAt: PausePoint;
    };
    expect(still.phase).toBe('paused');
    expect(still.pausedAt.index).toBe(newest.index);
    for (const path of screenshotPaths('step-back')) await page.screenshot({ path });

    // Next twice walks forward through the kept stops, back to the live pause.
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    await paused.waitFor();
    expect(await paused.textContent()).toContain('return of HTTPConnectionPool._get_conn');

    await page.keyboard.press('c');
    await page.waitForSelector('.banner-line:has-text("finished with exit code 0")');
    const dur = page.locator('.row[data-name="do_volume_update"] .dur');
    await expect.poll(async () => (await dur.count()) === 1).toBe(true);
    const stepped = parseMs((await dur.textContent()) ?? '');
    // Paused time is not program time: within 2x of an unstepped run's. The three unstepped runs
    // spread widely on a loaded machine, so the stepped one is held to the nearest of them; paused
    // time counted as program time would put it seconds above all three.
    const within2x = samples.filter((s) => stepped < s * 2 && stepped * 2 > s);
    expect(
      within2x.length,
      `stepped ${stepped} ms vs unstepped ${samples.join(', ')} ms`
    ).toBeGreaterThan(0);
    // The pauses are drawn as hatched gaps in the bars.
    expect(
      await page.locator('.row[data-name="do_volume_update"] .pause-gap').count()
    ).toBeGreaterThan(0);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 150_000);

  it('steps a recorded trace file with no server-side run: Back, Next, Play at 4×', async () => {
    const page = await open();
    const runsBefore = (await runs()).length;
    await page.setInputFiles('#file-input', join(ROOT, 'traces', 'happy.json'));
    await page.locator('.row[data-name="do_volume_update"]').first().waitFor();
    await page.click('#replay-start');
    const history = page.locator('.banner-line.history');
    await expect.poll(() => history.getAttribute('data-stop')).toBe('0');
    expect(await history.textContent()).toContain('Paused at the entry of nova volume-update');
    expect(await history.textContent()).toContain('no program runs');
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    await expect.poll(() => history.getAttribute('data-stop')).toBe('2');
    await page.keyboard.press('b');
    await expect.poll(() => history.getAttribute('data-stop')).toBe('1');
    const selected = page.locator('.row[aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('data-name')).toBe('do_volume_update');
    // At the entry of do_volume_update nothing below it had started yet.
    expect(await page.locator('.row[data-name="HTTPConnectionPool._get_conn"]').count()).toBe(0);

    await page.selectOption('#replay-speed', '4');
    await page.click('#replay-play');
    await expect.poll(() => history.getAttribute('data-stop'), { timeout: 5000 }).not.toBe('1');
    await page.click('#replay-play');
    const at = Number(await history.getAttribute('data-stop'));
    expect(at).toBeGreaterThan(1);
    for (const path of screenshotPaths('replay')) await page.screenshot({ path });
    await page.click('#replay-end');
    await expect.poll(() => history.count()).toBe(0);
    expect(
      await page.locator('.row[data-name="HTTPConnectionPool._get_conn"]').count()
    ).toBeGreaterThan(0);
    expect((await runs()).length).toBe(runsBefore);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('stops at decisions too with the finer setting (More → Step at decisions too)', async () => {
    const page = await open();
    await page.setInputFiles('#file-input', join(ROOT, 'traces', 'happy.json'));
    await page.locator('.row[data-name="do_volume_update"]').first().waitFor();
    await page.click('#more-menu summary');
    await page.check('#step-decisions');
    await page.keyboard.press('Escape');
    await page.click('#replay-start');
    const history = page.locator('.banner-line.history');
    let text = '';
    for (let i = 0; i < 40; i++) {
      await expect.poll(() => history.getAttribute('data-stop')).toBe(String(i));
      text = (await history.textContent()) ?? '';
      if (text.includes('decided')) break;
      await page.keyboard.press('n');
    }
    // A decision stop: the layer that took it, the decision, its span selected.
    expect(text).toMatch(/Paused after nova volume-update decided: /);
    const span = await history.getAttribute('data-span');
    await expect
      .poll(() => page.locator('.row[aria-selected="true"]').getAttribute('data-span-id'))
      .toBe(span);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 60_000);
});
