/**
 * @module
 * Back and Next through the stops already reached, and the replay of a recorded trace.
 *
 * - **Live.** Every stop the page's own step-mode run reaches is kept (and, after a reload, read
 *   again from `GET /api/runs/:id/stops`). Back (`b`) shows an earlier stop: the tree as it stood
 *   then, its span selected, its source line lit, its narration. The program stays paused at the
 *   newest stop; Next walks forward through the kept stops, and only at the newest one does it
 *   ask the server to let the program go on.
 * - **Replay.** A trace on screen (e.g. one opened from a file) steps the same way with no
 *   server-side run: its stops come from its spans ({@link traceStops}), Back and Next move, and
 *   Play advances by itself at 0.5×, 1×, 2× or 4× (one stop a second at 1×).
 *
 * A past stop is shown through a copy of the trace cut at that stop's time ({@link spansAt}),
 * so nothing is re-run and the live model keeps taking spans meanwhile.
 */
import type { PausePoint, RunState } from '../src/viewer/types.js';
import { api } from './api.js';
import { h, replace, type Child } from './dom.js';
import { t } from './i18n.js';
import { ts } from './i18n-step.js';
import type { TraceModel } from './model.js';
import { stopTitle, type StepControl } from './step-control.js';
import { notePauses } from './run-pauses.js';
import { playInterval, SPEEDS, StopSnapshot, traceStops } from './stops.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';
import './stepping.css';

export type StepperMode = 'off' | 'live' | 'replay';

export class Stepper {
  mode: StepperMode = 'off';
  /** The stops reached (live) or recorded (replay), in order. */
  stops: PausePoint[] = [];
  /** The stop shown, an index into {@link stops}; -1 for none. */
  cursor = -1;
  speed = 1;
  readonly bar = h('div', { class: 'replay-bar', id: 'replay-bar', hidden: true });
  readonly backBtn = h('button', { id: 'back', 'aria-keyshortcuts': 'b' });
  readonly #startBtn = h('button', { id: 'replay-start' });
  readonly #playBtn = h('button', { id: 'replay-play' });
  readonly #endBtn = h('button', { id: 'replay-end', class: 'small' });
  readonly #speedSel = h('select', { id: 'replay-speed' });
  readonly #speedLabel = h('label', { for: 'replay-speed', class: 'muted' });
  readonly #position = h('span', { class: 'replay-pos', role: 'status' });
  readonly #store: Store;
  readonly #traces: Traces;
  readonly #steps: StepControl;
  #runId: string | undefined;
  #timer: number | undefined;
  /** The copy of a trace shown at a past stop (so a change of `current` by others is seen). */
  #snapshot: TraceModel | undefined;
  #fetching = false;
  /** Cut copies by the state of the trace they were cut from (web/model.ts: one tree per put). */
  readonly #snapshots = new WeakMap<object, Map<string, StopSnapshot>>();

