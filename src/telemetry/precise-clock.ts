/**
 * @module
 * Sub-millisecond span start times.
 *
 * The trace SDK (sdk-trace 2.12, `Span` constructor) takes a span's start from `Date.now()`,
 * so every start is cut to the millisecond, while end times and event times are start plus a
 * `performance.now()` duration. Our layers nest in fractions of a millisecond: siblings such as
 * `HTTPAdapter.get_connection` and `HTTPConnectionPool.urlopen` would start "at the same time",
 * their order in a file would be lost, and an event could look older than a sibling's start.
 *
 * This processor, first in every chain, moves the start of a span that was given no explicit
 * start time to the precise moment on one clock for the whole process (`performance.now()` plus a
 * fixed offset to the wall clock, taken once): the moment the SDK's constructor read
 * `performance.now()`, so the SDK's own end and event times (start + monotonic duration since
 * that reading) land exactly on the same clock, and a span that ends first always ends earlier.
 */
import type { Context, HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Wall-clock milliseconds at `performance.now() === 0`, fixed once per process. */
const WALL_AT_PERF_ZERO = Date.now() - performance.now();

/** Now, as epoch `[seconds, nanoseconds]` with sub-millisecond precision. */
export function preciseNow(): HrTime {
  return perfToHrTime(performance.now());
}

/**
 * A `performance.now()` reading taken earlier, as an epoch time on the same clock as span
 * starts. Pass this (not the raw number) as an event time: the SDK would convert a raw
 * number with the span's own millisecond-cut offset, up to 1 ms off.
 */
export function perfToHrTime(perfMs: number): HrTime {
  const ms = WALL_AT_PERF_ZERO + perfMs;
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

/**
 * Marks a span whose start was read from this clock when it was made (lean-tracer.ts): the
 * processor leaves it as it is.
 */
export const PRECISE_START: unique symbol = Symbol('novatrace.precise-start');

/** The SDK fields this processor reads and rewrites; see the module note. */
interface WritableStart {
  [PRECISE_START]?: boolean;
  startTime: HrTime;
  _startTimeProvided?: boolean;
  /** The constructor's `performance.now()`, from which the SDK measures end and event times. */
  _performanceStartTime?: number;
}

export class PreciseStartProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    const target = span as unknown as WritableStart;
    if (target[PRECISE_START]) return;
    // A caller that gave an explicit start time keeps it.
    if (target._startTimeProvided) return;
    // Every span through this processor reads the same clock, so starts order correctly; the
    // SDK's cut start is up to 1 ms off that clock either way, and is simply replaced. The new
    // start is the constructor's own reading, not a fresh one: the SDK computes end and event
    // times as start + (now - that reading), so a fresh reading would push them later by
    // whatever ran in between (a GC pause, another processor): a child could then seem to end
    // milliseconds after its parent.
    const at = target._performanceStartTime;
    target.startTime = typeof at === 'number' ? perfToHrTime(at) : preciseNow();
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
