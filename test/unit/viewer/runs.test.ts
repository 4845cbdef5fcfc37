import { describe, expect, it } from 'vitest';
import { layerSpan } from '../../../src/telemetry/layer-span.js';
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

  it('holds the real program at each layer in step mode until next', async () => {
    const body: string[] = [];
    const { runs } = manager(body);
    const { runId, traceId } = await runs.start('happy', true);
    await until(() => runs.get(runId)?.phase === 'paused');
    expect(runs.get(runId)?.pausedAt).toMatchObject({ name: 'nova volume-update', traceId });
    expect(body).toEqual([]);
    runs.next(runId);
    await until(() => runs.get(runId)?.pausedAt?.name === 'HTTPClient._cs_request');
    expect(body).toEqual(['shell']);
    runs.next(runId);
    expect((await runs.settled(runId)).phase).toBe('done');
    expect(body).toEqual(['shell', '_cs_request']);
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