  constructor(store: Store, traces: Traces, steps: StepControl) {
    this.#store = store;
    this.#traces = traces;
    this.#steps = steps;
    steps.stepper = this;
    for (const s of SPEEDS) this.#speedSel.append(h('option', { value: String(s) }, `${s}×`));
    this.#speedSel.value = '1';
    this.#speedSel.addEventListener('change', () => {
      this.speed = Number(this.#speedSel.value) || 1;
      if (this.#timer !== undefined) this.play();
    });
    this.backBtn.addEventListener('click', () => this.back());
    this.#startBtn.addEventListener('click', () => void this.replay());
    this.#playBtn.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.#endBtn.addEventListener('click', () => this.endReplay());
    replace(
      this.bar,
      this.#startBtn,
      this.#playBtn,
      this.#speedLabel,
      this.#speedSel,
      this.#position,
      this.#endBtn
    );
    store.subscribe(['runs', 'myRunId'], () => this.#onRuns());
    store.subscribe(['current'], () => this.#onCurrent());
    store.subscribe(['current', 'spans', 'runs', 'stopShown', 'lang', 'connection'], () =>
      this.render()
    );
  }

  get playing(): boolean {
    return this.#timer !== undefined;
  }

  /** The newest stop of a live run, which the program waits at while paused. */
  get newest(): number {
    return this.stops.length - 1;
  }

  #myRun(): RunState | undefined {
    const s = this.#store.state;
    return s.myRunId ? s.runs.get(s.myRunId) : undefined;
  }

  /** Whether the page shows a stop the program is not waiting at (a past one, or a replay's). */
  get looking(): boolean {
    if (this.mode === 'replay') return this.cursor >= 0;
    if (this.mode !== 'live' || this.cursor < 0 || !this.#store.state.stopShown) return false;
    // At the newest stop while the program goes on to its next one, nothing is looked back at.
    const phase = this.#myRun()?.phase;
    const active = phase === 'paused' || phase === 'running' || phase === 'starting';
    return this.cursor < this.newest || !active;
  }

  canBack(): boolean {
    return this.mode !== 'off' && this.cursor > 0;
  }

  /** Next moves through kept stops (live: short of the newest; replay: up to the last). */
  canNext(): boolean {
    if (this.mode === 'replay') return this.cursor < this.newest;
    return this.mode === 'live' && this.cursor >= 0 && this.cursor < this.newest;
  }

  back(): void {
    if (!this.canBack()) return;
    this.pause();
    void this.showStop(this.cursor - 1);
  }

  /** Moves forward through kept stops; false when Next is the server's (the live newest stop). */
  next(): boolean {
    if (this.mode === 'replay') {
      if (this.cursor < this.newest) void this.showStop(this.cursor + 1);
      else this.#finishReplay();
      return true;
    }
    if (this.canNext()) {
      void this.showStop(this.cursor + 1);
      return true;
    }
    // Past the newest stop of a finished run: the whole trace again.
    if (this.looking && !this.#steps.activeRun()) {
      this.#showWhole();
      return true;
    }
    return false;
  }

  /** Before the program goes on (Continue, Abort): back to the live trace at the newest stop. */
  toNewest(): void {
    if (this.mode === 'live' && this.cursor !== this.newest) void this.showStop(this.newest);
  }

  /** Shows stop `i`: the live trace at the newest stop of a paused run, else a cut copy. */
  async showStop(i: number): Promise<void> {
    const stop = this.stops[i];
    if (!stop) return;
    this.cursor = i;
    const live = this.mode === 'live' && i === this.newest && this.#myRun()?.phase === 'paused';
    const model = this.#traces.modelFor(stop.traceId);
    if (model.size === 0) await this.#traces.load(model);
    if (this.cursor !== i) return;
    const shown = live ? model : this.#snapshotOf(model, stop);
    this.#snapshot = live ? undefined : shown;
    this.#store.set({ current: shown, view: 'tree', stopShown: stop, selected: stop.spanId });
    this.#traces.ensureVisible(stop.spanId);
    this.#traces.revealPending = stop.spanId;
    // The learner waits for this stop: draw it now, not a frame or two later.
    this.#store.settle();
  }

  /**
   * The trace cut at a stop, made once per state of the trace: walking Back and Next over the
   * same stops of a paused (or finished) run shows the copies already made.
   */
  #snapshotOf(model: TraceModel, stop: PausePoint): StopSnapshot {
    const tree = model.tree();
    let made = this.#snapshots.get(tree);
    if (!made) {
      made = new Map();
      this.#snapshots.set(tree, made);
    }
    const key = `${stop.traceId}:${stop.index}:${stop.atUnixNano}`;
    let snap = made.get(key);
    if (!snap) {
      snap = new StopSnapshot(model.records(), stop);
      made.set(key, snap);
    }
    return snap;
  }

  /** Leaves the past: the whole trace of the last stop shown, nothing cut. */
  #showWhole(): void {
    const stop = this.stops[this.cursor];
    this.#snapshot = undefined;
    if (stop)
      this.#store.set({ current: this.#traces.modelFor(stop.traceId), stopShown: undefined });
    else this.#store.set({ stopShown: undefined });
  }

