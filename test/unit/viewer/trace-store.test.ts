import { describe, expect, it } from 'vitest';
import { TraceStore } from '../../../src/viewer/trace-store.js';
import type { SpanRecord } from '../../../src/telemetry/types.js';
import { seedTrace, span, traceId } from './spans.js';

describe('TraceStore', () => {
  it('keeps the newest version of each span and summarises the trace', () => {
    const store = new TraceStore();
    const t = traceId();
    const running = span(t, { id: 'a', name: 'nova volume-update', start: 0 });
    expect(store.put(running, 'live')).toBe('added');
    expect(store.summary(t)?.runningCount).toBe(1);
    const ended = span(t, { id: 'a', name: 'nova volume-update', start: 0, end: 5 });
    expect(store.put(ended, 'live')).toBe('updated');
    const summary = store.summary(t);
    expect(summary).toMatchObject({
      rootName: 'nova volume-update',
      spanCount: 1,
      runningCount: 0,
      source: 'live',
    });
    expect(summary?.durationMs).toBeCloseTo(5);
    expect(store.spanCount).toBe(1);
  });

  it("names a scenario run's scenario and road from its root span", () => {
    const store = new TraceStore();
    const t = traceId();
    const attributes = { 'novatrace.scenario': 'happy', 'novatrace.road': 'nova' };
    store.put(span(t, { id: 'r', name: 'scenario happy', start: 0, end: 5, attributes }), 'live');
    store.put(
      span(t, { id: 'c', parent: 'r', name: 'nova volume-update', start: 1, end: 4 }),
      'live'
    );
    expect(store.summary(t)).toMatchObject({ label: 'happy', scenario: 'happy', road: 'nova' });
    const other = traceId();
    store.put(span(other, { id: 'x', name: 'x', start: 0, end: 1 }), 'live');
    expect(store.summary(other)).not.toHaveProperty('road');
  });

  it('ignores a start event that arrives after the end of the same span', () => {
    const store = new TraceStore();
    const t = traceId();
    store.put(span(t, { id: 'a', name: 'x', start: 0, end: 1 }), 'live');
    expect(store.put(span(t, { id: 'a', name: 'x', start: 0 }), 'live')).toBe('ignored');
    expect(store.get(t)?.[0]?.endTimeUnixNano).toBeDefined();
  });

  it('evicts the oldest trace first once it holds more than maxTraces', () => {
    const store = new TraceStore({ maxTraces: 2 });
    const [a, b, c] = [traceId(), traceId(), traceId()];
    const evicted: string[] = [];
    store.onEvict((id) => evicted.push(id));
    store.putAll(seedTrace(a), 'live');
    store.putAll(seedTrace(b), 'live');
    store.putAll(seedTrace(c), 'live');
    expect(store.has(a)).toBe(false);
    expect(store.has(b)).toBe(true);
    expect(store.has(c)).toBe(true);
    expect(evicted).toEqual([a]);
    expect(store.list().map((s) => s.traceId)).toEqual([c, b]);
    expect(store.stats.evictedTraces).toBe(1);
  });

  it('evicts whole traces to stay under maxSpans, never the trace being written', () => {
    const store = new TraceStore({ maxSpans: 8, maxSpansPerTrace: 8 });
    const [a, b] = [traceId(), traceId()];
    store.putAll(seedTrace(a), 'live'); // 6 spans
    store.putAll(seedTrace(b, { warm: true }), 'live'); // 5 spans: a must go
    expect(store.has(a)).toBe(false);
    expect(store.get(b)).toHaveLength(5);
    expect(store.spanCount).toBe(5);
  });

  it('refuses spans of a single trace beyond the span budget instead of dropping the trace', () => {
    const store = new TraceStore({ maxSpans: 3, maxSpansPerTrace: 10 });
    const t = traceId();
    const spans = Array.from({ length: 5 }, (_, i) =>
      span(t, { id: i, name: `s${i}`, start: i, end: i + 1 })
    );
    store.putAll(spans, 'otlp');
    expect(store.get(t)).toHaveLength(3);
    expect(store.stats.droppedSpans).toBe(2);
  });

  it('returns spans by start time and labels traces', () => {
    const store = new TraceStore();
    const t = traceId();
    store.putAll([...seedTrace(t)].reverse(), 'file');
    expect(store.get(t)?.map((s) => s.name)[0]).toBe('nova volume-update');
    store.annotate(t, { label: 'happy', runId: 'run-1', source: 'startup' });
    expect(store.summary(t)).toMatchObject({
      label: 'happy',
      runId: 'run-1',
      source: 'startup',
      errorCount: 0,
    });
  });

  it('rejects bounds that are not positive integers', () => {
    expect(() => new TraceStore({ maxTraces: 0 })).toThrow(RangeError);
    expect(() => new TraceStore({ maxSpans: 1.5 })).toThrow(RangeError);
  });
});

