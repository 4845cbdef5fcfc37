// The page in real headless Chromium, against the real viewer, the real ported client and the
// real mock cloud: the start page, a live run, step mode from the keyboard, a CLI run from
// another process over OTLP, markup in span strings, compare, permalinks, files, languages.
// Screenshots go to test-artifacts/, and to docs/images/viewer-*.png (shown by the docs) when
// NOVATRACE_DOCS_IMAGES=1 (`npm run docs:images`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startCloud, type RunningCloud } from '../../src/cloud/index.js';
import { cloudEnv } from '../../src/scenarios/catalog.js';
import { runScenario, SCENARIOS } from '../../src/scenarios/index.js';
import { toJaegerJson } from '../../src/telemetry/jaeger.js';
import { LiveSpanProcessor } from '../../src/telemetry/live-processor.js';
import { fromOtlpJson, toOtlpJson } from '../../src/telemetry/otlp-json.js';
import { spanBus } from '../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../src/viewer/app.js';
import { recordStartupTraces } from '../../src/viewer/command.js';
import { useMemoryTracing } from '../helpers/memory-tracing.js';
import {
  cloudBehind,
  countingProxy,
  type CountingProxy,
} from '../integration/viewer/counting-proxy.js';
import { seedTrace, span, traceId } from '../unit/viewer/spans.js';
import { launchBrowser, screenshotPaths, SKIP_BROWSER, type Browser } from './chromium.js';
import { closeViewer, serveViewer } from '../helpers/serve-viewer.js';

useMemoryTracing();

const ROOT = join(import.meta.dirname, '..', '..');
const { servers, volumes } = FIXTURES;

let cloud: RunningCloud;
let proxy: CountingProxy;
let viewer: ViewerApp;
let server: Server;
let url: string;
let browser: Browser;
let startupTrace: string;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  cloud = await startCloud({ spanProcessors: [new LiveSpanProcessor()] });
  proxy = await countingProxy(cloud.port);
  const viaProxy = cloudBehind(proxy, cloud);
  viewer = createViewerApp({
    bus: spanBus,
    scenarios: () => SCENARIOS,
    runScenario: (name) => runScenario(name, { cloud: viaProxy }),
  });
  await viewer.ready();
  // What `novatrace serve` does before it listens: the recorded cold-then-warm pair.
  const ids = await recordStartupTraces(
    viewer,
    cloud,
    mkdtempSync(join(tmpdir(), 'novatrace-empty-'))
  );
  startupTrace = ids[0] as string;
  server = await serveViewer(viewer);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await closeViewer(viewer, server);
  await proxy?.close();
  await cloud?.close();
});

const pages: Page[] = [];

