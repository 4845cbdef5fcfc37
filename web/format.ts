/**
 * @module
 * Number and time formatting shared by the page's views.
 */

/** A duration in milliseconds as `850 µs`, `12.3 ms` or `1.24 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const abs = Math.abs(ms);
  if (abs < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (abs < 10) return `${ms.toFixed(2)} ms`;
  if (abs < 1000) return `${ms.toFixed(1)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A signed difference, `+3.1 ms` / `−0.8 ms`. */
export function formatDelta(ms: number): string {
  if (Math.abs(ms) < 0.0005) return '±0';
  return `${ms > 0 ? '+' : '−'}${formatMs(Math.abs(ms))}`;
}

const clockTimes = new Map<string, string>();

/** Epoch nanoseconds (decimal string) as local `HH:MM:SS`. */
export function clockTime(nanos: string): string {
  // Formatting a time of day is slow (the trace list formats every trace's on each refresh):
  // the few in use are remembered.
  const known = clockTimes.get(nanos);
  if (known !== undefined) return known;
  let text = '';
  try {
    const ms = Number(BigInt(nanos) / 1_000_000n);
    if (ms !== 0) text = new Date(ms).toLocaleTimeString([], { hour12: false });
  } catch {
    text = '';
  }
  if (clockTimes.size >= 1000) clockTimes.clear();
  clockTimes.set(nanos, text);
  return text;
}

/** Difference of two epoch-nanosecond strings in milliseconds (`a − b`). */
export function nanosDiffMs(a: string, b: string): number {
  try {
    return Number(BigInt(a) - BigInt(b)) / 1e6;
  } catch {
    return 0;
  }
}

/** A short id for display: first 8 characters. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
