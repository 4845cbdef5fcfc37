/**
 * @module
 * What the viewer's route modules share: the parts {@link createViewerApp} wires once (store,
 * hub, runs, limits) and the small request helpers several routes use.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { SpanRecord } from '../../telemetry/types.js';
import type { TraceCodec } from '../codec.js';
import type { EventHub } from '../event-hub.js';
import { readLimited, ReceiveError } from '../otlp-receiver.js';
import type { RunManager } from '../runs.js';
import type { PutManyResult, TraceStore } from '../trace-store.js';
import type { ScenarioLine, TraceSource } from '../types.js';

/** The header a page sends with its own random token to own the runs it starts. */
export const OWNER_HEADER = 'x-novatrace-owner';
export const OWNER_TOKEN = /^[\w-]{16,64}$/;
/** Bound of the per-page maps (run owners, follow links): the oldest are forgotten first. */
export const MAX_OWNERS = 256;

/** The parts of one viewer, made by `createViewerApp` and handed to each route module. */
export interface ViewerParts {
  readonly store: TraceStore;
  readonly hub: EventHub;
  readonly runs: RunManager;
  readonly codec: TraceCodec;
  readonly scenarios: () => readonly ScenarioLine[];
  /** Which page owns a run it started (run id → the page's owner token). */
  readonly owners: Map<string, string>;
  /** Stores a batch and tells browsers; returns the store's account of it. */
  ingestBatch(records: readonly SpanRecord[], source: TraceSource, label?: string): PutManyResult;
}

/** Forgets the oldest entries of an insertion-ordered map beyond `max`. */
export function trimOldest(map: Map<string, unknown>, max: number): void {
  for (const old of map.keys()) {
    if (map.size <= max) break;
    map.delete(old);
  }
}

export async function readJson(c: Context, limit: number): Promise<unknown> {
  const bytes = await readLimited(c.req.raw, limit);
  try {
    return JSON.parse(new TextDecoder('utf-8').decode(bytes)) as unknown;
  } catch {
    throw new ReceiveError(400, 'body is not valid JSON');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compares two secrets in constant time (a teacher key). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
