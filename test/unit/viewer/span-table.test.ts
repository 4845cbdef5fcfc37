import { describe, expect, it } from 'vitest';
import type { AttrValue, SpanRecord } from '../../../src/telemetry/types.js';
import { SharedStrings } from '../../../src/viewer/shared-strings.js';
import { SpanTable } from '../../../src/viewer/span-table.js';

const TRACE = 'ab'.repeat(16);
const BASE = 1_796_253_680_887_044_678n;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: AttrValue[] = [
  'urllib3',
  '',
  'x'.repeat(300),
  'ünïcødé ✓ 日本語',
  0,
  -1,
  7,
  2 ** 31,
  -(2 ** 40),
  2 ** 53 - 1,
  -0,
  0.5,
  -1e300,
  Number.MAX_VALUE,
  true,
  false,
  ['a', 'b'],
  [1, 2.5],
  [true],
  // Not attribute values by type, but what a live span may carry all the same.
  null as unknown as AttrValue,
  { nested: 1 } as unknown as AttrValue,
];
const KEYS = [
  'novatrace.layer',
  'url.full',
  'code.line.number',
  '__proto__',
  'constructor',
  'n',
  // Keys that hold the separator of the shared key lists' ids.
  'a\u0000b',
  'a',
  'b',
  '7',
  // Keys too long to share their list by joined id.
  'k'.repeat(3000),
];
const TIMES = ['0', '00017', 'not-a-time', '99999999999999999999999', '1'];

function id(n: number, odd: boolean): string {
  return odd ? `span-${n}` : n.toString(16).padStart(16, '0');
}

