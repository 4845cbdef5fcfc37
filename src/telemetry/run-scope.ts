/**
 * @module
 * Per-run context that travels with async calls: lets the viewer's step mode pause the real
 * program at the entry and the return of every layer (and, finer, after each decision), without
 * the ported code knowing about the viewer.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';
import type { CallSite } from './call-sites.js';
import type { LayerName } from './layers.js';

/** What a step gate is told when a layer is entered. */
export interface LayerEntry {
  readonly name: LayerName | 'wire';
  readonly traceId: string;
  readonly spanId: string;
  /** For the wire span: the HTTP method; else undefined. */
  readonly method?: string;
  /** The span just opened (absent from callers that only pass ids: then the active span). */
  readonly span?: Span;
  /** The TypeScript line that made the call, when the scope asked for stop sites. */
  readonly site?: CallSite;
}

/** What a step gate is told when a layer hands back its value or lets an exception out. */
export interface LayerExit {
  readonly name: LayerName;
  readonly traceId: string;
  readonly spanId: string;
  readonly span: Span;
  /** `return`: the body resolved; `raise`: it threw. */
  readonly kind: 'return' | 'raise';
  /** A short summary of the value (`HTTPConnection to 127.0.0.1:8774, local port 50312`) or of
   * the exception (`requests.exceptions.ConnectionError: ...`). */
  readonly summary: string;
  /** The line the value goes back to (the caller's line). */
  readonly site?: CallSite;
}

/** A decision event just added to a layer span (`pool hit`, `retry`...). */
export interface LayerDecision {
  /** The stable event key. */
  readonly key: string;
  /** The event's display name (the upstream log line, where one exists). */
  readonly message: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly span: Span;
  /** The line that took the branch. */
  readonly site?: CallSite;
}

export interface RunScope {
  /** Awaited at the entry of every layer span (after the span started, before the body runs). */
  readonly gate?: (entry: LayerEntry) => Promise<void>;
  /** Awaited when a layer span's body has finished, before the span ends. */
  readonly leave?: (exit: LayerExit) => Promise<void>;
  /** Told (synchronously) of each decision event; a step-mode run stops at the next gate. */
  readonly decided?: (decision: LayerDecision) => void;
  /** True while stops want their TypeScript line and return summary (costs a stack capture). */
  readonly wantsStops?: () => boolean;
  /**
   * Told of the run's own root span (a scenario's, not a layer): step mode pauses it with the
   * layers below it, so its duration too is active time.
   */
  readonly root?: (span: Span) => void;
}

const storage = new AsyncLocalStorage<RunScope>();

/**
 * Runs `fn` with a run scope, so every layer entered inside it awaits `scope.gate`.
 * @example
 * await withRunScope({ gate: async (e) => waitForNext(e) }, () => runScenario('happy'));
 */
export function withRunScope<T>(scope: RunScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

/** The run scope of the current async context, if any. */
export function currentRunScope(): RunScope | undefined {
  return storage.getStore();
}
