/**
 * @module
 * The critical path of a trace, as Jaeger UI defines it: start at the root's end and walk back;
 * inside each span, the child that finished last (before the point reached) is on the path for
 * its own interval, then the walk continues in the parent from that child's start. Children that
 * end after their parent are clipped to it. Iterative (an explicit stack), so a 100,000-span chain
 * is fine. Pure code.
 */
import type { SpanNode, TraceTree } from './model.js';
import { endOf } from './span-facts.js';

/** One stretch of the path: `node` itself was the work between `startMs` and `endMs`. */
export interface PathSegment {
  readonly node: SpanNode;
  readonly startMs: number;
  readonly endMs: number;
}

export interface CriticalPath {
  readonly segments: readonly PathSegment[];
  /** Ids of the spans with at least one segment. */
  readonly spanIds: ReadonlySet<string>;
}

interface Frame {
  readonly node: SpanNode;
  /** Children by end, latest first. */
  readonly kids: readonly SpanNode[];
  next: number;
  /** The walk's point in this span: everything after it is accounted for. */
  cursor: number;
}

/**
 * The critical path of the tree's last-ending root (running spans end at `nowMs`).
 * @example
 * const { spanIds } = criticalPath(model.tree()); // highlight rows whose id is in spanIds
 */
export function criticalPath(tree: TraceTree, nowMs = tree.endMs): CriticalPath {
  let root: SpanNode | undefined;
  for (const r of tree.roots) if (!root || endOf(r, nowMs) > endOf(root, nowMs)) root = r;
  const segments: PathSegment[] = [];
  const spanIds = new Set<string>();
  if (!root) return { segments, spanIds };
  const frame = (node: SpanNode, cursor: number): Frame => ({
    node,
    kids: [...node.children].sort((a, b) => endOf(b, nowMs) - endOf(a, nowMs)),
    next: 0,
    cursor,
  });
  const add = (node: SpanNode, startMs: number, endMs: number) => {
    if (endMs <= startMs) return;
    segments.push({ node, startMs, endMs });
    spanIds.add(node.id);
  };
  const stack: Frame[] = [frame(root, endOf(root, nowMs))];
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as Frame;
    let child: SpanNode | undefined;
    while (f.next < f.kids.length) {
      const c = f.kids[f.next++] as SpanNode;
      // The last-finishing child that started before the point reached.
      if (c.startMs < f.cursor) {
        child = c;
        break;
      }
    }
    if (!child) {
      add(f.node, f.node.startMs, f.cursor);
      stack.pop();
      continue;
    }
    const childEnd = Math.min(endOf(child, nowMs), f.cursor);
    add(f.node, childEnd, f.cursor);
    // A child that starts before its parent (clock skew) is clipped to the parent too.
    f.cursor = Math.max(child.startMs, f.node.startMs);
    stack.push(frame(child, childEnd));
  }
  segments.sort((a, b) => a.startMs - b.startMs);
  return { segments, spanIds };
}
