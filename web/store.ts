/**
 * @module
 * The page's shared state and the one way views learn that it changed. State lives in one
 * object; `set` assigns and marks the keys it touched, `touch` marks keys whose value was
 * changed in place (a trace model that got a span). Once per animation frame every subscriber
 * whose keys were marked runs, in the order it subscribed. A view therefore renders at most
 * once per frame, whatever happened in between.
 *
 * @example
 * store.subscribe(['selected', 'spans', 'lang'], () => detail.render());
 * store.set({ selected: spanId });
 */
import type {
  LibraryEntry,
  PausePoint,
  RunState,
  ScenarioLine,
  TraceSummary,
} from '../src/viewer/types.js';
import type { TraceModel } from './model.js';
import type { Lang } from './narration.js';
import type { TimeRange } from './zoom.js';

/** A prediction asked at a paused span (step mode with "Predict first"). */
export interface PredictionState {
  readonly traceId: string;
  readonly spanId: string;
  readonly layer: string;
  choice?: number;
  /** Index of the option that happened, -1 for none of them. */
  outcome?: number;
  happened?: string;
}

/** How the page's link to its server stands. */
export type ConnectionState = 'connecting' | 'live' | 'lost';

export interface PageState {
  /** Summaries of the stored traces, by trace id. */
  traces: Map<string, TraceSummary>;
  runs: Map<string, RunState>;
  scenarios: ScenarioLine[];
  library: LibraryEntry[];
  selectedScenario: string | undefined;
  /** The trace the tree shows. */
  current: TraceModel | undefined;
  /** The selected span of the tree. */
  selected: string | undefined;
  collapsed: Set<string>;
  view: 'tree' | 'compare';
  /** What each compare side shows: a trace id, or `traceId:spanId` for one run in it. */
  comparePick: { a?: string; b?: string };
  compareSel: { side: 'a' | 'b'; spanId: string } | undefined;
  /** Show each new trace as it comes. */
  follow: boolean;
  stepMode: boolean;
  predict: boolean;
  /** The run this page started. */
  myRunId: string | undefined;
  prediction: PredictionState | undefined;
  connection: ConnectionState;
  lang: Lang;
  /** Follow mode: this page leads a class (`lead`) or mirrors a leading page (`follow`). */
  followRole: 'lead' | 'follow' | undefined;
  followId: string | undefined;
  /** Why the tree is empty, when it is: no trace at all, a bad link, an evicted trace. */
  empty: 'none' | 'bad-link' | 'evicted' | undefined;
  /** The road the next run takes: the seed note's HTTPClient or the nova command's session. */
  road: 'note' | 'nova';
  /** The step stop the page shows (the live one, a past one, or a replay's), if any. */
  stopShown: PausePoint | undefined;
  /** The Find box's text (kept in the permalink). */
  findText: string;
  /** The waterfall's visible time range (ms from its trace's start); undefined: the whole trace. */
  zoom: (TimeRange & { readonly traceId: string }) | undefined;
  /** Highlight the critical path in the waterfall. */
  criticalPath: boolean;
  /** Show the self-time column in the tree. */
  selfColumn: boolean;
}

/** A key of the state, or `spans`: the spans inside a shown trace model changed. */
export type StateKey = keyof PageState | 'spans';

type Listener = () => void;

export class Store {
  readonly state: PageState;
  readonly #subs: { keys: ReadonlySet<StateKey>; fn: Listener }[] = [];
  #dirty = new Set<StateKey>();
  #raf = 0;
  #flushing = false;
  #again = false;

  constructor(initial: PageState) {
    this.state = initial;
  }

  /** Assigns part of the state and marks those keys changed. */
  set(patch: Partial<PageState>): void {
    Object.assign(this.state, patch);
    this.touch(...(Object.keys(patch) as StateKey[]));
  }

  /** Marks keys changed whose values were changed in place. */
  touch(...keys: StateKey[]): void {
    for (const k of keys) this.#dirty.add(k);
    if (this.#raf || keys.length === 0) return;
    this.#raf = requestAnimationFrame(() => this.flush());
  }

  /**
   * Calls `fn` once per frame after any of `keys` changed; returns the unsubscribe function.
   * Subscribers run in subscription order.
   */
  subscribe(keys: readonly StateKey[], fn: Listener): () => void {
    const sub = { keys: new Set(keys), fn };
    this.#subs.push(sub);
    return () => {
      const i = this.#subs.indexOf(sub);
      if (i >= 0) this.#subs.splice(i, 1);
    };
  }

  /** Runs the subscribers of the keys changed so far (the frame callback; callable directly). */
  flush(): void {
    if (this.#raf) cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#flushing = true;
    try {
      for (let round = 0; round < 4; round++) {
        this.#again = false;
        const dirty = this.#dirty;
        this.#dirty = new Set();
        for (const sub of [...this.#subs]) {
          for (const k of sub.keys) {
            if (dirty.has(k)) {
              sub.fn();
              break;
            }
          }
        }
        if (!this.#again || this.#dirty.size === 0) break;
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * Draws what changed now, in this task, and what that drawing changed in turn, instead of at
   * the next frame (and the one after): for a stop shown on a key press or when the program
   * pauses, which the learner waits for. Inside a subscriber it makes the running flush go
   * round again.
   */
  settle(): void {
    if (this.#flushing) this.#again = true;
    else if (this.#dirty.size > 0) this.flush();
  }
}

/** The state of a page that has just opened. */
export function initialState(lang: Lang): PageState {
  return {
    traces: new Map(),
    runs: new Map(),
    scenarios: [],
    library: [],
    selectedScenario: undefined,
    current: undefined,
    selected: undefined,
    collapsed: new Set(),
    view: 'tree',
    comparePick: {},
    compareSel: undefined,
    follow: true,
    stepMode: false,
    predict: stored(STORAGE.predict) === '1',
    myRunId: stored(STORAGE.myRun) ?? undefined,
    prediction: undefined,
    connection: 'connecting',
    lang,
    empty: undefined,
    followRole: undefined,
    followId: undefined,
    road: stored(STORAGE.road) === 'nova' ? 'nova' : 'note',
    stopShown: undefined,
    findText: '',
    zoom: undefined,
    criticalPath: false,
    selfColumn: false,
  };
}

/** localStorage keys of the settings a page remembers. */
export const STORAGE = {
  lang: 'novatrace.lang',
  theme: 'novatrace.theme',
  predict: 'novatrace.predict',
  split: 'novatrace.split',
  road: 'novatrace.road',
  /** Per tab (sessionStorage): the run this tab started, so a reload keeps its controls. */
  myRun: 'novatrace.myRun',
} as const;

function storageFor(key: string): Storage {
  return key === STORAGE.myRun ? sessionStorage : localStorage;
}

/** A remembered setting, or null (also in private mode, where storage throws). */
export function stored(key: string): string | null {
  try {
    return storageFor(key).getItem(key);
  } catch {
    return null;
  }
}

/** Remembers a setting; in private mode it just is not remembered. */
export function remember(key: string, value: string): void {
  try {
    storageFor(key).setItem(key, value);
  } catch {
    // not remembered
  }
}
