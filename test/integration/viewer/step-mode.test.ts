// Step mode against the real ported code and the real mock cloud: the program stops at every
// layer, and while it waits before the wire nothing reaches the cloud, not even a TCP
// connection (a counting proxy sits in front of Keystone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../../src/cloud/index.js';
import { runScenario } from '../../../src/scenarios/index.js';
import { LiveSpanProcessor } from '../../../src/telemetry/live-processor.js';
import { spanBus } from '../../../src/telemetry/span-bus.js';
import { createViewerApp, type ViewerApp } from '../../../src/viewer/app.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';
import { cloudBehind, countingProxy, type CountingProxy } from './counting-proxy.js';

useMemoryTracing();

let cloud: RunningCloud;
let proxy: CountingProxy;
let viewer: ViewerApp;

beforeAll(async () => {
  cloud = await startCloud({ spanProcessors: [new LiveSpanProcessor()] });
  proxy = await countingProxy(cloud.port);
  const viaProxy = cloudBehind(proxy, cloud);
  viewer = createViewerApp({
    bus: spanBus,
    scenarios: () => [
      { name: 'happy', summary: '' },
      { name: 'warm-pool', summary: '' },
    ],
    runScenario: (name) => runScenario(name, { cloud: viaProxy }),
  });
});

afterAll(async () => {
  await viewer.close();
  await proxy.close();
  await cloud.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check(), what).toBe(true);
}

