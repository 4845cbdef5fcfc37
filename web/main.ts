/**
 * @module
 * The novatrace page: wires the live event stream, the trace list, the call tree, the detail
 * and source panes, step mode, compare, permalinks and file open/download together.
 */
import './style.css';
import type { SpanRecord } from '../src/telemetry/types.js';
import type {
  LibraryEntry,
  RunState,
  ScenarioLine,
  TraceSummary,
  ViewerEvent,
} from '../src/viewer/types.js';
import { api, ApiError, connectEvents } from './api.js';
import { CompareView, traceLabel, type CompareOption, type SideView } from './compare-view.js';
import { DetailView, laneLabel } from './detail-view.js';
import { h, replace, type Child } from './dom.js';
import { clockTime, formatMs } from './format.js';
import { KEY_HELP, lang, setLang, t, type StringKey } from './i18n.js';
import {
  collapseOneLevel,
  eventKey,
  expandOneLevel,
  flatten,
  LANES,
  parentsOf,
  TraceModel,
  type Row,
  type SpanNode,
} from './model.js';
import { PREDICTIONS, type Lang } from './narration.js';
import { readHash, writeHash, type PageLink } from './permalink.js';
import { SourceView } from './source-view.js';
import { TreeView } from './tree-view.js';

type Part = 'tree' | 'detail' | 'source' | 'sidebar' | 'banner' | 'controls' | 'compare';

interface PredictionState {
  readonly traceId: string;
  readonly spanId: string;
  readonly layer: string;
  choice?: number;
  /** Index of the option that happened, -1 for none of them. */
  outcome?: number;
  happened?: string;
}

const STORAGE = { lang: 'novatrace.lang', theme: 'novatrace.theme', predict: 'novatrace.predict' };
const MAX_LIST = 200;

function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode: settings just are not remembered.
  }
}

class App {
  // --- state ------------------------------------------------------------------------------
  traces = new Map<string, TraceSummary>();
  runs = new Map<string, RunState>();
  scenarios: ScenarioLine[] = [];
  library: LibraryEntry[] = [];
  selectedScenario: string | undefined;
  current: TraceModel | undefined;
  selected: string | undefined;
  collapsed = new Set<string>();
  view: 'tree' | 'compare' = 'tree';
  /** Models of the traces on screen (the current one and the compared ones), by trace id. */
  models = new Map<string, TraceModel>();
  /** What each compare side shows: a trace id, or `traceId:spanId` for one run in it. */
  comparePick: { a?: string; b?: string } = {};
  compareSel: { side: 'a' | 'b'; spanId: string } | undefined;
  follow = true;
  stepMode = false;
  predict = stored(STORAGE.predict) === '1';
  myRunId: string | undefined;
  prediction: PredictionState | undefined;
  connected = false;
  hadHello = false;
  rows: Row[] = [];
  /** A span to scroll into view once the next render has its row. */
  revealPending: string | undefined;

  // --- views and elements -----------------------------------------------------------------
  readonly tree: TreeView;
  readonly detail = new DetailView();
  readonly source = new SourceView();
  readonly compare: CompareView;
  readonly el = {
    runBtn: h('button', { class: 'primary', id: 'run', 'aria-keyshortcuts': 'r' }),
    stepBox: h('input', { type: 'checkbox', id: 'step-mode' }),
    predictBox: h('input', { type: 'checkbox', id: 'predict' }),
    nextBtn: h('button', { id: 'next', 'aria-keyshortcuts': 'n' }),
    contBtn: h('button', { id: 'continue', 'aria-keyshortcuts': 'c' }),
    abortBtn: h('button', { id: 'abort', class: 'danger' }),
    fileInput: h('input', {
      type: 'file',
      accept: '.json,.jsonl,application/json',
      id: 'file-input',
      class: 'visually-hidden',
    }),
    otlpLink: h('a', { class: 'button', id: 'download-otlp', download: '' }),
    jaegerLink: h('a', { class: 'button', id: 'download-jaeger', download: '' }),
    compareBtn: h('button', { id: 'compare-toggle', 'aria-pressed': 'false' }),
    langEn: h('button', { id: 'lang-en', lang: 'en' }, 'EN'),
    langJa: h('button', { id: 'lang-ja', lang: 'ja' }, '日本語'),
    themeBtn: h('button', { id: 'theme', class: 'icon' }),
    helpBtn: h('button', { id: 'help', class: 'icon' }, '?'),
    live: h('span', { class: 'live', role: 'status' }),
    scenarioList: h('ul', { class: 'scenario-list', role: 'listbox', 'aria-label': 'scenarios' }),
    traceList: h('ul', { class: 'trace-list' }),
    libraryList: h('ul', { class: 'library-list' }),
    traceTitle: h('div', { class: 'trace-title' }),
    followBox: h('input', { type: 'checkbox', id: 'follow', checked: true }),
    banner: h('div', { class: 'banner', id: 'banner', role: 'status', 'aria-live': 'polite' }),
    treePane: h('section', { class: 'tree-pane' }),
    comparePane: h('section', { class: 'compare-pane', hidden: true }),
    detailPane: h('aside', { class: 'detail', id: 'detail', 'aria-label': 'detail' }),
    toasts: h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' }),
    overlay: h('div', {
      class: 'overlay',
      hidden: true,
      role: 'dialog',
      'aria-modal': 'true',
      'aria-label': 'help',
    }),
  };
  #dirty = new Set<Part>();
  #raf = 0;
  #listTimer: number | undefined;

