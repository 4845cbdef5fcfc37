/**
 * @module
 * Small readings of one span that the analysis views share: its layer id (the ids every view,
 * filter and colour agree on), its attributes as numbers or strings, and its active time (the
 * duration minus the time a step-mode run kept it paused, `novatrace.paused_ms`). Pure code.
 */
import type { AttrValue, SpanRecord } from '../src/telemetry/types.js';
import { laneOf, type SpanNode } from './model.js';

import {
  LAYER_IDS as LAYERS,
  type LayerId as ColouredLayer,
} from '../src/telemetry/layer-colours.js';

/** The layer ids: the coloured layers of src/telemetry/layer-colours.ts, and `other`. */
export type LayerId = ColouredLayer | 'other';

export const LAYER_IDS: readonly LayerId[] = [...LAYERS, 'other'];

/** The layer of a span: {@link laneOf}, plus keystoneauth1 (the session road's layer). */
export function layerOf(span: SpanRecord): LayerId {
  if (span.kind !== 'client' && span.attributes['novatrace.layer'] === 'keystoneauth1') {
    return 'keystoneauth1';
  }
  return laneOf(span);
}

/** An attribute as a finite number (OTLP integers may arrive as decimal strings). */
export function numberAttr(
  attributes: Readonly<Record<string, AttrValue>>,
  key: string
): number | undefined {
  const v = attributes[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** An attribute as a string (the first element of a string array, as semconv headers are). */
export function stringAttr(
  attributes: Readonly<Record<string, AttrValue>>,
  key: string
): string | undefined {
  const v = attributes[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** Milliseconds the span was paused by step mode (0 when it never was). */
export function pausedMs(span: SpanRecord): number {
  const v = numberAttr(span.attributes, 'novatrace.paused_ms');
  return v !== undefined && v > 0 ? v : 0;
}

/** Where a span ends on the axis: its end, or `nowMs` while it runs. */
export function endOf(node: SpanNode, nowMs: number): number {
  return node.endMs ?? Math.max(nowMs, node.startMs);
}

/** Wall duration minus paused time: what the span's own work and its callees took. */
export function activeMs(node: SpanNode, nowMs = node.startMs): number {
  return Math.max(0, endOf(node, nowMs) - node.startMs - pausedMs(node.span));
}

/** Whether the span failed (status ERROR or an exception event). */
export function isError(span: SpanRecord): boolean {
  if (span.status.code === 2) return true;
  for (const e of span.events) if (e.name === 'exception') return true;
  return false;
}
