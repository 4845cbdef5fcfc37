// The page at classroom screen sizes (1024×768 projector, 1280×800 laptop, 1920×1080), in
// English and Japanese, on every recorded scenario trace: names never clipped without an
// ellipsis and a tooltip, axis labels never on top of each other, the explanation one click
// away at 1024, the top bar on one line at 1280, honest states when the server goes away.
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/scenarios/index.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { launchBrowser, SKIP_BROWSER, type Browser } from './chromium.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let viewer: ViewerApp;
let server: Server;
let port = 0;
let url: string;
let browser: Browser;
let page: Page;
const traceIds: string[] = [];

function listen(at: number): Promise<Server> {
  return new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: at, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
}

async function stop(): Promise<void> {
  viewer.hub.closeAll();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  viewer = createViewerApp({ scenarios: () => SCENARIOS });
  await viewer.ready();
  server = await listen(0);
  port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  for (const file of readdirSync(join(ROOT, 'traces')).filter((f) => f.endsWith('.json'))) {
    const res = await fetch(`${url}/api/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-file-name': file },
      body: readFileSync(join(ROOT, 'traces', file), 'utf8'),
    });
    traceIds.push(...((await res.json()) as { traceIds: string[] }).traceIds);
  }
  browser = await launchBrowser(SIZES[0]);
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await stop().catch(() => undefined);
  await viewer?.close();
});

/** Measured in the page: clipped names without a tooltip, and overlapping axis labels. */
function measure(p: Page) {
  return p.evaluate(() => {
    const bad: string[] = [];
    for (const row of document.querySelectorAll<HTMLElement>('.tree .row')) {
      const name = row.dataset.name ?? '';
      if (!(row.getAttribute('aria-label') ?? '').startsWith(name)) bad.push(`aria ${name}`);
      for (const el of row.querySelectorAll<HTMLElement>('.label, .pill, .dur, .status')) {
        if (el.scrollWidth > el.clientWidth + 1) {
          const style = getComputedStyle(el);
          if (style.textOverflow !== 'ellipsis' || !el.title) bad.push(`clipped ${el.textContent}`);
        }
      }
    }
    const boxes = [...document.querySelectorAll('.axis-tick')].map((e) =>
      e.getBoundingClientRect()
    );
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a.left < b.right && b.left < a.right) overlaps.push(`${i}/${j}`);
      }
    return { bad, overlaps, ticks: boxes.length };
  });
}

/** The top bar's shown controls, measured: overflow, how far apart their middles are, height. */
function topbarLine(p: Page) {
  return p.evaluate(() => {
    const tb = document.querySelector<HTMLElement>('.topbar')!;
    const kids = [...tb.querySelectorAll<HTMLElement>(':scope > *, :scope > .group > *')].filter(
      (e) => e.offsetParent !== null && e.getBoundingClientRect().width > 0
    );
    const middles = kids.map((e) => {
      const r = e.getBoundingClientRect();
      return r.top + r.height / 2;
    });
    return {
      overflow: tb.scrollWidth - tb.clientWidth,
      spread: Math.max(...middles) - Math.min(...middles),
      height: tb.getBoundingClientRect().height,
      liveRight: document.querySelector('.live')!.getBoundingClientRect().right,
    };
  });
}

describe.skipIf(SKIP_BROWSER)('viewer layout at classroom sizes', () => {
  it('clips no name without ellipsis and tooltip, and never overlaps axis labels', async () => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const id of traceIds) {
        await page.goto(`${url}/#trace=${id}`);
        await page.waitForSelector(`.rows[data-trace-id="${id}"] .row`);
        await page.keyboard.press(']');
        const m = await measure(page);
        expect(m.bad, `${size.width}px ${id}`).toEqual([]);
        expect(m.overlaps, `${size.width}px ${id}`).toEqual([]);
        expect(m.ticks).toBeGreaterThanOrEqual(2);
      }
    }
  }, 120_000);

  it('keeps the explanation one click away at 1024 px, and the top bar on one line at 1280', async () => {
    await page.setViewportSize(SIZES[0]);
    await page.goto(`${url}/#trace=${traceIds[0]}`);
    await page.locator('.tree .row').nth(2).click();
    expect(await page.locator('.detail .narration').isVisible()).toBe(false);
    await page.click('#details-toggle');
    await page.locator('.detail .narration h3', { hasText: 'What happens here' }).waitFor();
    await page.click('.drawer-close');
    // The split moves from the keyboard and is kept across a reload.
    const split = page.locator('.splitter');
    const before = Number(await split.getAttribute('aria-valuenow'));
    await split.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(Number(await split.getAttribute('aria-valuenow'))).toBe(before + 6);
    await page.reload();
    await page.waitForSelector('.tree .row');
    expect(Number(await page.locator('.splitter').getAttribute('aria-valuenow'))).toBe(before + 6);
    await page.setViewportSize(SIZES[1]);
    for (const lang of ['en', 'ja']) {
      await page.click(`#lang-${lang}`);
      const bar = await topbarLine(page);
      expect(bar.overflow, lang).toBeLessThanOrEqual(0);
      expect(bar.spread, lang).toBeLessThan(8);
      expect(bar.height, lang).toBeLessThan(56);
    }
    await page.click('#lang-en');
  });

  it('keeps the top bar on one line at 1280 and 1920 px while this page leads the class (the follow link in the bar)', async () => {
    const lead = await browser.context.newPage();
    try {
      await lead.setViewportSize(SIZES[1]);
      await lead.goto(`${url}/#trace=${traceIds[0]}`);
      await lead.waitForSelector('.live.on');
      await lead.click('#more-menu > summary');
      await lead.click('#lead-class');
      await lead.locator('#follow-link').waitFor();
      await lead.click('#more-menu > summary');
      for (const size of SIZES.slice(1)) {
        await lead.setViewportSize(size);
        for (const lang of ['en', 'ja']) {
          await lead.click(`#lang-${lang}`);
          const bar = await topbarLine(lead);
          const at = `${size.width}px ${lang}`;
          expect(bar.overflow, at).toBeLessThanOrEqual(0);
          expect(bar.spread, at).toBeLessThan(8);
          expect(bar.liveRight, at).toBeLessThanOrEqual(size.width);
        }
      }
      await lead.click('#lang-en');
    } finally {
      await lead.close();
    }
  });

  it('keeps the top bar, with its live state in view, and the Find bar on one line at 1024 and 1280 px', async () => {
    for (const size of SIZES.slice(0, 2)) {
      await page.setViewportSize(size);
      await page.goto(`${url}/#trace=${traceIds[0]}`);
      await page.waitForSelector('.live.on');
      for (const lang of ['en', 'ja']) {
        await page.click(`#lang-${lang}`);
        const m = await page.evaluate(() => {
          const middles = (sel: string) =>
            [...document.querySelectorAll<HTMLElement>(sel)]
              .filter((e) => e.offsetParent !== null)
              .map((e) => {
                const r = e.getBoundingClientRect();
                return r.top + r.height / 2;
              });
          const live = document.querySelector('.live')!.getBoundingClientRect();
          const bar = document.querySelector('.topbar > .brand')!.getBoundingClientRect();
          const find = document.querySelector('.find-bar')!;
          const findTops = middles('.find-bar > *, .find-filters > label');
          return {
            liveInside: live.right <= window.innerWidth && live.width > 0,
            liveOnBarLine: Math.abs(live.top + live.height / 2 - (bar.top + bar.height / 2)) < 8,
            findLines: Math.max(...findTops) - Math.min(...findTops),
            findOverflow: find.scrollWidth - find.clientWidth,
          };
        });
        const at = `${size.width}px ${lang}`;
        expect(m.liveInside, at).toBe(true);
        expect(m.liveOnBarLine, at).toBe(true);
        expect(m.findLines, at).toBeLessThan(8);
        expect(m.findOverflow, at).toBeLessThanOrEqual(0);
      }
    }
    await page.click('#lang-en');
  });

  // The floor is 13 rows; the layout gives 15 (two rows to spare), on every recorded trace (a long
  // title, a replay bar, an error's status) in both languages, with a span selected.
  it('shows at least 13 whole tree rows at 1024×768 and 1280×800 on every trace with a span selected, header lines not overflowing', async () => {
    for (const size of SIZES.slice(0, 2)) {
      await page.setViewportSize(size);
      await page.goto(`${url}/#trace=${traceIds[0]}`);
      await page.waitForSelector('.tree .row');
      for (const lang of ['en', 'ja']) {
        await page.click(`#lang-${lang}`);
        for (const id of traceIds) {
          await page.evaluate((x) => (location.hash = `#trace=${x}`), id);
          await page.waitForSelector(`.rows[data-trace-id="${id}"] .row`);
          await page.locator('.tree .row').nth(2).click();
          await page.waitForSelector('.tree .row.selected');
          const m = await page.evaluate(() => {
            // Whole rows inside the scrolled viewport (the head and minimap are above it).
            const scroll = document.querySelector<HTMLElement>('.tree .tree-scroll')!;
            const v = scroll.getBoundingClientRect();
            const top = v.top + scroll.clientTop;
            const bottom = top + scroll.clientHeight;
            const rows = [...scroll.querySelectorAll<HTMLElement>('.row')].filter((r) => {
              const b = r.getBoundingClientRect();
              return b.height > 0 && b.top >= top - 0.5 && b.bottom <= bottom + 0.5;
            }).length;
            // A trace shorter than the floor shows whole: all its rows, nothing to scroll.
            const whole = scroll.scrollHeight <= scroll.clientHeight + 1;
            const overflow = [...document.querySelectorAll<HTMLElement>('.main > *, .topbar')]
              .filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
              .map((e) => e.className);
            return { rows, overflow, whole };
          });
          const at = `${size.width}×${size.height} ${lang} ${id}`;
          if (!m.whole) expect(m.rows, at).toBeGreaterThanOrEqual(13);
          expect(m.overflow, at).toEqual([]);
        }
      }
    }
    await page.click('#lang-en');
  }, 240_000);

  it('says so when the server is lost, disables Run and stepping, and comes back by itself', async () => {
    await page.goto(`${url}/#trace=${traceIds[0]}`);
    await page.waitForSelector('.live.on');
    expect(await page.locator('#run').isEnabled()).toBe(true);
    await stop();
    await page.locator('.server-lost').waitFor();
    expect(await page.locator('#run').isDisabled()).toBe(true);
    expect(await page.locator('#next').isDisabled()).toBe(true);
    expect(await page.locator('body').textContent()).not.toContain('Failed to fetch');
    server = await listen(port);
    await page.waitForSelector('.live.on', { timeout: 20_000 });
    expect(await page.locator('.server-lost').isHidden()).toBe(true);
    expect(await page.locator('#run').isEnabled()).toBe(true);
  }, 40_000);

  it('narrates the trace on screen when no span is selected', async () => {
    await page.setViewportSize(SIZES[1]);
    // No link: the page opens the newest trace with nothing selected.
    await page.goto('about:blank');
    await page.goto(`${url}/`);
    await page.waitForSelector('.live.on');
    const story = page.locator('.trace-story');
    await story.filter({ hasText: 'This trace' }).waitFor();
    expect(await story.textContent()).toMatch(/HTTP requests? went on the wire|No request/);
  });

  it('gives a bad permalink a sentence, not an empty tree over a fake axis', async () => {
    await page.goto(`${url}/#trace=${'f'.repeat(32)}`);
    await page.locator('.empty-state', { hasText: 'not on this server' }).waitFor();
    expect(await page.locator('.tree').isHidden()).toBe(true);
  });
});