  constructor() {
    const saved = stored(STORAGE.lang);
    setLang(
      saved === 'ja' || saved === 'en' ? saved : navigator.language.startsWith('ja') ? 'ja' : 'en'
    );
    this.applyTheme(stored(STORAGE.theme) ?? 'auto');
    this.tree = new TreeView({
      select: (id) => this.select(id),
      toggle: (id) => this.toggle(id),
    });
    this.compare = new CompareView({
      pick: (side, value) => void this.pickCompare(side, value),
      select: (side, node) => {
        this.compareSel = { side, spanId: node.id };
        this.schedule('compare', 'detail', 'source');
        this.syncHash();
      },
    });
    this.el.predictBox.checked = this.predict;
    this.build();
    this.relabel();
  }

  // --- layout -------------------------------------------------------------------------------
  build(): void {
    const e = this.el;
    const legend = h(
      'ul',
      { class: 'legend', 'aria-label': 'layers' },
      ...LANES.filter((l) => l !== 'other').map((lane) =>
        h(
          'li',
          { class: `lane-${lane}` },
          h('i', { class: 'chip', 'aria-hidden': 'true' }),
          laneLabel(lane)
        )
      )
    );
    const topbar = h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'brand' },
        h('img', { src: '/assets/icon.svg', alt: '', width: '22', height: '22' }),
        h('span', { class: 'name' }, 'novatrace'),
        h('span', { class: 'tagline', 'data-i18n': 'tagline' })
      ),
      h(
        'div',
        { class: 'group run-group' },
        e.runBtn,
        h('label', { class: 'check' }, e.stepBox, h('span', { 'data-i18n': 'stepMode' })),
        h('label', { class: 'check' }, e.predictBox, h('span', { 'data-i18n': 'predict' }))
      ),
      h(
        'div',
        { class: 'group step-group', role: 'group', 'aria-label': 'step' },
        e.nextBtn,
        e.contBtn,
        e.abortBtn
      ),
      h('div', { class: 'spacer' }),
      h(
        'div',
        { class: 'group file-group' },
        h('label', { class: 'button', for: 'file-input', 'data-i18n': 'openFile', tabindex: '0' }),
        e.fileInput,
        h(
          'details',
          { class: 'menu' },
          h('summary', { class: 'button' }, h('span', { 'data-i18n': 'download' })),
          h('div', { class: 'menu-items' }, e.otlpLink, e.jaegerLink)
        )
      ),
      e.compareBtn,
      h('div', { class: 'group seg', role: 'group', 'aria-label': 'language' }, e.langEn, e.langJa),
      e.themeBtn,
      e.helpBtn,
      e.live
    );
    const sidebar = h(
      'nav',
      { class: 'sidebar', 'aria-label': 'traces and scenarios' },
      h(
        'details',
        { open: true, class: 'side-section' },
        h('summary', { 'data-i18n': 'scenarios' }),
        e.scenarioList
      ),
      h(
        'details',
        { open: true, class: 'side-section' },
        h('summary', { 'data-i18n': 'traces' }),
        e.traceList
      ),
      h(
        'details',
        { open: true, class: 'side-section' },
        h('summary', { 'data-i18n': 'library' }),
        e.libraryList
      )
    );
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      e.traceTitle,
      h('div', { class: 'spacer' }),
      h('button', {
        class: 'small',
        onclick: () => this.collapseAll(),
        'data-i18n': 'collapseAll',
        'aria-keyshortcuts': '[',
      }),
      h('button', {
        class: 'small',
        onclick: () => this.expandAll(),
        'data-i18n': 'expandAll',
        'aria-keyshortcuts': ']',
      }),
      h('button', {
        class: 'small',
        onclick: () => this.levelUp(),
        'data-i18n': 'levelUp',
        'aria-keyshortcuts': '-',
      }),
      h('button', {
        class: 'small',
        onclick: () => this.levelDown(),
        'data-i18n': 'levelDown',
        'aria-keyshortcuts': '+',
      }),
      h('label', { class: 'check small' }, e.followBox, h('span', { 'data-i18n': 'follow' }))
    );
    replace(
      e.treePane,
      toolbar,
      h(
        'div',
        { class: 'legend-row' },
        h('span', { class: 'muted', 'data-i18n': 'legend' }),
        legend
      ),
      this.tree.el
    );
    e.comparePane.appendChild(this.compare.el);
    const main = h('main', { class: 'main' }, e.banner, e.treePane, e.comparePane, this.source.el);
    e.detailPane.appendChild(this.detail.el);
    replace(
      document.body,
      topbar,
      h('div', { class: 'layout' }, sidebar, main, e.detailPane),
      e.toasts,
      e.overlay
    );

    e.runBtn.addEventListener('click', () => void this.run());
    e.stepBox.addEventListener('change', () => {
      this.stepMode = e.stepBox.checked;
    });
    e.predictBox.addEventListener('change', () => {
      this.predict = e.predictBox.checked;
      store(STORAGE.predict, this.predict ? '1' : '0');
    });
    e.nextBtn.addEventListener('click', () => void this.stepAction('next'));
    e.contBtn.addEventListener('click', () => void this.stepAction('continue'));
    e.abortBtn.addEventListener('click', () => void this.stepAction('abort'));
    e.fileInput.addEventListener('change', () => {
      const file = e.fileInput.files?.[0];
      if (file) void this.openFile(file);
      e.fileInput.value = '';
    });
    e.compareBtn.addEventListener('click', () =>
      this.setView(this.view === 'compare' ? 'tree' : 'compare')
    );
    e.langEn.addEventListener('click', () => this.setLanguage('en'));
    e.langJa.addEventListener('click', () => this.setLanguage('ja'));
    e.themeBtn.addEventListener('click', () => this.cycleTheme());
    e.helpBtn.addEventListener('click', () => this.toggleHelp());
    e.followBox.addEventListener('change', () => {
      this.follow = e.followBox.checked;
    });
    document.addEventListener('keydown', (ev) => this.onKey(ev));
    window.addEventListener('hashchange', () => void this.applyLink(readHash(location.hash)));
    window.addEventListener('dragover', (ev) => ev.preventDefault());
    window.addEventListener('drop', (ev) => {
      ev.preventDefault();
      const file = ev.dataTransfer?.files[0];
      if (file) void this.openFile(file);
    });
    setInterval(() => this.tick(), 100);
  }

  /** Re-applies every label in the current language. */
  relabel(): void {
    document.documentElement.lang = lang();
    for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
      el.textContent = t(el.dataset.i18n as StringKey);
    }
    const e = this.el;
    e.nextBtn.textContent = `▷ ${t('next')}`;
    e.nextBtn.title = `${t('next')} (n)`;
    e.contBtn.textContent = `▶▶ ${t('continue')}`;
    e.contBtn.title = `${t('continue')} (c)`;
    e.abortBtn.textContent = `■ ${t('abort')}`;
    e.otlpLink.textContent = t('downloadOtlp');
    e.jaegerLink.textContent = t('downloadJaeger');
    e.compareBtn.textContent = this.view === 'compare' ? `☰ ${t('tree')}` : `⇆ ${t('compare')}`;
    e.themeBtn.title = t('theme');
    e.themeBtn.setAttribute('aria-label', t('theme'));
    e.helpBtn.title = t('help');
    e.helpBtn.setAttribute('aria-label', t('help'));
    e.langEn.setAttribute('aria-pressed', String(lang() === 'en'));
    e.langJa.setAttribute('aria-pressed', String(lang() === 'ja'));
    this.schedule('tree', 'detail', 'source', 'sidebar', 'banner', 'controls', 'compare');
  }

  setLanguage(l: Lang): void {
    setLang(l);
    store(STORAGE.lang, l);
    this.relabel();
    if (!this.el.overlay.hidden) this.renderHelp();
  }

  applyTheme(theme: string): void {
    if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    if (this.el?.themeBtn) {
      this.el.themeBtn.textContent = theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐';
    }
  }

  cycleTheme(): void {
    const now = document.documentElement.dataset.theme ?? 'auto';
    const next = now === 'auto' ? 'dark' : now === 'dark' ? 'light' : 'auto';
    store(STORAGE.theme, next);
    this.applyTheme(next);
  }

  // --- start-up -----------------------------------------------------------------------------
  async start(): Promise<void> {
    this.applyTheme(stored(STORAGE.theme) ?? 'auto');
    const [scenarios, library] = await Promise.all([
      api.scenarios().catch(() => []),
      api.library().catch(() => []),
    ]);
    this.scenarios = scenarios;
    this.library = library;
    this.selectedScenario =
      scenarios.find((s) => s.name === 'warm-pool')?.name ?? scenarios[0]?.name ?? undefined;
    this.schedule('sidebar', 'controls');
    connectEvents(
      (event) => this.onEvent(event),
      (connected) => {
        this.connected = connected;
        this.renderLive();
      }
    );
  }

  // --- live events --------------------------------------------------------------------------
  onEvent(event: ViewerEvent): void {
    switch (event.type) {
      case 'resync':
        this.traces = new Map(event.traces.map((s) => [s.traceId, s]));
        this.runs = new Map(event.runs.map((r) => [r.runId, r]));
        if (!this.hadHello) {
          this.hadHello = true;
          void this.initialView();
        } else {
          for (const model of this.models.values()) void this.loadRecords(model);
        }
        this.schedule('sidebar', 'banner', 'controls');
        return;
      case 'span-start':
      case 'span-end':
        this.onSpan(event.span);
        return;
      case 'run-state':
        this.onRun(event.run);
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  onSpan(span: SpanRecord): void {
    const id = span.traceId;
    if (!this.traces.has(id)) {
      const run = [...this.runs.values()].find((r) => r.traceIds.includes(id));
      this.traces.set(id, {
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
      const mine = run !== undefined && run.runId === this.myRunId;
      if (this.view === 'tree' && (mine || this.follow) && this.current?.traceId !== id) {
        this.setCurrent(id);
        void this.loadRecords(this.modelFor(id));
        this.syncHash();
      }
      this.schedule('sidebar');
    }
    const model = this.models.get(id);
    if (model && model.put(span)) {
      if (model === this.current) this.schedule('tree');
      if (this.view === 'compare') this.schedule('compare');
      if (span.spanId === this.selected || span.spanId === this.compareSel?.spanId)
        this.schedule('detail');
    }
    if (this.prediction && this.prediction.traceId === id) this.checkPrediction();
    this.refreshListSoon();
  }

  onRun(run: RunState): void {
    const before = this.runs.get(run.runId);
    // An HTTP answer can arrive after newer states came over the event stream: keep the newest.
    if (before && before.seq > run.seq) return;
    this.runs.set(run.runId, run);
    const mine = run.runId === this.myRunId;
    const newest = run.traceIds[run.traceIds.length - 1];
    if (
      (mine || this.follow) &&
      this.view === 'tree' &&
      newest &&
      this.current?.traceId !== newest
    ) {
      if (!before || before.traceIds.length !== run.traceIds.length) void this.showTrace(newest);
    }
    if (run.phase === 'paused' && run.pausedAt) {
      const p = run.pausedAt;
      if (this.current?.traceId !== p.traceId && (mine || this.follow))
        void this.showTrace(p.traceId, p.spanId);
      else if (this.current?.traceId === p.traceId) this.select(p.spanId);
      const question = PREDICTIONS[p.name];
      if (this.predict && question && this.prediction?.spanId !== p.spanId) {
        this.prediction = { traceId: p.traceId, spanId: p.spanId, layer: p.name };
      }
    }
    if (run.phase !== 'running' && run.phase !== 'paused' && run.phase !== 'starting') {
      if (this.prediction) this.checkPrediction(true);
      if (mine) this.refreshListSoon();
    }
    this.schedule('banner', 'controls');
  }

  refreshListSoon(): void {
    if (this.#listTimer !== undefined) return;
    this.#listTimer = window.setTimeout(() => {
      this.#listTimer = undefined;
      api.traces().then(
        (list) => {
          this.traces = new Map(list.slice(0, MAX_LIST).map((s) => [s.traceId, s]));
          this.schedule('sidebar', 'compare');
        },
        () => undefined
      );
    }, 400);
  }

  async initialView(): Promise<void> {
    const link = readHash(location.hash);
    if (link.trace || link.compare) {
      await this.applyLink(link);
      return;
    }
    const list = this.sortedTraces();
    const startup = list.filter((s) => s.source === 'startup').reverse();
    const first = startup[0] ?? list[0];
    if (first) await this.showTrace(first.traceId, undefined, { select: false });
    this.schedule('detail');
  }

  async applyLink(link: PageLink): Promise<void> {
    if (link.compare) {
      this.view = 'compare';
      await Promise.all([
        this.pickCompare('a', link.compare[0]),
        this.pickCompare('b', link.compare[1]),
      ]);
      if (link.span && link.side) this.compareSel = { side: link.side, spanId: link.span };
      this.setView('compare');
    } else if (link.trace) {
      if (this.view !== 'tree') this.setView('tree');
      if (this.current?.traceId !== link.trace) await this.showTrace(link.trace, link.span);
      else if (link.span) this.select(link.span);
    }
  }

  // --- traces -------------------------------------------------------------------------------
  sortedTraces(): TraceSummary[] {
    return [...this.traces.values()].sort((a, b) =>
      BigInt(b.startTimeUnixNano) > BigInt(a.startTimeUnixNano)
        ? 1
        : BigInt(b.startTimeUnixNano) < BigInt(a.startTimeUnixNano)
          ? -1
          : 0
    );
  }

  async loadRecords(model: TraceModel): Promise<boolean> {
    try {
      const records = await api.records(model.traceId);
      for (const r of records) model.put(r);
      this.schedule(model === this.current ? 'tree' : 'compare', 'detail', 'source');
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        if (model === this.current && model.size === 0) this.toast(t('evicted'));
      } else this.toast((err as Error).message);
      return false;
    }
  }

  /** The model of a trace on screen, made (empty) when new; load it with {@link loadRecords}. */
  modelFor(traceId: string): TraceModel {
    let model = this.models.get(traceId);
    if (!model) {
      model = new TraceModel(traceId);
      this.models.set(traceId, model);
    }
    return model;
  }

  /** Drops the models no view shows any more. */
  pruneModels(): void {
    const keep = new Set<string>();
    if (this.current) keep.add(this.current.traceId);
    for (const v of [this.comparePick.a, this.comparePick.b])
      if (v) keep.add(v.split(':')[0] as string);
    for (const id of [...this.models.keys()]) if (!keep.has(id)) this.models.delete(id);
  }

  setCurrent(traceId: string): void {
    if (this.current?.traceId === traceId) return;
    this.current = this.modelFor(traceId);
    this.collapsed.clear();
    this.selected = undefined;
    this.pruneModels();
  }

  async showTrace(
    traceId: string,
    spanId?: string,
    opts: { select?: boolean } = {}
  ): Promise<void> {
    this.setCurrent(traceId);
    if (this.view !== 'tree') this.setView('tree');
    this.schedule('tree', 'sidebar', 'detail', 'source', 'controls');
    await this.loadRecords(this.modelFor(traceId));
    if (this.current?.traceId !== traceId) return;
    if (spanId) {
      this.selected = spanId;
      this.ensureVisible(spanId);
      this.revealPending = spanId;
    } else if (opts.select !== false && !this.selected) {
      this.selected = this.current.tree().roots[0]?.id;
    }
    this.syncHash();
    this.schedule('tree', 'detail', 'source');
  }

  async pickCompare(side: 'a' | 'b', value: string): Promise<void> {
    this.comparePick = { ...this.comparePick, [side]: value || undefined };
    this.compareSel = undefined;
    this.pruneModels();
    const traceId = value.split(':')[0];
    if (traceId) {
      const model = this.modelFor(traceId);
      if (model.size === 0) await this.loadRecords(model);
    }
    this.syncHash();
    this.schedule('compare', 'detail', 'source');
  }

  /** The `nova volume-update` runs inside a trace, in start order (warm-pool has two). */
  runsOf(model: TraceModel): SpanNode[] {
    return [...model.tree().byId.values()]
      .filter((n) => n.span.name === 'nova volume-update')
      .sort((x, y) => x.startMs - y.startMs);
  }

  /** A compare side from its picker value. */
  sideView(value: string | undefined): SideView | undefined {
    if (!value) return undefined;
    const [traceId, spanId] = value.split(':') as [string, string | undefined];
    const model = this.models.get(traceId);
    if (!model || model.size === 0) return undefined;
    const summary = this.traces.get(traceId);
    const name = summary?.label ?? model.tree().roots[0]?.span.name ?? traceId.slice(0, 8);
    if (spanId) {
      const node = model.tree().byId.get(spanId);
      if (!node) return undefined;
      const index = this.runsOf(model).indexOf(node);
      return { value, title: `${name} · run ${index + 1}`, side: { roots: [node] } };
    }
    return { value, title: `${name} · ${traceId.slice(0, 8)}`, side: model.tree() };
  }

  compareOptions(): CompareOption[] {
    const out: CompareOption[] = [];
    for (const s of this.sortedTraces()) {
      out.push({ value: s.traceId, label: traceLabel(s) });
      const model = this.models.get(s.traceId);
      const runs = model ? this.runsOf(model) : [];
      if (runs.length >= 2) {
        runs.forEach((run, i) =>
          out.push({
            value: `${s.traceId}:${run.id}`,
            label: `    ↳ run ${i + 1} of ${s.label ?? s.rootName}`,
          })
        );
      }
    }
    for (const v of [this.comparePick.a, this.comparePick.b]) {
      if (v && !out.some((o) => o.value === v)) out.push({ value: v, label: v });
    }
    return out;
  }

  setView(view: 'tree' | 'compare'): void {
    this.view = view;
    if (view === 'compare' && (!this.comparePick.a || !this.comparePick.b)) {
      const pair = this.defaultPair();
      if (pair) {
        void this.pickCompare('a', pair[0]);
        void this.pickCompare('b', pair[1]);
      }
    }
    this.el.treePane.hidden = view !== 'tree';
    document.body.classList.toggle('comparing', view === 'compare');
    this.el.comparePane.hidden = view !== 'compare';
    this.el.compareBtn.setAttribute('aria-pressed', String(view === 'compare'));
    this.relabel();
    this.syncHash();
  }

  /** Cold/warm: the two runs inside the current trace, else two traces of one run, else the last two. */
  defaultPair(): [string, string] | undefined {
    const list = this.sortedTraces();
    const runs = this.current ? this.runsOf(this.current) : [];
    if (this.current && runs.length >= 2) {
      return [`${this.current.traceId}:${runs[0]?.id}`, `${this.current.traceId}:${runs[1]?.id}`];
    }
    const cur = this.current ? this.traces.get(this.current.traceId) : undefined;
    const siblings = cur
      ? list
          .filter((s) =>
            cur.runId ? s.runId === cur.runId : s.source === cur.source && s.label === cur.label
          )
          .reverse()
      : [];
    if (siblings.length >= 2)
      return [siblings[0]?.traceId as string, siblings[1]?.traceId as string];
    const startup = list.filter((s) => s.source === 'startup').reverse();
    if (startup.length >= 2) return [startup[0]?.traceId as string, startup[1]?.traceId as string];
    if (list.length >= 2) return [list[1]?.traceId as string, list[0]?.traceId as string];
    return undefined;
  }

  syncHash(): void {
    const link: PageLink =
      this.view === 'compare' && this.comparePick.a && this.comparePick.b
        ? {
            compare: [this.comparePick.a, this.comparePick.b],
            ...(this.compareSel
              ? { span: this.compareSel.spanId, side: this.compareSel.side }
              : {}),
          }
        : this.current
          ? { trace: this.current.traceId, ...(this.selected ? { span: this.selected } : {}) }
          : {};
    const hash = writeHash(link);
    if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname);
  }

  // --- selection and collapse ---------------------------------------------------------------
  select(spanId: string): void {
    this.selected = spanId;
    this.ensureVisible(spanId);
    this.revealPending = spanId;
    this.schedule('tree', 'detail', 'source');
    this.syncHash();
  }

  /** Opens every collapsed ancestor of a span. */
  ensureVisible(spanId: string): void {
    let node = this.current?.tree().byId.get(spanId)?.parent;
    while (node) {
      this.collapsed.delete(node.id);
      node = node.parent;
    }
  }

  toggle(spanId: string): void {
    if (this.collapsed.has(spanId)) this.collapsed.delete(spanId);
    else this.collapsed.add(spanId);
    this.schedule('tree');
  }

  collapseAll(): void {
    if (!this.current) return;
    this.collapsed = new Set(parentsOf(this.current.tree()));
    // The selection moves up to the top-level span that still shows.
    if (this.selected) this.selected = this.topAncestor(this.selected);
    this.schedule('tree', 'detail', 'source');
    this.syncHash();
  }

  topAncestor(spanId: string): string {
    let node = this.current?.tree().byId.get(spanId);
    while (node?.parent) node = node.parent;
    return node?.id ?? spanId;
  }

  expandAll(): void {
    this.collapsed.clear();
    this.schedule('tree');
  }

  levelUp(): void {
    collapseOneLevel(this.freshRows(), this.collapsed);
    this.schedule('tree');
  }

  levelDown(): void {
    expandOneLevel(this.freshRows(), this.collapsed);
    this.schedule('tree');
  }

  // --- runs and step mode ---------------------------------------------------------------------
  activeRun(): RunState | undefined {
    for (const run of this.runs.values()) {
      if (run.phase === 'running' || run.phase === 'paused' || run.phase === 'starting') return run;
    }
    return undefined;
  }

  async run(name = this.selectedScenario): Promise<void> {
    if (!name) return;
    try {
      this.prediction = undefined;
      const started = await api.startRun(name, this.stepMode);
      this.myRunId = started.runId;
      if (started.traceId && this.current?.traceId !== started.traceId)
        await this.showTrace(started.traceId);
    } catch (err) {
      this.toast((err as Error).message);
    }
    this.schedule('banner', 'controls');
  }

  async stepAction(action: 'next' | 'continue' | 'abort'): Promise<void> {
    const run = this.activeRun();
    if (!run) return;
    try {
      this.onRun(await api.step(run.runId, action));
    } catch (err) {
      this.toast((err as Error).message);
    }
  }

  choosePrediction(index: number): void {
    if (!this.prediction || this.prediction.outcome !== undefined) return;
    this.prediction.choice = index;
    this.schedule('banner');
  }

  /** Reveals the prediction once one of its events shows up under the paused span. */
  checkPrediction(final = false): void {
    const p = this.prediction;
    if (!p || p.outcome !== undefined) return;
    const q = PREDICTIONS[p.layer];
    const node = this.models.get(p.traceId)?.tree().byId.get(p.spanId);
    if (!q || !node) return;
    const seen: string[] = [];
    const walk = (n: SpanNode) => {
      for (const e of n.span.events) {
        const k = eventKey(e.attributes);
        if (k) seen.push(k);
      }
      for (const c of n.children) walk(c);
    };
    walk(node);
    for (const key of seen) {
      const index = q.options.findIndex((o) => o.events.includes(key));
      if (index >= 0) {
        p.outcome = index;
        p.happened = key;
        this.schedule('banner');
        return;
      }
    }
    if (final || node.endMs !== undefined) {
      p.outcome = -1;
      this.schedule('banner');
    }
  }

  // --- files --------------------------------------------------------------------------------
  async openFile(file: File): Promise<void> {
    try {
      const text = await file.text();
      const opened = await api.openFile(text, file.name);
      this.toast(t('openedFile', file.name, opened.spans));
      await this.refreshListNow();
      const first = opened.traceIds[0];
      if (first) await this.showTrace(first);
    } catch (err) {
      this.toast((err as Error).message);
    }
  }

  async openLibrary(entry: LibraryEntry): Promise<void> {
    try {
      const text = await api.libraryText(entry.name);
      const opened = await api.openFile(text, `${entry.name}.json`);
      await this.refreshListNow();
      const first = opened.traceIds[0];
      if (first) await this.showTrace(first);
    } catch (err) {
      this.toast((err as Error).message);
    }
  }

  async refreshListNow(): Promise<void> {
    const list = await api.traces();
    this.traces = new Map(list.slice(0, MAX_LIST).map((s) => [s.traceId, s]));
    this.schedule('sidebar');
  }

  // --- keyboard -----------------------------------------------------------------------------
  onKey(ev: KeyboardEvent): void {
    const target = ev.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      if (!(target instanceof HTMLInputElement && target.type === 'checkbox')) return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (!this.el.overlay.hidden) {
      if (ev.key === 'Escape' || ev.key === '?') {
        this.toggleHelp();
        ev.preventDefault();
      }
      return;
    }
    const onButton = target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
    let handled = true;
    switch (ev.key) {
      case 'ArrowDown':
      case 'j':
        this.move(1);
        break;
      case 'ArrowUp':
      case 'k':
        this.move(-1);
        break;
      case 'Home':
        this.freshRows();
        this.moveTo(0);
        break;
      case 'End':
        this.moveTo(this.freshRows().length - 1);
        break;
      case 'ArrowRight':
      case 'l':
        this.right();
        break;
      case 'ArrowLeft':
      case 'h':
        this.left();
        break;
      case 'Enter':
      case ' ':
        if (onButton) handled = false;
        else if (this.selected) this.toggle(this.selected);
        break;
      case '[':
        this.collapseAll();
        break;
      case ']':
        this.expandAll();
        break;
      case '-':
        this.levelUp();
        break;
      case '+':
      case '=':
        this.levelDown();
        break;
      case 'n':
        void this.stepAction('next');
        break;
      case 'c':
        void this.stepAction('continue');
        break;
      case 'r':
        if (!this.activeRun()) void this.run();
        break;
      case '?':
        this.toggleHelp();
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  }

  /** The visible rows as of now (a key press may come before the next render). */
  freshRows(): Row[] {
    const tree = this.current?.tree();
    this.rows = tree ? flatten(tree, this.collapsed) : [];
    return this.rows;
  }

  move(delta: number): void {
    if (this.view !== 'tree' || this.freshRows().length === 0) return;
    const index = this.rows.findIndex((r) => r.node.id === this.selected);
    this.moveTo(index < 0 ? 0 : Math.max(0, Math.min(this.rows.length - 1, index + delta)));
  }

  moveTo(index: number): void {
    const row = this.rows[index];
    if (row) this.select(row.node.id);
  }

  right(): void {
    const row = this.freshRows().find((r) => r.node.id === this.selected);
    if (!row || !row.hasChildren) return;
    if (!row.open) this.toggle(row.node.id);
    else if (row.node.children[0]) this.select(row.node.children[0].id);
  }

  left(): void {
    const row = this.freshRows().find((r) => r.node.id === this.selected);
    if (!row) return;
    if (row.open) this.toggle(row.node.id);
    else if (row.node.parent) this.select(row.node.parent.id);
  }

  toggleHelp(): void {
    const o = this.el.overlay;
    o.hidden = !o.hidden;
    if (!o.hidden) this.renderHelp();
  }

  renderHelp(): void {
    const L = lang();
    const close = h('button', { onclick: () => this.toggleHelp() }, t('close'));
    replace(
      this.el.overlay,
      h(
        'div',
        { class: 'help-card' },
        h('h2', null, t('help')),
        h(
          'table',
          null,
          ...KEY_HELP.map(([keys, en, ja]) =>
            h('tr', null, h('th', null, h('kbd', null, keys)), h('td', null, L === 'ja' ? ja : en))
          )
        ),
        close
      )
    );
    close.focus();
  }

  // --- rendering ----------------------------------------------------------------------------
  schedule(...parts: Part[]): void {
    for (const p of parts) this.#dirty.add(p);
    if (this.#raf) return;
    this.#raf = requestAnimationFrame(() => this.flush());
  }

  flush(): void {
    this.#raf = 0;
    const dirty = new Set(this.#dirty);
    this.#dirty.clear();
    if (dirty.has('controls')) this.renderControls();
    if (dirty.has('sidebar')) this.renderSidebar();
    if (dirty.has('tree')) this.renderTree();
    if (dirty.has('compare') && this.view === 'compare') this.renderCompare();
    if (dirty.has('banner')) this.renderBanner();
    if (dirty.has('detail')) this.renderDetail();
    if (dirty.has('source')) {
      this.renderSource();
      // The source pane may have grown under the tree: keep the selected row in view.
      if (this.selected && this.view === 'tree') this.tree.reveal(this.selected);
    }
  }

  tick(): void {
    const running = (this.current?.tree().running ?? 0) > 0;
    if (running && this.view === 'tree') this.schedule('tree');
  }

  renderLive(): void {
    const e = this.el.live;
    e.className = `live ${this.connected ? 'on' : 'off'}`;
    e.textContent = this.connected ? '● live' : '○ offline';
    e.title = this.connected ? '' : t('connectionLost');
  }

  renderControls(): void {
    const e = this.el;
    const active = this.activeRun();
    const paused = active?.phase === 'paused';
    e.runBtn.textContent = this.selectedScenario
      ? `▶ ${t('runThis', this.selectedScenario)}`
      : `▶ ${t('run')}`;
    e.runBtn.disabled = !this.selectedScenario || active !== undefined;
    e.nextBtn.disabled = !paused;
    e.contBtn.disabled = !paused;
    e.abortBtn.disabled = !active;
    const id = this.current?.traceId;
    for (const [link, url] of [
      [e.otlpLink, id ? api.otlpUrl(id) : ''],
      [e.jaegerLink, id ? api.jaegerUrl(id) : ''],
    ] as const) {
      if (url) {
        link.href = url;
        link.removeAttribute('aria-disabled');
      } else {
        link.removeAttribute('href');
        link.setAttribute('aria-disabled', 'true');
      }
    }
    e.otlpLink.download = id ? `trace-${id}.otlp.json` : '';
    e.jaegerLink.download = id ? `trace-${id}.jaeger.json` : '';
  }

  renderSidebar(): void {
    const e = this.el;
    const L = lang();
    replace(
      e.scenarioList,
      ...(this.scenarios.length === 0
        ? [h('li', { class: 'muted' }, t('noScenarios'))]
        : this.scenarios.map((s) => {
            const sel = s.name === this.selectedScenario;
            return h(
              'li',
              {
                class: `scenario${sel ? ' selected' : ''}`,
                role: 'option',
                'aria-selected': String(sel),
                tabindex: '0',
                dataset: { scenario: s.name },
                title: scenarioSummary(s),
                onclick: () => {
                  this.selectedScenario = s.name;
                  this.schedule('sidebar', 'controls');
                },
                ondblclick: () => void this.run(s.name),
                onkeydown: (ev: KeyboardEvent) => {
                  if (ev.key === 'Enter') {
                    this.selectedScenario = s.name;
                    this.schedule('sidebar', 'controls');
                    ev.stopPropagation();
                  }
                },
              },
              h('span', { class: 'sc-name' }, s.name),
              h('span', { class: 'sc-summary' }, scenarioSummary(s))
            );
          }))
    );
    const list = this.sortedTraces().slice(0, MAX_LIST);
    replace(
      e.traceList,
      ...(list.length === 0
        ? [h('li', { class: 'muted' }, t('noTraces'))]
        : list.map((s) => {
            const cur = s.traceId === this.current?.traceId;
            const status =
              s.runningCount > 0
                ? `● ${t('running')}`
                : s.errorCount > 0
                  ? `✖ ${t('error')}`
                  : `✔ ${t('ok')}`;
            const cls = s.runningCount > 0 ? 'is-running' : s.errorCount > 0 ? 'is-error' : 'is-ok';
            return h(
              'li',
              null,
              h(
                'button',
                {
                  class: `trace-item${cur ? ' current' : ''}`,
                  'aria-current': cur ? 'true' : undefined,
                  dataset: { traceId: s.traceId },
                  onclick: () => void this.showTrace(s.traceId),
                },
                h(
                  'span',
                  { class: 'ti-top' },
                  h('span', { class: `status ${cls}` }, status),
                  h('span', { class: 'ti-label' }, s.label ?? s.rootName)
                ),
                h(
                  'span',
                  { class: 'ti-meta' },
                  `${clockTime(s.startTimeUnixNano)} · ${t('spans', s.spanCount)} · ${formatMs(s.durationMs)} · ${s.source}`
                )
              )
            );
          }))
    );
    replace(
      e.libraryList,
      ...(this.library.length === 0
        ? [h('li', { class: 'muted' }, t('none'))]
        : this.library.map((entry) =>
            h(
              'li',
              null,
              h(
                'button',
                {
                  class: 'trace-item',
                  onclick: () => void this.openLibrary(entry),
                  title: entry.file,
                },
                h('span', { class: 'ti-label' }, entry.name),
                entry.summary ? h('span', { class: 'ti-meta' }, entry.summary) : null
              )
            )
          ))
    );
    void L;
  }

  renderTree(): void {
    const model = this.current;
    const tree = model?.tree();
    this.rows = tree ? flatten(tree, this.collapsed) : [];
    const now = tree ? nowEpochMs() - Number(tree.t0 / 1_000_000n) : 0;
    this.tree.update(tree, this.rows, this.selected, Math.max(now, tree?.endMs ?? 0));
    if (this.revealPending && this.rows.some((r) => r.node.id === this.revealPending)) {
      this.tree.reveal(this.revealPending);
      this.revealPending = undefined;
    }
    const s = model ? this.traces.get(model.traceId) : undefined;
    replace(
      this.el.traceTitle,
      model
        ? [
            h('strong', null, s?.label ?? tree?.roots[0]?.span.name ?? ''),
            h(
              'span',
              { class: 'muted' },
              ` · ${t('traceOf', model.traceId.slice(0, 8))} · ${t('spans', model.size)}`
            ),
            tree && tree.running > 0
              ? h('span', { class: 'status is-running' }, ` ● ${t('running')}`)
              : null,
          ]
        : h('span', { class: 'muted' }, t('noTraces'))
    );
  }

  renderCompare(): void {
    this.compare.show(
      this.compareOptions(),
      this.sideView(this.comparePick.a),
      this.sideView(this.comparePick.b),
      this.comparePick,
      this.compareSel
    );
  }

  selectedNode(): SpanNode | undefined {
    if (this.view === 'compare') {
      const sel = this.compareSel;
      const value = sel?.side === 'a' ? this.comparePick.a : this.comparePick.b;
      const model = value ? this.models.get(value.split(':')[0] as string) : undefined;
      return sel ? model?.tree().byId.get(sel.spanId) : undefined;
    }
    return this.selected ? this.current?.tree().byId.get(this.selected) : undefined;
  }

  renderDetail(): void {
    this.detail.show(this.selectedNode(), () => this.welcome());
  }

  renderSource(): void {
    this.source.show(this.selectedNode()?.span);
  }

  welcome(): Child {
    const pair = this.defaultPair();
    return h(
      'div',
      { class: 'welcome' },
      h('h2', null, t('welcomeTitle')),
      h('p', null, t('welcome1')),
      h('p', null, t('welcome2')),
      h(
        'p',
        { class: 'welcome-actions' },
        pair
          ? h(
              'button',
              { class: 'primary', onclick: () => this.setView('compare') },
              `⇆ ${t('compare')}`
            )
          : null,
        this.selectedScenario
          ? h(
              'button',
              { onclick: () => void this.run() },
              `▶ ${t('runThis', this.selectedScenario)}`
            )
          : null
      ),
      h('p', { class: 'muted' }, t('welcome3'))
    );
  }

  renderBanner(): void {
    const b = this.el.banner;
    const run = this.activeRun() ?? (this.myRunId ? this.runs.get(this.myRunId) : undefined);
    const parts: Child[] = [];
    if (run) {
      if (run.phase === 'paused' && run.pausedAt) {
        const p = run.pausedAt;
        parts.push(
          h(
            'div',
            { class: 'banner-line paused' },
            h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '‖'),
            h(
              'div',
              null,
              h(
                'strong',
                null,
                p.name === 'wire' ? t('pausedWire', p.method ?? 'HTTP') : t('pausedAt', p.name)
              ),
              h('p', { class: 'muted' }, t('pausedHint'))
            ),
            h(
              'div',
              { class: 'banner-actions' },
              this.cloneButton(this.el.nextBtn, () => void this.stepAction('next')),
              this.cloneButton(this.el.contBtn, () => void this.stepAction('continue'))
            )
          )
        );
      } else if (run.phase === 'running' || run.phase === 'starting') {
        parts.push(
          h(
            'div',
            { class: 'banner-line' },
            h('span', { class: 'banner-icon' }, '▶'),
            t('runningRun', run.scenario)
          )
        );
      } else if (run.phase === 'done') {
        parts.push(
          h(
            'div',
            { class: 'banner-line' },
            h('span', { class: 'banner-icon' }, run.exitCode === 0 ? '✔' : '✖'),
            t('runDone', run.scenario, run.exitCode ?? '?'),
            run.message && run.exitCode !== 0
              ? h('code', { class: 'banner-msg' }, run.message)
              : null
          )
        );
      } else if (run.phase === 'failed') {
        parts.push(
          h(
            'div',
            { class: 'banner-line' },
            h('span', { class: 'banner-icon' }, '✖'),
            t('runFailed', run.scenario, run.message ?? '')
          )
        );
      } else if (run.phase === 'aborted') {
        parts.push(
          h(
            'div',
            { class: 'banner-line' },
            h('span', { class: 'banner-icon' }, '■'),
            t('runAborted', run.scenario)
          )
        );
      }
    }
    const p = this.prediction;
    const q = p ? PREDICTIONS[p.layer] : undefined;
    if (p && q) {
      const L = lang();
      const opts = q.options.map((o, i) =>
        h(
          'button',
          {
            class: `option${p.choice === i ? ' chosen' : ''}${p.outcome === i ? ' happened' : ''}`,
            'aria-pressed': String(p.choice === i),
            disabled: p.outcome !== undefined,
            onclick: () => this.choosePrediction(i),
          },
          p.outcome === i
            ? `✔ ${o.label[L]}`
            : p.choice === i
              ? `◉ ${o.label[L]}`
              : `○ ${o.label[L]}`
        )
      );
      let verdict: Child = null;
      if (p.outcome !== undefined) {
        const guess = p.choice !== undefined ? q.options[p.choice]?.label[L] : undefined;
        const was = p.outcome >= 0 ? q.options[p.outcome]?.label[L] : undefined;
        verdict = h(
          'p',
          { class: 'verdict' },
          guess ? `${t('yourGuess', guess)} ` : '',
          was ? t('itWas', was) : t('noneHappened'),
          ' ',
          guess && was
            ? h(
                'strong',
                null,
                p.choice === p.outcome ? `✔ ${t('right')}` : `✖ ${t('notThisTime')}`
              )
            : null
        );
      }
      parts.push(
        h(
          'div',
          { class: 'banner-line predict', dataset: { layer: p.layer } },
          h('span', { class: 'banner-icon' }, '?'),
          h(
            'div',
            null,
            h('strong', null, q.question[L]),
            h('div', { class: 'options' }, ...opts),
            verdict
          )
        )
      );
    }
    replace(b, ...parts);
    b.hidden = parts.length === 0;
  }

  cloneButton(source: HTMLButtonElement, onclick: () => void): HTMLButtonElement {
    return h(
      'button',
      { class: 'primary', onclick, title: source.title },
      source.textContent ?? ''
    );
  }

  toast(message: string): void {
    const item = h('div', { class: 'toast' }, message);
    this.el.toasts.appendChild(item);
    setTimeout(() => item.remove(), 6000);
  }
}

const app = new App();
void app.start();
(window as unknown as { novatrace: App }).novatrace = app;

/** A scenario's one line in the page's language (English when no Japanese line exists). */
function scenarioSummary(s: { summary: string; summaryJa?: string }): string {
  return lang() === 'ja' && s.summaryJa ? s.summaryJa : s.summary;
}
