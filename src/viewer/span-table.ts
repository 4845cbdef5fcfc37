/**
 * @module
 * How the viewer's store holds the spans of one trace: a {@link SpanTable}, a few columns and
 * one byte arena instead of an object per span.
 *
 * - Span ids of the usual form (16 lowercase hex digits) are two 32-bit numbers in typed arrays,
 *   found through an open-addressing hash table (also a typed array); others go in a small map.
 * - Each span is a run of bytes in the trace's arena: variable-length integers for times (as
 *   offsets from the trace's first start), small integers, and indices into the trace's table
 *   of references. That table holds each distinct string, attribute key list and span head of
 *   the trace once; the strings themselves are shared across traces through
 *   {@link SharedStrings} (spans that arrive through JSON.parse carry fresh copies of all of
 *   them).
 * - A span of an unusual shape (extra keys, times that are not strings...) is kept as it came.
 *
 * {@link SpanTable.record} gives back a record equal to the one stored, keys in order.
 */
import {
  setOwn,
  type AttrValue,
  type SpanEventRecord,
  type SpanRecord,
} from '../telemetry/types.js';
import { isPackable, type SharedStrings, type SpanHead } from './shared-strings.js';
import { approximateBytes } from './span-limits.js';
import {
  DECIMAL,
  doneWriting,
  GIGA,
  hashOf,
  hex16,
  hex32,
  HEX_ID,
  NEAR,
  offsetOf,
  readDouble,
  SMALL_INT,
  SPAN_BYTES,
  startWriting,
  T_DOUBLE,
  T_FALSE,
  T_INT,
  T_RAW,
  T_STRING,
  T_TRUE,
  unzigzag,
  valueBytes,
  writeDouble,
  writeUint,
  written,
  ZEROS,
  zigzag,
} from './span-codec.js';

const EMPTY_ATTRIBUTES: Readonly<Record<string, AttrValue>> = Object.freeze({});
const EMPTY_EVENTS: readonly SpanEventRecord[] = Object.freeze([]);

/**
 * The spans of one trace, compactly. Slots count from 0 in the order spans were first stored;
 * a slot's span can be replaced (a running span by its end) and the newest slot removed.
 */
