/**
 * @module
 * Trace statistics: per span name and per layer, how many spans, their total (active) time, their
 * self time and its share; and a summary of what the client did on the network, counted from the
 * client's spans and the pool's events of the trace itself (never from the cloud's server spans,
 * never from a scenario's description):
 * - `HTTP requests`: CLIENT spans;
 * - `connections opened` / `connections reused`: from the connection lanes (a request is reused
 *   when its connection had carried one before);
 * - `connections reset`: urllib3's `connection dropped: reset` decisions;
 * - `authentications`: token requests on the wire (`POST …/tokens`), else `*.authenticate` spans;
 * - `retries`: urllib3's `retry`, novaclient's `401: re-authenticate and retry` and
 *   keystoneauth1's `401: invalidate the token and resend` decisions;
 * - `redirects`: requests' and urllib3's redirect decisions, else 3xx answers with a Location.
 * Pure code.
 */
import { connectionCounts, connectionLanes, type ConnLane } from './conn-lanes.js';
import type { StringKey } from './i18n.js';
import { eventKey, type SpanNode, type TraceTree } from './model.js';
import { selfTimeMs } from './self-time.js';
import { activeMs, layerOf, numberAttr, stringAttr, type LayerId } from './span-facts.js';

export interface StatRow {
  /** The span name, or the layer id. */
  readonly key: string;
  readonly count: number;
  readonly totalMs: number;
  readonly selfMs: number;
  /** Self time over all self time of the trace (the rows add up to 1). */
  readonly share: number;
}

export interface SummaryCounts {
  readonly httpRequests: number;
  readonly connectionsOpened: number;
  readonly connectionsReused: number;
  readonly connectionsReset: number;
  readonly authentications: number;
  readonly retries: number;
  readonly redirects: number;
}

/** The summary rows, with their labels exactly as the page shows them. */
export const SUMMARY_ROWS: readonly (readonly [keyof SummaryCounts, string])[] = [
  ['httpRequests', 'HTTP requests'],
  ['connectionsOpened', 'connections opened'],
  ['connectionsReused', 'connections reused'],
  ['connectionsReset', 'connections reset'],
  ['authentications', 'authentications'],
  ['retries', 'retries'],
  ['redirects', 'redirects'],
];

/** The page's label of each summary row, in the label table (web/i18n.ts) for both languages. */
export const SUMMARY_LABEL: Readonly<Record<keyof SummaryCounts, StringKey>> = {
  httpRequests: 'statHttpRequests',
  connectionsOpened: 'statConnectionsOpened',
  connectionsReused: 'statConnectionsReused',
  connectionsReset: 'statConnectionsReset',
  authentications: 'statAuthentications',
  retries: 'statRetries',
  redirects: 'statRedirects',
};

export interface TraceStatistics {
  readonly byName: readonly StatRow[];
  readonly byLayer: readonly StatRow[];
  readonly summary: SummaryCounts;
  readonly lanes: readonly ConnLane[];
  readonly spanCount: number;
  readonly totalSelfMs: number;
}

const RETRY_KEYS = new Set([
  'retry',
  '401: re-authenticate and retry',
  // keystoneauth1's Session.request on the nova road: the same retry after a 401.
  '401: invalidate the token and resend',
]);
const REDIRECT_KEYS = new Set(['redirect', 'pool redirect']);

interface Acc {
  count: number;
  totalMs: number;
  selfMs: number;
}

function add(map: Map<string, Acc>, key: string, total: number, self: number): void {
  const acc = map.get(key);
  if (acc) {
    acc.count++;
    acc.totalMs += total;
    acc.selfMs += self;
  } else map.set(key, { count: 1, totalMs: total, selfMs: self });
}

function rows(map: Map<string, Acc>, all: number): StatRow[] {
  const out: StatRow[] = [];
  for (const [key, a] of map) out.push({ key, ...a, share: all > 0 ? a.selfMs / all : 0 });
  return out.sort((x, y) => y.selfMs - x.selfMs || (x.key < y.key ? -1 : 1));
}

function isTokenRequest(node: SpanNode): boolean {
  const a = node.span.attributes;
  const method = stringAttr(a, 'http.request.method') ?? node.span.name;
  if (method.toUpperCase() !== 'POST') return false;
  const url = stringAttr(a, 'url.full') ?? stringAttr(a, 'url.path') ?? '';
  const path = url.split('?')[0] ?? '';
  return /\/tokens\/?$/.test(path);
}

/**
 * Everything the statistics table shows, in one pass over the tree (plus the lanes).
 * @param nowMs where running spans end
 * @example
 * traceStatistics(tree).summary.httpRequests // 3 in `happy`
 */
export function traceStatistics(tree: TraceTree, nowMs = tree.endMs): TraceStatistics {
  const byName = new Map<string, Acc>();
  const byLayer = new Map<LayerId, Acc>();
  let all = 0;
  let httpRequests = 0;
  let tokenRequests = 0;
  let authenticateSpans = 0;
  let reset = 0;
  let retries = 0;
  let redirects = 0;
  let redirectAnswers = 0;
  let decisions = 0;
  for (const node of tree.byId.values()) {
    const self = selfTimeMs(node, nowMs);
    const total = activeMs(node, nowMs);
    all += self;
    add(byName, node.span.name, total, self);
    const layer = layerOf(node.span);
    add(byLayer as Map<string, Acc>, layer, total, self);
    if (layer === 'cloud') continue;
    if (node.span.kind === 'client') {
      httpRequests++;
      if (isTokenRequest(node)) tokenRequests++;
      const status = numberAttr(node.span.attributes, 'http.response.status_code');
      if (
        status !== undefined &&
        status >= 300 &&
        status < 400 &&
        node.span.attributes['http.response.header.location'] !== undefined
      )
        redirectAnswers++;
    }
    if (node.span.name.endsWith('.authenticate')) authenticateSpans++;
    for (const e of node.span.events) {
      const key = eventKey(e.attributes);
      if (key === undefined) continue;
      decisions++;
      if (key === 'connection dropped: reset') reset++;
      else if (RETRY_KEYS.has(key)) retries++;
      else if (REDIRECT_KEYS.has(key)) redirects++;
    }
  }
  const lanes = connectionLanes(tree, nowMs);
  const conns = connectionCounts(lanes);
  return {
    byName: rows(byName, all),
    byLayer: rows(byLayer as Map<string, Acc>, all),
    summary: {
      httpRequests,
      connectionsOpened: conns.opened,
      connectionsReused: conns.reused,
      connectionsReset: reset,
      authentications: httpRequests > 0 ? tokenRequests : authenticateSpans,
      retries,
      redirects: decisions > 0 ? redirects : redirectAnswers,
    },
    lanes,
    spanCount: tree.byId.size,
    totalSelfMs: all,
  };
}

/**
 * One sentence comparing two traces' summaries, for the compare view: only the rows that differ.
 * @example
 * compareSummaries(a, b) // 'A opened 3 connections, B 1; A reused 0, B 4'
 */
export function compareSummaries(a: SummaryCounts, b: SummaryCounts): string {
  const parts: string[] = [];
  for (const [key, label] of SUMMARY_ROWS) {
    if (a[key] === b[key]) continue;
    parts.push(`${label}: A ${a[key]}, B ${b[key]}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'same counts';
}
