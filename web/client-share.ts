/**
 * @module
 * How much of a wire span the server accounts for. A CLIENT span on the wire holds the cloud's
 * SERVER span(s) for the same request; what the server spans do not cover is the client's
 * share: writing the request, the event loop reaching the socket, reading and parsing the
 * answer. On a busy machine that share can dwarf the server's own time.
 */
import type { SpanNode } from './model.js';

/** The server's and the client's milliseconds of one wire span. */
export interface ClientShare {
  readonly serverMs: number;
  readonly clientMs: number;
}

/**
 * The split of an ended wire span with at least one ended server child, else undefined.
 * Overlapping server spans (a retried request) are counted once.
 * @example
 * clientShare(wireNode); // { serverMs: 5, clientMs: 225 }
 */
export function clientShare(node: SpanNode): ClientShare | undefined {
  if (node.lane !== 'wire' || node.endMs === undefined) return undefined;
  const servers = node.children
    .filter((c) => c.lane === 'cloud' && c.endMs !== undefined)
    .map((c) => [
      Math.max(c.startMs, node.startMs),
      Math.min(c.endMs as number, node.endMs as number),
    ])
    .filter(([a, b]) => (b as number) >= (a as number))
    .sort((x, y) => (x[0] as number) - (y[0] as number));
  if (servers.length === 0) return undefined;
  let serverMs = 0;
  let [from, to] = servers[0] as [number, number];
  for (const [a, b] of servers.slice(1) as [number, number][]) {
    if (a > to) {
      serverMs += to - from;
      [from, to] = [a, b];
    } else to = Math.max(to, b);
  }
  serverMs += to - from;
  const total = node.endMs - node.startMs;
  return { serverMs, clientMs: Math.max(0, total - serverMs) };
}
