/**
 * @module
 * The page's model of one trace: spans by id, rebuilt into a tree on demand. Pure code (no DOM),
 * tested in Node. A child whose parent has not arrived yet is shown at the top level, marked as
 * waiting for its parent; when the parent comes, the next build places it under it.
 */
import type { AttrValue, SpanRecord } from '../src/telemetry/types.js';

/** The colour lanes of the legend. */
export type LaneKey = 'novaclient' | 'requests' | 'urllib3' | 'wire' | 'cloud' | 'other';

export const LANES: readonly LaneKey[] = [
  'novaclient',
  'requests',
  'urllib3',
  'wire',
  'cloud',
  'other',
];

/** Which lane a span belongs to: its `novatrace.layer`, else the wire (CLIENT) or the cloud (SERVER). */
export function laneOf(span: SpanRecord): LaneKey {
  const layer = span.attributes['novatrace.layer'];
  if (span.kind === 'client') return 'wire';
  if (span.kind === 'server' || span.scope === 'novatrace.cloud') return 'cloud';
  if (layer === 'novaclient' || layer === 'requests' || layer === 'urllib3') return layer;
  return 'other';
}

export interface SpanNode {
  readonly span: SpanRecord;
  readonly id: string;
  /** Milliseconds from the trace's first start. */
  readonly startMs: number;
  /** Undefined while the span runs. */
  readonly endMs: number | undefined;
  readonly children: SpanNode[];
  parent: SpanNode | undefined;
  depth: number;
  /** True when the span names a parent that is not (yet) in the trace. */
  orphan: boolean;
  readonly lane: LaneKey;
}

export interface TraceTree {
  readonly roots: readonly SpanNode[];
  readonly byId: ReadonlyMap<string, SpanNode>;
  /** Epoch nanoseconds of the earliest start. */
  readonly t0: bigint;
  /** Milliseconds from t0 to the latest end seen (running spans not included). */
  readonly endMs: number;
  readonly running: number;
}

function cmpStart(a: SpanNode, b: SpanNode): number {
  return a.startMs - b.startMs || (a.span.name < b.span.name ? -1 : 1);
}

/** Spans of one trace, newest version of each. */
export class TraceModel {
  readonly traceId: string;
  readonly spans = new Map<string, SpanRecord>();
  #tree: TraceTree | undefined;

  constructor(traceId: string, spans: readonly SpanRecord[] = []) {
    this.traceId = traceId;
    for (const span of spans) this.put(span);
  }

  /** Adds or replaces a span; a running copy never replaces a finished one. */
  put(span: SpanRecord): boolean {
    if (span.traceId !== this.traceId) return false;
    const old = this.spans.get(span.spanId);
    if (old && old.endTimeUnixNano !== undefined && span.endTimeUnixNano === undefined)
      return false;
    this.spans.set(span.spanId, span);
    this.#tree = undefined;
    return true;
  }

  get size(): number {
    return this.spans.size;
  }

  /** The tree (cached until the next put). */
  tree(): TraceTree {
    this.#tree ??= buildTree([...this.spans.values()]);
    return this.#tree;
  }
}

