import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { tracingOff } from '../../../src/telemetry/layer-span.js';
import { startTelemetry } from '../../../src/telemetry/session.js';

describe('tracingOff', () => {
  it('is true with no SDK registered and false while a telemetry session runs', async () => {
    trace.disable();
    expect(tracingOff()).toBe(true);
    const session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
    try {
      expect(tracingOff()).toBe(false);
    } finally {
      await session.shutdown();
    }
    expect(tracingOff()).toBe(true);
  });
});
