/**
 * @module
 * The time axis over the waterfall: where its ticks go and which of their labels to keep.
 * Pure code (no DOM), tested in Node. A label takes a box on the axis; a tick whose box would
 * touch the box of a kept one, or leave the axis, is dropped, so no two labels ever overlap
 * however narrow the column, in whichever language, at whatever zoom.
 */

/** A nice step for axis ticks: 1, 2 or 5 times a power of ten. */
export function niceStep(total: number, count = 5): number {
  if (!(total > 0)) return 1;
  const raw = total / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3.5 ? 2 : unit < 7.5 ? 5 : 10) * power;
}

/** Rounds up to the next tick of a nice step, for an axis that grows in visible steps. */
export function axisCeil(ms: number): number {
  const step = niceStep(ms, 4);
  return Math.ceil((ms * 1.0001) / step) * step;
}

export interface AxisTick {
  /** Time of the tick, in ms from the start of the axis. */
  readonly ms: number;
  readonly label: string;
  /** Position of the tick mark, in px from the left of the axis. */
  readonly x: number;
  /** The label's box, in px: `end` labels hang to the left of their mark. */
  readonly left: number;
  readonly right: number;
  readonly end: boolean;
}

export interface AxisOptions {
  /** Where the axis starts (a zoomed range), in ms; default 0. */
  readonly fromMs?: number;
  /** Room kept free between two labels, in px; default 8. */
  readonly gap?: number;
}

/**
 * The ticks to draw on an axis `widthPx` wide showing `totalMs`, each label measured with
 * `labelWidth` (px, padding included); every kept label lies inside [0, widthPx] and no two
 * kept labels' boxes come closer than `gap`.
 * @example
 * axisTicks(5000, 300, (s) => s.length * 7) // 0, 2.00 s, 4.00 s: 1.00 s steps would collide
 */
export function axisTicks(
  totalMs: number,
  widthPx: number,
  labelWidth: (label: string) => number,
  opts: AxisOptions = {}
): AxisTick[] {
  const from = opts.fromMs ?? 0;
  const gap = opts.gap ?? 8;
  if (!(totalMs > 0) || !(widthPx > 0)) return [];
  // Start from as many ticks as could possibly fit, then take wider steps until none collide.
  let count = Math.max(1, Math.min(10, Math.floor(widthPx / 40)));
  for (;;) {
    const ticks = place(totalMs, from, widthPx, niceStep(totalMs, count), labelWidth);
    const kept = thin(ticks, gap, widthPx);
    // Fewer than half kept means the step is too fine: uneven gaps read badly, go coarser.
    if (count <= 1 || kept.length >= Math.ceil(ticks.length / 2))
      return evenly(kept, ticks, gap, widthPx);
    count = Math.max(1, Math.floor(count / 2));
  }
}

function place(
  totalMs: number,
  from: number,
  widthPx: number,
  step: number,
  labelWidth: (label: string) => number
): AxisTick[] {
  const out: AxisTick[] = [];
  const first = Math.ceil(from / step) * step;
  for (let ms = first, i = 0; ms <= from + totalMs + 1e-9 && i < 50; ms += step, i++) {
    const x = ((ms - from) / totalMs) * widthPx;
    const label = ms === 0 ? '0' : tickLabel(ms, step);
    const w = labelWidth(label);
    // Near the right edge the label hangs to the left of its mark, inside the axis.
    const end = x + w > widthPx;
    out.push({ ms, label, x, left: end ? x - w : x, right: end ? x : x + w, end });
  }
  return out;
}

/**
 * A tick's label with only the digits its step needs (`5 ms`, `10 ms`, `0.5 s`), so labels are
 * short and more ticks fit a narrow waterfall than with `formatMs`'s three digits.
 * @example
 * tickLabel(10, 5) // '10 ms'
 * tickLabel(1500, 500) // '1.5 s'
 */
export function tickLabel(ms: number, step: number): string {
  const digits = (unitStep: number) =>
    Math.max(0, Math.min(3, -Math.floor(Math.log10(unitStep) + 1e-9)));
  if (step >= 60_000 && ms >= 60_000) return `${(ms / 60_000).toFixed(digits(step / 60_000))} min`;
  if (step >= 1000 || ms >= 1000) return `${(ms / 1000).toFixed(digits(step / 1000))} s`;
  if (step >= 1) return `${ms.toFixed(digits(step))} ms`;
  if (ms >= 1) return `${ms.toFixed(digits(step))} ms`;
  return `${(ms * 1000).toFixed(digits(step * 1000))} µs`;
}

/** Keeps ticks left to right, dropping any whose box leaves the axis or meets a kept one. */
function thin(ticks: readonly AxisTick[], gap: number, widthPx: number): AxisTick[] {
  const kept: AxisTick[] = [];
  for (const tick of ticks) {
    if (tick.left < 0 || tick.right > widthPx + 0.5) continue;
    const last = kept[kept.length - 1];
    if (last && tick.left < last.right + gap) continue;
    kept.push(tick);
  }
  return kept;
}

/** Prefers every other tick over an uneven pattern when thinning dropped some. */
function evenly(
  kept: AxisTick[],
  all: readonly AxisTick[],
  gap: number,
  widthPx: number
): AxisTick[] {
  if (kept.length === all.length) return kept;
  const alternate = thin(
    all.filter((_, i) => i % 2 === 0),
    gap,
    widthPx
  );
  return alternate.length >= kept.length - 1 && alternate.length >= 2 ? alternate : kept;
}

/** True when two label boxes overlap (for tests and checks). */
export function overlaps(
  a: Pick<AxisTick, 'left' | 'right'>,
  b: Pick<AxisTick, 'left' | 'right'>
): boolean {
  return a.left < b.right && b.left < a.right;
}
