import { describe, expect, it, vi } from 'vitest';
import { EventHub, sseFrame, type StreamEvent } from '../../../src/viewer/event-hub.js';
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
