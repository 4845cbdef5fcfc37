/**
 * The recorded trace library in traces/ never goes stale: each committed file must have the
 * same shape (span names and nesting, decision events, error classes) as the trace the code
 * produces now for its scenario. Regenerate with `npm run traces`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario, SCENARIOS } from '../../../src/scenarios/index.js';
import { PACKAGE_ROOT } from '../../../src/telemetry/call-sites.js';
import { startTelemetry, type TelemetrySession } from '../../../src/telemetry/session.js';
import { readTraceFile } from '../../../src/telemetry/trace-file.js';
import { traceShape } from '../../helpers/trace-shape.js';

const dir = join(PACKAGE_ROOT, 'traces');
let session: TelemetrySession | undefined;

afterAll(async () => {
  await session?.shutdown();
});

describe('traces/ library', () => {
  it('holds one file per scenario for the note road and one per nova-road scenario', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(
      [
        ...SCENARIOS.map((s) => `${s.name}.json`),
        ...SCENARIOS.filter((s) => s.nova).map((s) => `${s.name}.nova.json`),
      ].sort()
    );
  });

  const runs = SCENARIOS.flatMap((s) => [
    { name: s.name, road: 'note' as const, file: `${s.name}.json` },
    ...(s.nova ? [{ name: s.name, road: 'nova' as const, file: `${s.name}.nova.json` }] : []),
  ]);
  for (const { name, road, file } of runs) {
    it(`${file} matches what the code produces now (run npm run traces if not)`, async () => {
      const recorded = readTraceFile(readFileSync(join(dir, file), 'utf8'));
      expect(new Set(recorded.map((r) => r.traceId)).size).toBe(1);
      await session?.shutdown();
      session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
      const result = await runScenario(name, {
        cloudSpanProcessors: session.cloudSpanProcessors(),
        road,
      });
      const fresh = session.records().filter((r) => r.traceId === result.traceId);
      expect(traceShape(recorded)).toEqual(traceShape(fresh));
    });
  }
});
