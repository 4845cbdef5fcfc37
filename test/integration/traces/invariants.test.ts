/**
 * Traces that never lie: every scenario on both roads, run in-process with the session and the embedded cloud
 * as `novatrace run` does, writes a trace in which no span's parent is missing and, within each
 * service, every child lies within its parent, also in the microseconds of the Jaeger file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario, SCENARIOS } from '../../../src/scenarios/index.js';
import { startTelemetry, type TelemetrySession } from '../../../src/telemetry/session.js';
import { traceInvariantProblems } from '../../helpers/trace-invariants.js';

let session: TelemetrySession | undefined;

afterEach(async () => {
  await session?.shutdown();
  session = undefined;
});

describe('scenario traces', () => {
  const runs = SCENARIOS.flatMap(({ name, nova }) =>
    nova ? [{ name, road: 'note' as const }, { name, road: 'nova' as const }] : [{ name, road: 'note' as const }]
  );
  for (const { name, road } of runs) {
    it(`${name} (${road} road): parents present, children within their parents (ns and µs)`, async () => {
      session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
      const result = await runScenario(name, {
        cloudSpanProcessors: session.cloudSpanProcessors(),
        road,
      });
      const records = session.records().filter((r) => r.traceId === result.traceId);
      expect(records.length).toBeGreaterThan(3);
      expect(traceInvariantProblems(records)).toEqual([]);
      if (name === 'read-timeout') {
        // The client gave up after 0.5 s; the cloud answered the PUT after its 1.5 s delay.
        const put = records.find((r) => r.kind === 'server' && r.name.startsWith('PUT'));
        expect(put?.attributes['novatrace.cloud.client_gone']).toBe(true);
        const ms = Number(BigInt(put!.endTimeUnixNano!) - BigInt(put!.startTimeUnixNano)) / 1e6;
        expect(ms).toBeGreaterThanOrEqual(1500);
      } else {
        const gone = records.filter((r) => r.attributes['novatrace.cloud.client_gone']);
        expect(gone.map((r) => r.name)).toEqual([]);
      }
    });
  }
});
