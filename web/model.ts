/**
 * @module
 * The page's model of one trace: spans by id, kept as a tree that is updated in place as spans
 * arrive. Pure code (no DOM), tested in Node. A child whose parent has not arrived yet is shown at
 * the top level, marked as waiting for its parent; when the parent comes it moves under it.
 *
 * Every walk is iterative and every step is linear, because span data comes from anywhere: a
 * chain of 100,000 spans, a star, orphans or a parent cycle must build, flatten and render. Times
 * are parsed from the decimal nanosecond strings without BigInt (milliseconds and the nanoseconds
 * below them, separately), relative to the first span seen, so a 100k-span trace builds in tens of
 * milliseconds.
 */
import { LAYER_IDS, type LayerId } from '../src/telemetry/layer-colours.js';
import type { SpanRecord } from '../src/telemetry/types.js';

/** The colour lanes of the legend: the layer ids of the one colour key, plus `other`. */
export type LaneKey = LayerId | 'other';

export const LANES: readonly LaneKey[] = [...LAYER_IDS, 'other'];

/** Which lane a span belongs to: its `novatrace.layer`, else the wire (CLIENT) or the cloud (SERVER). */
export function laneOf(span: SpanRecord): LaneKey {
  const layer = span.attributes['novatrace.layer'];
  if (span.kind === 'client') return 'wire';
  if (span.kind === 'server' || span.scope === 'novatrace.cloud') return 'cloud';
  if (
    layer === 'novaclient' ||
    layer === 'keystoneauth1' ||
    layer === 'requests' ||
    layer === 'urllib3'
  )
    return layer;
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
  /** Changes whenever a span is added or moves in the tree (not when one only ends). */
  readonly version: number;
  /** Milliseconds from t0 of an epoch-nanosecond string (an event's time), without BigInt. */
  msAt(nanos: string): number;
}

