/**
 * @module
 * In-process runs started from the page, and step mode. A run executes a scenario inside
 * {@link withRunScope} with a gate that every layer span (and the wire span, just before it
 * sends) awaits, and a leave hook every layer span awaits when its body is done. In step mode
 * these hold the real program, sockets and all, until the page says Next or Continue: at each
 * layer's entry and return (or raise), and with the finer detail after each decision too (the
 * decision is taken synchronously, so the run stops at the next point where it can wait, before
 * anything else happens). Outside step mode the gate only notes which traces the run opens.
 *
 * Pausing never changes the branch: paused time is kept on the spans (pause-ledger.ts) and the
 * run's connections are held (cloud/held-connections.ts) so the cloud's idle timers spare them.
 */
import { trace, type Span } from '@opentelemetry/api';
import { holdConnections, releaseConnections } from '../cloud/held-connections.js';
import { preciseNow } from '../telemetry/precise-clock.js';
import {
  withRunScope,
  type LayerDecision,
  type LayerEntry,
  type LayerExit,
} from '../telemetry/run-scope.js';
import { PAUSE, PauseLedger, type PauseChain } from './pause-ledger.js';
import type {
  PausePoint,
  RunPhase,
  RunRoad,
  RunStarted,
  RunState,
  SourceLine,
  StopDetail,
  StopKind,
} from './types.js';

/** Stops a run keeps for Back (a run past this stops only at its newest stops). */
const MAX_STOPS = 20_000;

/** What running one scenario returns (the scenarios area's `runScenario`, cloud bound). */
export interface ScenarioOutcome {
  readonly traceId: string;
  readonly exitCode: number;
  readonly stderr: string;
}

/** Runs one scenario on a road (`note` when the runner ignores the second argument). */
export type ScenarioRunner = (name: string, road: RunRoad) => Promise<ScenarioOutcome>;

/** Raised at a layer's entry once the learner aborts the run: Python's Ctrl-C. */
export class RunAborted extends Error {
  static readonly pythonName = 'KeyboardInterrupt';
  constructor() {
    super('run aborted from the viewer');
    this.name = 'KeyboardInterrupt';
  }
}

/** A request the run manager refuses (unknown scenario, another run active, no such run). */
export class RunError extends Error {
  readonly status: 400 | 404 | 409;
  constructor(status: 400 | 404 | 409, message: string) {
    super(message);
    this.name = 'RunError';
    this.status = status;
  }
}

export interface RunManagerOptions {
  readonly runScenario: ScenarioRunner;
  /** Names that may be run. */
  readonly scenarioNames: () => readonly string[];
  /** Called on every state change that the page should see. */
  readonly onState: (run: RunState) => void;
  /** Called once per new trace a run opens (to label it in the store). */
  readonly onTrace?: (traceId: string, run: RunState) => void;
  /** A paused run is aborted after this long without Next (default 30 minutes). */
  readonly pauseTimeoutMs?: number;
  /** How long `start` waits for the run's first trace id (default 10 s). */
  readonly firstTraceTimeoutMs?: number;
  /** Finished runs kept for the list (default 20). */
  readonly keepFinished?: number;
}

interface Waiter {
  readonly entry: PausePoint;
  readonly chain: PauseChain;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** What one stop is about, before it gets its index and time. */
interface StopRequest {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly kind: StopKind;
  readonly method?: string;
  readonly site?: SourceLine;
  readonly summary?: string;
  readonly event?: string;
  readonly message?: string;
}

function unixNanoNow(): string {
  const [seconds, nanos] = preciseNow();
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}

class Run {
  readonly runId: string;
  readonly scenario: string;
  readonly road: RunRoad;
  step: boolean;
  readonly detail: StopDetail;
  phase: RunPhase = 'starting';
  /** Every stop reached, in order (for Back on the page). */
  readonly stops: PausePoint[] = [];
  stopCount = 0;
  /** Decisions taken since the last stop, each a stop at the next gate (detail `decisions`). */
  readonly pending: LayerDecision[] = [];
  readonly ledger = new PauseLedger();
  readonly traceIds: string[] = [];
  steps = 0;
  seq = 0;
  aborted = false;
  exitCode?: number;
  message?: string;
  readonly waiters: Waiter[] = [];
  /** The stop last gone on from, and when. */
  resumed: { index: number; atUnixNano: string } | undefined;
  done: Promise<void> = Promise.resolve();
  pauseTimer?: NodeJS.Timeout;

