/**
 * @module
 * Find in one trace: a case-insensitive substring over span names, attribute keys and values,
 * and event names, with filters by layer and errors only. Matches come in tree order (depth
 * first, children by start), whatever is collapsed. Each span's searchable text is made once and
 * kept per record, and typing that extends the last query only re-checks the last matches, so a
 * keystroke on a 100,000-span trace stays well inside a frame or two. Pure code.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { SpanNode, TraceTree } from './model.js';
import { isError, layerOf, type LayerId } from './span-facts.js';

/** The layers find can filter on (the agreed layer ids, without `other`). */
export type FindLayer = Exclude<LayerId, 'other'>;

export const FIND_LAYERS: readonly FindLayer[] = [
  'novaclient',
  'keystoneauth1',
  'requests',
  'urllib3',
  'wire',
  'cloud',
];

export interface FindFilters {
  /** Empty: every layer. */
  readonly layers: ReadonlySet<FindLayer>;
  readonly errorsOnly: boolean;
}

export const NO_FILTERS: FindFilters = { layers: new Set(), errorsOnly: false };

// A separator no query contains, so a match never spans two fields.
const SEP = '\u0000';
const haystacks = new WeakMap<SpanRecord, string>();

/** The lower-cased text find searches in one span: name, attribute keys and values, event names. */
export function spanHaystack(span: SpanRecord): string {
  let text = haystacks.get(span);
  if (text !== undefined) return text;
  const parts: string[] = [span.name];
  for (const key in span.attributes) {
    const v = span.attributes[key];
    parts.push(key, Array.isArray(v) ? v.join(SEP) : String(v));
  }
  for (const e of span.events) parts.push(e.name);
  text = parts.join(SEP).toLowerCase();
  haystacks.set(span, text);
  return text;
}

function passes(node: SpanNode, filters: FindFilters): boolean {
  if (filters.errorsOnly && !isError(node.span)) return false;
  if (filters.layers.size > 0) {
    const layer = layerOf(node.span);
    if (layer === 'other' || !filters.layers.has(layer)) return false;
  }
  return true;
}

function active(text: string, filters: FindFilters): boolean {
  return text.length > 0 || filters.errorsOnly || filters.layers.size > 0;
}

/** The nodes of the tree in depth-first order (iterative). */
export function treeOrder(tree: TraceTree): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: SpanNode[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) stack.push(tree.roots[i] as SpanNode);
  while (stack.length > 0 && out.length < tree.byId.size) {
    const n = stack.pop() as SpanNode;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as SpanNode);
  }
  return out;
}

/**
 * Matching spans in tree order. With no text and no filter nothing matches.
 * @example
 * findMatches(tree, '_get_conn', NO_FILTERS).length // 3 in `happy`
 */
export function findMatches(
  tree: TraceTree,
  text: string,
  filters: FindFilters = NO_FILTERS,
  among?: readonly SpanNode[]
): SpanNode[] {
  if (!active(text, filters)) return [];
  const needle = text.toLowerCase().replaceAll(SEP, '');
  const out: SpanNode[] = [];
  for (const node of among ?? treeOrder(tree)) {
    if (!passes(node, filters)) continue;
    if (needle.length === 0 || spanHaystack(node.span).includes(needle)) out.push(node);
  }
  return out;
}

/**
 * Find with memory: the same tree and filters with a query that extends the last one search only
 * the last matches (typing narrows). Any other change searches the whole tree.
 */
export class Finder {
  #tree: TraceTree | undefined;
  #text = '';
  #filters: FindFilters = NO_FILTERS;
  #matches: SpanNode[] = [];

  run(tree: TraceTree, text: string, filters: FindFilters = NO_FILTERS): readonly SpanNode[] {
    const narrowing =
      tree === this.#tree &&
      sameFilters(filters, this.#filters) &&
      this.#text.length > 0 &&
      text.toLowerCase().includes(this.#text.toLowerCase());
    if (!(narrowing && text === this.#text)) {
      this.#matches = findMatches(tree, text, filters, narrowing ? this.#matches : undefined);
    }
    this.#tree = tree;
    this.#text = text;
    this.#filters = filters;
    return this.#matches;
  }
}

function sameFilters(a: FindFilters, b: FindFilters): boolean {
  if (a.errorsOnly !== b.errorsOnly || a.layers.size !== b.layers.size) return false;
  for (const l of a.layers) if (!b.layers.has(l)) return false;
  return true;
}

/**
 * Opens the collapsed ancestors of every match (each ancestor visited once: linear even on a
 * 100,000-span chain). Returns how many were opened.
 */
export function openAncestors(matches: readonly SpanNode[], collapsed: Set<string>): number {
  const seen = new Set<SpanNode>();
  let opened = 0;
  for (const m of matches) {
    let p = m.parent;
    while (p && !seen.has(p)) {
      seen.add(p);
      if (collapsed.delete(p.id)) opened++;
      p = p.parent;
    }
  }
  return opened;
}

/** The index of the next (or, with `back`, previous) match after `current`, wrapping around. */
export function stepMatch(count: number, current: number, back = false): number {
  if (count === 0) return -1;
  if (current < 0) return back ? count - 1 : 0;
  return (current + (back ? count - 1 : 1)) % count;
}
