// The compare view in real Chromium at the classroom sizes: the grid gets most of the pane, the
// statistics speak the page's language, the connection lanes and the critical path of both
// sides, and the Wire tab of a span selected in compare.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTraceFile } from '../../src/telemetry/trace-file.js';
import type { SpanRecord } from '../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { criticalPath } from '../../web/critical-path.js';
import { buildTree } from '../../web/model.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';
import { launchBrowser, SKIP_BROWSER, type Browser } from './chromium.js';

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
const records = new Map<string, SpanRecord[]>();
const ids = new Map<string, string>();

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  viewer = createViewerApp({ scenarios: () => [] });
  await viewer.ready();
  for (const name of ['happy', 'happy.nova', 'warm-pool']) {
    const file = readTraceFile(readFileSync(join(ROOT, 'traces', `${name}.json`), 'utf8'));
    records.set(name, file);
    ids.set(name, (viewer.ingest(file, 'file', `${name}.json`) as [string])[0]);
  }
  server = await serveViewer(viewer);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser(SIZES[0]);
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
});

/**
 * Opens `#compare=a,b` in a fresh page load; with `fresh`, as a first visit (the panels as the
 * screen's height chooses, no choice of the user's kept).
 */
async function compare(a: string, b: string, lang: 'en' | 'ja' = 'en', fresh = false) {
  await page.goto('about:blank');
  await page.goto(`${url}/#compare=${ids.get(a)},${ids.get(b)}`);
  await page.waitForSelector('.live.on');
  if (fresh) {
    await page.evaluate(() => localStorage.removeItem('novatrace.comparePanels'));
    await page.reload();
    await page.waitForSelector('.live.on');
  }
  await page.click(`#lang-${lang}`);
  await page.locator('.compare-grid .crow[data-kind="only-a"]').first().waitFor();
}

