// The two roads in real headless Chromium, against the real viewer, the real ported client and
// the real mock cloud: a scenario run on the nova road from the page, its keystoneauth1 spans
// with their own lane and narration, the compare view of the scenario on both roads with its
// narrated diff, a scenario whose fault exists only on the note's road, and the top bar at the
// classroom sizes in English and Japanese. Screenshots go to test-artifacts/viewer-roads-*.png.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../src/cloud/index.js';
import { runScenario, SCENARIOS } from '../../src/scenarios/index.js';
import { LiveSpanProcessor } from '../../src/telemetry/live-processor.js';
import { spanBus } from '../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { useMemoryTracing } from '../helpers/memory-tracing.js';
import { launchBrowser, screenshotPaths, SKIP_BROWSER, type Browser } from './chromium.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';

useMemoryTracing();

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let cloud: RunningCloud;
let viewer: ViewerApp;
let server: Server;
let url: string;
let browser: Browser;
const roads: string[] = [];

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  cloud = await startCloud({ spanProcessors: [new LiveSpanProcessor()] });
  viewer = createViewerApp({
    bus: spanBus,
    scenarios: () => SCENARIOS,
    runScenario: (name, road) => {
      roads.push(`${name}:${road}`);
      return runScenario(name, { cloud, road });
    },
  });
  await viewer.ready();
  server = await serveViewer(viewer);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser(SIZES[1]);
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
  await cloud?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  for (const path of screenshotPaths(`roads-${name}`)) await page.screenshot({ path });
}

/** The top bar's overflow and height, measured in the page. */
function topbar(page: Page) {
  return page.evaluate(() => {
    const tb = document.querySelector<HTMLElement>('.topbar')!;
    return {
      overflow: tb.scrollWidth - tb.clientWidth,
      height: tb.getBoundingClientRect().height,
    };
  });
}

