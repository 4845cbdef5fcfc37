/**
 * @module
 * The waterfall's time axis in active time: paused time is not program time. A step-mode run
 * pauses every open span at once, so the pauses of a trace are the union of its spans'
 * `novatrace.step.paused` → `novatrace.step.resumed` intervals (src/viewer/pause-ledger.ts).
 * The axis leaves them out: a moment maps to the active time before it, so a bar's width is the
 * span's active duration (its duration minus `novatrace.paused_ms` when the pauses are the
 * run's), and each pause inside a bar is drawn as a narrow hatched gap at the point it happened.
 * A trace with no pause maps every moment to itself. The pauses of spans still open come from
 * the run's stops as the page learnt them (web/run-pauses.ts), since a span's own pause events
 * reach the page only when it ends.
 */
import type { TraceTree } from './model.js';
import { livePauses, livePausesVersion } from './run-pauses.js';

const PAUSED = 'novatrace.step.paused';
const RESUMED = 'novatrace.step.resumed';

/** One pause of the program, on the tree's axis (ms from the trace's first start). */
export interface Pause {
  readonly startMs: number;
  readonly endMs: number;
}

export interface ActiveAxis {
  /** The pauses, merged and sorted. */
  readonly pauses: readonly Pause[];
  /** A wall moment (ms on the tree's axis) as active ms: minus the pausing before it. */
  at(ms: number): number;
}

const IDENTITY: ActiveAxis = { pauses: [], at: (ms) => ms };

/**
 * The pauses of a tree, from its spans' pause events; an open pause lasts until `nowMs`.
 * @example
 * treePauses(tree, tree.endMs) // [{ startMs: 12.1, endMs: 2012.4 }, ...]
 */
export function treePauses(tree: TraceTree, nowMs: number): Pause[] {
  const raw: Pause[] = [];
  for (const node of tree.byId.values()) {
    const events = node.span.events;
    let open: number | undefined;
    for (const e of events) {
      if (e.name === PAUSED) open ??= tree.msAt(e.timeUnixNano);
      else if (e.name === RESUMED && open !== undefined) {
        raw.push({ startMs: open, endMs: tree.msAt(e.timeUnixNano) });
        open = undefined;
      }
    }
    if (open !== undefined) {
      const end = node.endMs ?? nowMs;
      if (end > open) raw.push({ startMs: open, endMs: end });
    }
  }
  // The run's pauses as the page learnt them live: a span still open has not sent its own.
  const traceId = tree.roots[0]?.span.traceId;
  if (traceId) {
    for (const p of livePauses(traceId)) {
      const startMs = tree.msAt(p.startUnixNano);
      const endMs = p.endUnixNano ? tree.msAt(p.endUnixNano) : Math.max(nowMs, startMs);
      raw.push({ startMs, endMs });
    }
  }
  return mergePauses(raw);
}

/** Sorts and merges overlapping pauses (every open span records the same pause). */
export function mergePauses(pauses: readonly Pause[]): Pause[] {
  const sorted = [...pauses]
    .filter((p) => p.endMs > p.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const out: Pause[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && p.startMs <= last.endMs) {
      out[out.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, p.endMs) };
    } else out.push(p);
  }
  return out;
}

/** The active-time axis of a set of pauses (binary search per moment). */
export function activeAxis(pauses: readonly Pause[]): ActiveAxis {
  if (pauses.length === 0) return IDENTITY;
  // before[i]: paused ms of the pauses ahead of pause i.
  const before = new Float64Array(pauses.length + 1);
  for (let i = 0; i < pauses.length; i++) {
    const p = pauses[i] as Pause;
    before[i + 1] = (before[i] as number) + (p.endMs - p.startMs);
  }
  return {
    pauses,
    at(ms: number): number {
      let lo = 0;
      let hi = pauses.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((pauses[mid] as Pause).startMs < ms) lo = mid + 1;
        else hi = mid;
      }
      // Pauses 0..lo-1 start before ms; the last of them may still be going on at ms.
      const last = pauses[lo - 1];
      if (!last) return ms;
      const inside = Math.max(0, Math.min(ms, last.endMs) - last.startMs);
      return ms - (before[lo - 1] as number) - inside;
    },
  };
}

const cache = new WeakMap<
  TraceTree,
  { version: number; live: number; nowMs: number; axis: ActiveAxis }
>();

/** The active axis of a tree, kept while the tree's version (and an open pause's end) holds. */
export function axisOf(tree: TraceTree, nowMs: number): ActiveAxis {
  const had = cache.get(tree);
  const live = livePausesVersion();
  if (
    had &&
    had.version === tree.version &&
    had.live === live &&
    (had.nowMs === nowMs || tree.running === 0)
  )
    return had.axis;
  const axis = activeAxis(treePauses(tree, nowMs));
  cache.set(tree, { version: tree.version, live, nowMs, axis });
  return axis;
}
