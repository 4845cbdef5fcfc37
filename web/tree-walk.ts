/**
 * @module
 * Walks over a built trace tree (web/model.ts): the visible rows for a set of collapsed spans,
 * one level more or less, a span's ancestors, and the small readers of span data the views
 * share. Iterative, as every walk over span data is (a chain may be 100,000 spans deep).
 */
import type { AttrValue, SpanRecord } from '../src/telemetry/types.js';
import type { SpanNode, TraceTree } from './model.js';

/** One visible line of the tree. */
export interface Row {
  readonly node: SpanNode;
  readonly depth: number;
  readonly hasChildren: boolean;
  readonly open: boolean;
}

/** Depth-first visible rows; children of collapsed spans are left out. Iterative. */
export function flatten(tree: TraceTree, collapsed: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const stack: SpanNode[] = [];
  const limit = tree.byId.size;
  for (let i = tree.roots.length - 1; i >= 0; i--) stack.push(tree.roots[i] as SpanNode);
  // The bound guards a tree whose nodes changed after it was built (a stale copy).
  while (stack.length > 0 && rows.length < limit) {
    const node = stack.pop() as SpanNode;
    const kids = node.children;
    const hasChildren = kids.length > 0;
    const open = hasChildren && (collapsed.size === 0 || !collapsed.has(node.id));
    rows.push({ node, depth: node.depth, hasChildren, open });
    if (open) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as SpanNode);
  }
  return rows;
}

/** Ids of every span that has children (what "collapse all" collapses). */
export function parentsOf(tree: TraceTree): string[] {
  const out: string[] = [];
  for (const n of tree.byId.values()) if (n.children.length > 0) out.push(n.id);
  return out;
}

/** Opens one more level: expands the shallowest collapsed spans among the visible rows. */
export function expandOneLevel(rows: readonly Row[], collapsed: Set<string>): void {
  let depth = Infinity;
  for (const r of rows) if (r.hasChildren && !r.open && r.depth < depth) depth = r.depth;
  if (depth === Infinity) return;
  for (const r of rows)
    if (r.hasChildren && !r.open && r.depth === depth) collapsed.delete(r.node.id);
}

/** Closes one level: collapses the deepest open spans among the visible rows. */
export function collapseOneLevel(rows: readonly Row[], collapsed: Set<string>): void {
  let depth = -1;
  for (const r of rows) if (r.open && r.depth > depth) depth = r.depth;
  if (depth < 0) return;
  for (const r of rows) if (r.open && r.depth === depth) collapsed.add(r.node.id);
}

/** The ancestors of a node, nearest first (iterative; bounded by the tree's size). */
export function ancestorsOf(node: SpanNode, limit = Infinity): SpanNode[] {
  const out: SpanNode[] = [];
  let p = node.parent;
  while (p && out.length < limit) {
    out.push(p);
    p = p.parent;
  }
  return out;
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
