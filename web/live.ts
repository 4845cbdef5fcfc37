/**
 * @module
 * What the page does with each live event from its server: a resync replaces the lists (and,
 * after a lost connection, reloads the traces on screen), a span goes into its trace's model
 * (and a new trace comes on screen when the page follows), a run state updates the run and,
 * when it pauses, selects the paused span.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { RunState, ViewerEvent } from '../src/viewer/types.js';
import { PREDICTIONS } from './narration.js';
import { checkPrediction } from './predict.js';
import { noteRunState } from './run-pauses.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';

export class Live {
  readonly #store: Store;
  readonly #traces: Traces;
  #hadHello = false;
  /** Called when the lead of a class moved to another page (set by the follow mode). */
  onHandover: ((followId: string) => void) | undefined;

  constructor(store: Store, traces: Traces) {
    this.#store = store;
    this.#traces = traces;
  }

  onEvent(event: ViewerEvent): void {
    switch (event.type) {
      case 'resync': {
        this.#store.set({
          traces: new Map(event.traces.map((s) => [s.traceId, s])),
          runs: new Map(event.runs.map((r) => [r.runId, r])),
        });
        if (!this.#hadHello) {
          this.#hadHello = true;
          void this.#traces.initialView();
        } else this.#traces.reloadAll();
        return;
      }
      case 'span-start':
      case 'span-end':
        this.onSpan(event.span);
        return;
      case 'run-state':
        this.onRun(event.run);
        return;
      case 'follow': {
        const s = this.#store.state;
        if (event.handover) this.onHandover?.(event.followId);
        if (s.followRole === 'follow' && s.followId === event.followId && event.traceId)
          void this.#traces.show(event.traceId, event.spanId);
        return;
      }
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  onSpan(span: SpanRecord): void {
    const s = this.#store.state;
    const id = span.traceId;
    if (!s.traces.has(id)) {
      const run = [...s.runs.values()].find((r) => r.traceIds.includes(id));
      s.traces.set(id, {
        traceId: id,
        rootName: span.parentSpanId ? '…' : span.name,
        service: span.service,
        ...(run ? { label: run.scenario, runId: run.runId } : {}),
        source: 'live',
        startTimeUnixNano: span.startTimeUnixNano,
        durationMs: 0,
        spanCount: 1,
        errorCount: 0,
        runningCount: span.endTimeUnixNano ? 0 : 1,
      });
      this.#store.touch('traces');
      const mine = run !== undefined && run.runId === s.myRunId;
      if (s.view === 'tree' && (mine || s.follow) && s.current?.traceId !== id) {
        this.#traces.setCurrent(id);
        void this.#traces.load(this.#traces.modelFor(id));
      }
    }
    const model = this.#traces.models.get(id);
    if (model && model.put(span)) this.#store.touch('spans');
    if (s.prediction && s.prediction.traceId === id) checkPrediction(this.#store, this.#traces);
    this.#traces.refreshListSoon();
  }

  onRun(run: RunState): void {
    const s = this.#store.state;
    const before = s.runs.get(run.runId);
    // An HTTP answer can arrive after newer states came over the event stream: keep the newest.
    if (before && before.seq > run.seq) return;
    s.runs.set(run.runId, run);
    noteRunState(run);
    this.#store.touch('runs');
    const mine = run.runId === s.myRunId;
    const newest = run.traceIds[run.traceIds.length - 1];
    if ((mine || s.follow) && s.view === 'tree' && newest && s.current?.traceId !== newest) {
      if (!before || before.traceIds.length !== run.traceIds.length) void this.#traces.show(newest);
    }
    if (run.phase === 'paused' && run.pausedAt) {
      const p = run.pausedAt;
      if (s.current?.traceId !== p.traceId && (mine || s.follow))
        void this.#traces.show(p.traceId, p.spanId);
      else if (s.current?.traceId === p.traceId) this.#traces.select(p.spanId);
      const question = PREDICTIONS[p.name];
      if (s.predict && question && s.prediction?.spanId !== p.spanId) {
        this.#store.set({ prediction: { traceId: p.traceId, spanId: p.spanId, layer: p.name } });
      }
    }
    if (run.phase !== 'running' && run.phase !== 'paused' && run.phase !== 'starting') {
      if (s.prediction) checkPrediction(this.#store, this.#traces, true);
      if (mine) this.#traces.refreshListSoon();
    }
    // The program just stopped: the learner waits to see where, so draw it now.
    if (run.phase === 'paused' && (mine || s.follow)) this.#store.settle();
  }
}