/** Builds the parent/child tree of a set of spans of one trace. */
export function buildTree(spans: readonly SpanRecord[]): TraceTree {
  let t0: bigint | undefined;
  for (const s of spans) {
    const start = BigInt(s.startTimeUnixNano);
    if (t0 === undefined || start < t0) t0 = start;
  }
  const base = t0 ?? 0n;
  const toMs = (nanos: string) => Number(BigInt(nanos) - base) / 1e6;
  const byId = new Map<string, SpanNode>();
  let endMs = 0;
  let running = 0;
  for (const span of spans) {
    const end = span.endTimeUnixNano === undefined ? undefined : toMs(span.endTimeUnixNano);
    if (end === undefined) running += 1;
    else if (end > endMs) endMs = end;
    byId.set(span.spanId, {
      span,
      id: span.spanId,
      startMs: toMs(span.startTimeUnixNano),
      endMs: end,
      children: [],
      parent: undefined,
      depth: 0,
      orphan: false,
      lane: laneOf(span),
    });
  }
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId ? byId.get(parentId) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  for (const node of byId.values()) {
    node.orphan = !!node.span.parentSpanId && !byId.has(node.span.parentSpanId);
  }
  roots.sort(cmpStart);
  const stack: SpanNode[] = [...roots];
  const seen = new Set<SpanNode>();
  while (stack.length > 0) {
    const node = stack.pop() as SpanNode;
    if (seen.has(node)) continue;
    seen.add(node);
    node.children.sort(cmpStart);
    for (const child of node.children) {
      child.depth = node.depth + 1;
      stack.push(child);
    }
  }
  // A parent cycle (malformed input) leaves nodes unreachable from any root: show them as roots.
  for (const node of byId.values()) {
    if (!seen.has(node)) {
      node.parent = undefined;
      node.depth = 0;
      roots.push(node);
      seen.add(node);
    }
  }
  return { roots, byId, t0: base, endMs, running };
}

/** One visible line of the tree. */
export interface Row {
  readonly node: SpanNode;
  readonly depth: number;
  readonly hasChildren: boolean;
  readonly open: boolean;
}

/** Depth-first visible rows; children of collapsed spans are left out. */
export function flatten(tree: TraceTree, collapsed: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const seen = new Set<SpanNode>();
  const walk = (node: SpanNode, depth: number) => {
    if (seen.has(node)) return;
    seen.add(node);
    const hasChildren = node.children.length > 0;
    const open = hasChildren && !collapsed.has(node.id);
    rows.push({ node, depth, hasChildren, open });
    if (open) for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of tree.roots) walk(root, 0);
  return rows;
}

/** Ids of every span that has children (what "collapse all" collapses). */
export function parentsOf(tree: TraceTree): string[] {
  return [...tree.byId.values()].filter((n) => n.children.length > 0).map((n) => n.id);
}

/** Opens one more level: expands the shallowest collapsed spans among the visible rows. */
export function expandOneLevel(rows: readonly Row[], collapsed: Set<string>): void {
  const closed = rows.filter((r) => r.hasChildren && !r.open);
  if (closed.length === 0) return;
  const depth = Math.min(...closed.map((r) => r.depth));
  for (const r of closed) if (r.depth === depth) collapsed.delete(r.node.id);
}

/** Closes one level: collapses the deepest open spans among the visible rows. */
export function collapseOneLevel(rows: readonly Row[], collapsed: Set<string>): void {
  const open = rows.filter((r) => r.open);
  if (open.length === 0) return;
  const depth = Math.max(...open.map((r) => r.depth));
  for (const r of open) if (r.depth === depth) collapsed.add(r.node.id);
}

/** The decision key of an event (`novatrace.event`), if it is a decision. */
export function eventKey(attributes: Readonly<Record<string, AttrValue>>): string | undefined {
  const key = attributes['novatrace.event'];
  return typeof key === 'string' ? key : undefined;
}

/** Whether a span is in error, and the Python class and message of its exception. */
export function errorOf(
  span: SpanRecord
): { type: string; message: string; stack?: string } | undefined {
  const ex = span.events.find((e) => e.name === 'exception');
  if (ex) {
    const type = ex.attributes['exception.type'];
    const message = ex.attributes['exception.message'];
    const stack = ex.attributes['exception.stacktrace'];
    return {
      type: typeof type === 'string' ? type : String(span.attributes['error.type'] ?? 'Error'),
      message: typeof message === 'string' ? message : (span.status.message ?? ''),
      ...(typeof stack === 'string' ? { stack } : {}),
    };
  }
  if (span.status.code === 2) {
    const type = span.attributes['error.type'];
    return { type: typeof type === 'string' ? type : 'error', message: span.status.message ?? '' };
  }
  return undefined;
}

/** A value as the page shows it. */
export function showValue(value: AttrValue): string {
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return typeof value === 'string' ? value : String(value);
}
