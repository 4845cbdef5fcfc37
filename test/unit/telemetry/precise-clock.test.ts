import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { preciseNow } from '../../../src/telemetry/precise-clock.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing();

const ns = ([s, n]: readonly [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(n);

describe('PreciseStartProcessor', () => {
  it('gives spans started within one millisecond distinct starts in the order they began', async () => {
    const tracer = trace.getTracer('test');
    for (let i = 0; i < 20; i++) tracer.startSpan(`s${i}`).end();
    const spans = await tracing.spans();
    const starts = spans.map((s) => ns(s.startTime));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! > starts[i - 1]!).toBe(true);
    // the SDK alone would cut these to whole milliseconds
    expect(starts.some((t) => t % 1_000_000n !== 0n)).toBe(true);
  });

  it('keeps end and event times consistent with the moved start', async () => {
    const tracer = trace.getTracer('test');
    const span = tracer.startSpan('outer');
    span.addEvent('inside');
    span.end();
    const [done] = await tracing.spans();
    expect(ns(done!.endTime) >= ns(done!.startTime)).toBe(true);
    expect(ns(done!.events[0]!.time) >= ns(done!.startTime)).toBe(true);
    expect(ns(done!.endTime) >= ns(done!.events[0]!.time)).toBe(true);
  });

  it('leaves an explicit start time alone', async () => {
    const tracer = trace.getTracer('test');
    tracer.startSpan('given', { startTime: [1_700_000_000, 5] }).end([1_700_000_001, 0]);
    const [given] = await tracing.spans();
    expect(given?.startTime).toEqual([1_700_000_000, 5]);
  });
});

describe('preciseNow', () => {
  it('moves forward and stays within a few ms of the wall clock', () => {
    const a = ns(preciseNow());
    const b = ns(preciseNow());
    expect(b >= a).toBe(true);
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(Number(a - wall) / 1e6).toBeGreaterThan(-50);
    expect(Number(a - wall) / 1e6).toBeLessThan(50);
  });
});
