/**
 * @module
 * Find in one trace: a case-insensitive substring over span names, attribute keys and values,
 * and event names, with filters by layer and errors only. Matches come in tree order (depth
 * first, children by start), whatever is collapsed. Each span's searchable text is made once and
 * kept per record and joined into one search index per trace ({@link SearchIndex}); typing that
 * extends the last query only re-checks the last matches, so a keystroke on a 100,000-span trace
 * stays within a few frames. Pure code.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { SpanNode, TraceTree } from './model.js';
import { LAYER_IDS as LAYERS } from '../src/telemetry/layer-colours.js';
import { isError, layerOf, type LayerId } from './span-facts.js';

/** The layers find can filter on (the agreed layer ids, without `other`). */
export type FindLayer = Exclude<LayerId, 'other'>;

export const FIND_LAYERS: readonly FindLayer[] = LAYERS;

export interface FindFilters {
  /** Empty: every layer. */
  readonly layers: ReadonlySet<FindLayer>;
  readonly errorsOnly: boolean;
}

export const NO_FILTERS: FindFilters = { layers: new Set(), errorsOnly: false };

// A separator no query contains, so a match never spans two fields or two spans.
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
 * The search index of one trace: its spans in tree order and all their lower-cased texts joined
 * into one string, so a fresh query is a run of `indexOf` over that string (native and fast)
 * instead of one `includes` per span. Made once per trace and brought up to date when spans came
 * or changed (a live trace); {@link searchIndex} keeps one per tree.
 */
export class SearchIndex {
  #nodes: SpanNode[] = [];
  #records: SpanRecord[] = [];
  #all = '';
  /** Where each span's text starts in `#all` (one more entry: the end). */
  #starts = new Int32Array(1);
  #version = -1;
  /** Counts the changes of the index: positions from an older generation are stale. */
  generation = 0;

  /** Brings the index up to the tree as it is now; returns whether it had to change. */
  refresh(tree: TraceTree): boolean {
    if (tree.version === this.#version && this.#same()) return false;
    if (tree.version !== this.#version || this.#nodes.length !== tree.byId.size) {
      this.#nodes = treeOrder(tree);
      this.#version = tree.version;
    }
    // One array of every field of every span, joined and lower-cased once: far cheaper than a
    // string per span on 100,000 spans.
    const n = this.#nodes.length;
    const parts: string[] = [];
    const starts = new Int32Array(n + 1);
    const lastField = new Int32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const span = (this.#nodes[i] as SpanNode).span;
      starts[i] = at;
      parts.push(span.name);
      at += span.name.length + 1;
      for (const key in span.attributes) {
        const v = span.attributes[key];
        const value = Array.isArray(v) ? v.join(SEP) : String(v);
        parts.push(key, value);
        at += key.length + value.length + 2;
      }
      for (const e of span.events) {
        parts.push(e.name);
        at += e.name.length + 1;
      }
      lastField[i] = parts.length;
    }
    starts[n] = at;
    parts.push('');
    this.#records = this.#nodes.map((x) => x.span);
    const raw = parts.join(SEP);
    let all = raw.toLowerCase();
    if (all.length !== raw.length) {
      // A few characters lower-case to two (İ): lower each field alone and place them anew.
      let pos = 0;
      let field = 0;
      for (let i = 0; i < n; i++) {
        const next = lastField[i] as number;
        starts[i] = pos;
        for (; field < next; field++) {
          parts[field] = (parts[field] as string).toLowerCase();
          pos += (parts[field] as string).length + 1;
        }
      }
      starts[n] = pos;
      all = parts.join(SEP);
    }
    this.#all = all;
    this.#starts = starts;
    this.generation++;
    return true;
  }

  /** Whether every span still has the record the index was made from (a span that ended did not). */
  #same(): boolean {
    const nodes = this.#nodes;
    const records = this.#records;
    for (let i = 0; i < nodes.length; i++)
      if ((nodes[i] as SpanNode).span !== records[i]) return false;
    return true;
  }

  get nodes(): readonly SpanNode[] {
    return this.#nodes;
  }

