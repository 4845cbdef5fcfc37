/**
 * @module
 * Aligns two traces layer by layer for the compare view. Children are matched by span name with
 * a longest-common-subsequence pass, so a span that only one run has (an `authenticate` after a
 * 401, a `_new_conn` on a cold pool) shows as inserted rather than shifting everything below
 * it. Matched spans are compared by their decision events, status and duration. Pure code.
 */
import { eventKey, type SpanNode } from './model.js';

export type DiffKind = 'same' | 'changed' | 'only-a' | 'only-b';

export interface CompareRow {
  readonly depth: number;
  readonly a?: SpanNode;
  readonly b?: SpanNode;
  readonly kind: DiffKind;
  /** Decision keys (or event names) present in A but not in B, and the reverse. */
  readonly eventsOnlyA: readonly string[];
  readonly eventsOnlyB: readonly string[];
  readonly statusDiffers: boolean;
  /** Duration of B minus A, when both ended. */
  readonly deltaMs?: number;
}

export interface CompareSummary {
  readonly rows: readonly CompareRow[];
  readonly onlyA: number;
  readonly onlyB: number;
  readonly changed: number;
  readonly same: number;
}

/** The decisions of a span: event keys, or names for events without a key (exception...). */
export function decisionsOf(node: SpanNode): string[] {
  return node.span.events.map((e) => eventKey(e.attributes) ?? e.name);
}

/** Elements of `a` not matched in `b`, counting duplicates. */
function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** Longest common subsequence of two name lists: pairs of indexes. */
export function lcsPairs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  // A table this big would cost more memory than the page should take; the callers' by-name
  // matching pairs such lists instead.
  if (n * m > 4_000_000) return [];
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as number[];
    const below = table[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (
      ((table[i + 1] as number[])[j] as number) >= ((table[i] as number[])[j + 1] as number)
    )
      i++;
    else j++;
  }
  return pairs;
}

function pairRow(a: SpanNode, b: SpanNode, depth: number): CompareRow {
  const da = decisionsOf(a);
  const db = decisionsOf(b);
  const eventsOnlyA = multisetMinus(da, db);
  const eventsOnlyB = multisetMinus(db, da);
  const statusDiffers = (a.span.status.code === 2) !== (b.span.status.code === 2);
  const changed = eventsOnlyA.length > 0 || eventsOnlyB.length > 0 || statusDiffers;
  const deltaMs =
    a.endMs !== undefined && b.endMs !== undefined
      ? b.endMs - b.startMs - (a.endMs - a.startMs)
      : undefined;
  return {
    depth,
    a,
    b,
    kind: changed ? 'changed' : 'same',
    eventsOnlyA,
    eventsOnlyB,
    statusDiffers,
    ...(deltaMs !== undefined ? { deltaMs } : {}),
  };
}

function oneSide(node: SpanNode, side: 'a' | 'b', depth: number, out: CompareRow[]): void {
  const events = decisionsOf(node);
  out.push({
    depth,
    [side]: node,
    kind: side === 'a' ? 'only-a' : 'only-b',
    eventsOnlyA: side === 'a' ? events : [],
    eventsOnlyB: side === 'b' ? events : [],
    statusDiffers: false,
  });
  for (const child of node.children) oneSide(child, side, depth + 1, out);
}

function alignLists(
  as: readonly SpanNode[],
  bs: readonly SpanNode[],
  depth: number,
  out: CompareRow[]
): void {
  // Two single roots are the two things being compared, whatever their names
  // (`scenario happy` against `scenario token-expired`).
  const pairs: [number, number][] =
    depth === 0 && as.length === 1 && bs.length === 1
      ? [[0, 0]]
      : lcsPairs(
          as.map((n) => n.span.name),
          bs.map((n) => n.span.name)
        );
  // Siblings that ran concurrently (the cloud's middleware, say) may start in either order:
  // pair what the subsequence left over by name too.
  const aUsed = new Set(pairs.map(([i]) => i));
  const bUsed = new Set(pairs.map(([, j]) => j));
  const freeB = new Map<string, number[]>();
  bs.forEach((b, j) => {
    if (!bUsed.has(j)) freeB.set(b.span.name, [...(freeB.get(b.span.name) ?? []), j]);
  });
  for (let i = 0; i < as.length; i++) {
    if (aUsed.has(i)) continue;
    const j = freeB.get(as[i]?.span.name ?? '')?.shift();
    if (j === undefined) continue;
    pairs.push([i, j]);
    aUsed.add(i);
    bUsed.add(j);
  }
  const pairOfA = new Map(pairs.map(([i, j]) => [i, j] as const));
  // Order: A's order for A's spans; a B-only span right after the last matched span before it.
  const aOfB = new Map(pairs.map(([i, j]) => [j, i] as const));
  type Item = { rank: number; seq: number; a?: number; b?: number };
  const items: Item[] = [];
  let seq = 0;
  for (let i = 0; i < as.length; i++) {
    const j = pairOfA.get(i);
    items.push(
      j !== undefined ? { rank: i, seq: seq++, a: i, b: j } : { rank: i, seq: seq++, a: i }
    );
  }
  let anchor = -0.5;
  for (let j = 0; j < bs.length; j++) {
    const i = aOfB.get(j);
    if (i !== undefined) anchor = Math.max(anchor, i);
    else items.push({ rank: anchor + 0.5, seq: seq++, b: j });
  }
  items.sort((x, y) => x.rank - y.rank || x.seq - y.seq);
  for (const item of items) {
    const a = item.a !== undefined ? as[item.a] : undefined;
    const b = item.b !== undefined ? bs[item.b] : undefined;
    if (a && b) {
      out.push(pairRow(a, b, depth));
      alignLists(a.children, b.children, depth + 1, out);
    } else if (a) oneSide(a, 'a', depth, out);
    else if (b) oneSide(b, 'b', depth, out);
  }
}

/** What is compared on each side: a whole trace's roots, or one subtree (`{ roots: [node] }`). */
export interface CompareSide {
  readonly roots: readonly SpanNode[];
}

/**
 * Aligns side B against side A.
 * @example
 * const { rows, onlyB } = compareTrees(cold.tree(), warm.tree());
 */
export function compareTrees(a: CompareSide, b: CompareSide): CompareSummary {
  const rows: CompareRow[] = [];
  alignLists(a.roots, b.roots, 0, rows);
  let onlyA = 0;
  let onlyB = 0;
  let changed = 0;
  let same = 0;
  for (const row of rows) {
    if (row.kind === 'only-a') onlyA++;
    else if (row.kind === 'only-b') onlyB++;
    else if (row.kind === 'changed') changed++;
    else same++;
  }
  return { rows, onlyA, onlyB, changed, same };
}
