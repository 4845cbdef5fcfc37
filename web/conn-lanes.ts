/**
 * @module
 * Connection lanes: one lane per TCP connection, each HTTP exchange (a CLIENT span) on the lane it
 * used, with marks for opened, reused, reset, discarded and closed, and the pool's state at each
 * checkout. Connections are told apart by the standard attributes a wire span carries
 * (`network.local.port` with `network.peer.address`/`network.peer.port`, else `server.*` and the
 * origin of `url.full`); a `connected` event starts a new connection even on a port seen before.
 * The pool's side comes from urllib3's spans (`_get_conn`: pool hit, reset, new connection and its
 * `urllib3.pool.*` attributes; `_put_conn`: discarded when the pool is full), so a foreign OTLP
 * trace gets lanes as far as its spans tell. Pure code.
 */
import type { SpanNode, TraceTree } from './model.js';
import { eventKey } from './model.js';
import { treeOrder } from './find.js';
import { endOf, numberAttr, stringAttr } from './span-facts.js';

export type ConnMarkKind = 'opened' | 'reused' | 'reset' | 'discarded' | 'closed';

export interface ConnMark {
  readonly kind: ConnMarkKind;
  readonly atMs: number;
  /** The span that says so (the wire span, `_get_conn` or `_put_conn`). */
  readonly node: SpanNode;
}

/** What urllib3's pool held when the request checked a connection out. */
export interface PoolState {
  readonly pool?: string;
  readonly idle?: number;
  readonly maxsize?: number;
  readonly block?: boolean;
  readonly connections?: number;
}

export interface Exchange {
  /** The CLIENT span of the request. */
  readonly node: SpanNode;
  readonly startMs: number;
  readonly endMs: number;
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  /** Opened for this request, or reused (the connection had carried one before). */
  readonly use: 'opened' | 'reused' | 'unknown';
  readonly pool?: PoolState;
}

export interface ConnLane {
  readonly key: string;
  /** e.g. `:59976 → 127.0.0.1:8774`. */
  readonly label: string;
  readonly localPort?: number;
  readonly peer: string;
  /** False for the lane of requests whose connection the trace does not tell. */
  readonly known: boolean;
  readonly exchanges: Exchange[];
  readonly marks: ConnMark[];
}

function peerOf(node: SpanNode): string {
  const a = node.span.attributes;
  const host = stringAttr(a, 'network.peer.address') ?? stringAttr(a, 'server.address');
  const port = numberAttr(a, 'network.peer.port') ?? numberAttr(a, 'server.port');
  if (host) return port !== undefined ? `${host}:${port}` : host;
  const url = stringAttr(a, 'url.full');
  if (url) {
    try {
      return new URL(url).host;
    } catch {
      return '?';
    }
  }
  return '?';
}

function statusOf(node: SpanNode): number | undefined {
  const direct = numberAttr(node.span.attributes, 'http.response.status_code');
  if (direct !== undefined) return direct;
  for (const e of node.span.events) {
    const s = numberAttr(e.attributes, 'http.response.status_code');
    if (s !== undefined) return s;
  }
  return undefined;
}

function isHttpClient(node: SpanNode): boolean {
  return node.span.kind === 'client';
}

/** The `_get_conn` span that checked out the connection for a wire span, if the trace has it. */
function checkoutOf(wire: SpanNode): SpanNode | undefined {
  let p = wire.parent;
  for (let hops = 0; p && hops < 8; hops++, p = p.parent) {
    if (!p.span.name.endsWith('.urlopen')) continue;
    let found: SpanNode | undefined;
    for (const c of p.children) {
      if (c.span.name.endsWith('._get_conn') && c.startMs <= wire.startMs) found = c;
    }
    return found;
  }
  return undefined;
}

function poolStateOf(getConn: SpanNode): PoolState {
  const a = getConn.span.attributes;
  const block = a['urllib3.pool.block'];
  const pool = stringAttr(a, 'urllib3.pool');
  const idle = numberAttr(a, 'urllib3.pool.idle_connections');
  const maxsize = numberAttr(a, 'urllib3.pool.maxsize');
  const connections = numberAttr(a, 'urllib3.pool.num_connections');
  return {
    ...(pool !== undefined ? { pool } : {}),
    ...(idle !== undefined ? { idle } : {}),
    ...(maxsize !== undefined ? { maxsize } : {}),
    ...(typeof block === 'boolean' ? { block } : {}),
    ...(connections !== undefined ? { connections } : {}),
  };
}

/** When the span recorded the decision `key` (ms on the trace's axis), if it did. */
function eventAt(tree: TraceTree, node: SpanNode, key: string): number | undefined {
  for (const e of node.span.events)
    if (eventKey(e.attributes) === key) return tree.msAt(e.timeUnixNano);
  return undefined;
}

