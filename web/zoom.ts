/**
 * @module
 * Zoom maths for the waterfall and its minimap: a visible range inside the trace's extent,
 * zoomed around a point, panned, fitted to one span, and axis ticks for any range, thinned so
 * their labels never overlap at the axis's width. Pure code (the views only place what this
 * returns).
 */
import { formatMs } from './format.js';

/** A visible time range, milliseconds from the trace's start. */
export interface TimeRange {
  readonly startMs: number;
  readonly endMs: number;
}

export interface AxisTick {
  readonly ms: number;
  /** Position on the axis, 0..1. */
  readonly at: number;
  readonly label: string;
}

/** The narrowest range the page zooms to (a microsecond). */
export const MIN_SPAN_MS = 0.001;

/** A nice step for axis ticks: 1, 2 or 5 times a power of ten, about `total / count`. */
export function niceStep(total: number, count = 5): number {
  if (!(total > 0) || !(count > 0)) return 1;
  const raw = total / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3.5 ? 2 : unit < 7.5 ? 5 : 10) * power;
}

/** The next nice step up from `step` (1 → 2 → 5 → 10 …). */
function nextStep(step: number): number {
  const power = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const unit = Math.round(step / power);
  return (unit < 2 ? 2 : unit < 5 ? 5 : 10) * power;
}

/** Estimated width of a label in pixels (the axis font is small: ~6.5 px per character). */
export function labelWidth(label: string, pxPerChar = 6.5): number {
  return label.length * pxPerChar + 8;
}

/**
 * Ticks for a range on an axis `widthPx` wide: a nice step, made coarser until no two labels
 * overlap, labelled relative to the trace start (so a zoomed axis reads the same times as the
 * whole one).
 * @example
 * axisTicks({ startMs: 10, endMs: 12 }, 600) // 10.0 ms, 10.5 ms, … every 0.5 ms
 */
export function axisTicks(
  range: TimeRange,
  widthPx: number,
  format: (ms: number) => string = formatMs
): AxisTick[] {
  const span = range.endMs - range.startMs;
  if (!(span > 0) || !(widthPx > 0)) return [];
  let step = niceStep(span, Math.max(2, Math.min(10, Math.floor(widthPx / 90))));
  for (let tries = 0; tries < 40; tries++) {
    const ticks = ticksAt(range, step, format);
    if (fits(ticks, widthPx)) return ticks;
    step = nextStep(step);
  }
  return ticksAt(range, span, format).slice(0, 1);
}

function ticksAt(range: TimeRange, step: number, format: (ms: number) => string): AxisTick[] {
  const span = range.endMs - range.startMs;
  const out: AxisTick[] = [];
  const first = Math.ceil(range.startMs / step - 1e-9) * step;
  for (let i = 0; i < 200; i++) {
    const ms = first + i * step;
    if (ms > range.endMs + step * 1e-9) break;
    // Rounding keeps 0.1 + 0.2 from printing as 0.30000000000000004.
    const clean = Number(ms.toPrecision(12));
    out.push({
      ms: clean,
      at: (clean - range.startMs) / span,
      label: clean === 0 ? '0' : format(clean),
    });
  }
  return out;
}

/** Whether labels placed as the axis places them (left-aligned, the last ones right-aligned) overlap. */
function fits(ticks: readonly AxisTick[], widthPx: number): boolean {
  let right = -Infinity;
  for (const t of ticks) {
    const w = labelWidth(t.label);
    const x = t.at * widthPx;
    // Near the right edge a label hangs to the left of its mark.
    const left = t.at > 0.85 ? x - w : x;
    if (left < right) return false;
    right = left + w;
  }
  return true;
}

/** A range kept inside `[0, extentMs]` and at least {@link MIN_SPAN_MS} wide. */
export function clampRange(range: TimeRange, extentMs: number): TimeRange {
  const extent = Math.max(extentMs, MIN_SPAN_MS);
  let width = Math.min(Math.max(range.endMs - range.startMs, MIN_SPAN_MS), extent);
  if (!Number.isFinite(width)) width = extent;
  let start = Number.isFinite(range.startMs) ? range.startMs : 0;
  start = Math.min(Math.max(0, start), extent - width);
  return { startMs: start, endMs: start + width };
}

/**
 * Zooms by `factor` (< 1 zooms in) keeping the point at `anchor` (0..1 across the range) still.
 */
export function zoomRange(
  range: TimeRange,
  factor: number,
  extentMs: number,
  anchor = 0.5
): TimeRange {
  const width = range.endMs - range.startMs;
  const at = range.startMs + width * anchor;
  const next = width * factor;
  return clampRange({ startMs: at - next * anchor, endMs: at - next * anchor + next }, extentMs);
}

/** Pans by `fraction` of the range's width (negative: earlier). */
export function panRange(range: TimeRange, fraction: number, extentMs: number): TimeRange {
  const shift = (range.endMs - range.startMs) * fraction;
  return clampRange({ startMs: range.startMs + shift, endMs: range.endMs + shift }, extentMs);
}

/** The range that shows one span with a margin of `margin` of its width on each side. */
export function rangeOfSpan(
  startMs: number,
  endMs: number,
  extentMs: number,
  margin = 0.05
): TimeRange {
  const width = Math.max(endMs - startMs, MIN_SPAN_MS);
  return clampRange({ startMs: startMs - width * margin, endMs: endMs + width * margin }, extentMs);
}

/** The range between two points of a minimap drag (fractions 0..1 of the whole extent). */
export function rangeOfDrag(from: number, to: number, extentMs: number): TimeRange {
  const a = Math.max(0, Math.min(1, Math.min(from, to)));
  const b = Math.max(0, Math.min(1, Math.max(from, to)));
  return clampRange({ startMs: a * extentMs, endMs: b * extentMs }, extentMs);
}

/** Where a time falls on a range, 0..1 (outside the range: below 0 or above 1). */
export function positionIn(range: TimeRange, ms: number): number {
  const width = range.endMs - range.startMs;
  return width > 0 ? (ms - range.startMs) / width : 0;
}

/** Whether the range is the whole extent (nothing to reset). */
export function isWhole(range: TimeRange, extentMs: number): boolean {
  return range.startMs <= 1e-9 && range.endMs >= extentMs - 1e-9;
}
