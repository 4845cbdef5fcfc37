/**
 * @module
 * The small parts of the span table's byte format (`SpanTable` in span-table.ts): which
 * times and integers are held as numbers, the tags of attribute values, zigzag signs, span ids
 * as two 32-bit halves, the bytes each part is counted at for the store's byte bounds, and the
 * one scratch buffer a span is written into before it is copied to its trace's arena.
 */
import type { SpanHead } from './shared-strings.js';

export const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
export const HEX_ID = /^[0-9a-f]{16}$/;
/** Offsets (ns) held as numbers: small enough that their tagged varint stays an exact double. */
export const NEAR = 2n ** 50n;
/** Integer attribute values held as varints (others as doubles). */
export const SMALL_INT = 2 ** 48;

/** `text` (epoch ns) as an offset from `base` when it is near enough; else undefined. */
export function offsetOf(text: string, base: bigint | undefined): number | undefined {
  if (base === undefined || !DECIMAL.test(text)) return undefined;
  const d = BigInt(text) - base;
  return d < NEAR && d > -NEAR ? Number(d) : undefined;
}

// Value tags in the low 3 bits of an attribute value's varint.
export const T_STRING = 0;
export const T_INT = 1;
export const T_DOUBLE = 2;
export const T_TRUE = 3;
export const T_FALSE = 4;
export const T_RAW = 5;

export const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
export const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** What one span costs beyond its arena bytes: id columns, hash places, spare room. */
export const SPAN_BYTES = 40;

/**
 * Bytes one distinct value of a trace's table is counted at (its slot and index entry too): a
 * string, an array (attribute value or key list, with its strings), a span head, or else.
 */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return 40 + 2 * value.length;
  if (Array.isArray(value)) {
    let bytes = 40 + 8 * value.length;
    for (const v of value as unknown[]) if (typeof v === 'string') bytes += 16 + 2 * v.length;
    return bytes;
  }
  if (isHead(value)) {
    // With its strings (shared ones too: on the safe side).
    const message = value.status.message?.length ?? 0;
    return 96 + 2 * (value.name.length + value.service.length + value.scope.length + message);
  }
  // Anything else an attribute can hold when it does not come from JSON (null, an object).
  return 96;
}

export function isHead(value: unknown): value is SpanHead {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SpanHead>;
  return typeof v.name === 'string' && typeof v.scope === 'string' && typeof v.status === 'object';
}

/** Eight hex digits of `id` (checked by {@link HEX_ID}) from `from`, as a number. */
export function hex32(id: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) {
    const c = id.charCodeAt(i);
    v = v * 16 + (c <= 57 ? c - 48 : c - 87);
  }
  return v;
}

export const GIGA = 1_000_000_000n;
export const ZEROS = '000000000';
export const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Two 32-bit halves as 16 lowercase hex digits. */
export function hex16(hi: number, lo: number): string {
  const h = HEX;
  return String.fromCharCode(
    h[hi >>> 28]!,
    h[(hi >>> 24) & 15]!,
    h[(hi >>> 20) & 15]!,
    h[(hi >>> 16) & 15]!,
    h[(hi >>> 12) & 15]!,
    h[(hi >>> 8) & 15]!,
    h[(hi >>> 4) & 15]!,
    h[hi & 15]!,
    h[lo >>> 28]!,
    h[(lo >>> 24) & 15]!,
    h[(lo >>> 20) & 15]!,
    h[(lo >>> 16) & 15]!,
    h[(lo >>> 12) & 15]!,
    h[(lo >>> 8) & 15]!,
    h[(lo >>> 4) & 15]!,
    h[lo & 15]!
  );
}

export function hashOf(hi: number, lo: number): number {
  return (Math.imul(hi ^ (lo >>> 16), 0x9e3779b1) ^ lo) >>> 0;
}

/** The bytes a span is encoded into before it is copied to its trace's arena. */
let out = new Uint8Array(4096);
let outLen = 0;
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

function need(n: number): void {
  if (outLen + n <= out.length) return;
  const bigger = new Uint8Array(Math.max(out.length * 2, outLen + n));
  bigger.set(out.subarray(0, outLen));
  out = bigger;
}

/** Writes a non-negative integer below 2^53 as a base-128 varint. */
export function writeUint(v: number): void {
  need(8);
  while (v >= 0x80) {
    out[outLen++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[outLen++] = v;
}

/** Starts a span's bytes. */
export function startWriting(): void {
  outLen = 0;
}

/** Writes a double as its 8 bytes. */
export function writeDouble(v: number): void {
  need(8);
  f64[0] = v;
  out.set(f64Bytes, outLen);
  outLen += 8;
}

/** The span's bytes so far (a view: copy them before the next span is written). */
export function written(): Uint8Array {
  return out.subarray(0, outLen);
}

/** Gives back the room of a very big span once its bytes are copied. */
export function doneWriting(): void {
  if (out.length > 1 << 20) out = new Uint8Array(4096);
}

/** The double whose 8 bytes are at `pos`. */
export function readDouble(bytes: Uint8Array, pos: number): number {
  f64Bytes.set(bytes.subarray(pos, pos + 8));
  return f64[0]!;
}
