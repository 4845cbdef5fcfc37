import { describe, expect, it, vi } from 'vitest';
import { EventHub, sseFrame, type StreamEvent } from '../../../src/viewer/event-hub.js';
import type { SseSink } from '../../../src/viewer/sse-sink.js';
import type { TraceSummary } from '../../../src/viewer/types.js';
import { span, traceId } from './spans.js';

const t = traceId();
const ev = (i: number) => ({
  type: 'span-end' as const,
  span: span(t, { id: i, name: `s${i}`, start: i, end: i + 1 }),
});

describe('EventHub', () => {
  it('delivers published events to every client in order', async () => {
    const hub = new EventHub();
    const a = hub.connect();
    const b = hub.connect();
    hub.publish(ev(1));
    hub.publish(ev(2));
    for (const client of [a, b]) {
      const first = await client.next(50);
      const second = await client.next(50);
      expect(
        first !== 'idle' && first !== 'resync' && first?.type === 'span-end' && first.span.name
      ).toBe('s1');
      expect(
        second !== 'idle' && second !== 'resync' && second?.type === 'span-end' && second.span.name
      ).toBe('s2');
    }
  });

  it('wakes a waiting client when an event arrives', async () => {
    const hub = new EventHub();
    const client = hub.connect();
    const waiting = client.next(5_000);
    hub.publish(ev(3));
    const got = await waiting;
    expect(got !== 'idle' && got !== 'resync' && got?.type).toBe('span-end');
  });

  it('answers idle after the heartbeat interval without news', async () => {
    const client = new EventHub().connect();
    expect(await client.next(10)).toBe('idle');
  });

  it('drops the queue of a slow client and asks it to resync instead of growing', async () => {
    const hub = new EventHub({ maxQueue: 5 });
    const slow = hub.connect();
    for (let i = 0; i < 50; i++) hub.publish(ev(i));
    expect(slow.length).toBe(0);
    expect(slow.dropped).toBe(50);
    expect(await slow.next(10)).toBe('resync');
    hub.publish(ev(99));
    const next = await slow.next(10);
    expect(
      next !== 'idle' && next !== 'resync' && next?.type === 'span-end' && next.span.name
    ).toBe('s99');
  });

  it('keeps a fast client unaffected by a slow one', async () => {
    const hub = new EventHub({ maxQueue: 3 });
    const slow = hub.connect();
    const fast = hub.connect();
    for (let i = 0; i < 10; i++) {
      hub.publish(ev(i));
      const got = await fast.next(10);
      expect(got !== 'idle' && got !== 'resync' && got?.type).toBe('span-end');
    }
    expect(fast.dropped).toBe(0);
    expect(slow.dropped).toBeGreaterThan(0);
  });

  it('ends a client on disconnect and forgets it', async () => {
    const hub = new EventHub();
    const client = hub.connect();
    const waiting = client.next(5_000);
    hub.disconnect(client);
    expect(await waiting).toBeUndefined();
    expect(hub.size).toBe(0);
    hub.publish(ev(1));
    expect(client.length).toBe(0);
  });

  it('sends one resync to everyone on resyncAll', async () => {
    const hub = new EventHub();
    const client = hub.connect();
    hub.publish(ev(1));
    hub.resyncAll();
    expect(await client.next(10)).toBe('resync');
    expect(await client.next(10)).toBe('idle');
  });
});

describe('sseFrame', () => {
  it('serialises an event once and hands every client the same frame', () => {
    const hub = new EventHub();
    const a = hub.connect();
    const b = hub.connect();
    const event = { type: 'run-state', run: { runId: 'r1' } } as unknown as StreamEvent;
    const stringify = vi.spyOn(JSON, 'stringify');
    hub.publish(event);
    const fa = sseFrame(a.take()!);
    const fb = sseFrame(b.take()!);
    expect(stringify).toHaveBeenCalledTimes(1);
    stringify.mockRestore();
    expect(fa).toBe(fb);
    expect(fa).toBe(`event: run-state\ndata: ${JSON.stringify(event)}\n\n`);
    expect(a.take()).toBeUndefined();
  });
});

/** A sink full once `room` bytes are written, until the test drains it (then never full). */
function fakeSink(room = Infinity) {
  const chunks: Uint8Array[] = [];
  let drain: (() => void) | undefined;
  let close: (() => void) | undefined;
  let used = 0;
  const sink: SseSink & {
    closed: boolean;
    chunks: Uint8Array[];
    text(): string;
    drain(): void;
    hangUp(): void;
  } = {
    chunks,
    closed: false,
    write(chunk) {
      chunks.push(chunk);
      used += chunk.byteLength;
      return used < room;
    },
    onDrain: (listener) => {
      drain = listener;
    },
    onClose: (listener) => {
      close = listener;
    },
    end() {
      sink.closed = true;
    },
    text: () => chunks.map((c) => Buffer.from(c).toString()).join(''),
    drain() {
      room = Infinity;
      const d = drain;
      drain = undefined;
      d?.();
    },
    hangUp() {
      sink.closed = true;
      close?.();
    },
  };
  return sink;
}

