import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { layerSpan, tracingOff } from '../../../src/telemetry/layer-span.js';
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

describe('layerSpan attributes given as a function', () => {
  it('are made once when a session records, and not at all when tracing is off', async () => {
    trace.disable();
    let made = 0;
    const attrs = () => {
      made++;
      return { 'url.path': '/servers/x' };
    };
    expect(await layerSpan('HTTPClient.put', attrs, () => 'untraced')).toBe('untraced');
    expect(made).toBe(0);
    const session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
    try {
      expect(await layerSpan('HTTPClient.put', attrs, () => 'traced')).toBe('traced');
    } finally {
      await session.shutdown();
    }
    expect(made).toBe(1);
    const [span] = session.records().filter((r) => r.name === 'HTTPClient.put');
    expect(span?.attributes['url.path']).toBe('/servers/x');
    expect(span?.attributes['code.function.name']).toBe('HTTPClient.put');
  });
});