describe('TraceStore source', () => {
  it('takes the source of the root span when children came first from elsewhere', () => {
    const store = new TraceStore();
    const t = traceId();
    const [root, cs] = seedTrace(t);
    store.put(cs!, 'live');
    expect(store.summary(t)?.source).toBe('live');
    store.put(root!, 'otlp');
    expect(store.summary(t)?.source).toBe('otlp');
  });
});

describe('TraceStore pages', () => {
  it('gives a trace page by page in the order get does, and sees changes between pages', () => {
    const store = new TraceStore();
    const t = traceId();
    const starts = [5, 3, 9, 3, 1, 7, 2];
    starts.forEach((start, i) => store.put(span(t, { id: `s${i}`, name: `n${i}`, start }), 'otlp'));
    const all = store.get(t)!;
    const pages = [0, 3, 6].map((from) => store.get(t, { from, limit: 3 })!);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(all);
    expect(all.map((r) => r.name)).toEqual(['n4', 'n6', 'n1', 'n3', 'n0', 'n5', 'n2']);
    expect(store.get(t, { from: 7, limit: 3 })).toEqual([]);
    expect(store.get(t, { from: -2, limit: 1 })!.map((r) => r.name)).toEqual(['n4']);
    expect(store.get(t, { from: 5 })!.map((r) => r.name)).toEqual(['n5', 'n2']);
    expect(store.spanCountOf(t)).toBe(7);
    // A span added after the first page: the next page is read in the new order.
    store.put(span(t, { id: 'early', name: 'early', start: 0 }), 'otlp');
    expect(store.get(t, { limit: 1 })![0]!.name).toBe('early');
    expect(store.spanCountOf(t)).toBe(8);
    expect(store.get(traceId(), { limit: 1 })).toBeUndefined();
    expect(store.spanCountOf(traceId())).toBeUndefined();
  });
});

describe('TraceStore shared strings', () => {
  it('gives back exactly what was put, key order included, while sharing repeated strings', () => {
    const store = new TraceStore();
    const t = traceId();
    const records = [
      span(t, { id: 'root', name: 'root', start: 0, end: 9 }),
      span(t, {
        id: 'child',
        parent: 'root',
        name: 'HTTPConnectionPool._get_conn',
        start: 1,
        attributes: { 'novatrace.layer': 'urllib3', n: 3, list: ['a', 'b'] },
        events: [{ name: 'pool hit', at: 2, key: 'pool hit' }],
        error: { type: 'E', message: 'boom' },
      }),
    ];
    const fromWire = JSON.parse(JSON.stringify(records)) as typeof records;
    store.putAll(fromWire, 'otlp');
    const again = JSON.parse(JSON.stringify(records)) as typeof records;
    const t2 = traceId();
    store.putAll(
      again.map((r) => ({ ...r, traceId: t2 })),
      'otlp'
    );
    const got = store.get(t)!;
    expect(JSON.stringify(got)).toBe(JSON.stringify(records));
    const twin = store.get(t2)!;
    // One copy of the repeated parts, not one per span (an error status and its message too).
    expect(twin[1]!.status).toBe(got[1]!.status);
    expect(twin[0]!.status).toBe(got[0]!.status);
    expect(got[1]!.parentSpanId).toBe(got[0]!.spanId);
  });

  it('gives back unusual shapes and times exactly: extra keys, key order, odd or far times', () => {
    const store = new TraceStore();
    const t = traceId();
    const base = span(t, { id: 'root', name: 'root', start: 0, end: 9 });
    const records: unknown[] = [
      base,
      // Times a double cannot hold as an offset, one not a plain decimal, an event before start.
      {
        ...span(t, { id: 'far', parent: 'root', name: 'far', start: 1 }),
        endTimeUnixNano: '99999999999999999999999',
        events: [{ name: 'early', timeUnixNano: '1', attributes: { 'early.n': 1 } }],
      },
      {
        ...span(t, { id: 'odd', parent: 'root', name: 'odd', start: 2 }),
        startTimeUnixNano: '00017',
      },
      // An extra key and another key order are kept as they came.
      { extra: true, ...span(t, { id: 'extra', parent: 'root', name: 'extra', start: 3 }) },
    ];
    store.putAll(JSON.parse(JSON.stringify(records)) as SpanRecord[], 'otlp');
    const got = store.get(t)!;
    const byId = (id: string) => JSON.stringify(got.find((r) => r.spanId === id));
    for (const r of records as SpanRecord[]) expect(byId(r.spanId)).toBe(JSON.stringify(r));
    // '00017' starts at 17 ns, before everything else.
    expect(got[0]!.spanId).toBe((records[2] as SpanRecord).spanId);
  });
});
