/**
 * @module
 * Public types of the viewer: what crosses the HTTP boundary between the server and the page
 * (SSE events, trace summaries, run states). The page imports these as types only.
 */
import type { SpanRecord } from '../telemetry/types.js';

/** Which road a run takes: the seed note's `HTTPClient` (`note`) or the `nova` command's
 * keystoneauth1 session (`nova`). The same union as the scenarios area's `Road`. */
export type RunRoad = 'note' | 'nova';

/** Where a trace came from. */
export type TraceSource = 'live' | 'otlp' | 'file' | 'startup';

/** One line of the trace list. */
export interface TraceSummary {
  readonly traceId: string;
  readonly rootName: string;
  readonly service: string;
  /** Scenario name or file name, when known. */
  readonly label?: string;
  readonly runId?: string;
  readonly source: TraceSource;
  readonly startTimeUnixNano: string;
  /** From the earliest start to the latest end seen so far. */
  readonly durationMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly runningCount: number;
  /** The scenario of a scenario run, from its root span's `novatrace.scenario`. */
  readonly scenario?: string;
  /** The road of a scenario run, from its root span's `novatrace.road`. */
  readonly road?: RunRoad;
}

/** Which moment of a layer a stop is: its entry, its return, the exception it lets out, or a
 * decision it just took (`pool hit`, `retry`...). */
export type StopKind = 'entry' | 'return' | 'raise' | 'decision';

/** How finely a step-mode run stops: at each layer's entry and return, or at decisions too. */
export type StopDetail = 'layers' | 'decisions';

/** A TypeScript line: repository-relative file, 1-based line. */
export interface SourceLine {
  readonly file: string;
  readonly line: number;
}

/** Where a step-mode run waits (or waited: the run keeps every stop it reached). */
export interface PausePoint {
  /** Layer span name, or `wire` just before the request bytes are sent. */
  readonly name: string;
  readonly traceId: string;
  /** The span the stop belongs to (for a decision: the span that took it). */
  readonly spanId: string;
  readonly method?: string;
  readonly kind: StopKind;
  /** 0-based position among the run's stops. */
  readonly index: number;
  /** When the stop was reached, epoch nanoseconds (the spans' clock), as a decimal string. */
  readonly atUnixNano: string;
  /** The TypeScript line that made the call (entry, return, raise) or took the branch. */
  readonly site?: SourceLine;
  /** Return and raise stops: what the layer hands back, or the exception. */
  readonly summary?: string;
  /** Decision stops: the event key and its display name. */
  readonly event?: string;
  readonly message?: string;
  /**
   * When the program went on from this stop (epoch nanoseconds, decimal string); absent while it
   * waits there. With {@link atUnixNano} it is one pause of the program: the page leaves it out
   * of the active time of the spans still open, whose own pause records arrive only when they end.
   */
  readonly resumedAtUnixNano?: string;
}

export type RunPhase = 'starting' | 'running' | 'paused' | 'done' | 'failed' | 'aborted';

/** The state of one in-process run, as the page shows it. */
export interface RunState {
  readonly runId: string;
  /** Grows with every change; the page keeps the state with the highest `seq`. */
  readonly seq: number;
  readonly scenario: string;
  /** The road the run takes. */
  readonly road: RunRoad;
  readonly step: boolean;
  readonly phase: RunPhase;
  /** Every trace the run produced so far, in order (warm-pool runs make two). */
  readonly traceIds: readonly string[];
  readonly pausedAt?: PausePoint;
  /** The stop the program last went on from, with its resume time (the page's live pauses). */
  readonly resumed?: { readonly index: number; readonly atUnixNano: string };
  /** How many gates the run passed (layers entered). */
  readonly steps: number;
  /** How many stops the run reached so far (`GET /api/runs/:id/stops` lists them). */
  readonly stops: number;
  /** How finely the run stops in step mode. */
  readonly detail: StopDetail;
  readonly exitCode?: number;
  /** Last lines of the run's stderr, or the reason it failed. */
  readonly message?: string;
}

/** One scenario in the picker. */
export interface ScenarioLine {
  readonly name: string;
  readonly summary: string;
  /** The same line in Japanese, when the scenario has one. */
  readonly summaryJa?: string;
  /**
   * The nova road: what differs there (absent when nothing does), or null when the scenario's
   * fault only exists on the note's road (a library-level fault no `nova` command reaches).
   * Absent altogether: not known (both roads offered).
   */
  readonly nova?: {
    readonly note?: string;
    readonly noteJa?: string;
    /** The nova command runs, but never meets the fault the scenario is about. */
    readonly faultNotOnThisRoad?: boolean;
  } | null;
}

/** One recorded trace file in `traces/`. */
export interface LibraryEntry {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly summary?: string;
}

/** Events on `GET /api/events`; `type` is the SSE `event:` field, the rest is `data:`. */
export type ViewerEvent =
  | { readonly type: 'span-start'; readonly span: SpanRecord }
  | { readonly type: 'span-end'; readonly span: SpanRecord }
  | { readonly type: 'run-state'; readonly run: RunState }
  /** What a teacher's page shows, for the pages following it (`#follow=<followId>`). */
  | {
      readonly type: 'follow';
      readonly followId: string;
      readonly traceId: string;
      readonly spanId?: string;
      /** The lead moved to the page that opened the teacher link. */
      readonly handover?: true;
    }
  | {
      readonly type: 'resync';
      /** `hello` on connect, `dropped` after a slow client lost events, `bulk` after a big import. */
      readonly reason: 'hello' | 'dropped' | 'bulk' | 'evicted';
      readonly traces: readonly TraceSummary[];
      readonly runs: readonly RunState[];
    };

/** `POST /api/runs` answer. */
export interface RunStarted {
  readonly runId: string;
  /** The first trace of the run (null when the run failed before opening any span). */
  readonly traceId: string | null;
}

/** `POST /api/traces` answer. */
export interface TracesOpened {
  readonly traceIds: readonly string[];
  /** Spans stored. */
  readonly spans: number;
  /** Spans refused because their trace was full (absent when none were). */
  readonly refusedSpans?: number;
}
