/**
 * @module
 * Per-run context that travels with async calls: lets the viewer's step mode pause the real
 * program at the entry of every layer, without the ported code knowing about the viewer.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LayerName } from './layers.js';

/** What a step gate is told when a layer is entered. */
export interface LayerEntry {
  readonly name: LayerName | 'wire';
  readonly traceId: string;
  readonly spanId: string;
  /** For the wire span: the HTTP method; else undefined. */
  readonly method?: string;
}

export interface RunScope {
  /** Awaited at the entry of every layer span (after the span started, before the body runs). */
  readonly gate?: (entry: LayerEntry) => Promise<void>;
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