describe.skipIf(SKIP_BROWSER)('the two roads in the page', () => {
  it('runs a scenario on the nova road, narrates keystoneauth1, and compares it with the note road', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('.live.on');
    await page.click('#lang-en');

    // Names up to the start-up scenario's and a little longer are shown whole in the Run button
    // at 1280 px (a longer one ends in an ellipsis; the button's title says it whole).
    for (const name of ['warm-pool', 'token-expired', 'server-by-name']) {
      await page.click(`.scenario[data-scenario="${name}"]`);
      for (const lang of ['en', 'ja'] as const) {
        await page.click(`#lang-${lang}`);
        await page.waitForSelector(`#run[title*="${name}"]`);
        const clipped = await page.evaluate(() => {
          const b = document.querySelector<HTMLElement>('#run')!;
          return b.scrollWidth - b.clientWidth;
        });
        expect(clipped, `${name} ${lang}`).toBeLessThanOrEqual(0);
        expect((await topbar(page)).overflow, `${name} ${lang}`).toBeLessThanOrEqual(0);
      }
    }
    await page.click('#lang-en');

    // Choose the road before Run: the switch says which one is chosen.
    await page.click('.scenario[data-scenario="happy"]');
    await page.click('#road-nova');
    await page.waitForSelector('#road-nova[aria-pressed="true"]');
    expect(await page.getAttribute('#road-note', 'aria-pressed')).toBe('false');
    await page.locator('.sc-road-note', { hasText: '5 requests on 1 connection' }).waitFor();
    await page.click('#run');
    await page.locator('#banner', { hasText: 'happy · nova' }).waitFor({ timeout: 30_000 });
    await page.waitForSelector('.tree .row[data-name="scenario happy"]', { timeout: 30_000 });
    await page.locator('#banner', { hasText: /finished|exit/i }).waitFor({ timeout: 30_000 });
    expect(roads).toEqual(['happy:nova']);

    // The trace list shows the road of the run.
    await page.locator('.trace-item.current .road-chip.road-nova').waitFor();

    // keystoneauth1 has its own lane, and its Session.request its own narration.
    expect(await page.locator('.legend .lane-keystoneauth1').count()).toBe(1);
    const ks = page.locator('.row.lane-keystoneauth1[data-name="Session.request"]').first();
    await ks.waitFor();
    await ks.click();
    const narration = page.locator('.detail .narration p').first();
    await expect
      .poll(() => narration.textContent(), { timeout: 10_000 })
      .toContain("keystoneauth1's Session.request (not requests' one");
    const rq = page.locator('.row.lane-requests[data-name="Session.request"]').first();
    await rq.click();
    await expect
      .poll(() => narration.textContent(), { timeout: 10_000 })
      .toContain('Builds a Request, merges in');
    await shot(page, 'nova-run-1280-en');

    // Compare with the other road (the More menu): the note's road from the library on A.
    await page.click('#more-menu > summary');
    await page.click('#other-road');
    const story = page.locator('.compare .road-story');
    await story.waitFor();
    const text = await story.textContent();
    expect(text).toContain("The note's client opens 3 connections, the session 1.");
    expect(text).toContain("The note's road sends 3 requests, the nova road 5.");
    expect(text).toContain('The session discovers the Keystone version first (GET /identity/v3)');
    expect(await page.locator('.compare-head .pick-a select').inputValue()).not.toBe('');
    // The permalink holds the pair, so the link opens the same two roads.
    expect(page.url()).toMatch(/#compare=[0-9a-f]+(,|%2C)[0-9a-f]+/);

    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const lang of ['en', 'ja'] as const) {
        await page.click(`#lang-${lang}`);
        if (lang === 'ja') {
          await expect
            .poll(() => story.textContent(), { timeout: 10_000 })
            .toContain('ノートのクライアントは接続を 3 本開き、セッションは 1 本です。');
        }
        await shot(page, `compare-${size.width}-${lang}`);
        // Nothing is pushed off the screen at any size; one line from 1280 px on.
        const bar = await topbar(page);
        expect(bar.overflow, `${size.width} ${lang}`).toBeLessThanOrEqual(0);
        if (size.width >= 1280) expect(bar.height, `${size.width} ${lang}`).toBeLessThan(56);
      }
    }
    await page.click('#lang-en');

    // Back to the tree in Japanese: the nova run's narration and the road chip at each size.
    await page.click('#compare-toggle');
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.click('#lang-ja');
      await shot(page, `tree-${size.width}-ja`);
      await page.click('#lang-en');
      await shot(page, `tree-${size.width}-en`);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('says so where a fault exists only on the note road, and keeps that run on it', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(SIZES[1]);
    await page.goto(url);
    await page.waitForSelector('.live.on');
    await page.click('#lang-en');
    await page.click('#road-nova');
    const lib = page.locator('.scenario[data-scenario="pool-exhausted"]');
    expect(await lib.locator('.road-chip').textContent()).toBe("note's road only");
    await lib.click();
    await page.waitForSelector('#road-nova[disabled]');
    expect(await page.getAttribute('#road-note', 'aria-pressed')).toBe('true');
    await page
      .locator('.scenario.selected .sc-road-note', { hasText: 'exists only at the library level' })
      .waitFor();
    // A scenario that runs on both roads but meets its fault only on the note's.
    const redirect = page.locator('.scenario[data-scenario="redirect"]');
    expect(await redirect.locator('.road-chip').textContent()).toBe('fault: note road');
    await redirect.click();
    await page.waitForSelector('#road-nova[aria-pressed="true"]:not([disabled])');
    await page
      .locator('.scenario.selected .sc-road-note', { hasText: 'this fault is never met' })
      .waitFor();
    await page.click('#lang-ja');
    await page
      .locator('.scenario.selected .sc-road-note', {
        hasText: 'nova の道ではこの障害に出会いません',
      })
      .waitFor();
    await shot(page, 'picker-1280-ja');
    // The longest scenario name still leaves the top bar on one line at 1280 px.
    await page.click('#lang-en');
    await page.click('.scenario[data-scenario="legacy-400-connection-refused"]');
    await page.waitForSelector('#run[title="▶ Run “legacy-400-connection-refused”"]');
    for (const lang of ['en', 'ja'] as const) {
      await page.click(`#lang-${lang}`);
      const bar = await topbar(page);
      expect(bar.overflow, lang).toBeLessThanOrEqual(0);
      expect(bar.height, lang).toBeLessThan(56);
    }
    await page.click('#lang-en');
    await page.close();
  }, 60_000);
});
