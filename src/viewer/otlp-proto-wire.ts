/**
 * @module
 * The protobuf wire format as the OTLP decoder (otlp-proto.ts) reads it: a
 * bounds-checked reader of varints, fixed-width numbers and length-delimited fields over one
 * buffer. Malformed input throws {@link ProtoDecodeError}, never crashes or reads past the end.
 */

/** Thrown for bytes that are not a well-formed `ExportTraceServiceRequest`. */
export class ProtoDecodeError extends Error {
  readonly code = 'OTLP_PROTO';
  constructor(message: string) {
    super(message);
    this.name = 'ProtoDecodeError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;
export const MAX_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class Reader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length, view?: DataView) {
    this.buf = buf;
    // One view for the whole buffer, shared by every sub-message reader.
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoDecodeError('truncated varint');
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtoDecodeError('varint longer than 10 bytes');
  }

  /**
   * A varint of at most 5 bytes as a number, without BigInt (tags, lengths, counts: nearly every
   * varint in a request); undefined, with the position unchanged, for a longer one.
   */
  #small(): number | undefined {
    let result = 0;
    for (let i = 0, at = this.pos; i < 5; i++) {
      if (at >= this.end) throw new ProtoDecodeError('truncated varint');
      const byte = this.buf[at++] as number;
      result += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        this.pos = at;
        return result;
      }
    }
    return undefined;
  }

  uint32(): number {
    const small = this.#small();
    if (small !== undefined) {
      if (small > 0xffffffff) throw new ProtoDecodeError('value does not fit in 32 bits');
      return small;
    }
    const v = this.varint();
    if (v > 0xffffffffn) throw new ProtoDecodeError('value does not fit in 32 bits');
    return Number(v);
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new ProtoDecodeError('truncated fixed64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtoDecodeError('truncated fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoDecodeError('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field: returns [start, end) and moves past it. */
  span(): [number, number] {
    const len = this.#small() ?? this.varint();
    if (len > (typeof len === 'number' ? this.end - this.pos : BigInt(this.end - this.pos))) {
      throw new ProtoDecodeError('length runs past the end');
    }
    const start = this.pos;
    this.pos += Number(len);
    return [start, this.pos];
  }

  bytes(): Uint8Array {
    const [s, e] = this.span();
    return this.buf.subarray(s, e);
  }

  string(): string {
    try {
      return utf8.decode(this.bytes());
    } catch {
      throw new ProtoDecodeError('string field is not valid UTF-8');
    }
  }

  sub(): Reader {
    const [s, e] = this.span();
    return new Reader(this.buf, s, e, this.view);
  }

  tag(): [field: number, wire: number] {
    const key = this.uint32();
    const field = key >>> 3;
    if (field === 0) throw new ProtoDecodeError('field number 0');
    return [field, key & 7];
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.fixed64();
        return;
      case WIRE_LEN:
        this.span();
        return;
      case WIRE_FIXED32:
        this.fixed32();
        return;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
  }
}

export function expectWire(actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new ProtoDecodeError(`${what}: wire type ${actual}, expected ${expected}`);
  }
}
