import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as telemetry from '../../../src/telemetry/index.js';

describe('telemetry index', () => {
  it('exports the contract names', () => {
    for (const name of [
      'startTelemetry',
      'toOtlpJson',
      'fromOtlpJson',
      'toJaegerJson',
      'fromJaegerJson',
      'readTraceFile',
      'writeTraceFile',
      'renderTree',
      'TraceFormatError',
      'layerSpan',
      'decision',
      'spanBus',
      'LiveSpanProcessor',
    ]) {
      expect(telemetry).toHaveProperty(name);
    }
  });

  it('names every export (no export *)', () => {
    const source = readFileSync(
      new URL('../../../src/telemetry/index.ts', import.meta.url),
      'utf8'
    );
    expect(source).not.toMatch(/export \*/);
  });
});
