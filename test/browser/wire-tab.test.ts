// The Wire tab in a real page: the PUT of `happy`, run now (with the client's wire record), and
// the same PUT from a trace that has only the standard attributes (an older or foreign trace).
// Screenshots at 1024×768, 1280×800 and 1920×1080 go to test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenarios/index.js';
import { startTelemetry } from '../../src/telemetry/session.js';
import { SpanBus } from '../../src/telemetry/span-bus.js';
import { bodyPreview } from '../../src/telemetry/redact.js';
import { readTraceFile } from '../../src/telemetry/trace-file.js';
import type { SpanRecord } from '../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { launchBrowser, SKIP_BROWSER, type Browser } from './chromium.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let viewer: ViewerApp;
let server: Server;
let browser: Browser;
let page: Page;
let url = '';
let freshId = '';
let oldId = '';
let runningId = '';
let bigId = '';
/** A long response body (a server list) and the preview the client records of it. */
const BIG_BODY = JSON.stringify({
  servers: Array.from({ length: 5000 }, (_, i) => ({ id: `server-${i}`, name: `vm-${i}` })),
});
const BIG_SIZE = Buffer.byteLength(BIG_BODY);
let fresh: SpanRecord[] = [];

/** The trace file's records without the client's wire record: what an older trace holds. */
function withoutWireRecord(records: SpanRecord[]): SpanRecord[] {
  return records.map((r) => ({
    ...r,
    traceId: 'e'.repeat(32),
    attributes: Object.fromEntries(
      Object.entries(r.attributes).filter(
        ([k]) => !k.startsWith('novatrace.wire.') && !k.endsWith('.body.size')
      )
    ),
    events: r.events.filter((e) => e.name !== 'response body done'),
  }));
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
  try {
    const result = await runScenario('happy', {
      cloudSpanProcessors: session.cloudSpanProcessors(),
    });
    await session.shutdown();
    fresh = session.records().filter((r) => r.traceId === result.traceId);
  } finally {
    await session.shutdown();
  }
  viewer = createViewerApp({ bus: new SpanBus(), scenarios: () => [] });
  await viewer.ready();
  [freshId] = viewer.ingest(fresh, 'file', 'happy (now)') as [string];
  const file = readTraceFile(readFileSync(join(ROOT, 'traces', 'happy.json'), 'utf8'));
  [oldId] = viewer.ingest(withoutWireRecord(file), 'file', 'happy (standard attributes)') as [
    string,
  ];
  // A live trace caught mid-exchange: the PUT has started and not ended.
  const live = fresh.map((r) => {
    const copy = { ...r, traceId: 'f'.repeat(32) };
    if (r.kind !== 'client' || r.name !== 'PUT') return copy;
    const running: SpanRecord = { ...copy };
    delete (running as { endTimeUnixNano?: string }).endTimeUnixNano;
    return { ...running, events: [], attributes: { 'url.full': r.attributes['url.full'] ?? '' } };
  });
  [runningId] = viewer.ingest(live, 'live', 'happy (running)') as [string];
  // The PUT answered with a long body: the preview is the client's own, cut at 2 KB.
  const big = fresh.map((r) => {
    const copy = { ...r, traceId: 'd'.repeat(32) };
    if (r.kind !== 'client' || r.name !== 'PUT') return copy;
    return {
      ...copy,
      attributes: {
        ...r.attributes,
        'http.response.body.size': BIG_SIZE,
        'novatrace.wire.response_body_preview': bodyPreview(Buffer.from(BIG_BODY)),
      },
    };
  });
  [bigId] = viewer.ingest(big, 'file', 'happy (long answer)') as [string];
  server = await serveViewer(viewer);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
}, 90_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
});

/** Opens a trace, selects its PUT wire span and the Wire tab (through the drawer when narrow). */
async function openWireTab(traceId: string): Promise<void> {
  await page.goto(`${url}/#trace=${traceId}`);
  await page.waitForSelector(`.rows[data-trace-id="${traceId}"] .row`, { timeout: 30_000 });
  await page.keyboard.press(']');
  await page.locator('.row[data-name="PUT"]').first().click();
  if (await page.locator('#details-toggle').isVisible()) await page.click('#details-toggle');
  await page.getByRole('tab', { name: 'Wire' }).click();
  await page.getByRole('tabpanel', { name: 'Wire' }).waitFor();
}

