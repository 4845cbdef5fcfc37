/**
 * @module
 * The stops of a recorded trace, for stepping it without a server-side run (a replay), and the
 * state of a trace at one stop (what the tree showed when the program waited there). Pure code.
 *
 * A trace recorded in step mode carries its stops: each `novatrace.step.paused` event names the
 * stop's kind, layer and index (src/viewer/pause-ledger.ts). Any other trace gets them
 * reconstructed from its layer spans: an entry at each span's start, a return (or a raise, for
 * a span in error) at its end, and with `decisions` a stop at each decision event, in time order.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { PausePoint, StopKind } from '../src/viewer/types.js';
import { errorOf, eventKey, TraceModel } from './model.js';

/** The replay speeds offered. */
export const SPEEDS = [0.5, 1, 2, 4] as const;

/** Milliseconds between two stops when a replay plays at `speed` (one a second at 1×). */
export function playInterval(speed: number): number {
  return Math.round(1000 / speed);
}

const PAUSED_EVENT = 'novatrace.step.paused';
const RESUMED_EVENT = 'novatrace.step.resumed';

/** Whether a span is one of the client's layers (or its wire), which step mode stops at. */
export function isLayerSpan(span: SpanRecord): boolean {
  if (span.kind === 'server') return false;
  if (!span.scope.startsWith('novatrace.')) return false;
  return span.scope !== 'novatrace.cloud' && span.scope !== 'novatrace.cli';
}

interface Draft {
  readonly at: bigint;
  readonly rank: number;
  readonly depth: number;
  readonly point: Omit<PausePoint, 'index'>;
}

const RANK: Record<StopKind, number> = { return: 0, raise: 0, decision: 1, entry: 2 };

function siteOf(span: SpanRecord): PausePoint['site'] {
  const file = span.attributes['code.file.path'];
  const line = Number(span.attributes['code.line.number']);
  return typeof file === 'string' && line > 0 ? { file, line } : undefined;
}

/** A short summary of what a span handed back, from what the trace recorded of it. */
function returnSummary(span: SpanRecord): string | undefined {
  const status = span.attributes['http.response.status_code'];
  if (status !== undefined) return `HTTP ${String(status)}`;
  const conn = span.attributes['urllib3.connection'];
  if (typeof conn === 'string') return conn;
  return undefined;
}

function depthOf(span: SpanRecord, byId: ReadonlyMap<string, SpanRecord>): number {
  let depth = 0;
  let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
  while (parent && depth < 10_000) {
    depth++;
    parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
  }
  return depth;
}

/** The stops a step-mode run recorded in its spans' pause events, in order; empty when none. */
export function recordedStops(spans: readonly SpanRecord[]): PausePoint[] {
  const byIndex = new Map<number, { point: PausePoint; exact: boolean }>();
  for (const span of spans) {
    for (const e of span.events) {
      if (e.name !== PAUSED_EVENT) continue;
      const index = Number(e.attributes['novatrace.step.index']);
      const kind = e.attributes['novatrace.step.kind'];
      const name = e.attributes['novatrace.step.at'];
      if (!Number.isInteger(index) || index < 0 || typeof name !== 'string') continue;
      if (kind !== 'entry' && kind !== 'return' && kind !== 'raise' && kind !== 'decision')
        continue;
      // Every open ancestor got the same event: the stop's own span is the one it names.
      const exact = span.name === name;
      const had = byIndex.get(index);
      if (had && (had.exact || !exact)) continue;
      // The stop's own line (the call or the branch), else the span's.
      const file = e.attributes['code.file.path'];
      const line = Number(e.attributes['code.line.number']);
      const site = typeof file === 'string' && line > 0 ? { file, line } : siteOf(span);
      const summary = e.attributes['novatrace.step.summary'];
      const event = eventKey(e.attributes);
      byIndex.set(index, {
        exact,
        point: {
          name,
          traceId: span.traceId,
          spanId: span.spanId,
          kind,
          index,
          atUnixNano: e.timeUnixNano,
          ...(site ? { site } : {}),
          ...(typeof summary === 'string' ? { summary } : {}),
          ...(event ? { event, message: event } : {}),
        },
      });
    }
  }
  return [...byIndex.values()].map((v) => v.point).sort((a, b) => a.index - b.index);
}

/**
 * The stops of a trace: those it recorded, else reconstructed from its layer spans.
 * @param decisions also stop at each decision event (pool hit, retry, redirect...)
 * @example
 * traceStops(records).map((s) => `${s.kind} ${s.name}`) // ['entry nova volume-update', ...]
 */