describe('step mode with the real client and cloud', () => {
  it('pauses at each layer in call order and sends nothing while paused before the wire', async () => {
    cloud.state.reset();
    const tokensBefore = cloud.state.tokens.size;
    const { runId, traceId } = await viewer.runs.start('happy', true);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const visited: string[] = [];
    for (let i = 0; i < 200; i++) {
      await until(() => viewer.runs.get(runId)?.phase === 'paused', 'the run pauses');
      const at = viewer.runs.get(runId)?.pausedAt;
      visited.push(at?.name ?? '?');
      if (at?.name === 'wire') break;
      viewer.runs.next(runId);
      await until(
        () => viewer.runs.get(runId)?.pausedAt?.spanId !== at?.spanId,
        'the run moves on after next'
      );
    }
    expect(visited.slice(0, 3)).toEqual(['nova volume-update', 'do_volume_update', '_find_server']);
    expect(visited).toContain('HTTPClient._cs_request');
    expect(visited).toContain('HTTPConnectionPool._get_conn');
    expect(visited.indexOf('HTTPClient._cs_request')).toBeLessThan(
      visited.indexOf('HTTPConnectionPool.urlopen')
    );
    expect(visited[visited.length - 1]).toBe('wire');

    // Held before the first byte: no connection, no byte, no token, no server span.
    await new Promise((r) => setTimeout(r, 50));
    expect(proxy.connections).toBe(0);
    expect(proxy.bytes).toBe(0);
    expect(cloud.state.tokens.size).toBe(tokensBefore);
    expect(viewer.store.get(traceId as string)?.some((s) => s.kind === 'server')).toBe(false);
    // The span the program waits in is open: the page shows it running.
    const open = viewer.store
      .get(traceId as string)
      ?.filter((s) => s.endTimeUnixNano === undefined);
    expect(open?.map((s) => s.name)).toContain('HTTPConnectionPool._make_request');

    viewer.runs.resume(runId);
    const final = await viewer.runs.settled(runId);
    expect(final).toMatchObject({ phase: 'done', exitCode: 0 });
    expect(proxy.connections).toBeGreaterThan(0);
    expect(cloud.state.tokens.size).toBe(tokensBefore + 1);
    const spans = viewer.store.get(traceId as string) ?? [];
    expect(spans.every((s) => s.endTimeUnixNano !== undefined)).toBe(true);
    // The cloud's SERVER spans continue the client's trace under the wire span.
    const server = spans.find((s) => s.kind === 'server');
    const parent = spans.find((s) => s.spanId === server?.parentSpanId);
    expect(parent?.kind).toBe('client');
  });

  it('stops at the entry and the return of each layer of happy, nested in call order', async () => {
    cloud.state.reset();
    const { runId } = await viewer.runs.start('happy', true);
    for (let i = 0; i < 400; i++) {
      await until(() => {
        const phase = viewer.runs.get(runId)?.phase;
        return phase === 'paused' || phase === 'done' || phase === 'failed';
      }, 'the run pauses or ends');
      const at = viewer.runs.get(runId)?.pausedAt;
      if (!at) break;
      // Waiting here: no resume time yet.
      expect(at.resumedAtUnixNano).toBeUndefined();
      const left = viewer.runs.next(runId);
      // The state says when the program went on from this stop (the page's live pauses).
      expect(left.resumed?.index).toBe(at.index);
      expect(BigInt(left.resumed?.atUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(at.atUnixNano));
      await until(
        () => viewer.runs.get(runId)?.pausedAt?.index !== at.index,
        'the run moves on after next'
      );
    }
    expect((await viewer.runs.settled(runId)).phase).toBe('done');
    const stops = viewer.runs.stops(runId);
    // Each kept stop is one pause of the program: reached, then left, before the next began.
    for (const [i, stop] of stops.entries()) {
      const left = BigInt(stop.resumedAtUnixNano ?? -1);
      expect(left, `stop ${i}`).toBeGreaterThanOrEqual(BigInt(stop.atUnixNano));
      const next = stops[i + 1];
      if (next) expect(left, `stop ${i}`).toBeLessThanOrEqual(BigInt(next.atUnixNano));
    }
    // Every entry is matched by the return of the same span, last in first out.
    const open: string[] = [];
    for (const stop of stops.filter((s) => s.name !== 'wire')) {
      if (stop.kind === 'entry') open.push(stop.spanId);
      else if (stop.kind === 'return') expect(open.pop()).toBe(stop.spanId);
    }
    expect(open).toEqual([]);
    const seq = stops.map((s) => `${s.kind} ${s.name}`);
    const first = (x: string) => seq.indexOf(x);
    expect(seq[0]).toBe('entry nova volume-update');
    expect(seq[seq.length - 1]).toBe('return nova volume-update');
    for (const layer of [
      'do_volume_update',
      '_find_server',
      'VolumeManager.update_server_volume',
      'HTTPClient._cs_request',
      'Session.request',
      'HTTPAdapter.send',
      'HTTPConnectionPool.urlopen',
      'HTTPConnectionPool._get_conn',
    ]) {
      expect(first(`entry ${layer}`), layer).toBeGreaterThan(0);
      expect(first(`return ${layer}`), layer).toBeGreaterThan(first(`entry ${layer}`));
    }
    const getConn = stops.find(
      (s) => s.kind === 'return' && s.name === 'HTTPConnectionPool._get_conn'
    );
    expect(getConn?.summary).toMatch(/^HTTPConnection to 127\.0\.0\.1:\d+/);
    // The line named is the TypeScript caller (urlopen calls _get_conn), not the wrapper.
    expect(getConn?.site?.file).toBe('src/urllib3/connectionpool.ts');
    // Paused time stays out of program time: the root was paused for most of its duration.
    const spans = viewer.store.get(stops[0]?.traceId ?? '') ?? [];
    const root = spans.find((s) => s.name === 'nova volume-update');
    expect(Number(root?.attributes['novatrace.paused_ms'])).toBeGreaterThan(0);
    // The scenario's own span (no layer) pauses with its layers: its active time is no longer
    // the whole stepped run (statistics read novatrace.paused_ms).
    const scenario = spans.find((s) => s.name === 'scenario happy');
    const paused = Number(scenario?.attributes['novatrace.paused_ms']);
    expect(paused).toBeGreaterThanOrEqual(Number(root?.attributes['novatrace.paused_ms']));
  });

  it('records the warm-pool scenario as one trace with a cold and a warm run', async () => {
    cloud.state.reset();
    const { runId, traceId } = await viewer.runs.start('warm-pool', false);
    const final = await viewer.runs.settled(runId);
    expect(final.phase).toBe('done');
    const spans = viewer.store.get(traceId as string) ?? [];
    expect(spans.filter((s) => s.name === 'nova volume-update')).toHaveLength(2);
    const keys = spans.flatMap((s) => s.events.map((e) => e.attributes['novatrace.event']));
    expect(keys).toContain('pool hit');
    expect(keys).toContain('pool miss: new connection');
    expect(viewer.store.summary(traceId as string)).toMatchObject({ label: 'warm-pool', runId });
  });
});