  /** Positions (in tree order) of the spans whose text holds `needle` (lower-case, non-empty). */
  positions(needle: string): number[] {
    const out: number[] = [];
    const all = this.#all;
    const starts = this.#starts;
    const n = this.#nodes.length;
    let pos = all.indexOf(needle);
    let lo = 0;
    while (pos >= 0) {
      // The span holding `pos`: the last start at or before it (starts only grow, so the search
      // resumes from the last span found).
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= pos) lo = mid;
        else hi = mid - 1;
      }
      out.push(lo);
      lo++;
      if (lo >= n) break;
      pos = all.indexOf(needle, starts[lo] as number);
    }
    return out;
  }

  /** Whether the span at `position` holds `needle`. */
  holds(position: number, needle: string): boolean {
    // A slice shares the big string's memory: no copy per span.
    const text = this.#all.slice(
      this.#starts[position],
      (this.#starts[position + 1] as number) - 1
    );
    return text.includes(needle);
  }
}

const indexes = new WeakMap<TraceTree, SearchIndex>();

/** The search index of a tree, made on first use and refreshed when the tree changed. */
export function searchIndex(tree: TraceTree): SearchIndex {
  let index = indexes.get(tree);
  if (!index) {
    index = new SearchIndex();
    indexes.set(tree, index);
  }
  index.refresh(tree);
  return index;
}

function needleOf(text: string): string {
  return text.toLowerCase().replaceAll(SEP, '');
}

/** Matching positions (tree order) among `among`, or among all spans. */
function matchPositions(
  index: SearchIndex,
  text: string,
  filters: FindFilters,
  among?: readonly number[]
): number[] {
  if (!active(text, filters)) return [];
  const needle = needleOf(text);
  const nodes = index.nodes;
  let found: number[];
  if (among) found = needle ? among.filter((i) => index.holds(i, needle)) : [...among];
  else if (needle) found = index.positions(needle);
  else found = Array.from({ length: nodes.length }, (_, i) => i);
  if (!filters.errorsOnly && filters.layers.size === 0) return found;
  return found.filter((i) => passes(nodes[i] as SpanNode, filters));
}

/**
 * Matching spans in tree order. With no text and no filter nothing matches.
 * @example
 * findMatches(tree, '_get_conn', NO_FILTERS).length // 3 in `happy`
 */
export function findMatches(
  tree: TraceTree,
  text: string,
  filters: FindFilters = NO_FILTERS
): SpanNode[] {
  const index = searchIndex(tree);
  return matchPositions(index, text, filters).map((i) => index.nodes[i] as SpanNode);
}

/**
 * Find with memory: the same tree and filters with a query that extends the last one search only
 * the last matches (typing narrows). Any other change searches the whole index.
 */
export class Finder {
  #tree: TraceTree | undefined;
  #index: SearchIndex | undefined;
  #text = '';
  #filters: FindFilters = NO_FILTERS;
  #positions: number[] = [];
  #matches: SpanNode[] = [];

  run(tree: TraceTree, text: string, filters: FindFilters = NO_FILTERS): readonly SpanNode[] {
    // Nothing asked, nothing matches: the index is not brought up to date for it. The page runs
    // this on every frame a live trace grows, and on every trace it shows.
    if (!active(text, filters)) {
      this.#tree = undefined;
      this.#index = undefined;
      this.#text = '';
      this.#positions = [];
      this.#matches = [];
      return this.#matches;
    }
    const index = searchIndex(tree);
    // A refreshed index (spans came or changed) has new positions: search it whole.
    const fresh = index !== this.#index || index.generation !== this.#generation;
    const narrowing =
      !fresh &&
      tree === this.#tree &&
      sameFilters(filters, this.#filters) &&
      this.#text.length > 0 &&
      needleOf(text).includes(needleOf(this.#text));
    if (!(narrowing && text === this.#text)) {
      this.#positions = matchPositions(
        index,
        text,
        filters,
        narrowing ? this.#positions : undefined
      );
      this.#matches = this.#positions.map((i) => index.nodes[i] as SpanNode);
    }
    this.#tree = tree;
    this.#index = index;
    this.#generation = index.generation;
    this.#text = text;
    this.#filters = filters;
    return this.#matches;
  }

  #generation = -1;
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
