/**
 * @module
 * In-process runs started from the page, and step mode. A run executes a scenario inside
 * {@link withRunScope} with a gate that every layer span (and the wire span, just before it
 * sends) awaits. In step mode the gate holds the real program, sockets and all, until the page
 * says Next or Continue; outside step mode it only notes which traces the run opens.
 */
import { withRunScope, type LayerEntry } from '../telemetry/run-scope.js';
import type { PausePoint, RunPhase, RunStarted, RunState } from './types.js';

/** What running one scenario returns (the scenarios area's `runScenario`, cloud bound). */
export interface ScenarioOutcome {
  readonly traceId: string;
  readonly exitCode: number;
  readonly stderr: string;
}

export type ScenarioRunner = (name: string) => Promise<ScenarioOutcome>;

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
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

class Run {
  readonly runId: string;
  readonly scenario: string;
  step: boolean;
  phase: RunPhase = 'starting';
  readonly traceIds: string[] = [];
  steps = 0;
  seq = 0;
  aborted = false;
  exitCode?: number;
  message?: string;
  readonly waiters: Waiter[] = [];
  done: Promise<void> = Promise.resolve();
  pauseTimer?: NodeJS.Timeout;

  constructor(runId: string, scenario: string, step: boolean) {
    this.runId = runId;
    this.scenario = scenario;
    this.step = step;
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
      step: this.step,
      phase: this.phase,
      traceIds: [...this.traceIds],
      steps: this.steps,
      ...(pausedAt ? { pausedAt } : {}),
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

  /** The run that is starting, running or paused, if any. */
  active(): RunState | undefined {
    for (const run of this.#runs.values()) if (run.active) return run.state();
    return undefined;
  }

  /**
   * Starts a scenario; resolves once the run's first trace id is known (or it ended first).
   * @throws RunError 400 for an unknown scenario, 409 while another run is active
   */
  async start(scenario: string, step: boolean): Promise<RunStarted> {
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
    const run = new Run(`run-${this.#counter}`, scenario, step);
    this.#runs.set(run.runId, run);
    this.#trim();

    let firstTrace: (id: string | null) => void = () => {};
    const first = new Promise<string | null>((resolve) => {
      firstTrace = resolve;
    });
    const gate = (entry: LayerEntry) => this.#gate(run, entry, firstTrace);

    run.phase = 'running';
    this.#emit(run);
    run.done = withRunScope({ gate }, () => this.#opts.runScenario(scenario)).then(
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
    for (const waiter of run.waiters.splice(0)) waiter.reject(new RunAborted());
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
    const point: PausePoint = {
      name: entry.name,
      traceId: entry.traceId,
      spanId: entry.spanId,
      ...(entry.method ? { method: entry.method } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      run.waiters.push({ entry: point, resolve, reject });
      if (run.waiters.length === 1) {
        run.phase = 'paused';
        this.#armPauseTimer(run);
        this.#emit(run);
      }
    });
  }

  #release(run: Run): void {
    const waiter = run.waiters.shift();
    if (!waiter) return;
    clearTimeout(run.pauseTimer);
    if (run.waiters.length === 0) {
      run.phase = 'running';
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
    run.waiters.splice(0);
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
