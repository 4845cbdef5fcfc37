import { describe, expect, it } from 'vitest';
import { decision, layerSpan } from '../../../src/telemetry/layer-span.js';
import { RunError, RunManager, type ScenarioOutcome } from '../../../src/viewer/runs.js';
import type { RunState } from '../../../src/viewer/types.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing();

/** A two-layer program standing in for a scenario; `body` records what really ran. */
function program(body: string[]) {
  return (): Promise<ScenarioOutcome> =>
    layerSpan('nova volume-update', {}, async (root) => {
      body.push('shell');
      await layerSpan('HTTPClient._cs_request', {}, async () => {
        body.push('_cs_request');
      });
      return { traceId: root.spanContext().traceId, exitCode: 0, stderr: '' };
    });
}

function manager(body: string[], extra: Partial<ConstructorParameters<typeof RunManager>[0]> = {}) {
  const states: RunState[] = [];
  const runs = new RunManager({
    runScenario: program(body),
    scenarioNames: () => ['happy', 'warm-pool'],
    onState: (s) => states.push(s),
    ...extra,
  });
  return { runs, states };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/** Steps past the stop the run waits at; resolves at its next stop or once it has ended. */
async function stepPast(runs: RunManager, runId: string): Promise<void> {
  const at = runs.get(runId)?.pausedAt;
  runs.next(runId);
  await until(() => {
    const run = runs.get(runId);
    if (!run) return true;
    if (run.phase === 'paused') return run.pausedAt?.index !== at?.index;
    return run.phase !== 'running' && run.phase !== 'starting';
  });
}

describe('RunManager', () => {
  it('runs a scenario and reports its trace id at the first layer', async () => {
    const body: string[] = [];
    const { runs, states } = manager(body);
    const started = await runs.start('happy', false);
    const final = await runs.settled(started.runId);
    expect(final).toMatchObject({
      phase: 'done',
      exitCode: 0,
      steps: 2,
      traceIds: [started.traceId],
    });
    expect(body).toEqual(['shell', '_cs_request']);
    expect(states.some((s) => s.phase === 'paused')).toBe(false);
    const spans = await tracing.spans();
    expect(spans.every((s) => s.spanContext().traceId === started.traceId)).toBe(true);
  });

  it('holds the real program at the entry and the return of each layer until next', async () => {
    const body: string[] = [];
    const { runs } = manager(body);
    const { runId, traceId } = await runs.start('happy', true);
    await until(() => runs.get(runId)?.phase === 'paused');
    expect(runs.get(runId)?.pausedAt).toMatchObject({
      name: 'nova volume-update',
      kind: 'entry',
      index: 0,
      traceId,
    });
    expect(body).toEqual([]);
    const seen: string[] = [];
    for (let i = 0; i < 10 && runs.get(runId)?.phase === 'paused'; i++) {
      const at = runs.get(runId)?.pausedAt;
      seen.push(`${at?.kind} ${at?.name} [${body.join(',')}]`);
      await stepPast(runs, runId);
    }
    expect(seen).toEqual([
      'entry nova volume-update []',
      'entry HTTPClient._cs_request [shell]',
      'return HTTPClient._cs_request [shell,_cs_request]',
      'return nova volume-update [shell,_cs_request]',
    ]);
    expect((await runs.settled(runId)).phase).toBe('done');
    expect(runs.stops(runId).map((s) => s.index)).toEqual([0, 1, 2, 3]);
  });

  it('names the line that made the call and summarises what a layer hands back', async () => {
    // A stand-in for a ported function: its caller's line is what the stop names.
    const csRequest = () =>
      layerSpan('HTTPClient._cs_request', {}, () => [{ status_code: 200 }, { a: 1 }]);
    const runs = new RunManager({
      runScenario: () =>
        layerSpan('nova volume-update', {}, async (root) => {
          await csRequest();
          await layerSpan('HTTPClient.request', {}, () => {
            throw new TypeError('bad header');
          }).catch(() => undefined);
          return { traceId: root.spanContext().traceId, exitCode: 0, stderr: '' };
        }),
      scenarioNames: () => ['happy'],
      onState: () => undefined,
    });
    const { runId } = await runs.start('happy', true);
    await until(() => runs.get(runId)?.phase === 'paused');
    for (let i = 0; i < 20 && runs.get(runId)?.phase === 'paused'; i++) {
      await stepPast(runs, runId);
    }
    const stops = runs.stops(runId);
    const ret = stops.find((s) => s.kind === 'return' && s.name === 'HTTPClient._cs_request');
    expect(ret?.summary).toBe('(<Response [200]>, dict (1 keys))');
    const raise = stops.find((s) => s.kind === 'raise');
    expect(raise).toMatchObject({ name: 'HTTPClient.request', summary: 'TypeError: bad header' });
    // This test file's own line made the call: the stop names it, not the layerSpan wrapper.
    expect(ret?.site?.file).toBe('test/unit/viewer/runs.test.ts');
    expect(ret?.site?.line).toBe(102); // the `await csRequest()` line
  });

  it('keeps paused time on every span that waited, as events and novatrace.paused_ms', async () => {
    const body: string[] = [];
    const { runs } = manager(body);
    const { runId } = await runs.start('happy', true);
    await until(() => runs.get(runId)?.phase === 'paused');
    for (let i = 0; i < 10 && runs.get(runId)?.phase === 'paused'; i++) {
      // Each stop is held for at least 30 ms of "reading".
      await new Promise((r) => setTimeout(r, 30));
      await stepPast(runs, runId);
    }
    await runs.settled(runId);
    const spans = await tracing.spans();
    const root = spans.find((s) => s.name === 'nova volume-update');
    const cs = spans.find((s) => s.name === 'HTTPClient._cs_request');
    const durationMs = (s: typeof root) =>
      s ? (s.duration[0] * 1e9 + s.duration[1]) / 1e6 : Number.NaN;
    // The root waited at all four stops, _cs_request at its own two.
    expect(Number(root?.attributes['novatrace.paused_ms'])).toBeGreaterThanOrEqual(4 * 29);
    expect(Number(cs?.attributes['novatrace.paused_ms'])).toBeGreaterThanOrEqual(2 * 29);
    expect(Number(cs?.attributes['novatrace.paused_ms'])).toBeLessThan(
      Number(root?.attributes['novatrace.paused_ms'])
    );
    for (const span of [root, cs]) {
      const paused = Number(span?.attributes['novatrace.paused_ms']);
      expect(paused).toBeLessThanOrEqual(durationMs(span));
      const names = span?.events.map((e) => e.name).filter((n) => n.startsWith('novatrace.step'));
      expect(names?.length).toBeGreaterThan(0);
      expect(names?.filter((n) => n === 'novatrace.step.paused').length).toBe(
        names?.filter((n) => n === 'novatrace.step.resumed').length
      );
      // The resumed events add up to the total.
      const sum = (span?.events ?? [])
        .filter((e) => e.name === 'novatrace.step.resumed')
        .reduce((acc, e) => acc + Number(e.attributes?.['novatrace.paused_ms']), 0);
      expect(sum).toBeCloseTo(paused, 1);
    }
  });

  it('stops after each decision with the finer detail, before anything else runs', async () => {
    const runs = new RunManager({
      runScenario: () =>
        layerSpan('HTTPConnectionPool._get_conn', {}, async (root) => {
          decision('pool hit', 'Reusing connection');
          return { traceId: root.spanContext().traceId, exitCode: 0, stderr: '' };
        }),
      scenarioNames: () => ['happy'],
      onState: () => undefined,
    });
    const { runId } = await runs.start('happy', true, 'decisions');
    await until(() => runs.get(runId)?.phase === 'paused');
    const seen: string[] = [];
    for (let i = 0; i < 10 && runs.get(runId)?.phase === 'paused'; i++) {
      const at = runs.get(runId)?.pausedAt;
      seen.push(`${at?.kind} ${at?.name} ${at?.event ?? ''}`.trim());
      await stepPast(runs, runId);
    }
    expect(seen).toEqual([
      'entry HTTPConnectionPool._get_conn',
      'decision HTTPConnectionPool._get_conn pool hit',
      'return HTTPConnectionPool._get_conn',
    ]);
    expect(runs.stops(runId)[1]?.site?.file).toBe('test/unit/viewer/runs.test.ts');
  });

  it('leaves step mode on continue', async () => {
    const body: string[] = [];
    const { runs } = manager(body);
    const { runId } = await runs.start('happy', true);
    await until(() => runs.get(runId)?.phase === 'paused');
    runs.resume(runId);
    expect((await runs.settled(runId)).phase).toBe('done');
    expect(body).toEqual(['shell', '_cs_request']);
  });

  it('raises KeyboardInterrupt at the waiting layer on abort', async () => {
    const body: string[] = [];
    const { runs } = manager(body);
    const { runId } = await runs.start('happy', true);
    await until(() => runs.get(runId)?.phase === 'paused');
    runs.next(runId);
    await until(() => runs.get(runId)?.pausedAt?.name === 'HTTPClient._cs_request');
    runs.abort(runId);
    const final = await runs.settled(runId);
    expect(final.phase).toBe('aborted');
    expect(body).toEqual(['shell']);
    const spans = await tracing.spans();
    const cs = spans.find((s) => s.name === 'HTTPClient._cs_request');
    expect(cs?.attributes['error.type']).toBe('KeyboardInterrupt');
  });

  it('aborts a run left paused longer than the pause limit', async () => {
    const body: string[] = [];
    const { runs } = manager(body, { pauseTimeoutMs: 30 });
    const { runId } = await runs.start('happy', true);
    const final = await runs.settled(runId);
    expect(final.phase).toBe('aborted');
    expect(final.message).toMatch(/waiting/);
    expect(body).toEqual([]);
  });

  it('refuses a second run while one is active, and unknown names', async () => {
    const { runs } = manager([]);
    const { runId } = await runs.start('happy', true);
    await expect(runs.start('happy', false)).rejects.toMatchObject({ status: 409 });
    await expect(runs.start('nope', false)).rejects.toBeInstanceOf(RunError);
    expect(() => runs.next('run-999')).toThrow(RunError);
    runs.resume(runId);
    await runs.settled(runId);
    const again = await runs.start('warm-pool', false);
    expect((await runs.settled(again.runId)).phase).toBe('done');
  });

  it('reports a run whose scenario throws as failed', async () => {
    const runs = new RunManager({
      runScenario: () => Promise.reject(new Error('cloud is down')),
      scenarioNames: () => ['happy'],
      onState: () => undefined,
    });
    const { runId, traceId } = await runs.start('happy', false);
    expect(traceId).toBeNull();
    expect(await runs.settled(runId)).toMatchObject({ phase: 'failed', message: 'cloud is down' });
  });
});