describe.skipIf(SKIP_BROWSER)('the compare view', () => {
  it('gives the grid most of the pane at 1024, 1280 and 1920 px, in English and Japanese', async () => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const lang of ['en', 'ja'] as const) {
        await compare('happy', 'happy.nova', lang, true);
        const m = await page.evaluate(() => {
          const grid = document.querySelector<HTMLElement>('.compare-grid')!;
          const g = grid.getBoundingClientRect();
          const bottom = Math.min(g.bottom, window.innerHeight);
          const rows = [...grid.querySelectorAll<HTMLElement>('.crow:not(.chead)')].filter((r) => {
            const b = r.getBoundingClientRect();
            return b.top >= g.top - 0.5 && b.bottom <= bottom + 0.5;
          }).length;
          const head = document.querySelector<HTMLElement>('.compare-head')!;
          const shown = [...head.children].filter((e) => (e as HTMLElement).offsetParent !== null);
          const middles = shown.map((e) => {
            const r = e.getBoundingClientRect();
            return r.top + r.height / 2;
          });
          const summaries = [...document.querySelectorAll('.compare-panel > summary')].map((e) =>
            e.getBoundingClientRect()
          );
          const overlaps = summaries.some((a, i) =>
            summaries.some((b, j) => j > i && a.left < b.right - 0.5 && b.left < a.right - 0.5)
          );
          // A text that does not fit ends in an ellipsis and has its whole text as a tooltip.
          const clipped = [
            ...document.querySelectorAll<HTMLElement>(
              '.crow .label, .crow .pill, .crow .c-dur, .crow .c-delta, .chead .c-name, .compare-panel > summary > span'
            ),
          ]
            .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
            .filter(
              (el) =>
                getComputedStyle(el).textOverflow !== 'ellipsis' ||
                !el.closest<HTMLElement>('[title]')?.title
            )
            .map((el) => el.textContent);
          // A cell's content wider than the cell is only allowed as a name that ends in "…".
          const cut = [...document.querySelectorAll<HTMLElement>('.crow button.c-name')]
            .filter((b) => b.scrollWidth > b.clientWidth + 1)
            .filter((b) => {
              const l = b.querySelector<HTMLElement>('.label');
              return !l || l.scrollWidth <= l.clientWidth + 1;
            })
            .map((b) => b.textContent);
          // The tree's own bars (Find, statistics, lanes, replay) are not shown over compare.
          const treeBars = [...document.querySelectorAll<HTMLElement>('.analysis, #replay-bar')]
            .filter((e) => e.offsetParent !== null)
            .map((e) => e.className);
          return {
            treeBars,
            clipped,
            cut,
            rows,
            share: (bottom - g.top) / window.innerHeight,
            headLines: Math.max(...middles) - Math.min(...middles),
            headOverflow: head.scrollWidth - head.clientWidth,
            overlaps,
            open: [...document.querySelectorAll<HTMLDetailsElement>('.compare-panel')].filter(
              (d) => d.open
            ).length,
          };
        });
        const at = `${size.width}×${size.height} ${lang}`;
        // Short screens start with the panels closed (their headings still say the gist).
        if (size.height < 900) {
          expect(m.open, at).toBe(0);
          expect(m.share, at).toBeGreaterThan(0.75);
          expect(m.rows, at).toBeGreaterThanOrEqual(20);
        } else {
          expect(m.open, at).toBeGreaterThanOrEqual(3);
          expect(m.share, at).toBeGreaterThan(0.55);
          expect(m.rows, at).toBeGreaterThanOrEqual(20);
        }
        expect(m.headLines, at).toBeLessThan(8);
        expect(m.headOverflow, at).toBeLessThanOrEqual(0);
        expect(m.overlaps, at).toBe(false);
        expect(m.treeBars, at).toEqual([]);
        expect(m.clipped, at).toEqual([]);
        expect(m.cut, at).toEqual([]);
      }
    }
    await page.click('#lang-en');
  }, 90_000);

  it('keeps a panel as the user left it, across a reload', async () => {
    await page.setViewportSize(SIZES[0]);
    await compare('happy', 'warm-pool', 'en', true);
    const stats = page.locator('.compare-stats');
    expect(await stats.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await stats.locator('summary').click();
    await page.reload();
    await page.locator('.compare-grid .crow').first().waitFor();
    expect(await stats.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await stats.locator('summary').click();
    await page.evaluate(() => localStorage.removeItem('novatrace.comparePanels'));
  });

  it('says the statistics sentence and row labels in Japanese', async () => {
    await page.setViewportSize(SIZES[1]);
    await compare('happy', 'warm-pool', 'ja');
    const sentence = page.locator('.compare-stats-diff');
    await expect
      .poll(() => sentence.textContent())
      .toBe('HTTP リクエスト：A 3、B 5。開いた接続：A 3、B 1。再利用した接続：A 0、B 4');
    // Closed, the panel's heading carries the same sentence.
    expect(await page.locator('.compare-stats > summary .panel-peek').textContent()).toBe(
      await sentence.textContent()
    );
    const heads = await page.locator('.compare-stats-table tbody th').allTextContents();
    expect(heads).toEqual([
      'HTTP リクエスト',
      '開いた接続',
      '再利用した接続',
      'リセットした接続',
      '認証',
      '再試行',
      'リダイレクト',
    ]);
    await page.click('#lang-en');
    await expect
      .poll(() => sentence.textContent())
      .toBe('HTTP requests: A 3, B 5; connections opened: A 3, B 1; connections reused: A 0, B 4');
  });

  it('draws both sides’ connection lanes: 3 in happy, 1 in warm-pool with the later requests reused', async () => {
    await page.setViewportSize(SIZES[2]);
    await compare('happy', 'warm-pool');
    const panel = page.locator('.compare-lanes');
    expect(await panel.locator('summary .panel-peek').textContent()).toBe('A 3 · B 1');
    if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open)))
      await panel.locator('> summary').click();
    const a = panel.locator('.compare-lanes-a .lane');
    const b = panel.locator('.compare-lanes-b .lane');
    await expect.poll(() => a.count()).toBe(3);
    expect(await b.count()).toBe(1);
    expect(await b.locator('.exchange').evaluateAll((xs) => xs.map((x) => x.dataset.use))).toEqual([
      'opened',
      'reused',
      'reused',
      'reused',
      'reused',
    ]);
    // A click on B's last exchange selects that wire span in compare.
    await b.locator('.exchange').last().click();
    await page.locator('.crow .c-name.selected').waitFor();
    expect(await page.evaluate(() => location.hash)).toContain('side=b');
  });

  it('marks each side’s critical path, as critical-path.ts walks that trace', async () => {
    await page.setViewportSize(SIZES[2]);
    await compare('happy', 'warm-pool');
    await page.locator('.compare-critical input').check();
    await page.locator('.c-name.critical').first().waitFor();
    for (const [side, name, column] of [
      ['a', 'happy', 2],
      ['b', 'warm-pool', 4],
    ] as const) {
      const expected = [...criticalPath(buildTree(records.get(name)!)).spanIds].sort();
      const marked = await page.$$eval(
        `.crow:not(.chead) > :nth-child(${column}).critical`,
        (els) => els.map((e) => (e as HTMLElement).dataset.spanId ?? '')
      );
      expect(marked.sort(), side).toEqual(expected);
      const label = await page
        .locator(`.crow:not(.chead) > :nth-child(${column}).critical`)
        .first()
        .getAttribute('aria-label');
      expect(label).toMatch(/\(on the critical path\)$/);
    }
    await page.locator('.compare-critical input').uncheck();
    await expect.poll(() => page.locator('.c-name.critical').count()).toBe(0);
  });

  it('opens the Wire tab of a span picked in compare, on the side it was picked from', async () => {
    for (const size of [SIZES[0], SIZES[2]]) {
      await page.setViewportSize(size);
      await compare('happy', 'warm-pool');
      const puts = (name: string) =>
        records.get(name)!.filter((r) => r.kind === 'client' && r.name === 'PUT');
      for (const [column, put] of [
        [2, puts('happy')[0]!],
        [4, puts('warm-pool').at(-1)!],
      ] as const) {
        await page
          .locator(`.crow > :nth-child(${column})[data-span-id="${put.spanId}"]`)
          .scrollIntoViewIfNeeded();
        await page.locator(`.crow > :nth-child(${column})[data-span-id="${put.spanId}"]`).click();
        // Below 1100 px the details are a drawer, opened from the compare head.
        if (size.width < 1100) await page.click('#compare-details-toggle');
        await page.getByRole('tab', { name: 'Wire' }).click();
        const panel = page.getByRole('tabpanel', { name: 'Wire' });
        const path = new URL(String(put.attributes['url.full'])).pathname;
        await expect
          .poll(() =>
            panel
              .getByRole('region', { name: 'Request as sent' })
              .locator('.wire-first')
              .textContent()
          )
          .toBe(`PUT ${path} HTTP/1.1`);
        expect(
          await panel
            .getByRole('region', { name: 'Response as received' })
            .locator('.wire-first')
            .textContent()
        ).toBe('HTTP/1.1 202 Accepted');
        const phases = await panel
          .getByRole('region', { name: 'Timing' })
          .locator('.wire-phase-name')
          .allTextContents();
        // happy's PUT opened its connection; warm-pool's last PUT went on a pooled one.
        if (column === 2) expect(phases).toContain('Connect');
        else expect(phases).not.toContain('Connect');
        await page.getByRole('tab', { name: 'Span' }).click();
        if (await page.locator('.drawer-close').isVisible()) await page.click('.drawer-close');
      }
    }
  }, 60_000);
});
