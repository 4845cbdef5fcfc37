/**
 * @module
 * Public types of the viewer: what crosses the HTTP boundary between the server and the page
 * (SSE events, trace summaries, run states). The page imports these as types only.
 */
import type { SpanRecord } from '../telemetry/types.js';

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
}

/** Where a step-mode run waits. */
export interface PausePoint {
  /** Layer span name, or `wire` just before the request bytes are sent. */
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly method?: string;
}

export type RunPhase = 'starting' | 'running' | 'paused' | 'done' | 'failed' | 'aborted';

/** The state of one in-process run, as the page shows it. */
export interface RunState {
  readonly runId: string;
  /** Grows with every change; the page keeps the state with the highest `seq`. */
  readonly seq: number;
  readonly scenario: string;
  readonly step: boolean;
  readonly phase: RunPhase;
  /** Every trace the run produced so far, in order (warm-pool runs make two). */
  readonly traceIds: readonly string[];
  readonly pausedAt?: PausePoint;
  /** How many gates the run passed (layers entered). */
  readonly steps: number;
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