  constructor(
    runId: string,
    scenario: string,
    step: boolean,
    detail: StopDetail,
    road: RunRoad = 'note'
  ) {
    this.runId = runId;
    this.scenario = scenario;
    this.road = road;
    this.step = step;
    this.detail = detail;
  }

  get active(): boolean {
    return this.phase === 'starting' || this.phase === 'running' || this.phase === 'paused';
  }

  state(): RunState {
    const pausedAt = this.waiters[0]?.entry;
    return {
      runId: this.runId,
      seq: this.seq,
      scenario: this.scenario,
      road: this.road,
      step: this.step,
      phase: this.phase,
      traceIds: [...this.traceIds],
      steps: this.steps,
      stops: this.stopCount,
      detail: this.detail,
      ...(pausedAt ? { pausedAt } : {}),
      ...(this.resumed ? { resumed: { ...this.resumed } } : {}),
      ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
      ...(this.message !== undefined ? { message: this.message } : {}),
    };
  }
}

/**
 * Starts and drives runs. One run at a time: the scenarios share the embedded mock cloud and
 * switch its faults, so two at once would disturb each other.
 * @example
 * const { runId } = await runs.start('warm-pool', true);
 * runs.next(runId); runs.resume(runId);
 */
export class RunManager {
  readonly #opts: RunManagerOptions;
  readonly #runs = new Map<string, Run>();
  #counter = 0;

  constructor(opts: RunManagerOptions) {
    this.#opts = opts;
  }

  /** Every known run, newest first. */
  list(): RunState[] {
    return [...this.#runs.values()].reverse().map((r) => r.state());
  }

  get(runId: string): RunState | undefined {
    return this.#runs.get(runId)?.state();
  }

  /** The stops a run reached so far, oldest first (the page's Back and Next walk them). */
  stops(runId: string): readonly PausePoint[] {
    return [...this.#require(runId).stops];
  }

  /** The run that is starting, running or paused, if any. */
  active(): RunState | undefined {
    for (const run of this.#runs.values()) if (run.active) return run.state();
    return undefined;
  }

  /**
   * Starts a scenario; resolves once the run's first trace id is known (or it ended first).
   * @throws RunError 400 for an unknown scenario, 409 while another run is active
   */
  async start(
    scenario: string,
    step: boolean,
    detail: StopDetail = 'layers',
    road: RunRoad = 'note'
  ): Promise<RunStarted> {
    if (!this.#opts.scenarioNames().includes(scenario)) {
      throw new RunError(400, `unknown scenario '${scenario.slice(0, 80)}'`);
    }
    const busy = [...this.#runs.values()].find((r) => r.active);
    if (busy) {
      throw new RunError(
        409,
        `run ${busy.runId} (${busy.scenario}) is still ${busy.phase}: continue or abort it first`
      );
    }
    this.#counter += 1;
    const run = new Run(`run-${this.#counter}`, scenario, step, detail, road);
    this.#runs.set(run.runId, run);
    this.#trim();

    let firstTrace: (id: string | null) => void = () => {};
    const first = new Promise<string | null>((resolve) => {
      firstTrace = resolve;
    });
    const scope = {
      gate: (entry: LayerEntry) => this.#gate(run, entry, firstTrace),
      leave: (exit: LayerExit) => this.#leave(run, exit),
      decided: (decision: LayerDecision) => {
        if (run.step && run.detail === 'decisions') run.pending.push(decision);
      },
      wantsStops: () => run.step,
      root: (span: Span) => run.ledger.adopt(span),
    };

    run.phase = 'running';
    this.#emit(run);
    run.done = withRunScope(scope, () => this.#opts.runScenario(scenario, road)).then(
      (outcome) => {
        run.exitCode = outcome.exitCode;
        if (outcome.traceId && !run.traceIds.includes(outcome.traceId)) {
          run.traceIds.push(outcome.traceId);
        }
        const tail = outcome.stderr.trim().split('\n').slice(-3).join('\n');
        if (tail) run.message = tail.slice(0, 2000);
        this.#finish(run, run.aborted ? 'aborted' : 'done');
      },
      (err: unknown) => {
        if (!(run.aborted && run.message))
          run.message = err instanceof Error ? err.message : String(err);
        this.#finish(run, run.aborted ? 'aborted' : 'failed');
      }
    );
    void run.done.then(() => firstTrace(run.traceIds[0] ?? null));
    const timeout = this.#opts.firstTraceTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const traceId = await Promise.race([
      first,
      new Promise<string | null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeout);
      }),
    ]);
    clearTimeout(timer);
    return { runId: run.runId, traceId };
  }

