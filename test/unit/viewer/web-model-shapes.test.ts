// The worst shapes a trace can have, at the store's per-trace cap: every one builds, flattens and
// keeps its depth without recursion (a recursive walk overflows the stack near 10,000 levels).
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/telemetry/types.js';
import {
  ancestorsOf,
  buildTree,
  collapseOneLevel,
  expandOneLevel,
  flatten,
  parentsOf,
  TraceModel,
} from '../../../web/model.js';

const CAP = 100_000;
const BASE = 1_795_000_000_000_000_000n;
const HEX = Array.from({ length: CAP * 2 }, (_, i) => i.toString(16).padStart(16, '0'));

/** `n` spans of one trace; `parentOf(i)` names span i's parent (undefined: a root). */
function shape(n: number, parentOf: (i: number) => number | undefined): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (let i = 0; i < n; i++) {
    const p = parentOf(i);
    // BASE + i µs, written without BigInt (i * 1,000 ns has at most 9 digits below the cap).
    const nanos = String(i * 1_000).padStart(9, '0');
    out.push({
      traceId: 'f'.repeat(32),
      spanId: HEX[i] as string,
      ...(p === undefined ? {} : { parentSpanId: HEX[p] as string }),
      name: `span ${i % 7}`,
      kind: 'internal',
      service: 'deep',
      scope: 'test',
      startTimeUnixNano: `1795000000${nanos}`,
      endTimeUnixNano: `1795000000${String(i * 1_000 + 500).padStart(9, '0')}`,
      attributes: {},
      events: [],
      status: { code: 0 },
    });
  }
  return out;
}

describe('buildTree and flatten at the cap', () => {
  const chain = shape(CAP, (i) => (i > 0 ? i - 1 : undefined));

  it('nests a chain of 100,000 spans, in order and reversed', () => {
    for (const spans of [chain, [...chain].reverse()]) {
      const tree = buildTree(spans);
      expect(tree.roots).toHaveLength(1);
      const rows = flatten(tree, new Set());
      expect(rows).toHaveLength(CAP);
      expect(rows[CAP - 1]?.depth).toBe(CAP - 1);
      expect(rows[CAP - 1]?.node.id).toBe(HEX[CAP - 1]);
      expect(ancestorsOf(rows[CAP - 1]!.node)).toHaveLength(CAP - 1);
      expect(parentsOf(tree)).toHaveLength(CAP - 1);
    }
  });

  it('opens and closes one level of a deep chain without spreading it into arguments', () => {
    const tree = buildTree(chain);
    const collapsed = new Set<string>();
    collapseOneLevel(flatten(tree, collapsed), collapsed);
    expect(flatten(tree, collapsed)).toHaveLength(CAP - 1);
    expandOneLevel(flatten(tree, collapsed), collapsed);
    expect(flatten(tree, collapsed)).toHaveLength(CAP);
  });

  it('sorts a star of 100,000 children by start time', () => {
    const star = shape(CAP, (i) => (i > 0 ? 0 : undefined)).reverse();
    const tree = buildTree(star);
    const kids = tree.roots[0]!.children;
    expect(kids).toHaveLength(CAP - 1);
    let sorted = true;
    for (let i = 1; i < kids.length; i++) sorted &&= kids[i]!.startMs >= kids[i - 1]!.startMs;
    expect(sorted).toBe(true);
    expect(flatten(tree, new Set())).toHaveLength(CAP);
  });

  it('shows 100,000 orphans as roots, each waiting for its parent', () => {
    const tree = buildTree(shape(CAP, (i) => CAP + i));
    expect(tree.roots).toHaveLength(CAP);
    expect(tree.roots.filter((r) => !r.orphan)).toHaveLength(0);
    expect(flatten(tree, new Set())).toHaveLength(CAP);
  });

  it('cuts a parent cycle through 100,000 spans at one span and shows them all', () => {
    const tree = buildTree(shape(CAP, (i) => (i + 1) % CAP));
    expect(tree.roots).toHaveLength(1);
    const rows = flatten(tree, new Set());
    expect(rows).toHaveLength(CAP);
    const ids = new Set<string>();
    for (const r of rows) ids.add(r.node.id);
    expect(ids.size).toBe(CAP);
  });

  it('cuts many small cycles, and a span that is its own parent is a root', () => {
    const tree = buildTree(shape(1_000, (i) => (i % 2 === 0 ? i + 1 : i - 1)));
    expect(tree.roots).toHaveLength(500);
    expect(flatten(tree, new Set())).toHaveLength(1_000);
    const self = buildTree(shape(3, (i) => i));
    expect(self.roots).toHaveLength(3);
    expect(self.roots.some((r) => r.orphan)).toBe(false);
  });
});

describe('TraceModel, updated in place', () => {
  it('adopts waiting children when their parent arrives, at any depth', () => {
    const chain = shape(2_000, (i) => (i > 0 ? i - 1 : undefined));
    const model = new TraceModel('f'.repeat(32));
    // Children end (and are exported) before their parents: the chain arrives bottom up.
    for (let i = chain.length - 1; i >= 0; i--) {
      model.put(chain[i]!);
      if (i % 100 === 0) expect(model.tree().roots[0]?.orphan).toBe(i > 0);
    }
    const tree = model.tree();
    expect(tree.roots).toHaveLength(1);
    expect(tree.byId.get(HEX[1_999]!)?.depth).toBe(1_999);
    expect(tree.endMs).toBeCloseTo(1_999 * 0.001 + 0.0005, 6);
  });

  it('breaks a cycle that closes when its last span arrives', () => {
    const [a, b, c] = shape(3, (i) => (i + 1) % 3);
    const model = new TraceModel('f'.repeat(32), [a!, b!]);
    expect(model.tree().roots.map((r) => r.id)).toEqual([b!.spanId]);
    model.put(c!);
    const rows = flatten(model.tree(), new Set());
    expect(rows.map((r) => r.node.id).sort()).toEqual([a, b, c].map((s) => s!.spanId).sort());
    expect(model.tree().roots).toHaveLength(1);
  });

  it('keeps rows when a span only ends, and moves the times when an earlier span arrives', () => {
    const [root, child] = shape(2, (i) => (i > 0 ? 0 : undefined));
    const running: SpanRecord = { ...child!, endTimeUnixNano: undefined };
    const model = new TraceModel('f'.repeat(32), [running]);
    const first = model.tree();
    expect(first.running).toBe(1);
    model.put(child!);
    const ended = model.tree();
    expect(ended.version).toBe(first.version);
    expect(ended.running).toBe(0);
    expect(ended.byId.get(child!.spanId)?.startMs).toBe(0);
    model.put(root!);
    const whole = model.tree();
    expect(whole.version).toBeGreaterThan(first.version);
    expect(whole.byId.get(child!.spanId)?.startMs).toBeCloseTo(0.001, 9);
    expect(whole.msAt(child!.endTimeUnixNano!)).toBeCloseTo(0.0015, 9);
    expect(whole.t0).toBe(BASE);
  });

  it('moves a span whose newer record names another parent', () => {
    const [a, b, c] = shape(3, (i) => (i === 2 ? 0 : i === 1 ? 0 : undefined));
    const model = new TraceModel('f'.repeat(32), [a!, b!, c!]);
    model.put({ ...c!, parentSpanId: b!.spanId });
    const tree = model.tree();
    expect(tree.byId.get(c!.spanId)?.parent?.id).toBe(b!.spanId);
    expect(tree.byId.get(c!.spanId)?.depth).toBe(2);
    expect(tree.byId.get(a!.spanId)?.children.map((n) => n.id)).toEqual([b!.spanId]);
  });
});
