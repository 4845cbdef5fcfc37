// The analysis bar in a real page: Find counts what the trace files hold, and the Trace
// statistics summary says how many requests went on how many connections. One browser, one page.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanBus } from '../../src/telemetry/span-bus.js';
import { readTraceFile } from '../../src/telemetry/trace-file.js';
import type { SpanRecord } from '../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { launchBrowser, SKIP_BROWSER, type Browser } from './chromium.js';

const TRACES = join(import.meta.dirname, '..', '..', 'traces');
const SCENARIOS = ['happy', 'warm-pool', 'dropped-connection'] as const;
/** The store's default per-trace span cap on this branch (a tenth of its 100,000 spans). */
const CHAIN = 10_000;

/** A parent chain of `n` spans: each span's parent is the one before it. */
function chain(n: number): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      traceId: 'c'.repeat(32),
      spanId: i.toString(16).padStart(16, '0'),
      ...(i > 0 ? { parentSpanId: (i - 1).toString(16).padStart(16, '0') } : {}),
      name: `level ${i}`,
      kind: 'internal',
      service: 'deep',
      scope: 'test',
      startTimeUnixNano: `17950000000${String(i * 1_000).padStart(8, '0')}`,
      endTimeUnixNano: `17950000001${String(i * 10).padStart(8, '0')}`,
      attributes: {},
      events: [],
      status: { code: 0 },
    });
  }
  return out;
}

let viewer: ViewerApp;
let server: Server;
let browser: Browser;
let page: Page;
const files = new Map<string, { id: string; records: SpanRecord[] }>();

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  viewer = createViewerApp({ bus: new SpanBus(), scenarios: () => [] });
  await viewer.ready();
  for (const name of SCENARIOS) {
    const records = readTraceFile(readFileSync(join(TRACES, `${name}.json`), 'utf8'));
    const [id] = viewer.ingest(records, 'file', name);
    files.set(name, { id: id as string, records });
  }
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  viewer?.hub.closeAll();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await viewer?.close();
});

async function show(name: string): Promise<void> {
  const { id } = files.get(name)!;
  await page.evaluate((traceId) => (location.hash = `#trace=${traceId}`), id);
  // Generous: on a loaded 2-core CI machine the page's first bundle and fetches take seconds.
  await page.waitForFunction(
    (traceId) => document.querySelector<HTMLElement>('.rows')?.dataset.traceId === traceId,
    id,
    { timeout: 30_000 }
  );
}

describe.skipIf(SKIP_BROWSER)('the analysis bar', () => {
  it('finds _get_conn as often as each trace file has it, and Enter selects a match', async () => {
    for (const name of SCENARIOS) {
      await show(name);
      const expected = files.get(name)!.records.filter((r) => r.name.includes('_get_conn')).length;
      const find = page.getByRole('searchbox', { name: 'Find' });
      await find.fill('_get_conn');
      const status = page.getByRole('status', { name: 'Find results' });
      await expect.poll(() => status.textContent()).toBe(`0 of ${expected}`);
      await find.press('Enter');
      await expect.poll(() => status.textContent()).toBe(`1 of ${expected}`);
      // The selection is drawn on the next frame after the count changes.
      await expect
        .poll(() => page.locator('.row.selected').getAttribute('data-name'))
        .toBe('HTTPConnectionPool._get_conn');
      expect(await page.locator('.row.find-match').count()).toBeGreaterThan(0);
      await find.fill('');
    }
  }, 120_000);

  it('renders a parent chain at the cap and selects its deepest span', async () => {
    const records = chain(CHAIN);
    const [id] = viewer.ingest(records, 'file', 'deep chain');
    files.set('deep', { id: id as string, records });
    await show('deep');
    await page.waitForFunction(
      (n) => document.querySelector<HTMLElement>('.rows')?.dataset.rowCount === String(n),
      CHAIN,
      { timeout: 30_000 }
    );
    await page.locator('.tree-scroll').focus();
    await page.keyboard.press('End');
    const last = page.locator('.row.selected');
    await expect.poll(() => last.getAttribute('data-name')).toBe(`level ${CHAIN - 1}`);
    expect(await last.getAttribute('aria-level')).toBe(String(CHAIN));
  }, 60_000);

  it('counts requests and connections in the statistics summary', async () => {
    await page.locator('.stats-section > summary').click();
    const want = {
      happy: { requests: '3', opened: '3', reused: '0', reset: '0' },
      'warm-pool': { requests: '5', opened: '1', reused: '4', reset: '0' },
      'dropped-connection': { requests: '5', opened: '2', reused: '3', reset: '1' },
    };
    for (const name of SCENARIOS) {
      await show(name);
      const table = page.getByRole('table', { name: 'Trace statistics' });
      const cell = (label: string) =>
        table
          .getByRole('row', { name: new RegExp(`^${label} `) })
          .locator('td')
          .textContent();
      await expect.poll(() => cell('HTTP requests')).toBe(want[name].requests);
      expect(await cell('connections opened')).toBe(want[name].opened);
      expect(await cell('connections reused')).toBe(want[name].reused);
      expect(await cell('connections reset')).toBe(want[name].reset);
    }
  });
});