  /** Starts stepping the trace on screen from its first stop, with no server-side run. */
  async replay(): Promise<void> {
    const current = this.#store.state.current;
    if (!current || this.#steps.activeRun()) return;
    const model = this.#traces.modelFor(current.traceId);
    if (model.size === 0) await this.#traces.load(model);
    const stops = traceStops([...model.records()], {
      decisions: this.#steps.decisionsBox.checked,
    });
    if (stops.length === 0) return;
    this.pause();
    this.mode = 'replay';
    this.stops = stops;
    await this.showStop(0);
  }

  play(): void {
    if (this.mode !== 'replay') return;
    if (this.#timer !== undefined) window.clearInterval(this.#timer);
    if (this.cursor >= this.newest) void this.showStop(0);
    this.#timer = window.setInterval(() => this.next(), playInterval(this.speed));
    this.render();
  }

  pause(): void {
    if (this.#timer === undefined) return;
    window.clearInterval(this.#timer);
    this.#timer = undefined;
    this.render();
  }

  #finishReplay(): void {
    this.pause();
    this.cursor = this.stops.length;
    this.#showWhole();
  }

  endReplay(): void {
    if (this.mode !== 'replay') return;
    this.pause();
    this.#showWhole();
    this.mode = 'off';
    this.stops = [];
    this.cursor = -1;
    this.render();
  }

  #onRuns(): void {
    const run = this.#myRun();
    // Continue turns step mode off for the rest of the run: its stops stay browsable.
    if (!run || (!run.step && run.runId !== this.#runId)) return;
    if (run.runId !== this.#runId) {
      if (run.phase === 'done' || run.phase === 'failed' || run.phase === 'aborted') return;
      this.endReplay();
      this.#runId = run.runId;
      this.mode = 'live';
      this.stops = [];
      this.cursor = -1;
    }
    const p = run.pausedAt;
    if (run.phase === 'paused' && p && !this.stops[p.index]) {
      this.stops[p.index] = p;
      // Stops missed (a reload, a lost stream): the server keeps them all.
      if (this.stops.length !== run.stops || this.stops.some((x) => !x)) void this.#fetchStops();
      void this.showStop(p.index);
    } else if (run.phase !== 'paused' && run.phase !== 'running' && run.phase !== 'starting') {
      if (this.cursor === this.newest && this.#store.state.stopShown) this.#showWhole();
      if (this.stops.length !== run.stops) void this.#fetchStops();
    }
  }

  async #fetchStops(): Promise<void> {
    const runId = this.#runId;
    if (!runId || this.#fetching) return;
    this.#fetching = true;
    try {
      const all = await api.stops(runId);
      notePauses(all);
      if (runId !== this.#runId) return;
      for (const p of all) this.stops[p.index] ??= p;
      this.stops = this.stops.filter(Boolean);
      this.#store.touch('stopShown');
    } catch {
      // The kept stops stay; Back simply reaches fewer.
    } finally {
      this.#fetching = false;
    }
  }

  /** Someone else put another trace on screen: a replay of the old one ends. */
  #onCurrent(): void {
    const current = this.#store.state.current;
    if (!current || current === this.#snapshot) return;
    const ours = this.stops.some((p) => p.traceId === current.traceId);
    if (this.mode === 'replay' && !ours) {
      this.pause();
      this.mode = 'off';
      this.stops = [];
      this.cursor = -1;
      this.#snapshot = undefined;
      this.#store.set({ stopShown: undefined });
    } else if (this.#store.state.stopShown && current !== this.#snapshot && this.looking) {
      // The live trace came back on screen (a run state, a click in the list).
      this.#snapshot = undefined;
      this.#store.set({ stopShown: undefined });
      if (this.mode === 'live') this.cursor = this.newest;
    }
  }

  relabel(): void {
    // The top bar has room for the glyph only (one line at 1280 px); the name is the label.
    this.backBtn.textContent = '◁';
    this.backBtn.setAttribute('aria-label', ts('back'));
    this.backBtn.title = `${ts('back')} (b)`;
    this.#startBtn.textContent = `⟲ ${ts('replayStart')}`;
    this.#endBtn.textContent = `✕ ${ts('replayEnd')}`;
    this.#speedLabel.textContent = ts('speed');
    this.render();
  }

  render(): void {
    const s = this.#store.state;
    this.backBtn.disabled = !this.canBack();
    const replaying = this.mode === 'replay';
    const canStart = !!s.current && s.current.size > 0 && !this.#steps.activeRun();
    this.bar.hidden = !replaying && !canStart;
    this.#startBtn.hidden = replaying;
    this.#playBtn.hidden = !replaying;
    this.#endBtn.hidden = !replaying;
    this.#playBtn.textContent = this.playing ? `‖ ${ts('pause')}` : `▶ ${ts('play')}`;
    this.#position.textContent =
      replaying && this.cursor >= 0
        ? `${ts('replayLabel')} · ${ts('stopOf', Math.min(this.cursor + 1, this.stops.length), this.stops.length)}`
        : '';
  }

  /** The banner's line for a stop the program is not waiting at; null otherwise. */
  bannerLine(): Child {
    if (!this.looking) return null;
    const p = this.stops[this.cursor];
    if (!p) {
      return this.mode === 'replay'
        ? h(
            'div',
            { class: 'banner-line history' },
            h('p', null, ts('replayDone')),
            this.#actions()
          )
        : null;
    }
    const hint =
      this.mode === 'replay'
        ? ts('replayHint')
        : this.#myRun()?.phase === 'paused'
          ? ts('pastHint', this.newest + 1)
          : ts('doneHint');
    return h(
      'div',
      {
        class: 'banner-line history',
        'data-stop': String(p.index),
        'data-span': p.spanId,
        ...(p.site ? { 'data-line': String(p.site.line) } : {}),
      },
      h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '⟲'),
      h(
        'div',
        null,
        h('p', { class: 'stop-pos muted' }, ts('stopOf', this.cursor + 1, this.stops.length)),
        h('strong', null, stopTitle(p)),
        p.summary ? h('p', { class: 'stop-summary' }, t('stopHands', p.summary)) : null,
        p.site ? h('p', { class: 'muted' }, t('stopLine', p.site.file, p.site.line)) : null,
        h('p', { class: 'muted' }, hint)
      ),
      this.#actions()
    );
  }

  /** Back and Next as banner buttons (copies of the top bar's, same keys). */
  #actions(): HTMLElement {
    return h(
      'div',
      { class: 'banner-actions' },
      this.backClone(),
      h(
        'button',
        {
          class: 'primary',
          title: `${t('next')} (n)`,
          disabled: !this.canNext() && this.mode !== 'replay' && !this.#steps.canServerNext(),
          onclick: () => void this.#steps.step('next'),
        },
        `▷ ${t('next')}`
      )
    );
  }

  backClone(): HTMLButtonElement | null {
    if (this.mode === 'off') return null;
    return h(
      'button',
      { title: `${ts('back')} (b)`, disabled: !this.canBack(), onclick: () => this.back() },
      `◁ ${ts('back')}`
    );
  }
}