export class SpanTable {
  /** Epoch nanoseconds the times of this trace count from (the first start packed). */
  base?: bigint;
  #count = 0;
  #hi = new Uint32Array(4);
  #lo = new Uint32Array(4);
  /** Where each slot's span starts in the arena, or `-1 - i` for `#refs[i]` kept as it came. */
  #at = new Int32Array(4);
  /** Open addressing over hex ids: slot + 1, 0 for a free place. */
  #hash = new Int32Array(8);
  /** Spans whose id is not 16 lowercase hex digits: id to slot, and slot to id. */
  #oddIds?: Map<string, number>;
  #oddIdOf?: Map<number, string>;
  #arena = new Uint8Array(256);
  #used = 0;
  /** Arena bytes no slot points at any more (replaced spans). */
  #garbage = 0;
  #refs: unknown[] = [];
  /** Where each shared value is in `#refs`; dropped while the trace is cold, rebuilt on write. */
  #index?: Map<unknown, number>;
  // Read position while decoding.
  #pos = 0;
  /** The base split at 10^9, for writing times without bigints (set on first use). */
  #baseHi?: number;
  #baseLo = 0;
  /** Bytes the distinct values of `#refs` are counted at ({@link SpanTable.bytes}). */
  #refBytes = 0;
  /** How to take back the last add or replace ({@link SpanTable.undo}). */
  #last?: {
    readonly slot: number;
    readonly added: boolean;
    readonly at: number;
    readonly used: number;
    readonly garbage: number;
    readonly refs: number;
    readonly refBytes: number;
  };

  get size(): number {
    return this.#count;
  }

  /**
   * Bytes this table holds, counted on the safe side: per span its share of the id columns and
   * hash, its bytes in the arena (replaced copies too, until compaction), and each distinct
   * value once (strings at two bytes a unit, as if none were shared with other traces).
   */
  get bytes(): number {
    return SPAN_BYTES * this.#count + this.#used + this.#refBytes;
  }

  /** The slot of a span id, or -1. */
  slotOf(spanId: string): number {
    if (spanId.length === 16 && HEX_ID.test(spanId)) {
      return this.#find(hex32(spanId, 0), hex32(spanId, 8));
    }
    return this.#oddIds?.get(spanId) ?? -1;
  }

  #find(hi: number, lo: number): number {
    const mask = this.#hash.length - 1;
    for (let h = hashOf(hi, lo) & mask; ; h = (h + 1) & mask) {
      const s = this.#hash[h]! - 1;
      if (s < 0) return -1;
      if (this.#hi[s] === hi && this.#lo[s] === lo) return s;
    }
  }

  spanId(slot: number): string {
    const odd = this.#oddIdOf?.get(slot);
    if (odd !== undefined) return odd;
    return hex16(this.#hi[slot]!, this.#lo[slot]!);
  }

  /** Stores a span whose id the table does not hold yet, in a new slot. */
  add(span: SpanRecord, strings: SharedStrings): void {
    const slot = this.#count;
    this.#remember(slot, true);
    if (slot === this.#at.length) this.#grow();
    this.#count += 1;
    const id = span.spanId;
    if (typeof id === 'string' && id.length === 16 && HEX_ID.test(id)) {
      this.#hi[slot] = hex32(id, 0);
      this.#lo[slot] = hex32(id, 8);
      if (this.#count * 2 > this.#hash.length) this.#rehash(this.#hash.length * 2);
      else this.#insert(slot);
    } else {
      (this.#oddIds ??= new Map()).set(id, slot);
      (this.#oddIdOf ??= new Map()).set(slot, id);
    }
    this.#at[slot] = this.#pack(span, strings);
  }

  /** Replaces the span in `slot` (same id). */
  replace(slot: number, span: SpanRecord, strings: SharedStrings): void {
    this.#remember(slot, false);
    this.#garbage += this.#lengthOf(slot);
    this.#at[slot] = this.#pack(span, strings);
  }

  #remember(slot: number, added: boolean): void {
    this.#last = {
      slot,
      added,
      at: added ? 0 : this.#at[slot]!,
      used: this.#used,
      garbage: this.#garbage,
      refs: this.#refs.length,
      refBytes: this.#refBytes,
    };
  }

  /** Re-packs the spans once replaced copies take more room than the live ones (or `always`). */
  compactIfWasteful(strings: SharedStrings, always = false): void {
    if (always ? this.#garbage > 0 : this.#garbage > 4096 && this.#garbage * 2 > this.#used) {
      this.#compact(strings);
    }
  }

  /** Takes back the last {@link add} or {@link replace} (before any other change). */
  undo(): void {
    const last = this.#last;
    if (last === undefined) return;
    this.#last = undefined;
    for (let i = last.refs; i < this.#refs.length; i++) {
      const v = this.#refs[i];
      if (this.#index?.get(v) === i) this.#index.delete(v);
    }
    this.#refs.length = last.refs;
    this.#refBytes = last.refBytes;
    this.#used = last.used;
    this.#garbage = last.garbage;
    if (!last.added) {
      this.#at[last.slot] = last.at;
      return;
    }
    const slot = last.slot;

    const odd = this.#oddIdOf?.get(slot);
    if (odd !== undefined) {
      this.#oddIdOf!.delete(slot);
      this.#oddIds!.delete(odd);
    } else {
      // Linear probing: free the place, then put back what follows it in the same run.
      const mask = this.#hash.length - 1;
      let h = hashOf(this.#hi[slot]!, this.#lo[slot]!) & mask;
      while (this.#hash[h] !== slot + 1) h = (h + 1) & mask;
      this.#hash[h] = 0;
      for (let j = (h + 1) & mask; this.#hash[j] !== 0; j = (j + 1) & mask) {
        const s = this.#hash[j]! - 1;
        this.#hash[j] = 0;
        this.#insert(s);
      }
    }
    this.#count = slot;
  }

  /** Drops what only speeds up writing and gives back spare room; for a trace gone quiet. */
  settle(): void {
    this.#index = undefined;
    const n = this.#count;
    this.#hi = this.#hi.slice(0, Math.max(n, 1));
    this.#lo = this.#lo.slice(0, Math.max(n, 1));
    this.#at = this.#at.slice(0, Math.max(n, 1));
    this.#arena = this.#arena.slice(0, Math.max(this.#used, 1));
    this.#refs = this.#refs.slice();
  }

  #grow(): void {
    const size = this.#at.length * 2;
    const hi = new Uint32Array(size);
    hi.set(this.#hi.subarray(0, this.#count));
    this.#hi = hi;
    const lo = new Uint32Array(size);
    lo.set(this.#lo.subarray(0, this.#count));
    this.#lo = lo;
    const at = new Int32Array(size);
    at.set(this.#at.subarray(0, this.#count));
    this.#at = at;
  }

  #insert(slot: number): void {
    const mask = this.#hash.length - 1;
    let h = hashOf(this.#hi[slot]!, this.#lo[slot]!) & mask;
    while (this.#hash[h] !== 0) h = (h + 1) & mask;
    this.#hash[h] = slot + 1;
  }

  #rehash(size: number): void {
    this.#hash = new Int32Array(size);
    for (let s = 0; s < this.#count; s++) if (this.#oddIdOf?.get(s) === undefined) this.#insert(s);
  }

  /** The place of `value` in `#refs`, added when new (strings, key lists, heads: shared). */
  #ref(value: unknown): number {
    if (this.#index === undefined) {
      this.#index = new Map();
      for (let i = 0; i < this.#refs.length; i++) {
        const v = this.#refs[i];
        if (typeof v === 'string' || Object.isFrozen(v)) {
          if (!this.#index.has(v)) this.#index.set(v, i);
        }
      }
    }
    const known = this.#index.get(value);
    if (known !== undefined) return known;
    this.#refs.push(value);
    this.#refBytes += valueBytes(value);
    this.#index.set(value, this.#refs.length - 1);
    return this.#refs.length - 1;
  }

  /** A value kept as it came (not shared: never looked up). */
  #raw(value: unknown, bytes = valueBytes(value)): number {
    this.#refs.push(value);
    this.#refBytes += bytes;
    return this.#refs.length - 1;
  }

  /** Encodes a time: `offset` when near the base, else the text (by reference). */
  #time(offset: number | undefined, text: string, strings: SharedStrings): void {
    if (offset !== undefined) writeUint(zigzag(offset) * 2);
    else writeUint(this.#ref(strings.str(text)) * 2 + 1);
  }

  #attributes(attrs: Readonly<Record<string, AttrValue>>, strings: SharedStrings): void {
    const keys: string[] = [];
    for (const key in attrs) keys.push(key);
    if (keys.length === 0) {
      writeUint(0);
      return;
    }
    writeUint(this.#ref(strings.keys(keys)) + 1);
    for (const key of keys) {
      const v = attrs[key] as AttrValue;
      if (typeof v === 'string') writeUint(this.#ref(strings.str(v)) * 8 + T_STRING);
      else if (typeof v === 'boolean') writeUint(v ? T_TRUE : T_FALSE);
      else if (
        typeof v === 'number' &&
        Number.isInteger(v) &&
        Math.abs(v) < SMALL_INT &&
        !Object.is(v, -0)
      ) {
        writeUint(zigzag(v) * 8 + T_INT);
      } else if (typeof v === 'number') {
        writeUint(T_DOUBLE);
        writeDouble(v);
      } else writeUint(this.#raw(v) * 8 + T_RAW);
    }
  }

  /** Packs a span into the arena; returns its place (or `-1 - ref` when kept as it came). */
  #pack(span: SpanRecord, strings: SharedStrings): number {
    const head = isPackable(span) ? strings.head(span) : undefined;
    if (head === undefined) return -1 - this.#raw(span, approximateBytes(span));
    if (this.base === undefined && DECIMAL.test(span.startTimeUnixNano)) {
      this.base = BigInt(span.startTimeUnixNano);
    }
    startWriting();
    writeUint(this.#ref(head));
    const parent = span.parentSpanId;
    if (parent === undefined) writeUint(0);
    else if (parent.length === 16 && HEX_ID.test(parent)) {
      writeUint(1);
      writeUint(hex32(parent, 0));
      writeUint(hex32(parent, 8));
    } else writeUint(this.#ref(strings.str(parent)) + 2);
    const start = offsetOf(span.startTimeUnixNano, this.base);
    this.#time(start, span.startTimeUnixNano, strings);
    const endText = span.endTimeUnixNano;
    if (endText === undefined) writeUint(0);
    else {
      // The end as an offset from the start (short), when both are near the base.
      const end = start === undefined ? undefined : offsetOf(endText, this.base);
      if (end !== undefined && end - start! < Number(NEAR) && end - start! > -Number(NEAR)) {
        writeUint(zigzag(end - start!) * 2 + 2);
      } else writeUint(this.#ref(strings.str(endText)) * 2 + 1);
    }
    this.#attributes(span.attributes, strings);
    writeUint(span.events.length);
    const ownStart = start === undefined ? undefined : this.base! + BigInt(start);
    for (const e of span.events) {
      writeUint(this.#ref(strings.str(e.name)));
      this.#time(offsetOf(e.timeUnixNano, ownStart), e.timeUnixNano, strings);
      this.#attributes(e.attributes, strings);
    }
    const spanBytes = written();
    if (this.#used + spanBytes.length > this.#arena.length) {
      const size = Math.max(this.#arena.length * 2, this.#used + spanBytes.length);
      const bigger = new Uint8Array(size);
      bigger.set(this.#arena.subarray(0, this.#used));
      this.#arena = bigger;
    }
    this.#arena.set(spanBytes, this.#used);
    const at = this.#used;
    this.#used += spanBytes.length;
    doneWriting();
    return at;
  }

  /** Re-packs every span into a fresh arena and reference table, leaving out replaced ones. */
  #compact(strings: SharedStrings): void {
    const records: SpanRecord[] = [];
    for (let s = 0; s < this.#count; s++) records.push(this.record(s, ''));
    this.#arena = new Uint8Array(Math.max(256, this.#used - this.#garbage));
    this.#used = 0;
    this.#garbage = 0;
    this.#refs = [];
    this.#refBytes = 0;
    this.#index = undefined;
    this.#last = undefined;
    for (let s = 0; s < this.#count; s++) this.#at[s] = this.#pack(records[s]!, strings);
  }

  /** Bytes the span in `slot` takes in the arena (0 when kept as it came). */
  #lengthOf(slot: number): number {
    const at = this.#at[slot]!;
    if (at < 0) return 0;
    this.#pos = at;
    this.#skipSpan();
    return this.#pos - at;
  }

  #uint(): number {
    const a = this.#arena;
    let b = a[this.#pos++]!;
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let scale = 0x80;
    for (;;) {
      b = a[this.#pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
  }

  #skipAttributes(): void {
    const keysRef = this.#uint();
    if (keysRef === 0) return;
    const n = (this.#refs[keysRef - 1] as readonly string[]).length;
    for (let k = 0; k < n; k++) if (this.#uint() === T_DOUBLE) this.#pos += 8;
  }

  #skipSpan(): void {
    this.#uint();
    if (this.#uint() === 1) {
      this.#uint();
      this.#uint();
    }
    this.#uint();
    this.#uint();
    this.#skipAttributes();
    for (let n = this.#uint(); n > 0; n--) {
      this.#uint();
      this.#uint();
      this.#skipAttributes();
    }
  }

  #readAttributes(): Readonly<Record<string, AttrValue>> {
    const keysRef = this.#uint();
    if (keysRef === 0) return EMPTY_ATTRIBUTES;
    const keys = this.#refs[keysRef - 1] as readonly string[];
    const attrs: Record<string, AttrValue> = {};
    for (let k = 0; k < keys.length; k++) {
      const v = this.#uint();
      const tag = v % 8;
      const payload = (v - tag) / 8;
      let value: AttrValue;
      if (tag === T_STRING) value = this.#refs[payload] as string;
      else if (tag === T_INT) value = unzigzag(payload);
      else if (tag === T_TRUE) value = true;
      else if (tag === T_FALSE) value = false;
      else if (tag === T_DOUBLE) {
        value = readDouble(this.#arena, this.#pos);
        this.#pos += 8;
      } else value = this.#refs[payload] as AttrValue;
      const key = keys[k]!;
      if (key === '__proto__') setOwn(attrs, key, value);
      else attrs[key] = value;
    }
    return attrs;
  }

  /** Reads a time; `from` is what its offset counts from. */
  #readTime(from: number | undefined): string {
    const v = this.#uint();
    if (v % 2 === 1) return this.#refs[(v - 1) / 2] as string;
    return this.#text(from! + unzigzag(v / 2));
  }

  /** The decimal text of `base + offset` (epoch ns), without a bigint on the common path. */
  #text(offset: number): string {
    if (this.#baseHi === undefined) {
      this.#baseHi = Number(this.base! / GIGA);
      this.#baseLo = Number(this.base! % GIGA);
    }
    // Below 2^53 throughout: the low part is under 10^9, the offset under 2^51.
    let lo = this.#baseLo + offset;
    let hi = this.#baseHi;
    if (lo < 0 || lo >= 1e9) {
      const carry = Math.floor(lo / 1e9);
      lo -= carry * 1e9;
      hi += carry;
    }
    if (hi < 0) return (this.base! + BigInt(offset)).toString();
    if (hi === 0) return String(lo);
    const low = String(lo);
    return String(hi) + ZEROS.slice(low.length) + low;
  }

  /** Reads the start of the span at the read position: an offset, or the text. */
  #readStart(): number | string {
    const v = this.#uint();
    return v % 2 === 1 ? (this.#refs[(v - 1) / 2] as string) : unzigzag(v / 2);
  }

  /** Moves the read position past head and parent to the start. */
  #seekStart(at: number): void {
    this.#pos = at;
    this.#uint();
    if (this.#uint() === 1) {
      this.#uint();
      this.#uint();
    }
  }

  /** The record stored in `slot` (a new object; equal to the one that was stored). */
  record(slot: number, traceId: string): SpanRecord {
    const at = this.#at[slot]!;
    if (at < 0) return this.#refs[-1 - at] as SpanRecord;
    this.#pos = at;
    const head = this.#refs[this.#uint()] as SpanHead;
    const p = this.#uint();
    let parent: string | undefined;
    if (p === 1) parent = hex16(this.#uint(), this.#uint());
    else if (p > 1) parent = this.#refs[p - 2] as string;
    const start = this.#readStart();
    const startOffset = typeof start === 'number' ? start : undefined;
    const e = this.#uint();
    let end: string | undefined;
    if (e === 0) end = undefined;
    else if (e % 2 === 1) end = this.#refs[(e - 1) / 2] as string;
    else end = this.#text(startOffset! + unzigzag((e - 2) / 2));
    const attributes = this.#readAttributes();
    let events: SpanEventRecord[] | readonly SpanEventRecord[] = EMPTY_EVENTS;
    const n = this.#uint();
    if (n > 0) {
      const list: SpanEventRecord[] = [];
      for (let i = 0; i < n; i++) {
        const name = this.#refs[this.#uint()] as string;
        const timeUnixNano = this.#readTime(startOffset);
        list.push({ name, timeUnixNano, attributes: this.#readAttributes() });
      }
      events = list;
    }
    const record: Record<string, unknown> = { traceId, spanId: this.spanId(slot) };
    if (parent !== undefined) record.parentSpanId = parent;
    record.name = head.name;
    record.kind = head.kind;
    record.service = head.service;
    record.scope = head.scope;
    record.startTimeUnixNano = typeof start === 'number' ? this.#text(start) : start;
    if (end !== undefined) record.endTimeUnixNano = end;
    record.attributes = attributes;
    record.events = events;
    record.status = head.status;
    return record as unknown as SpanRecord;
  }

  /** Whether the span in `slot` has ended. */
  hasEnded(slot: number): boolean {
    const at = this.#at[slot]!;
    if (at < 0) return (this.#refs[-1 - at] as SpanRecord).endTimeUnixNano !== undefined;
    this.#seekStart(at);
    this.#uint();
    return this.#uint() !== 0;
  }

  /**
   * What a trace summary needs of the span in `slot`: its start and end (epoch ns; end undefined
   * while it runs), its status code, and whether its parent is held in this table.
   */
  facts(slot: number): { start: bigint; end?: bigint; code: number; rooted: boolean } {
    const at = this.#at[slot]!;
    if (at < 0) {
      const r = this.#refs[-1 - at] as SpanRecord;
      const parent = r.parentSpanId;
      return {
        start: BigInt(r.startTimeUnixNano),
        ...(r.endTimeUnixNano !== undefined ? { end: BigInt(r.endTimeUnixNano) } : {}),
        code: r.status.code,
        rooted: !parent || this.slotOf(parent) < 0,
      };
    }
    this.#pos = at;
    const head = this.#refs[this.#uint()] as SpanHead;
    const p = this.#uint();
    let rooted = p === 0;
    if (p === 1) rooted = this.#find(this.#uint(), this.#uint()) < 0;
    else if (p > 1) rooted = (this.#oddIds?.get(this.#refs[p - 2] as string) ?? -1) < 0;
    const s = this.#readStart();
    const start = typeof s === 'number' ? this.base! + BigInt(s) : BigInt(s);
    const e = this.#uint();
    let end: bigint | undefined;
    if (e % 2 === 1) end = BigInt(this.#refs[(e - 1) / 2] as string);
    else if (e > 0) end = start + BigInt(unzigzag((e - 2) / 2));
    return { start, ...(end !== undefined ? { end } : {}), code: head.status.code, rooted };
  }

  /**
   * Each slot's start, for sorting: offsets from the base (numbers) when every span has one,
   * else epoch nanoseconds (bigints).
   */
  starts(): number[] | bigint[] {
    const offsets: number[] = [];
    for (let s = 0; s < this.#count; s++) {
      const at = this.#at[s]!;
      if (at < 0) break;
      this.#seekStart(at);
      const start = this.#readStart();
      if (typeof start !== 'number') break;
      offsets.push(start);
    }
    if (offsets.length === this.#count) return offsets;
    const ns: bigint[] = [];
    for (let s = 0; s < this.#count; s++) ns.push(this.facts(s).start);
    return ns;
  }
}
