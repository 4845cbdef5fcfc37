/**
 * @module
 * Runs and step mode: the Run button with its Step mode and Predict first boxes, the Next /
 * Continue / Abort buttons, and the banner that says what the run is doing (paused at which
 * layer, finished with which exit code). Every control is disabled while the server is lost.
 */
import type { PausePoint, RunState } from '../src/viewer/types.js';
import { api, userMessage } from './api.js';
import { h, replace, type Child } from './dom.js';
import { t } from './i18n.js';
import { ts } from './i18n-step.js';
import { predictionLine } from './predict.js';
import { effectiveRoad, runTitle } from './road-switch.js';
import { remember, STORAGE, type Store } from './store.js';
import { toast } from './toast.js';
import type { Traces } from './traces.js';
import type { Live } from './live.js';
import type { Stepper } from './stepper.js';

export type StepAction = 'next' | 'continue' | 'abort';

export class StepControl {
  readonly runBtn = h('button', { class: 'primary', id: 'run', 'aria-keyshortcuts': 'r' });
  readonly stepBox = h('input', { type: 'checkbox', id: 'step-mode' });
  readonly predictBox = h('input', { type: 'checkbox', id: 'predict' });
  /** Step mode's finer setting: stop at each decision too (pool hit, re-authenticate, retry...). */
  readonly decisionsBox = h('input', { type: 'checkbox', id: 'step-decisions' });
  readonly decisionsLabel = h(
    'label',
    { class: 'check', title: '' },
    this.decisionsBox,
    h('span', { class: 'decisions-word' })
  );
  readonly nextBtn = h('button', { id: 'next', 'aria-keyshortcuts': 'n' });
  readonly contBtn = h('button', { id: 'continue', 'aria-keyshortcuts': 'c' });
  readonly abortBtn = h('button', { id: 'abort', class: 'danger' });
  readonly banner = h('div', {
    class: 'banner',
    id: 'banner',
    role: 'status',
    'aria-live': 'polite',
  });
  readonly #store: Store;
  readonly #traces: Traces;
  readonly #live: Live;
  /** Back and Next through stops already reached (web/stepper.ts), once made. */
  stepper: Stepper | undefined;

  constructor(store: Store, traces: Traces, live: Live) {
    this.#store = store;
    this.#traces = traces;
    this.#live = live;
    this.predictBox.checked = store.state.predict;
    this.runBtn.addEventListener('click', () => void this.run());
    this.stepBox.addEventListener('change', () => store.set({ stepMode: this.stepBox.checked }));
    this.predictBox.addEventListener('change', () => {
      store.set({ predict: this.predictBox.checked });
      remember(STORAGE.predict, this.predictBox.checked ? '1' : '0');
    });
    this.nextBtn.addEventListener('click', () => void this.step('next'));
    this.contBtn.addEventListener('click', () => void this.step('continue'));
    this.abortBtn.addEventListener('click', () => void this.step('abort'));
    store.subscribe(
      // myRunId too: the POST's answer can come after the run's first pause was drawn.
      [
        'runs',
        'myRunId',
        'selectedScenario',
        'connection',
        'lang',
        'current',
        'followRole',
        'stopShown',
      ],
      () => this.renderControls()
    );
    store.subscribe(['runs', 'myRunId', 'prediction', 'connection', 'lang', 'stopShown'], () =>
      this.renderBanner()
    );
  }

  /** The run this page's buttons drive: the one in progress. */
  activeRun(): RunState | undefined {
    for (const run of this.#store.state.runs.values()) {
      if (run.phase === 'running' || run.phase === 'paused' || run.phase === 'starting') return run;
    }
    return undefined;
  }

  /** Starts a run of the chosen scenario and shows its trace at once. */
  async run(name = this.#store.state.selectedScenario): Promise<void> {
    const s = this.#store.state;
    if (!name || s.connection !== 'live' || this.activeRun()) return;
    try {
      this.#store.set({ prediction: undefined });
      const started = await api.startRun(
        name,
        s.stepMode,
        effectiveRoad(s),
        s.stepMode && this.decisionsBox.checked ? 'decisions' : 'layers'
      );
      this.#store.set({ myRunId: started.runId });
      remember(STORAGE.myRun, started.runId);
      if (started.traceId && s.current?.traceId !== started.traceId)
        await this.#traces.show(started.traceId);
    } catch (err) {
      toast(userMessage(err));
    }
  }

  /** True when the run in progress was started by this page (others watch it read-only). */
  mine(run = this.activeRun()): boolean {
    return run !== undefined && run.runId === this.#store.state.myRunId;
  }

  /** Whether Next would let the program go on (this page's run, paused, server reachable). */
  canServerNext(): boolean {
    const run = this.activeRun();
    return run?.phase === 'paused' && this.mine(run) && this.#store.state.connection === 'live';
  }