export function traceStops(
  spans: readonly SpanRecord[],
  opts: { decisions?: boolean } = {}
): PausePoint[] {
  const recorded = recordedStops(spans);
  if (recorded.length > 0) return recorded;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const drafts: Draft[] = [];
  for (const span of spans) {
    if (!isLayerSpan(span)) continue;
    const depth = depthOf(span, byId);
    const site = siteOf(span);
    const base = {
      name: span.name,
      traceId: span.traceId,
      spanId: span.spanId,
      ...(span.kind === 'client' && typeof span.attributes['http.request.method'] === 'string'
        ? { method: span.attributes['http.request.method'] }
        : {}),
      ...(site ? { site } : {}),
    };
    drafts.push({
      at: BigInt(span.startTimeUnixNano),
      rank: RANK.entry,
      depth,
      point: { ...base, kind: 'entry', atUnixNano: span.startTimeUnixNano },
    });
    if (opts.decisions) {
      for (const e of span.events) {
        const key = eventKey(e.attributes);
        if (!key || e.name === PAUSED_EVENT || e.name === RESUMED_EVENT) continue;
        drafts.push({
          at: BigInt(e.timeUnixNano),
          rank: RANK.decision,
          depth,
          point: {
            ...base,
            kind: 'decision',
            event: key,
            message: e.name,
            atUnixNano: e.timeUnixNano,
          },
        });
      }
    }
    if (span.endTimeUnixNano !== undefined) {
      const err = errorOf(span);
      const summary = err ? `${err.type}: ${err.message}` : returnSummary(span);
      drafts.push({
        at: BigInt(span.endTimeUnixNano),
        rank: RANK.return,
        depth,
        point: {
          ...base,
          kind: err ? 'raise' : 'return',
          atUnixNano: span.endTimeUnixNano,
          ...(summary ? { summary: summary.slice(0, 200) } : {}),
        },
      });
    }
  }
  drafts.sort((a, b) => {
    if (a.at !== b.at) return a.at < b.at ? -1 : 1;
    if (a.rank !== b.rank) return a.rank - b.rank;
    // At one instant: parents enter before their children, children return before parents.
    return a.rank === RANK.entry ? a.depth - b.depth : b.depth - a.depth;
  });
  return drafts.map((d, index) => ({ ...d.point, index }));
}

/**
 * The trace as it stood at a stop: spans started by then, those still open then shown running,
 * events after it left out. The stop's own span keeps its end at a return or raise stop (a live
 * run's return stop waits just before the span ends).
 */
export function spansAt(spans: Iterable<SpanRecord>, stop: PausePoint): SpanRecord[] {
  const at = BigInt(stop.atUnixNano);
  const out: SpanRecord[] = [];
  for (const span of spans) {
    if (BigInt(span.startTimeUnixNano) > at) continue;
    const own = span.spanId === stop.spanId && (stop.kind === 'return' || stop.kind === 'raise');
    const ended = span.endTimeUnixNano !== undefined && (own || BigInt(span.endTimeUnixNano) <= at);
    let shown = 0;
    if (own) shown = span.events.length;
    else for (const e of span.events) if (BigInt(e.timeUnixNano) <= at) shown++;
    if (ended && shown === span.events.length) {
      out.push(span);
      continue;
    }
    out.push(cutCopy(span, ended, shown, own ? undefined : at));
  }
  return out;
}

/**
 * Copies of cut spans, kept per original and cut, so that stepping between two stops hands the
 * tree the same record for a span that looks the same at both (and its row is not redrawn).
 */
const copies = new WeakMap<SpanRecord, Map<string, SpanRecord>>();

function cutCopy(
  span: SpanRecord,
  ended: boolean,
  shown: number,
  at: bigint | undefined
): SpanRecord {
  const key = `${ended ? 1 : 0}:${shown}`;
  let mine = copies.get(span);
  const had = mine?.get(key);
  if (had) return had;
  const events =
    at === undefined ? span.events : span.events.filter((e) => BigInt(e.timeUnixNano) <= at);
  const copy: { -readonly [K in keyof SpanRecord]: SpanRecord[K] } = { ...span, events };
  if (!ended) {
    delete copy.endTimeUnixNano;
    copy.status = { code: 0 };
  }
  if (!mine) {
    mine = new Map();
    copies.set(span, mine);
  }
  mine.set(key, copy);
  return copy;
}

/** A trace as it stood at a stop: its running spans end at the stop's time, not at "now". */
export class StopSnapshot extends TraceModel {
  readonly frozenAt: string;

  constructor(spans: Iterable<SpanRecord>, stop: PausePoint) {
    super(stop.traceId, spansAt(spans, stop));
    this.frozenAt = stop.atUnixNano;
  }
}
