/**
 * @module
 * The pauses of step-mode runs as the page learns them live, per trace: each stop's pause from
 * when it was reached to when the program went on (`resumedAtUnixNano`, or the run state's
 * `resumed`). A span records its own pauses (`novatrace.step.paused` / `resumed` events,
 * `novatrace.paused_ms`) but the page reads them only when the span ends; until then these are
 * what keeps a still-open span's shown time active time (web/active-axis.ts merges both).
 */
import type { PausePoint, RunState } from '../src/viewer/types.js';

/** One pause in the spans' clock: epoch nanoseconds as decimal strings; no end while it lasts. */
export interface LivePause {
  readonly startUnixNano: string;
  readonly endUnixNano?: string;
}

const byTrace = new Map<string, Map<number, LivePause>>();
let version = 0;

/** Grows whenever a pause is added or ends (the axis cache's key). */
export function livePausesVersion(): number {
  return version;
}

/** The pauses known for a trace, in stop order. */
export function livePauses(traceId: string): readonly LivePause[] {
  const m = byTrace.get(traceId);
  return m ? [...m.values()] : [];
}

function put(traceId: string, index: number, pause: LivePause): void {
  let m = byTrace.get(traceId);
  if (!m) {
    m = new Map();
    byTrace.set(traceId, m);
    // A page open for a whole class: the pauses of the last runs' traces are enough.
    if (byTrace.size > 50) byTrace.delete(byTrace.keys().next().value as string);
  }
  const had = m.get(index);
  if (had && had.startUnixNano === pause.startUnixNano && had.endUnixNano === pause.endUnixNano)
    return;
  if (had?.endUnixNano && !pause.endUnixNano) return;
  m.set(index, pause);
  version += 1;
}

/** Notes the pauses of kept stops (`GET /api/runs/:id/stops`, or a stop reached). */
export function notePauses(stops: readonly PausePoint[]): void {
  for (const p of stops) {
    put(p.traceId, p.index, {
      startUnixNano: p.atUnixNano,
      ...(p.resumedAtUnixNano ? { endUnixNano: p.resumedAtUnixNano } : {}),
    });
  }
}

/** Notes what a run state tells: the stop it waits at, and when it last went on from one. */
export function noteRunState(run: RunState): void {
  if (run.pausedAt) notePauses([run.pausedAt]);
  const r = run.resumed;
  if (!r) return;
  const traceId = findTrace(r.index, run.traceIds);
  const start = traceId ? byTrace.get(traceId)?.get(r.index)?.startUnixNano : undefined;
  if (traceId && start) put(traceId, r.index, { startUnixNano: start, endUnixNano: r.atUnixNano });
}

/** The trace whose pauses hold stop `index` already (its pause was noted when it began). */
function findTrace(index: number, traceIds: readonly string[]): string | undefined {
  for (let i = traceIds.length - 1; i >= 0; i--) {
    const id = traceIds[i] as string;
    if (byTrace.get(id)?.has(index)) return id;
  }
  return undefined;
}