/**
 * The connection lanes of a trace, in order of first use.
 * @example
 * connectionLanes(tree).length // 1 in `warm-pool`: five requests, the last four reused
 */
export function connectionLanes(tree: TraceTree, nowMs = tree.endMs): ConnLane[] {
  const order = treeOrder(tree);
  const wires = order.filter(isHttpClient).sort((a, b) => a.startMs - b.startMs);
  const lanes: ConnLane[] = [];
  const open = new Map<string, ConnLane>();
  /** urllib3's connection object (its repr) → the lane it last used. */
  const byConn = new Map<string, ConnLane>();
  let unknown: ConnLane | undefined;
  let anonymous = 0;
  for (const wire of wires) {
    const a = wire.span.attributes;
    const localPort = numberAttr(a, 'network.local.port');
    const peer = peerOf(wire);
    const connected = wire.span.events.find((e) => e.name === 'connected');
    const getConn = checkoutOf(wire);
    const connRepr = getConn
      ? stringAttr(getConn.span.attributes, 'urllib3.connection')
      : undefined;
    if (getConn && connRepr) {
      const resetAt = eventAt(tree, getConn, 'connection dropped: reset');
      const previous = byConn.get(connRepr);
      if (resetAt !== undefined && previous) {
        previous.marks.push({ kind: 'reset', atMs: resetAt, node: getConn });
      }
    }
    const key = localPort !== undefined ? `${peer}|${localPort}` : undefined;
    let lane = key ? open.get(key) : undefined;
    let use: Exchange['use'] = 'reused';
    if (connected || !lane) {
      if (key === undefined && !connected) {
        unknown ??= {
          key: 'unknown',
          label: `? → ${peer}`,
          peer,
          known: false,
          exchanges: [],
          marks: [],
        };
        lane = unknown;
        use = 'unknown';
      } else {
        anonymous += key === undefined ? 1 : 0;
        lane = {
          key: key ?? `connection ${anonymous}`,
          label: localPort !== undefined ? `:${localPort} → ${peer}` : `#${anonymous} → ${peer}`,
          ...(localPort !== undefined ? { localPort } : {}),
          peer,
          known: true,
          exchanges: [],
          marks: [],
        };
        if (key) open.set(key, lane);
        use = 'opened';
        lane.marks.push({
          kind: 'opened',
          atMs: connected ? tree.msAt(connected.timeUnixNano) : wire.startMs,
          node: wire,
        });
      }
      if (!lanes.includes(lane)) lanes.push(lane);
    } else {
      lane.marks.push({ kind: 'reused', atMs: wire.startMs, node: wire });
    }
    const status = statusOf(wire);
    lane.exchanges.push({
      node: wire,
      startMs: wire.startMs,
      endMs: endOf(wire, nowMs),
      method: stringAttr(a, 'http.request.method') ?? wire.span.name,
      url: stringAttr(a, 'url.full') ?? '',
      ...(status !== undefined ? { status } : {}),
      use,
      ...(getConn ? { pool: poolStateOf(getConn) } : {}),
    });
    if (connRepr) byConn.set(connRepr, lane);
    const connHeader = a['http.response.header.connection'];
    const closes = Array.isArray(connHeader)
      ? connHeader.some((v) => String(v).toLowerCase() === 'close')
      : typeof connHeader === 'string' && connHeader.toLowerCase() === 'close';
    if (closes && lane.known) {
      lane.marks.push({ kind: 'closed', atMs: endOf(wire, nowMs), node: wire });
      if (key) open.delete(key);
    }
  }
  // A connection the pool could not keep (full) is discarded and closed.
  for (const node of order) {
    if (!node.span.name.endsWith('._put_conn')) continue;
    const at = eventAt(tree, node, 'pool is full: discard');
    if (at === undefined) continue;
    const repr = stringAttr(node.span.attributes, 'urllib3.connection');
    const lane = repr ? byConn.get(repr) : undefined;
    if (!lane) continue;
    lane.marks.push({ kind: 'discarded', atMs: at, node }, { kind: 'closed', atMs: at, node });
  }
  for (const lane of lanes) lane.marks.sort((x, y) => x.atMs - y.atMs);
  return lanes;
}

/** The connection figures the statistics summary shows, read from the lanes. */
export function connectionCounts(lanes: readonly ConnLane[]): {
  opened: number;
  reused: number;
  reset: number;
  discarded: number;
} {
  let opened = 0;
  let reused = 0;
  let reset = 0;
  let discarded = 0;
  for (const lane of lanes) {
    for (const x of lane.exchanges) {
      if (x.use === 'opened') opened++;
      else if (x.use === 'reused') reused++;
    }
    for (const m of lane.marks) {
      if (m.kind === 'reset') reset++;
      else if (m.kind === 'discarded') discarded++;
    }
  }
  return { opened, reused, reset, discarded };
}