const turn = () => new Promise((r) => setImmediate(r));
const events = (text: string) => [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);

describe('EventHub browser streams', () => {
  it('starts each stream with a hello resync of the snapshot', () => {
    const hub = new EventHub({ snapshot: () => ({ traces: [], runs: [] }) });
    const sink = fakeSink();
    hub.attach(sink);
    expect(sink.text()).toBe(
      'event: resync\nretry: 2000\ndata: {"type":"resync","reason":"hello","traces":[],"runs":[]}\n\n'
    );
    hub.closeAll();
  });

  it('writes the events of one turn to every stream as one shared buffer, serialised once', async () => {
    const hub = new EventHub();
    const a = fakeSink();
    const b = fakeSink();
    hub.attach(a);
    hub.attach(b);
    const stringify = vi.spyOn(JSON, 'stringify');
    hub.publish(ev(1));
    hub.publish(ev(2));
    expect(a.chunks).toHaveLength(1); // nothing written before the turn ends
    await turn();
    expect(stringify).toHaveBeenCalledTimes(2);
    stringify.mockRestore();
    expect(a.chunks).toHaveLength(2);
    expect(a.chunks[1]).toBe(b.chunks[1]);
    expect(Buffer.from(a.chunks[1]!).toString()).toBe(sseFrame(ev(1)) + sseFrame(ev(2)));
    hub.closeAll();
  });

  it('keeps a bounded backlog for a full stream, then drops it to one resync sent on drain', async () => {
    let stored = 0;
    const hub = new EventHub({
      maxQueue: 4,
      snapshot: () => ({ traces: [{ spanCount: stored } as TraceSummary], runs: [] }),
    });
    const slow = fakeSink(1); // full after the hello
    const fast = fakeSink();
    hub.attach(slow);
    hub.attach(fast);
    for (let i = 0; i < 3; i++) {
      stored += 2;
      hub.publish(ev(2 * i));
      hub.publish(ev(2 * i + 1));
      await turn();
    }
    expect(hub.stats).toEqual({ droppedEvents: 6, resyncs: 0, blockedStreams: 1 });
    expect(events(fast.text())).toEqual(['resync', ...Array(6).fill('span-end')]);
    expect(events(slow.text())).toEqual(['resync']);
    slow.drain();
    expect(events(slow.text())).toEqual(['resync', 'resync']);
    expect(slow.text()).toContain('"reason":"dropped","traces":[{"spanCount":6}]');
    hub.publish(ev(7));
    await turn();
    expect(events(slow.text())).toEqual(['resync', 'resync', 'span-end']);
    expect(hub.stats).toEqual({ droppedEvents: 6, resyncs: 1, blockedStreams: 0 });
    hub.closeAll();
  });

  it('sends a full stream its backlog in order once it drains, when within the bound', async () => {
    const hub = new EventHub({ maxQueue: 10 });
    const slow = fakeSink(1);
    hub.attach(slow);
    hub.publish(ev(1));
    await turn();
    hub.publish(ev(2));
    await turn();
    expect(events(slow.text())).toEqual(['resync']);
    slow.drain();
    expect(slow.text().endsWith(sseFrame(ev(1)) + sseFrame(ev(2)))).toBe(true);
    expect(hub.stats.droppedEvents).toBe(0);
    hub.closeAll();
  });

  it('builds one snapshot for all streams on resyncAll', () => {
    const snapshot = vi.fn(() => ({ traces: [], runs: [] }));
    const hub = new EventHub({ snapshot });
    const sinks = [fakeSink(), fakeSink(), fakeSink()];
    for (const s of sinks) hub.attach(s);
    snapshot.mockClear();
    hub.resyncAll();
    expect(snapshot).toHaveBeenCalledTimes(1);
    for (const s of sinks) expect(s.text()).toContain('"reason":"bulk"');
    hub.closeAll();
  });

  it('forgets a stream whose reader went away, and ends the others on closeAll', () => {
    const hub = new EventHub();
    const gone = fakeSink();
    const open = fakeSink();
    hub.attach(gone);
    hub.attach(open);
    gone.hangUp();
    expect(hub.size).toBe(1);
    hub.closeAll();
    expect(open.closed).toBe(true);
    expect(hub.size).toBe(0);
  });

  it('writes a keep-alive comment to an idle stream', async () => {
    const hub = new EventHub({ heartbeatMs: 20 });
    const sink = fakeSink();
    hub.attach(sink);
    await new Promise((r) => setTimeout(r, 80));
    expect(sink.text()).toContain(': keep-alive\n\n');
    hub.closeAll();
  });
});