  async step(action: StepAction): Promise<void> {
    // Next walks through stops already reached before the program goes on.
    if (action === 'next' && this.stepper?.next()) return;
    if (action !== 'next') this.stepper?.toNewest();
    const run = this.activeRun();
    if (!run || !this.mine(run) || this.#store.state.connection !== 'live') return;
    try {
      this.#live.onRun(await api.step(run.runId, action));
    } catch (err) {
      toast(userMessage(err));
    }
  }

  relabel(): void {
    // The word in its own span: narrow screens show the glyph alone (style.css), and the
    // button keeps its name.
    const label = (btn: HTMLElement, glyph: string, word: string) => {
      replace(
        btn,
        h('span', { 'aria-hidden': 'true' }, glyph),
        ' ',
        h('span', { class: 'word' }, word)
      );
      btn.setAttribute('aria-label', word);
    };
    label(this.nextBtn, '▷', t('next'));
    this.nextBtn.title = `${t('next')} (n)`;
    label(this.contBtn, '▶▶', t('continue'));
    this.contBtn.title = `${t('continue')} (c)`;
    label(this.abortBtn, '■', t('abort'));
    this.abortBtn.title = t('abort');
    const word = this.decisionsLabel.querySelector('.decisions-word');
    if (word) word.textContent = ts('stepDecisions');
    this.decisionsLabel.title = ts('stepDecisionsHint');
    this.stepper?.relabel();
  }

  renderControls(): void {
    const s = this.#store.state;
    const active = this.activeRun();
    const paused = active?.phase === 'paused';
    const live = s.connection === 'live';
    this.runBtn.textContent = s.selectedScenario
      ? `▶ ${t('runThis', s.selectedScenario)}`
      : `▶ ${t('run')}`;
    // The button may end the name in an ellipsis (style.css): its title says it whole.
    this.runBtn.title = this.runBtn.textContent;
    this.runBtn.disabled =
      !s.selectedScenario || active !== undefined || !live || s.followRole === 'follow';
    const mine = this.mine(active);
    this.nextBtn.disabled = (!paused || !live || !mine) && !this.stepper?.canNext();
    if (this.stepper?.mode === 'replay') this.nextBtn.disabled = false;
    this.stepper?.render();
    this.contBtn.disabled = !paused || !live || !mine;
    this.abortBtn.disabled = !active || !live || !mine;
  }

  renderBanner(): void {
    const s = this.#store.state;
    const run = this.activeRun() ?? (s.myRunId ? s.runs.get(s.myRunId) : undefined);
    const parts: Child[] = [];
    const past = this.stepper?.bannerLine();
    if (past) parts.push(past);
    else if (run) parts.push(this.#runLine(run));
    parts.push(predictionLine(this.#store));
    const shown = parts.filter(Boolean);
    replace(this.banner, ...shown);
    this.banner.hidden = shown.length === 0;
  }

  #runLine(run: RunState): Child {
    const line = (icon: string, ...body: Child[]) =>
      h('div', { class: 'banner-line' }, h('span', { class: 'banner-icon' }, icon), ...body);
    switch (run.phase) {
      case 'paused': {
        const p = run.pausedAt;
        if (!p) return null;
        return h(
          'div',
          {
            class: 'banner-line paused',
            'data-stop': String(p.index),
            'data-span': p.spanId,
            ...(p.site ? { 'data-line': String(p.site.line) } : {}),
          },
          h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '‖'),
          h(
            'div',
            null,
            h('strong', null, stopTitle(p)),
            p.summary ? h('p', { class: 'stop-summary' }, t('stopHands', p.summary)) : null,
            p.site ? h('p', { class: 'muted' }, t('stopLine', p.site.file, p.site.line)) : null,
            // The one timer a pause does not hold: the point of this scenario.
            run.scenario === 'dropped-connection'
              ? h('p', { class: 'muted idle-close-note' }, ts('idleCloseNote'))
              : null,
            h(
              'p',
              { class: 'muted' },
              this.mine(run)
                ? t(p.kind === 'entry' || p.kind === undefined ? 'pausedHint' : 'stopHint')
                : t('readOnlyRun')
            )
          ),
          this.mine(run)
            ? h(
                'div',
                { class: 'banner-actions' },
                this.stepper?.backClone() ?? null,
                this.#clone(this.nextBtn, () => void this.step('next')),
                this.#clone(this.contBtn, () => void this.step('continue'))
              )
            : null
        );
      }
      case 'running':
      case 'starting':
        return line('▶', t('runningRun', runTitle(run)));
      case 'done':
        return line(
          run.exitCode === 0 ? '✔' : '✖',
          t('runDone', runTitle(run), run.exitCode ?? '?'),
          run.message && run.exitCode !== 0 ? h('code', { class: 'banner-msg' }, run.message) : null
        );
      case 'failed':
        return line('✖', t('runFailed', runTitle(run), run.message ?? ''));
      case 'aborted':
        return line('■', t('runAborted', runTitle(run)));
      default:
        return null;
    }
  }

  #clone(source: HTMLButtonElement, onclick: () => void): HTMLButtonElement {
    return h(
      'button',
      { class: 'primary', onclick, title: source.title, disabled: source.disabled },
      source.textContent ?? ''
    );
  }
}

/** The banner's first line for a stop: which layer, and whether entry, return, raise or decision. */
export function stopTitle(p: PausePoint): string {
  if (p.name === 'wire') return t('pausedWire', p.method ?? 'HTTP');
  switch (p.kind) {
    case 'return':
      return t('pausedReturn', p.name);
    case 'raise':
      return t('pausedRaise', p.name);
    case 'decision':
      return t('pausedDecision', p.name, p.message ?? p.event ?? '');
    default:
      return t('pausedAt', p.name);
  }
}
