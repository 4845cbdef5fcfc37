/**
 * @module
 * The pauses of a step-mode run inside a waterfall bar: a thin hatched gap at each moment the
 * program was paused while the span was open (web/active-axis.ts leaves the paused time itself
 * out of the axis). Pauses closer than {@link MERGE_PERCENT} of the bar share one gap (a stepped
 * run pauses at every stop: the root's bar would carry a hundred overlapping gaps, each a
 * gradient to paint).
 */
import type { ActiveAxis, Pause } from './active-axis.js';
import { h } from './dom.js';
import { formatMs } from './format.js';

/** Gaps nearer than this (percent of the bar) are drawn as one. */
const MERGE_PERCENT = 1.5;

interface Gap {
  readonly x: number;
  ms: number;
  count: number;
}

/** The gaps of a bar: where (percent of its width) and how long the program was paused there. */
export function gapsOf(time: ActiveAxis, wallStart: number, wallEnd: number): Gap[] {
  const start = time.at(wallStart);
  const width = time.at(wallEnd) - start;
  const gaps: Gap[] = [];
  for (const p of time.pauses as readonly Pause[]) {
    if (p.startMs < wallStart || p.startMs > wallEnd) continue;
    const x = width > 0 ? ((time.at(p.startMs) - start) / width) * 100 : 0;
    const clamped = Math.max(0, Math.min(100, x));
    const last = gaps[gaps.length - 1];
    const ms = Math.min(p.endMs, wallEnd) - p.startMs;
    if (last && clamped - last.x < MERGE_PERCENT) {
      last.ms += ms;
      last.count += 1;
    } else gaps.push({ x: clamped, ms, count: 1 });
  }
  return gaps;
}

/** A key that changes when the gaps a bar shows change (not while an open pause only grows). */
export function gapsKey(gaps: readonly Gap[]): string {
  return gaps.map((g) => `${g.x.toFixed(2)}:${g.count}`).join(',');
}

/**
 * Draws the gaps inside a bar, as hatched marks at the moments they happened. The marks already
 * there are moved and relabelled, not made again: a step redraws every open span's bar.
 */
export function pauseGaps(bar: HTMLElement, gaps: readonly Gap[]): void {
  const marks = bar.children;
  for (let i = 0; i < gaps.length; i++) {
    const g = gaps[i] as Gap;
    const title = g.count > 1 ? `‖ ${formatMs(g.ms)} (${g.count}×)` : `‖ ${formatMs(g.ms)}`;
    const left = `${g.x}%`;
    const had = marks[i] as HTMLElement | undefined;
    if (!had) {
      bar.append(h('i', { class: 'pause-gap', style: { left }, title }));
      continue;
    }
    if (had.style.left !== left) had.style.left = left;
    if (had.title !== title) had.title = title;
  }
  while (marks.length > gaps.length) marks[marks.length - 1]?.remove();
}