/** The whole milliseconds of an epoch-nanosecond string (exact: below 2^53); 0 if not digits. */
function msPart(nanos: string): number {
  let n = 0;
  for (let i = 0, end = nanos.length - 6; i < end; i++) {
    const d = nanos.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  return n;
}

/** The nanoseconds below the milliseconds, 0..999,999 (read digit by digit: no substrings). */
function nsPart(nanos: string): number {
  let n = 0;
  for (let i = Math.max(0, nanos.length - 6); i < nanos.length; i++) {
    const d = nanos.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  return n;
}

/** The child list of a leaf, shared and frozen (a node gets its own list with its first child). */
const NO_CHILDREN: Node[] = Object.freeze([]) as unknown as Node[];

/** The mutable node behind {@link SpanNode}; one class so every node has one shape. */
class Node implements SpanNode {
  span: SpanRecord;
  readonly id: string;
  startMs = 0;
  endMs: number | undefined = undefined;
  children: Node[] = NO_CHILDREN;
  parent: Node | undefined = undefined;
  depth = 0;
  orphan = false;
  lane: LaneKey;
  /** Start and end in milliseconds from the forest's anchor (the first span seen). */
  relStart = 0;
  relEnd: number | undefined = undefined;
  /** Whether the node is in the forest's root list. */
  inRoots = false;
  /** Walk generation that last reached this node. */
  mark = 0;

  constructor(span: SpanRecord) {
    this.span = span;
    this.id = span.spanId;
    this.lane = laneOf(span);
  }
}

function cmpNodes(a: Node, b: Node): number {
  return (
    a.relStart - b.relStart || (a.span.name < b.span.name ? -1 : a.span.name > b.span.name ? 1 : 0)
  );
}

/**
 * Spans of one trace as a forest kept up to date in place: adding a span costs a map lookup and
 * an append; {@link Forest.tree} then sorts only the child lists that changed and walks the tree
 * once (depths, cycle breaking) only when its shape changed.
 */
class Forest {
  readonly nodes = new Map<string, Node>();
  /** Parent id → spans naming it that wait for it at the top level. */
  readonly #waiting = new Map<string, Node[]>();
  #roots: Node[] = [];
  #rootsDirty = false;
  readonly #unsorted = new Set<Node>();
  #rootsUnsorted = false;
  #shapeChanged = true;
  #anchorMs = Number.NaN;
  #anchorNs = 0;
  #minRel = Infinity;
  #minStart = '0';
  /** The minimum start the nodes' startMs/endMs were computed against. */
  #shownMin = Number.NaN;
  #maxEndRel = -Infinity;
  #running = 0;
  #version = 0;
  #gen = 0;
  #tree: TraceTree | undefined;

  #rel(nanos: string): number {
    if (Number.isNaN(this.#anchorMs)) {
      this.#anchorMs = msPart(nanos);
      this.#anchorNs = nsPart(nanos);
    }
    return msPart(nanos) - this.#anchorMs + (nsPart(nanos) - this.#anchorNs) / 1e6;
  }

  /** Adds or replaces a span (the newer record of the same id wins). */
  put(span: SpanRecord): void {
    this.#tree = undefined;
    const old = this.nodes.get(span.spanId);
    if (old) {
      this.#update(old, span);
      return;
    }
    const node = new Node(span);
    this.nodes.set(node.id, node);
    this.#setTimes(node, span);
    this.#shapeChanged = true;
    // Spans that named this one as parent come in under it (it has no parent yet, so no cycle
    // can form here; attaching it below may close one, which tree() breaks).
    const waiting = this.#waiting.get(node.id);
    if (waiting) {
      this.#waiting.delete(node.id);
      for (const w of waiting) {
        if (w.parent !== undefined || w.span.parentSpanId !== node.id) continue;
        w.parent = node;
        w.orphan = false;
        this.#append(node, w);
        this.#rootsDirty = true;
      }
    }
    this.#attach(node);
  }

  #setTimes(node: Node, span: SpanRecord): void {
    node.relStart = this.#rel(span.startTimeUnixNano);
    node.relEnd = span.endTimeUnixNano === undefined ? undefined : this.#rel(span.endTimeUnixNano);
    if (node.relStart < this.#minRel) {
      this.#minRel = node.relStart;
      this.#minStart = span.startTimeUnixNano;
    }
    if (node.relEnd === undefined) this.#running += 1;
    else if (node.relEnd > this.#maxEndRel) this.#maxEndRel = node.relEnd;
    if (!Number.isNaN(this.#shownMin)) {
      node.startMs = node.relStart - this.#shownMin;
      node.endMs = node.relEnd === undefined ? undefined : node.relEnd - this.#shownMin;
    }
  }

  #update(node: Node, span: SpanRecord): void {
    const before = node.span;
    node.span = span;
    node.lane = laneOf(span);
    if (before.endTimeUnixNano === undefined) this.#running -= 1;
    if (before.startTimeUnixNano !== span.startTimeUnixNano) {
      this.#shapeChanged = true;
      if (node.parent) this.#unsorted.add(node.parent);
      else this.#rootsUnsorted = true;
    }
    this.#setTimes(node, span);
    if ((before.parentSpanId ?? '') !== (span.parentSpanId ?? '')) {
      this.#detach(node);
      this.#attach(node);
    }
  }

  #append(parent: Node, child: Node): void {
    if (parent.children === NO_CHILDREN) parent.children = [];
    const last = parent.children[parent.children.length - 1];
    parent.children.push(child);
    if (last && cmpNodes(last, child) > 0) this.#unsorted.add(parent);
  }

  #toRoots(node: Node): void {
    if (node.inRoots) return;
    node.inRoots = true;
    const last = this.#roots[this.#roots.length - 1];
    this.#roots.push(node);
    if (last && cmpNodes(last, node) > 0) this.#rootsUnsorted = true;
  }

  #attach(node: Node): void {
    this.#shapeChanged = true;
    const parentId = node.span.parentSpanId;
    const parent = parentId && parentId !== node.id ? this.nodes.get(parentId) : undefined;
    if (parent) {
      node.parent = parent;
      node.orphan = false;
      this.#append(parent, node);
      return;
    }
    node.parent = undefined;
    node.orphan = !!parentId && parentId !== node.id;
    this.#toRoots(node);
    if (node.orphan && parentId) {
      const list = this.#waiting.get(parentId);
      if (list) list.push(node);
      else this.#waiting.set(parentId, [node]);
    }
  }

  #detach(node: Node): void {
    this.#shapeChanged = true;
    const parent = node.parent;
    if (parent) {
      const i = parent.children.indexOf(node);
      if (i >= 0) parent.children.splice(i, 1);
      node.parent = undefined;
    } else if (node.inRoots) {
      this.#rootsDirty = true;
    }
  }

  tree(): TraceTree {
    if (this.#tree) return this.#tree;
    const min = this.nodes.size > 0 ? this.#minRel : 0;
    if (min !== this.#shownMin) {
      this.#shownMin = min;
      for (const node of this.nodes.values()) {
        node.startMs = node.relStart - min;
        node.endMs = node.relEnd === undefined ? undefined : node.relEnd - min;
      }
    }
    if (this.#shapeChanged) this.#reshape();
    const anchorMs = this.#anchorMs;
    const anchorNs = this.#anchorNs;
    this.#tree = {
      roots: this.#roots,
      byId: this.nodes,
      t0: BigInt(this.#minStart),
      endMs: this.#maxEndRel === -Infinity ? 0 : Math.max(0, this.#maxEndRel - min),
      running: this.#running,
      version: this.#version,
      msAt: (nanos: string) => msPart(nanos) - anchorMs + (nsPart(nanos) - anchorNs) / 1e6 - min,
    };
    return this.#tree;
  }

  /** Sorts what changed, then one walk from the roots: depths, and cycles broken into roots. */
  #reshape(): void {
    this.#shapeChanged = false;
    this.#version += 1;
    if (this.#rootsDirty) {
      this.#rootsDirty = false;
      const kept: Node[] = [];
      for (const n of this.#roots) {
        if (n.parent === undefined && this.nodes.get(n.id) === n) kept.push(n);
        else n.inRoots = false;
      }
      this.#roots = kept;
    }
    if (this.#rootsUnsorted) {
      this.#rootsUnsorted = false;
      this.#roots.sort(cmpNodes);
    }
    for (const n of this.#unsorted) n.children.sort(cmpNodes);
    this.#unsorted.clear();
    const gen = ++this.#gen;
    const stack: Node[] = [];
    const reach = (root: Node) => {
      root.depth = 0;
      root.mark = gen;
      stack.push(root);
      while (stack.length > 0) {
        const n = stack.pop() as Node;
        for (const c of n.children) {
          c.depth = n.depth + 1;
          c.mark = gen;
          stack.push(c);
        }
      }
    };
    for (const root of this.#roots) reach(root);
    // A parent cycle (malformed input) leaves nodes unreachable from any root: cut each cycle at
    // one node, which becomes a root, shown with the rest of its loop below it.
    let broke = false;
    for (const n of this.nodes.values()) {
      if (n.mark === gen) continue;
      const parent = n.parent;
      if (parent) {
        const i = parent.children.indexOf(n);
        if (i >= 0) parent.children.splice(i, 1);
      }
      n.parent = undefined;
      n.inRoots = true;
      this.#roots.push(n);
      broke = true;
      reach(n);
    }
    if (broke) this.#roots.sort(cmpNodes);
  }
}

/** Spans of one trace, newest version of each. */
export class TraceModel {
  readonly traceId: string;
  readonly #forest = new Forest();

  constructor(traceId: string, spans: readonly SpanRecord[] = []) {
    this.traceId = traceId;
    for (const span of spans) this.put(span);
  }

  /** Adds or replaces a span; a running copy never replaces a finished one. */
  put(span: SpanRecord): boolean {
    if (span.traceId !== this.traceId) return false;
    const old = this.#forest.nodes.get(span.spanId)?.span;
    if (old && old.endTimeUnixNano !== undefined && span.endTimeUnixNano === undefined)
      return false;
    this.#forest.put(span);
    return true;
  }

  get size(): number {
    return this.#forest.nodes.size;
  }

  /** The record of one span. */
  get(spanId: string): SpanRecord | undefined {
    return this.#forest.nodes.get(spanId)?.span;
  }

  /** The records by span id (a fresh map: for occasional whole-trace reads, not per frame). */
  get spans(): ReadonlyMap<string, SpanRecord> {
    const out = new Map<string, SpanRecord>();
    for (const [id, node] of this.#forest.nodes) out.set(id, node.span);
    return out;
  }

  /** Every span record, in arrival order. */
  *records(): IterableIterator<SpanRecord> {
    for (const node of this.#forest.nodes.values()) yield node.span;
  }

  /** The tree (the same object until the next put; its nodes are updated in place). */
  tree(): TraceTree {
    return this.#forest.tree();
  }
}

/** Builds the parent/child tree of a set of spans of one trace (a later record of an id wins). */
export function buildTree(spans: readonly SpanRecord[]): TraceTree {
  const forest = new Forest();
  for (const span of spans) forest.put(span);
  return forest.tree();
}

// The walks over a built tree live in web/tree-walk.ts; importers keep reading them from here.
export {
  flatten,
  parentsOf,
  expandOneLevel,
  collapseOneLevel,
  ancestorsOf,
  eventKey,
  errorOf,
  showValue,
} from './tree-walk.js';
export type { Row } from './tree-walk.js';