function randomSpan(r: () => number, n: number, ended: boolean): SpanRecord {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const time = (): string =>
    r() < 0.1 ? pick(TIMES) : (BASE + BigInt(Math.floor((r() - 0.2) * 2 ** 40))).toString();
  const attrs = (): Record<string, AttrValue> => {
    const out: Record<string, AttrValue> = {};
    const count = Math.floor(r() * 5);
    for (let k = 0; k < count; k++) {
      Object.defineProperty(out, pick(KEYS), {
        value: pick(VALUES),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  const parent = r() < 0.2 ? undefined : id(Math.floor(r() * 50), r() < 0.1);
  const record: Record<string, unknown> = { traceId: TRACE, spanId: id(n, n % 7 === 3) };
  if (parent !== undefined) record.parentSpanId = parent;
  record.name = pick(['Session.send', 'GET', 'x'.repeat(400), 'a\u0000internal', 'a']);
  record.kind = pick(['internal', 'client', '\u0000internal']);
  record.service = 'novaclient';
  record.scope = 'novatrace.requests';
  record.startTimeUnixNano = time();
  if (ended) record.endTimeUnixNano = time();
  record.attributes = attrs();
  record.events = Array.from({ length: Math.floor(r() * 3) }, () => ({
    name: pick(['pool hit', 'REQ: ' + 'y'.repeat(500)]),
    timeUnixNano: time(),
    attributes: attrs(),
  }));
  record.status = r() < 0.2 ? { code: 2, message: pick(['boom', 'z'.repeat(300)]) } : { code: 0 };
  if (r() < 0.05) return { extra: 1, ...record } as unknown as SpanRecord;
  return record as unknown as SpanRecord;
}

/** JSON cannot tell -0 from 0: numbers are compared by hand too. */
function same(got: SpanRecord, want: SpanRecord): void {
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  expect(Object.keys(got.attributes)).toEqual(Object.keys(want.attributes));
  for (const k of Object.keys(want.attributes)) {
    const w = want.attributes[k];
    if (typeof w === 'number') expect(Object.is(got.attributes[k], w)).toBe(true);
  }
}

describe('SpanTable', () => {
  it('gives back every span exactly through adds, replacements, compaction and settling', () => {
    const r = rng(13);
    const strings = new SharedStrings();
    const table = new SpanTable();
    const model = new Map<string, SpanRecord>();
    for (let step = 0; step < 3000; step++) {
      const n = Math.floor(r() * 400);
      const span = randomSpan(r, n, r() < 0.7);
      const slot = table.slotOf(span.spanId);
      if (r() < 0.1) {
        // A write taken back (its trace would be over budget) leaves the table as it was.
        const bytes = table.bytes;
        if (slot < 0) table.add(span, strings);
        else table.replace(slot, span, strings);
        table.undo();
        expect(table.bytes).toBe(bytes);
        continue;
      }
      if (slot < 0) table.add(span, strings);
      else table.replace(slot, span, strings);
      table.compactIfWasteful(strings);
      model.set(span.spanId, span);
      if (step % 500 === 499) table.settle();
      if (step % 97 === 0) {
        // The newest slot can be taken back (a span refused after it was added).
        const extra = randomSpan(r, 10_000 + step, true);
        table.add(extra, strings);
        table.undo();
        expect(table.slotOf(extra.spanId)).toBe(-1);
      }
    }
    expect(table.size).toBe(model.size);
    for (const [spanId, want] of model) {
      const slot = table.slotOf(spanId);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(table.spanId(slot)).toBe(spanId);
      same(table.record(slot, TRACE), want);
      expect(table.hasEnded(slot)).toBe(want.endTimeUnixNano !== undefined);
    }
  });

  it('finds each of many hex ids and none that it does not hold', () => {
    const strings = new SharedStrings();
    const table = new SpanTable();
    const r = rng(7);
    const ids = new Set<string>();
    while (ids.size < 20_000)
      ids.add(
        Math.floor(r() * 2 ** 52)
          .toString(16)
          .padStart(16, '0')
      );
    for (const spanId of ids) {
      table.add(
        {
          traceId: TRACE,
          spanId,
          name: 'n',
          kind: 'internal',
          service: 's',
          scope: 'c',
          startTimeUnixNano: BASE.toString(),
          attributes: {},
          events: [],
          status: { code: 0 },
        },
        strings
      );
    }
    let slot = 0;
    for (const spanId of ids) expect(table.slotOf(spanId)).toBe(slot++);
    expect(table.slotOf('ffffffffffffffff')).toBe(ids.has('ffffffffffffffff') ? ids.size - 1 : -1);
    expect(table.slotOf('FFFFFFFFFFFFFFFF')).toBe(-1);
  });

  it('tells a summary start, end, status and whether the parent is held', () => {
    const strings = new SharedStrings();
    const table = new SpanTable();
    const rec = (spanId: string, parent: string | undefined, start: string, end?: string) =>
      ({
        traceId: TRACE,
        spanId,
        ...(parent !== undefined ? { parentSpanId: parent } : {}),
        name: 'n',
        kind: 'internal',
        service: 's',
        scope: 'c',
        startTimeUnixNano: start,
        ...(end !== undefined ? { endTimeUnixNano: end } : {}),
        attributes: {},
        events: [],
        status: { code: spanId === 'odd' ? 2 : 0 },
      }) as SpanRecord;
    table.add(rec('00000000000000aa', undefined, '100', '250'), strings);
    table.add(rec('odd', '00000000000000aa', '90'), strings);
    table.add(rec('00000000000000bb', 'missing', '95'), strings);
    table.add(rec('00000000000000cc', 'odd', '120', '99999999999999999999'), strings);
    expect(table.facts(0)).toEqual({ start: 100n, end: 250n, code: 0, rooted: true });
    expect(table.facts(1)).toEqual({ start: 90n, code: 2, rooted: false });
    expect(table.facts(2)).toEqual({ start: 95n, code: 0, rooted: true });
    expect(table.facts(3)).toEqual({
      start: 120n,
      end: 99999999999999999999n,
      code: 0,
      rooted: false,
    });
    expect(table.starts()).toEqual([0, -10, -5, 20]);
    // A span kept as it came (keys in another order) is summarised the same way.
    const { traceId, ...rest } = rec('00000000000000dd', 'nowhere', '80', '85');
    table.add({ ...rest, traceId } as SpanRecord, strings);
    expect(table.facts(4)).toEqual({ start: 80n, end: 85n, code: 0, rooted: true });
    expect(table.starts()).toEqual([100n, 90n, 95n, 120n, 80n]);
  });

  it('shares short key lists and heads, but remembers none by a text past MAX_ID_LENGTH', () => {
    const strings = new SharedStrings();
    expect(strings.keys(['a', 'b'])).toBe(strings.keys(['a', 'b']));
    const long = ['k'.repeat(SharedStrings.MAX_ID_LENGTH), 'b'];
    expect(strings.keys([...long])).not.toBe(strings.keys([...long]));
    expect(strings.keys([...long])).toEqual(long);
    const head = (name: string) =>
      strings.head({
        traceId: TRACE,
        spanId: '0000000000000001',
        name,
        kind: 'internal',
        service: 's',
        scope: 'c',
        startTimeUnixNano: '1',
        attributes: {},
        events: [],
        status: { code: 0 },
      });
    expect(head('n')).toBe(head('n'));
    const longName = 'n'.repeat(SharedStrings.MAX_ID_LENGTH);
    expect(head(longName)).not.toBe(head(longName));
    expect(head(longName)?.name).toBe(longName);
  });

  it('writes times back exactly near zero, across 10^9 and below the base', () => {
    const strings = new SharedStrings();
    const table = new SpanTable();
    const times = ['5', '0', '3', '999999999', '1000000000', '1000000001', '1999999999', '2'];
    times.forEach((t, i) =>
      table.add(
        {
          traceId: TRACE,
          spanId: (i + 1).toString(16).padStart(16, '0'),
          name: 'n',
          kind: 'internal',
          service: 's',
          scope: 'c',
          startTimeUnixNano: t,
          endTimeUnixNano: times[(i + 3) % times.length]!,
          attributes: {},
          events: [{ name: 'e', timeUnixNano: times[(i + 5) % times.length]!, attributes: {} }],
          status: { code: 0 },
        },
        strings
      )
    );
    times.forEach((t, i) => {
      const r = table.record(i, TRACE);
      expect(r.startTimeUnixNano).toBe(t);
      expect(r.endTimeUnixNano).toBe(times[(i + 3) % times.length]);
      expect(r.events[0]!.timeUnixNano).toBe(times[(i + 5) % times.length]);
    });
  });
});
