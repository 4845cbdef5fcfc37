// What a classroom relies on, in real headless Chromium against the real viewer and the mock
// cloud: links people share (`#trace=`, `#compare=`) open what they name in a fresh page; the
// Japanese UI is drawn with a CJK font, not boxes; a teacher's page leads the class, its teacher
// link moves the lead and the run's controls to the page that opens it, and the class mirrors
// it read-only.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../src/cloud/index.js';
import { runScenario, SCENARIOS } from '../../src/scenarios/index.js';
import { LiveSpanProcessor } from '../../src/telemetry/live-processor.js';
import { spanBus } from '../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { useMemoryTracing } from '../helpers/memory-tracing.js';
import { launchBrowser, SKIP_BROWSER, type Browser } from './chromium.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';

useMemoryTracing();

const ROOT = join(import.meta.dirname, '..', '..');

let cloud: RunningCloud;
let viewer: ViewerApp;
let server: Server;
let url: string;
let browser: Browser;
const traceIds: Record<string, string> = {};

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
  for (const name of ['happy', 'warm-pool']) {
    const res = await fetch(`${url}/api/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-file-name': `${name}.json` },
      body: readFileSync(join(ROOT, 'traces', `${name}.json`), 'utf8'),
    });
    traceIds[name] = ((await res.json()) as { traceIds: string[] }).traceIds[0] as string;
  }
  browser = await launchBrowser({ width: 1280, height: 800 });
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
  await cloud?.close();
});

const pages: Page[] = [];

afterEach(async () => {
  if (SKIP_BROWSER) return;
  // Each page holds an EventSource; Chromium allows six connections per host.
  for (const page of pages.splice(0)) await page.close().catch(() => undefined);
  const active = viewer.runs.active();
  if (active) {
    viewer.runs.abort(active.runId);
    await viewer.runs.settled(active.runId);
  }
});

async function open(path = '/'): Promise<Page> {
  const page = await browser.context.newPage();
  pages.push(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${url}${path}`);
  await page.waitForSelector('.live.on');
  return page;
}

const errorsOf = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

describe.skipIf(SKIP_BROWSER)('the viewer in a classroom', () => {
  it('opens a shared #trace= link at its trace and span, and a #compare= link at its pair', async () => {
    const happy = traceIds.happy as string;
    const warm = traceIds['warm-pool'] as string;
    const probe = await open(`/#trace=${happy}`);
    const getConn = probe.locator('.row[data-name="HTTPConnectionPool._get_conn"]').first();
    const spanId = (await getConn.getAttribute('data-span-id')) as string;

    const page = await open(`/#trace=${happy}&span=${spanId}`);
    await page.waitForSelector(`.rows[data-trace-id="${happy}"] .row`);
    await page.waitForSelector(`.row[aria-selected="true"][data-span-id="${spanId}"]`);
    expect(await page.locator('.detail .narration h3').first().textContent()).toBeTruthy();

    const pair = await open(`/#compare=${happy},${warm}`);
    await pair.locator('.compare-pane').waitFor();
    expect(await pair.locator('.compare-pane').isVisible()).toBe(true);
    expect(await pair.locator('.pick-a select').inputValue()).toBe(happy);
    expect(await pair.locator('.pick-b select').inputValue()).toBe(warm);
    await pair.locator('.compare-grid').waitFor();
    expect(await pair.evaluate(() => location.hash)).toBe(`#compare=${happy}%2C${warm}`);
    // Following another shared link in the same page switches back to the tree.
    await pair.evaluate((id) => (location.hash = `#trace=${id}`), warm);
    await pair.waitForSelector(`.rows[data-trace-id="${warm}"] .row`);
    expect(await pair.locator('.compare-pane').isHidden()).toBe(true);
    for (const p of [page, pair]) expect(errorsOf(p)).toEqual([]);
  });

  it('draws the Japanese UI with a CJK font, not boxes', async () => {
    const page = await open(`/#trace=${traceIds.happy}`);
    await page.click('#lang-ja');
    await page.locator('#run', { hasText: '実行' }).waitFor();
    // Which fonts Chromium actually drew the label's glyphs with.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', {
      nodeId: root.nodeId,
      selector: '#run',
    });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const cjk = fonts.filter((f) =>
      /CJK|Gothic|Mincho|IPA|Takao|Droid Sans Japanese/i.test(f.familyName)
    );
    expect(cjk, JSON.stringify(fonts)).not.toEqual([]);
    expect(cjk.reduce((n, f) => n + f.glyphCount, 0)).toBeGreaterThanOrEqual(2);
    await page.click('#lang-en');
  });

  it('lets the teacher link take the lead and the run controls; the class and the old page follow read-only', async () => {
    cloud.state.reset();
    const laptop = await open(`/#trace=${traceIds.happy}`);
    await laptop.click('.menu > summary');
    await laptop.click('#lead-class');
    await laptop.locator('#teach-link').waitFor();
    const followLink = await laptop.locator('#follow-link').inputValue();
    const teachLink = await laptop.locator('#teach-link').inputValue();
    expect(teachLink).toMatch(/#teach=[0-9a-f]{16}\.[0-9a-f]{32}$/);
    await laptop.click('.menu > summary');
    await laptop.click('.scenario[data-scenario="happy"]');
    await laptop.check('#step-mode');
    await laptop.click('#run');
    await laptop.locator('.banner-line.paused', { hasText: 'nova volume-update' }).waitFor();
    const student = await browser.context.newPage();
    pages.push(student);
    await student.goto(followLink);
    await student.locator('.banner-line.paused', { hasText: 'nova volume-update' }).waitFor();

    // The projector's page opens the teacher link: it leads now, and its Next steps the run.
    const projector = await open(new URL(teachLink).hash);
    expect(await projector.evaluate(() => location.hash)).not.toContain('teach=');
    await projector.locator('.banner-line.paused', { hasText: 'nova volume-update' }).waitFor();
    await projector.waitForSelector('#next:not([disabled])');
    const run = viewer.runs.active();
    // The laptop's page lost the controls: it follows the class now.
    await laptop.locator('#next[disabled]').waitFor();
    const steps = viewer.runs.get(run!.runId)?.steps;
    const refused = await laptop.evaluate(async (id) => {
      const token = sessionStorage.getItem('novatrace.owner') ?? '';
      const res = await fetch(`/api/runs/${id}/next`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-novatrace-owner': token },
        body: '{}',
      });
      return res.status;
    }, run!.runId);
    expect(refused).toBe(403);
    expect(viewer.runs.get(run!.runId)?.steps).toBe(steps);
    await projector.click('#next');
    for (const [name, p] of Object.entries({ projector, student, laptop })) {
      await p
        .locator('.banner-line.paused', { hasText: 'do_volume_update' })
        .waitFor()
        .catch(async (err: Error) => {
          const banner = await p.locator('.banner').textContent();
          throw new Error(`${name}: ${banner} (${err.message})`);
        });
    }
    // The class follows the new leading page's selection.
    const row = projector.locator('.row[aria-level="1"]').first();
    await row.click();
    const id = await row.getAttribute('data-span-id');
    await student.waitForSelector(`.row[aria-selected="true"][data-span-id="${id}"]`);
    await laptop.waitForSelector(`.row[aria-selected="true"][data-span-id="${id}"]`);
    for (const p of [laptop, student, projector]) expect(errorsOf(p)).toEqual([]);
  }, 90_000);
});