describe.skipIf(SKIP_BROWSER)('the Wire tab', () => {
  it('shows the PUT of happy as sent and received, the token redacted, and its phases', async () => {
    await openWireTab(freshId);
    const panel = page.getByRole('tabpanel', { name: 'Wire' });
    const request = panel.getByRole('region', { name: 'Request as sent' });
    const put = fresh.find((r) => r.kind === 'client' && r.name === 'PUT')!;
    const path = new URL(String(put.attributes['url.full'])).pathname;
    await expect
      .poll(() => request.locator('.wire-first').textContent())
      .toBe(`PUT ${path} HTTP/1.1`);
    const head = (await request.locator('.wire-head').textContent()) ?? '';
    // In the order and case they crossed the wire.
    const lines = head.split('\n').slice(1);
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^host: 127\.0\.0\.1:\d+$/),
      'connection: keep-alive',
      'User-Agent: python-novaclient',
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^X-Auth-Token: \{SHA1\}[0-9a-f]{40}$/));
    expect(await request.locator('.wire-preview').textContent()).toContain('"volumeAttachment"');
    const response = panel.getByRole('region', { name: 'Response as received' });
    expect(await response.locator('.wire-first').textContent()).toBe('HTTP/1.1 202 Accepted');
    expect(await response.locator('.wire-nobody').textContent()).toBe('no body');
    const phases = panel.getByRole('region', { name: 'Timing' }).locator('.wire-phase-name');
    expect(await phases.allTextContents()).toEqual([
      'Connect',
      'Request sent',
      'Waiting for the first byte',
      'Response body',
    ]);
    // Bars are drawn: each has a width.
    const widths = await panel
      .locator('.wire-bar')
      .evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().width));
    expect(widths).toHaveLength(4);
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(2);
    expect(await panel.locator('.wire-missing').count()).toBe(0);
    // The Span tab brings the usual details back.
    await page.getByRole('tab', { name: 'Span' }).click();
    expect(await panel.isVisible()).toBe(false);
    expect(await page.locator('.detail .attributes').isVisible()).toBe(true);
  }, 120_000);

  it('falls back to the standard attributes of an older trace and says what is missing', async () => {
    await openWireTab(oldId);
    const panel = page.getByRole('tabpanel', { name: 'Wire' });
    const missing = (await panel.locator('.wire-missing').textContent()) ?? '';
    expect(missing).toContain('the request headers as sent');
    expect(missing).toContain('the status line');
    const request = panel.getByRole('region', { name: 'Request as sent' });
    expect(await request.locator('.wire-first').textContent()).toMatch(
      /^PUT \/v2\.1\/servers\/.+ HTTP\/1\.1$/
    );
    expect(await request.locator('.wire-head').textContent()).toMatch(
      /x-auth-token: \{SHA1\}[0-9a-f]{40}/
    );
    expect(await panel.locator('.wire-phase-name').count()).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('previews a long response body: its first bytes, and how much of the body they are', async () => {
    await openWireTab(bigId);
    const response = page
      .getByRole('tabpanel', { name: 'Wire' })
      .getByRole('region', { name: 'Response as received' });
    const total = BIG_SIZE.toLocaleString('en-US');
    expect(await response.locator('.wire-body h4').textContent()).toBe(`Body (${total} bytes)`);
    expect(await response.locator('.wire-cut').textContent()).toBe(
      `The first 2,048 bytes of ${total}`
    );
    const preview = (await response.locator('.wire-preview').textContent()) ?? '';
    expect(preview).toBe(BIG_BODY.slice(0, 2048));
  }, 120_000);

  it('says an exchange still in progress is in progress', async () => {
    await openWireTab(runningId);
    const panel = page.getByRole('tabpanel', { name: 'Wire' });
    expect(await panel.locator('.wire-running').textContent()).toContain('In progress');
    expect(await panel.locator('.wire-first').first().textContent()).toMatch(/^PUT \/v2\.1\//);
    expect(await panel.locator('.wire-missing:not(.wire-running)').count()).toBe(0);
  }, 120_000);

  it('is looked at in three window sizes', async () => {
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await openWireTab(freshId);
      const panel = page.getByRole('tabpanel', { name: 'Wire' });
      // Nothing in the panel sticks out sideways: long header values wrap.
      const over = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(over, `${size.width}px`).toBeLessThanOrEqual(1);
      await page.screenshot({
        path: join(ROOT, 'test-artifacts', `viewer-wire-${size.width}.png`),
      });
    }
  }, 180_000);

  it('speaks Japanese and keeps the tab in the dark theme', async () => {
    await page.setViewportSize(SIZES[1]);
    await openWireTab(freshId);
    await page.click('#lang-ja');
    try {
      const panel = page.getByRole('tabpanel', { name: '通信' });
      await panel.waitFor();
      expect(await page.getByRole('tab', { name: 'スパン' }).count()).toBe(1);
      expect(await panel.locator('.wire-phase-name').allTextContents()).toEqual([
        '接続',
        'リクエスト送信',
        '最初のバイトを待つ',
        'レスポンスボディ',
      ]);
      await page.screenshot({ path: join(ROOT, 'test-artifacts', 'viewer-wire-ja.png') });
    } finally {
      await page.click('#lang-en');
    }
    await page.click('#theme');
    try {
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
      await page.getByRole('tabpanel', { name: 'Wire' }).waitFor();
      await page.screenshot({ path: join(ROOT, 'test-artifacts', 'viewer-wire-dark.png') });
    } finally {
      await page.click('#theme');
      await page.click('#theme');
    }
  }, 120_000);
});
