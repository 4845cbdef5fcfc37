import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../../src/telemetry/trace-file.js';
import { clientShare } from '../../../web/client-share.js';
import { buildTree, type SpanNode } from '../../../web/model.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A node with just what clientShare reads. */
function node(
  lane: SpanNode['lane'],
  startMs: number,
  endMs: number | undefined,
  children: SpanNode[] = []
): SpanNode {
  return { lane, startMs, endMs, children } as unknown as SpanNode;
}

describe('clientShare', () => {
  it("splits a busy machine's wire span into the server's time and the client's share", () => {
    const wire = node('wire', 10, 240, [node('cloud', 120, 125)]);
    const share = clientShare(wire);
    expect(share?.serverMs).toBeCloseTo(5);
    expect(share?.clientMs).toBeCloseTo(225);
  });

  it('counts overlapping server spans once and clips them to the wire span', () => {
    const wire = node('wire', 0, 100, [
      node('cloud', 10, 30),
      node('cloud', 20, 40),
      node('cloud', 90, 130),
    ]);
    expect(clientShare(wire)).toEqual({ serverMs: 40, clientMs: 60 });
  });

  it('says nothing for a span that is not on the wire, still runs, or has no server span', () => {
    expect(clientShare(node('urllib3', 0, 10, [node('cloud', 1, 2)]))).toBeUndefined();
    expect(clientShare(node('wire', 0, undefined, [node('cloud', 1, 2)]))).toBeUndefined();
    expect(clientShare(node('wire', 0, 10))).toBeUndefined();
    expect(clientShare(node('wire', 0, 10, [node('cloud', 1, undefined)]))).toBeUndefined();
  });

  it("gives every wire span of the recorded happy trace a server time and the client's share", () => {
    const records = readTraceFile(readFileSync(join(ROOT, 'traces', 'happy.json'), 'utf8'));
    const tree = buildTree(records);
    const wires = [...tree.byId.values()].filter((n) => n.lane === 'wire');
    expect(wires.length).toBe(3);
    for (const wire of wires) {
      const share = clientShare(wire);
      expect(share, wire.span.name).toBeDefined();
      expect((share?.serverMs ?? 0) + (share?.clientMs ?? 0)).toBeCloseTo(
        (wire.endMs ?? 0) - wire.startMs
      );
      expect(share?.serverMs).toBeGreaterThan(0);
    }
  });
});