afterEach(async () => {
  if (SKIP_BROWSER) return;
  // Each page holds an EventSource; Chromium allows six connections per host, so close them all.
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

async function shot(page: Page, name: string): Promise<void> {
  for (const path of screenshotPaths(name)) await page.screenshot({ path });
}

function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

async function rowNames(page: Page): Promise<string[]> {
  return page.$$eval('.tree .row', (rows) =>
    rows.map((r) => (r as HTMLElement).dataset.name ?? '')
  );
}

async function postOtlp(records: unknown): Promise<void> {
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  expect(res.status).toBe(200);
}

/** The seed's layers, in the order the call reaches them (DESIGN "Layers and spans"). */
const SEED_LAYERS = [
  'nova volume-update',
  'do_volume_update',
  '_find_server',
  'utils.find_resource',
  'ServerManager.get',
  'Manager._get',
  'HTTPClient.get',
  'HTTPClient._cs_request',
  'HTTPClient.authenticate',
  'HTTPClient._time_request',
  'HTTPClient.request',
  'HTTPClient._get_session',
  'Session.request',
  'Session.send',
  'HTTPAdapter.send',
  'HTTPAdapter.get_connection',
  'PoolManager.connection_from_url',
  'HTTPConnectionPool.urlopen',
  'HTTPConnectionPool._get_conn',
  'VolumeManager.update_server_volume',
  'Manager._update',
  'HTTPClient.put',
  'PUT',
];

describe.skipIf(SKIP_BROWSER)('viewer page in Chromium', () => {
  it('shows the recorded cold-then-warm pair and a Run button on first load', async () => {
    const page = await open();
    await page.waitForSelector('.tree .row[data-name="scenario warm-pool"]');
    expect(await page.locator('#run').isEnabled()).toBe(true);
    expect(await page.locator('#run').textContent()).toContain('warm-pool');
    const names = await rowNames(page);
    expect(names.filter((n) => n === 'nova volume-update')).toHaveLength(2);
    expect(await page.locator('.welcome').textContent()).toContain('pool hit');
    expect(await page.locator('.legend').textContent()).toContain('urllib3');
    expect(await page.locator('.trace-item.current').textContent()).toContain('warm-pool');
    await shot(page, 'start');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('grows the tree live as a run starts, every seed layer in call order', async () => {
    cloud.state.reset();
    const page = await open();
    await page.waitForSelector('.tree .row');
    await page.evaluate(() => {
      const seen: [string, string][] = [];
      (window as unknown as { seen: [string, string][] }).seen = seen;
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) {
            const el = n as HTMLElement;
            const trace = el.parentElement?.dataset.traceId ?? '';
            if (el.dataset?.name) seen.push([trace, el.dataset.name]);
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.click('.scenario[data-scenario="happy"]');
    await page.click('#run');
    await page.waitForSelector('.banner-line:has-text("finished with exit code 0")');
    const hash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
    const runTrace = hash.get('trace') as string;
    expect(runTrace).not.toBe(startupTrace);
    const seen = await page.evaluate(
      () => (window as unknown as { seen: [string, string][] }).seen
    );
    const firsts: string[] = [];
    for (const [trace, name] of seen)
      if (trace === runTrace && !firsts.includes(name)) firsts.push(name);
    const positions = SEED_LAYERS.map((name) => firsts.indexOf(name));
    expect(
      SEED_LAYERS.filter((_, i) => positions[i] === -1),
      'layers never shown'
    ).toEqual([]);
    const outOfOrder = SEED_LAYERS.filter(
      (_, i) => i > 0 && (positions[i] as number) < (positions[i - 1] as number)
    );
    expect(outOfOrder, `first-appearance order: ${firsts.join(' > ')}`).toEqual([]);
    // The cloud's server spans hang under the wire spans.
    expect(await page.locator('.row.lane-cloud').count()).toBeGreaterThan(0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('holds the program at each layer in step mode, resumes from the keyboard, sends nothing before the wire', async () => {
    cloud.state.reset();
    const connectionsBefore = proxy.connections;
    const page = await open();
    await page.click('.scenario[data-scenario="happy"]');
    await page.check('#step-mode');
    await page.check('#predict');
    await page.click('#run');
    const banner = page.locator('.banner-line.paused');
    await banner.filter({ hasText: 'nova volume-update' }).waitFor();
    const root = page.locator('.row[data-name="nova volume-update"]').last();
    expect(await root.getAttribute('data-state')).toBe('running');
    expect(await root.locator('.status').textContent()).toContain('running');
    // A running span shows active time: paused at its entry, it stands still (wall time would
    // grow by the wait).
    const before = await root.locator('.dur').textContent();
    await page.waitForTimeout(400);
    expect(await root.locator('.dur').textContent()).toBe(before);
    expect(await page.locator('.row[aria-selected="true"]').getAttribute('data-name')).toBe(
      'nova volume-update'
    );
    expect(await page.locator('.narration').textContent()).toContain('The command line itself');

    await page.keyboard.press('n');
    await banner.filter({ hasText: 'do_volume_update' }).waitFor();

    let predicted = false;
    let sawGetConnReturn = false;
    for (let i = 0; i < 80; i++) {
      const text = (await banner.textContent()) ?? '';
      if (text.includes('no byte has been sent yet')) break;
      // Return stops name the layer and what it hands back (issue 12).
      if (text.includes('Paused at the return of HTTPConnectionPool._get_conn')) {
        sawGetConnReturn = text.includes('Hands back: HTTPConnection to 127.0.0.1:');
      }
      if (text.includes('HTTPConnectionPool._get_conn') && !predicted) {
        await page.locator('.predict .option', { hasText: 'Pool miss' }).click();
        predicted = true;
        await shot(page, 'step');
      }
      await page.keyboard.press('n');
      await page.waitForFunction(
        (t) => document.querySelector('.banner-line.paused')?.textContent !== t,
        text
      );
    }
    expect(await banner.textContent()).toContain('no byte has been sent yet');
    expect(predicted).toBe(true);
    expect(sawGetConnReturn).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.connections).toBe(connectionsBefore);

    await page.keyboard.press('c');
    await page.waitForSelector('.banner-line:has-text("finished with exit code 0")');
    expect(proxy.connections).toBeGreaterThan(connectionsBefore);
    expect(await page.locator('.verdict').textContent()).toContain('Right');
    expect(await page.locator('.row[data-state="running"]').count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
    // About 25 steps, each a round trip through the real program: room for a loaded machine.
  }, 90_000);

  it('gives a run to the page that started it: another page watches it and cannot step it', async () => {
    cloud.state.reset();
    const teacher = await open();
    await teacher.click('.scenario[data-scenario="happy"]');
    await teacher.check('#step-mode');
    await teacher.click('#run');
    await teacher.locator('.banner-line.paused', { hasText: 'nova volume-update' }).waitFor();
    const student = await open();
    await student.locator('.banner-line.paused', { hasText: 'read-only' }).waitFor();
    expect(await student.locator('#next').isDisabled()).toBe(true);
    expect(await student.locator('#abort').isDisabled()).toBe(true);
    expect(await student.locator('.banner-actions').count()).toBe(0);
    const run = viewer.runs.active();
    const steps = run?.steps;
    await student.keyboard.press('n');
    await new Promise((r) => setTimeout(r, 300));
    expect(viewer.runs.get(run!.runId)?.steps).toBe(steps);
    // The student still sees the teacher's pauses as they come.
    await teacher.keyboard.press('n');
    await student.locator('.banner-line.paused', { hasText: 'do_volume_update' }).waitFor();
    expect(pageErrors(student)).toEqual([]);
  }, 60_000);

  it('lets a class follow a teacher page: its trace, its selected span and its step pauses', async () => {
    cloud.state.reset();
    const teacher = await open(`/#trace=${startupTrace}`);
    await teacher.waitForSelector('.tree .row');
    await teacher.click('.menu > summary');
    await teacher.click('#lead-class');
    await teacher.locator('#follow-link').waitFor();
    const link = await teacher.locator('#follow-link').inputValue();
    expect(link).toMatch(/#follow=[0-9a-f]{16}$/);
    const student = await browser.context.newPage();
    pages.push(student);
    await student.goto(link);
    await student.waitForSelector('.live.on');
    const getConn = teacher.locator('.row[data-name="HTTPConnectionPool._get_conn"]').first();
    await getConn.click();
    const id = await getConn.getAttribute('data-span-id');
    await student.waitForSelector(`.row[aria-selected="true"][data-span-id="${id}"]`);
    expect(await student.locator('#run').isDisabled()).toBe(true);
    await teacher.click('.scenario[data-scenario="happy"]');
    await teacher.check('#step-mode');
    await teacher.click('#run');
    await student.locator('.banner-line.paused', { hasText: 'nova volume-update' }).waitFor();
    await teacher.locator('.banner-line.paused', { hasText: 'nova volume-update' }).waitFor();
    await teacher.click('#next');
    await teacher.locator('.banner-line.paused', { hasText: 'do_volume_update' }).waitFor();
    await student.locator('.banner-line.paused', { hasText: 'do_volume_update' }).waitFor();
    const paused = viewer.runs.active()?.pausedAt?.spanId;
    await student.waitForSelector(`.row[aria-selected="true"][data-span-id="${paused}"]`);
    expect(student.url()).toBe(link);
  }, 60_000);

  it('shows a CLI run from another process, over OTLP protobuf and over --viewer', async () => {
    const page = await open();
    await page.waitForSelector('.tree .row');
    const cli = (args: string[], env: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        cloud.state.reset();
        const child = spawn(
          process.execPath,
          [join(ROOT, 'bin', 'novatrace.js'), 'volume-update', ...args],
          {
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              HOME: tmpdir(),
              ...cloudEnv(cloud),
              ...env,
            },
            stdio: 'ignore',
          }
        );
        child.on('exit', resolve);
      });
    const swap = [servers.vm1.id, volumes.attached.id, volumes.spare.id];
    expect(await cli(swap, { OTEL_EXPORTER_OTLP_ENDPOINT: url })).toBe(0);
    await page.waitForSelector('.trace-item:has-text("otlp")');
    await page.waitForSelector('.tree .row[data-name="PUT"]');
    const otlpTraces = () => viewer.store.list().filter((s) => s.source === 'otlp');
    expect(otlpTraces()).toHaveLength(1);
    expect(await cli([...swap, '--viewer', url], {})).toBe(0);
    await page.waitForFunction(() => document.querySelectorAll('.trace-item').length > 0);
    for (let i = 0; i < 100 && otlpTraces().length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(otlpTraces()).toHaveLength(2);
    const second = otlpTraces()[0]?.traceId as string;
    await page.waitForSelector(`.trace-item[data-trace-id="${second}"]`);
    await page.waitForFunction((id) => location.hash.includes(id), second);
    expect(await rowNames(page)).toContain('HTTPConnectionPool._get_conn');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('renders span strings from anywhere as text, never as markup', async () => {
    const t = traceId();
    const evil = span(t, {
      id: 'evil',
      name: '<img src=x onerror="window.pwned=1">',
      start: 0,
      end: 2,
      attributes: {
        'novatrace.layer': 'urllib3',
        note: '<script>window.pwned=2</script><b>bold</b>',
        'code.file.path': '<img src=y onerror="window.pwned=3">',
      },
      events: [{ name: '<svg onload="window.pwned=4">', at: 1, key: '<i>key</i>' }],
      error: { type: '<u>Evil</u>', message: '<iframe src="javascript:window.pwned=5">' },
    });
    await postOtlp(toOtlpJson([evil]));
    const page = await open(`/#trace=${t}&span=${evil.spanId}`);
    await page.waitForSelector(`.row[data-span-id="${evil.spanId}"]`);
    await page.waitForSelector('.detail .exception');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('<img src=x onerror="window.pwned=1">');
    expect(text).toContain('<script>window.pwned=2</script><b>bold</b>');
    expect(text).toContain('<iframe src="javascript:window.pwned=5">');
    expect(text).toContain('<u>Evil</u>');
    const injected = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned?: number }).pwned,
      nodes: document.querySelectorAll(
        'img:not([src="/assets/icon.svg"]), script:not([src]), svg, iframe, b, u, i:not(.chip):not(.tick)'
      ).length,
    }));
    expect(injected).toEqual({ pwned: undefined, nodes: 0 });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('compares the cold and the warm run side by side, differences marked', async () => {
    const page = await open(`/#trace=${startupTrace}`);
    await page.waitForSelector('.tree .row[data-name="scenario warm-pool"]');
    await page.click('#compare-toggle');
    await page.waitForSelector('.compare-summary');
    await page.waitForSelector('.crow.k-only-a');
    const summary = (await page.locator('.compare-summary').textContent()) ?? '';
    expect(summary).toMatch(/only in A/);
    const onlyA = await page.$$eval('.crow.k-only-a .c-name .label', (els) =>
      els.map((e) => e.textContent)
    );
    expect(onlyA).toContain('HTTPClient.authenticate');
    expect(onlyA).toContain('HTTPConnectionPool._new_conn');
    expect(summary).toContain('pool miss: new connection');
    const changed = (await page.locator('.crow.k-changed').allTextContents()).join('\n');
    expect(changed).toContain('no management_url: authenticate');
    expect(await page.locator('.crow.k-changed .mark').first().textContent()).toContain('differs');
    expect(await page.evaluate(() => location.hash)).toContain('compare=');
    await shot(page, 'compare');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('keeps the trace and the selected span in the URL, and walks the tree from the keyboard', async () => {
    const page = await open(`/#trace=${startupTrace}`);
    await page.waitForSelector('.tree .row');
    // A link to a trace selects its root; three presses of j move three rows down.
    await page.waitForSelector('.row[aria-selected="true"][aria-level="1"]');
    for (const key of ['j', 'j', 'j']) await page.keyboard.press(key);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('.tree .row')];
      const sel = rows.findIndex((r) => r.getAttribute('aria-selected') === 'true');
      return sel === 3 && location.hash.includes(`span=${rows[sel]?.dataset.spanId}`);
    });
    const total = (await rowNames(page)).length;
    const rows = () => page.locator('.tree .row').count();
    await page.keyboard.press('[');
    await expect.poll(rows).toBe(1);
    await page.keyboard.press(']');
    await expect.poll(rows).toBe(total);
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect.poll(rows).toBeLessThan(total);
    await page.keyboard.press(']');
    await page.keyboard.press('j');
    await page.waitForFunction(() =>
      location.hash.includes(
        `span=${document.querySelector<HTMLElement>('.row[aria-selected="true"][aria-level="2"]')?.dataset.spanId}`
      )
    );

    const link = page.url();
    const again = await browser.context.newPage();
    pages.push(again);
    await again.goto(link);
    await again.waitForSelector('.row[aria-selected="true"]');
    const reopened = await again.locator('.row[aria-selected="true"]').getAttribute('data-span-id');
    expect(reopened).toBe(
      await page.locator('.row[aria-selected="true"]').getAttribute('data-span-id')
    );
    expect(await again.locator('.source .src-path').first().textContent()).toMatch(
      /^src\/.*\.ts:\d+$/
    );
    await again.close();
    await page.close();
  });

  it('goes from one trace to the next without an empty tree in between', async () => {
    const next = traceId();
    viewer.ingest(seedTrace(next), 'file');
    const page = await open(`/#trace=${startupTrace}`);
    await page.waitForFunction((id) => {
      const rows = document.querySelector<HTMLElement>('.rows');
      return rows?.dataset.traceId === id && rows.querySelector('.row') !== null;
    }, startupTrace);
    // Every state the tree passes through on the way: its trace and its row count.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { treeStates: string[] }).treeStates = seen;
      const rows = document.querySelector<HTMLElement>('.rows') as HTMLElement;
      new MutationObserver(() => {
        seen.push(`${rows.dataset.traceId}:${rows.dataset.rowCount}`);
      }).observe(rows, { attributes: true, attributeFilter: ['data-trace-id', 'data-row-count'] });
    });
    await page.evaluate((id) => (location.hash = `#trace=${id}`), next);
    await page.waitForFunction((id) => {
      const rows = document.querySelector<HTMLElement>('.rows');
      return rows?.dataset.traceId === id && rows.querySelector('.row') !== null;
    }, next);
    const states = await page.evaluate(
      () => (window as unknown as { treeStates: string[] }).treeStates
    );
    // The spans are fetched before the tree switches: it shows the old trace, then the new one.
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect(state).toMatch(new RegExp(`^(${startupTrace}|${next}):[1-9]\\d*$`));
    }
    expect(await page.locator('.empty-state').isHidden()).toBe(true);
    await page.close();
  });

  it('opens a trace file and downloads the shown trace as OTLP/JSON and Jaeger JSON', async () => {
    const t = traceId();
    const dir = mkdtempSync(join(tmpdir(), 'novatrace-file-'));
    const file = join(dir, 'from-jaeger.json');
    writeFileSync(file, JSON.stringify(toJaegerJson(seedTrace(t))));
    const page = await open();
    await page.setInputFiles('#file-input', file);
    await page.waitForFunction((id) => location.hash.includes(id), t);
    await page.waitForSelector('.tree .row[data-name="HTTPConnectionPool._get_conn"]');
    await page.click('.menu > summary');
    const [otlp] = await Promise.all([page.waitForEvent('download'), page.click('#download-otlp')]);
    const otlpPath = join(dir, 'out.otlp.json');
    await otlp.saveAs(otlpPath);
    expect(fromOtlpJson(JSON.parse(readFileSync(otlpPath, 'utf8')))).toHaveLength(6);
    const [jaeger] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#download-jaeger'),
    ]);
    expect(jaeger.suggestedFilename()).toBe(`trace-${t}.jaeger.json`);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('places a child that arrived before its parent once the parent comes', async () => {
    const t = traceId();
    const [root, cs] = seedTrace(t);
    const page = await open();
    await page.waitForSelector('.tree .row');
    await postOtlp(toOtlpJson([cs!]));
    await page.click(`.trace-item[data-trace-id="${t}"]`);
    const child = page.locator(`.row[data-span-id="${cs!.spanId}"]`);
    await child.locator('.status.is-orphan').waitFor();
    expect(await child.getAttribute('aria-level')).toBe('1');
    await postOtlp(toOtlpJson([root!]));
    await page.waitForFunction(
      (id) =>
        document.querySelector(`.row[data-span-id="${id}"]`)?.getAttribute('aria-level') === '2',
      cs!.spanId
    );
    expect(await child.locator('.status.is-orphan').count()).toBe(0);
    expect(await rowNames(page)).toEqual(['nova volume-update', 'HTTPClient._cs_request']);
    await page.close();
  });

  it('switches the narration to Japanese, and renders in the dark theme', async () => {
    const page = await open(`/#trace=${startupTrace}`);
    const getConn = page.locator('.row[data-name="HTTPConnectionPool._get_conn"]').first();
    await getConn.waitFor();
    await getConn.click();
    await page.locator('.narration').filter({ hasText: 'Takes a connection' }).waitFor();
    await page.click('#lang-ja');
    await page
      .locator('.narration')
      .filter({ hasText: 'プールのキューから接続を取り出します' })
      .waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    expect(await page.locator('#run').textContent()).toContain('実行');
    // the scenario picker speaks Japanese too
    await page
      .locator('.scenario[data-scenario="warm-pool"] .sc-summary')
      .filter({ hasText: 'プールの接続を再利用します' })
      .waitFor();
    await shot(page, 'ja');
    await page.click('#lang-en');
    await page.click('#theme');
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.locator('.row[data-name="PUT"]').first().click();
    await page.locator('.row.selected[data-name="PUT"]').waitFor();
    // The wire span's detail splits its time: the server's part and the client's share.
    const share = page.locator('.client-share');
    await share.waitFor();
    expect(await share.textContent()).toMatch(
      /^server [\d.]+ (ms|µs) · client’s share [\d.]+ (ms|µs|s)$/
    );
    await shot(page, 'dark');
    await page.click('#theme');
    await page.click('#theme');
    await page.close();
  });
});
