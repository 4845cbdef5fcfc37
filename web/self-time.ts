/**
 * @module
 * Self time: a span's duration minus the union of its children's intervals (clipped to the span),
 * so overlapping children count once and children need not be sorted. With step mode's paused
 * time the answer is active self time: the span's own paused time not already inside a child's
 * pause is taken off too (a paused program stops every open span at once, so a pause during a
 * child is in the child's `novatrace.paused_ms` and in each ancestor's). Pure code.
 */
import type { SpanNode, TraceTree } from './model.js';
import { endOf, pausedMs } from './span-facts.js';

/**
 * The self time of one span in milliseconds.
 * @param nowMs where running spans end (the live axis); defaults to each span's start
 * @example
 * selfTimeMs(node) // 10 ms span with children [2,5] and [4,8] -> 10 - 6 = 4
 */
export function selfTimeMs(node: SpanNode, nowMs = 0): number {
  const start = node.startMs;
  const end = endOf(node, nowMs);
  const kids = node.children;
  let covered = 0;
  if (kids.length > 0) {
    // Clipped child intervals, sorted by start, merged as we go.
    const starts = new Float64Array(kids.length);
    const ends = new Float64Array(kids.length);
    let n = 0;
    let sorted = true;
    for (const c of kids) {
      const s = Math.max(start, c.startMs);
      const e = Math.min(end, endOf(c, nowMs));
      if (e <= s) continue;
      if (n > 0 && s < (starts[n - 1] as number)) sorted = false;
      starts[n] = s;
      ends[n] = e;
      n++;
    }
    let order: ArrayLike<number> | undefined;
    if (!sorted) {
      const idx = Array.from({ length: n }, (_, i) => i);
      idx.sort((a, b) => (starts[a] as number) - (starts[b] as number));
      order = idx;
    }
    let curS = -Infinity;
    let curE = -Infinity;
    for (let k = 0; k < n; k++) {
      const i = order ? (order[k] as number) : k;
      const s = starts[i] as number;
      const e = ends[i] as number;
      if (s > curE) {
        if (curE > curS) covered += curE - curS;
        curS = s;
        curE = e;
      } else if (e > curE) curE = e;
    }
    if (curE > curS) covered += curE - curS;
  }
  const wallSelf = Math.max(0, end - start - covered);
  const ownPause = pausedMs(node.span);
  if (ownPause === 0) return wallSelf;
  let childPause = 0;
  for (const c of kids) childPause += pausedMs(c.span);
  return Math.max(0, wallSelf - Math.max(0, ownPause - childPause));
}

/** Self time of every span of a tree, by span id. */
export function selfTimes(tree: TraceTree, nowMs = tree.endMs): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of tree.byId.values()) out.set(node.id, selfTimeMs(node, nowMs));
  return out;
}
