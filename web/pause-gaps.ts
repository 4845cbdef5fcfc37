/**
 * @module
 * The pauses of a step-mode run inside a waterfall bar: a thin hatched gap at each moment the
 * program was paused while the span was open (web/active-axis.ts leaves the paused time itself
 * out of the axis).
 */
import type { ActiveAxis } from './active-axis.js';
import { h } from './dom.js';
import { formatMs } from './format.js';

/** The pauses inside a bar, as hatched gaps at the moments they happened. */
export function pauseGaps(
  bar: HTMLElement,
  time: ActiveAxis,
  wallStart: number,
  wallEnd: number
): void {
  const start = time.at(wallStart);
  const width = time.at(wallEnd) - start;
  const gaps: HTMLElement[] = [];
  for (const p of time.pauses) {
    if (p.startMs < wallStart || p.startMs > wallEnd) continue;
    const x = width > 0 ? ((time.at(p.startMs) - start) / width) * 100 : 0;
    gaps.push(
      h('i', {
        class: 'pause-gap',
        style: { left: `${Math.max(0, Math.min(100, x))}%` },
        title: `‖ ${formatMs(p.endMs - p.startMs)}`,
      })
    );
  }
  bar.replaceChildren(...gaps);
}