  /** Releases the layer the run waits at; it stops again at the next one. */
  next(runId: string): RunState {
    const run = this.#require(runId);
    this.#release(run);
    return run.state();
  }

  /** Leaves step mode and lets the run finish. */
  resume(runId: string): RunState {
    const run = this.#require(runId);
    run.step = false;
    while (run.waiters.length > 0) this.#release(run);
    this.#emit(run);
    return run.state();
  }

  /** Stops the run: the waiting layer (and every later one) raises KeyboardInterrupt. */
  abort(runId: string): RunState {
    const run = this.#require(runId);
    if (!run.active) return run.state();
    run.aborted = true;
    run.step = false;
    clearTimeout(run.pauseTimer);
    for (const waiter of run.waiters.splice(0)) {
      run.ledger.resume(waiter.chain);
      markResumed(run, waiter.entry);
      waiter.reject(new RunAborted());
    }
    releaseConnections(run.runId);
    this.#emit(run);
    return run.state();
  }

  /** Aborts every active run and waits for them to unwind (server shutdown). */
  async close(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const run of this.#runs.values()) {
      if (run.active) {
        this.abort(run.runId);
        pending.push(run.done);
      }
    }
    await Promise.allSettled(pending);
  }

  /** Waits until a run has finished (tests). */
  async settled(runId: string): Promise<RunState> {
    const run = this.#require(runId);
    await run.done;
    return run.state();
  }

  async #gate(run: Run, entry: LayerEntry, firstTrace: (id: string) => void): Promise<void> {
    run.steps += 1;
    if (!run.traceIds.includes(entry.traceId)) {
      run.traceIds.push(entry.traceId);
      firstTrace(entry.traceId);
      this.#opts.onTrace?.(entry.traceId, run.state());
      this.#emit(run);
    }
    if (run.aborted) throw new RunAborted();
    if (!run.step) return;
    await this.#decisionStops(run);
    await this.#stop(run, entry.span ?? trace.getActiveSpan(), {
      name: entry.name,
      traceId: entry.traceId,
      spanId: entry.spanId,
      kind: 'entry',
      ...(entry.method ? { method: entry.method } : {}),
      ...(entry.site ? { site: entry.site } : {}),
    });
  }

  async #leave(run: Run, exit: LayerExit): Promise<void> {
    if (run.aborted) throw new RunAborted();
    if (!run.step) return;
    await this.#decisionStops(run);
    await this.#stop(run, exit.span, {
      name: exit.name,
      traceId: exit.traceId,
      spanId: exit.spanId,
      kind: exit.kind,
      summary: exit.summary,
      ...(exit.site ? { site: exit.site } : {}),
    });
  }

  /** The decisions taken since the last stop, one stop each, in the order they were taken. */
  async #decisionStops(run: Run): Promise<void> {
    while (run.pending.length > 0 && run.step && !run.aborted) {
      const d = run.pending.shift() as LayerDecision;
      const name = spanName(d.span) ?? d.key;
      await this.#stop(run, d.span, {
        name,
        traceId: d.traceId,
        spanId: d.spanId,
        kind: 'decision',
        event: d.key,
        message: d.message,
        ...(d.site ? { site: d.site } : {}),
      });
    }
    run.pending.splice(0);
  }

  /** Records a stop and holds the program there until Next, Continue or Abort. */
  async #stop(run: Run, span: Span | undefined, stop: StopRequest): Promise<void> {
    const point: PausePoint = { ...stop, index: run.stopCount, atUnixNano: unixNanoNow() };
    run.stopCount += 1;
    run.stops.push(point);
    if (run.stops.length > MAX_STOPS) run.stops.splice(0, run.stops.length - MAX_STOPS);
    const chain = span
      ? run.ledger.pause(span, {
          [PAUSE.stopKind]: point.kind,
          [PAUSE.stopName]: point.name,
          [PAUSE.stopIndex]: point.index,
          ...(point.site
            ? { 'code.file.path': point.site.file, 'code.line.number': point.site.line }
            : {}),
          ...(point.event ? { 'novatrace.event': point.event } : {}),
          ...(point.summary ? { 'novatrace.step.summary': point.summary } : {}),
        })
      : [];
    await new Promise<void>((resolve, reject) => {
      run.waiters.push({ entry: point, chain, resolve, reject });
      if (run.waiters.length === 1) {
        run.phase = 'paused';
        holdConnections(run.runId, run.ledger.localPorts());
        this.#armPauseTimer(run);
        this.#emit(run);
      }
    });
  }

  #release(run: Run): void {
    const waiter = run.waiters.shift();
    if (!waiter) return;
    clearTimeout(run.pauseTimer);
    run.ledger.resume(waiter.chain);
    markResumed(run, waiter.entry);
    if (run.waiters.length === 0) {
      run.phase = 'running';
      releaseConnections(run.runId);
    } else {
      this.#armPauseTimer(run);
    }
    waiter.resolve();
    this.#emit(run);
  }

  #armPauseTimer(run: Run): void {
    clearTimeout(run.pauseTimer);
    const ms = this.#opts.pauseTimeoutMs ?? 30 * 60_000;
    run.pauseTimer = setTimeout(() => {
      run.message = `aborted after waiting ${Math.round(ms / 1000)} s at a step`;
      this.abort(run.runId);
    }, ms);
    run.pauseTimer.unref();
  }

  #finish(run: Run, phase: RunPhase): void {
    clearTimeout(run.pauseTimer);
    run.phase = phase;
    for (const waiter of run.waiters.splice(0)) {
      run.ledger.resume(waiter.chain);
      markResumed(run, waiter.entry);
    }
    run.pending.splice(0);
    releaseConnections(run.runId);
    this.#emit(run);
  }

  #require(runId: string): Run {
    const run = this.#runs.get(runId);
    if (!run) throw new RunError(404, `no run '${runId.slice(0, 80)}'`);
    return run;
  }

  #emit(run: Run): void {
    run.seq += 1;
    this.#opts.onState(run.state());
  }

  #trim(): void {
    const keep = this.#opts.keepFinished ?? 20;
    const finished = [...this.#runs.values()].filter((r) => !r.active);
    for (const run of finished.slice(0, Math.max(0, finished.length - keep))) {
      this.#runs.delete(run.runId);
    }
  }
}

/** Notes when the program went on from a stop: on the kept stop, and as the run's last resume. */
function markResumed(run: Run, point: PausePoint): void {
  const atUnixNano = unixNanoNow();
  run.resumed = { index: point.index, atUnixNano };
  const first = run.stops[0]?.index ?? 0;
  const i = point.index - first;
  if (run.stops[i]?.index === point.index)
    run.stops[i] = { ...point, resumedAtUnixNano: atUnixNano };
}

/** The name of an SDK span (layer name), if the span exposes it. */
function spanName(span: Span): string | undefined {
  const name = (span as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}
