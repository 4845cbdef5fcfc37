/**
 * @module
 * A small decoder for OTLP/HTTP protobuf trace requests (`ExportTraceServiceRequest`). It reads
 * the protobuf wire format directly and produces the same object shape as the OTLP/JSON
 * encoding (hex ids, decimal-string nanoseconds, integer enums), so one converter
 * (`fromOtlpJson`) handles both content types.
 *
 * The schema below is written from the field numbers of opentelemetry-proto's
 * `trace/v1/trace.proto`, `common/v1/common.proto`, `resource/v1/resource.proto` and
 * `collector/trace/v1/trace_service.proto`; unknown fields are skipped as protobuf requires.
 * Every read is bounds-checked: malformed input throws {@link ProtoDecodeError}, never crashes.
 */

import {
  expectWire,
  MAX_DEPTH,
  ProtoDecodeError,
  Reader,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
} from './otlp-proto-wire.js';

export { ProtoDecodeError } from './otlp-proto-wire.js';

/** Thrown when a request holds more than {@link ProtoLimits} allow; `limit` names which. */
export class ProtoLimitError extends Error {
  readonly code = 'OTLP_PROTO_LIMIT';
  readonly limit: keyof ProtoLimits;
  readonly max: number;
  constructor(limit: keyof ProtoLimits, max: number, what: string) {
    super(`${what} is over the limit of ${max} (${limit})`);
    this.name = 'ProtoLimitError';
    this.limit = limit;
    this.max = max;
  }
}

/**
 * What one request may hold. Counted while the bytes are read, before each object is built, so
 * a small body of millions of empty entries costs no more than reading it.
 */
export interface ProtoLimits {
  /** Most spans in the request. */
  readonly maxSpans: number;
  /** Most attributes, events, links and array/kvlist values in the request, all together. */
  readonly maxItems: number;
}

const NO_LIMITS: ProtoLimits = { maxSpans: Infinity, maxItems: Infinity };

/** The running counts of one decode. */
class Budget {
  readonly limits: ProtoLimits;
  spans = 0;
  items = 0;
  constructor(limits: ProtoLimits) {
    this.limits = limits;
  }
  span(): void {
    if (++this.spans > this.limits.maxSpans) {
      throw new ProtoLimitError('maxSpans', this.limits.maxSpans, 'the number of spans');
    }
  }
  item(): void {
    if (++this.items > this.limits.maxItems) {
      throw new ProtoLimitError(
        'maxItems',
        this.limits.maxItems,
        'the number of attributes, events, links and values'
      );
    }
  }
}

/** The budget of the decode under way (decoding is synchronous between pauses). */
let budget = new Budget(NO_LIMITS);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Reads one message: `fields[n]` handles field n; other fields are skipped. */
function message(
  r: Reader,
  fields: Record<number, (r: Reader, wire: number, out: JsonObject) => void>
): JsonObject {
  const out: JsonObject = {};
  while (!r.done) {
    const [field, wire] = r.tag();
    const handler = fields[field];
    if (handler) handler(r, wire, out);
    else r.skip(wire);
  }
  return out;
}

function push(out: JsonObject, key: string, value: Json, count = true): void {
  if (count) budget.item();
  const list = out[key];
  if (Array.isArray(list)) list.push(value);
  else out[key] = [value];
}

function str(key: string) {
  return (r: Reader, wire: number, out: JsonObject) => {
    expectWire(wire, WIRE_LEN, key);
    out[key] = r.string();
  };
}

function u32(key: string) {
  return (r: Reader, wire: number, out: JsonObject) => {
    expectWire(wire, WIRE_VARINT, key);
    out[key] = r.uint32();
  };
}

function fixed64String(key: string) {
  return (r: Reader, wire: number, out: JsonObject) => {
    expectWire(wire, WIRE_FIXED64, key);
    out[key] = r.fixed64().toString();
  };
}

function hexBytes(key: string) {
  return (r: Reader, wire: number, out: JsonObject) => {
    expectWire(wire, WIRE_LEN, key);
    const bytes = r.bytes();
    if (bytes.length > 0) out[key] = hex(bytes);
  };
}

function anyValue(r: Reader, depth: number): JsonObject {
  if (depth > MAX_DEPTH) throw new ProtoDecodeError('values nested too deeply');
  return message(r, {
    1: (r, w, o) => {
      expectWire(w, WIRE_LEN, 'stringValue');
      o.stringValue = r.string();
    },
    2: (r, w, o) => {
      expectWire(w, WIRE_VARINT, 'boolValue');
      o.boolValue = r.varint() !== 0n;
    },
    3: (r, w, o) => {
      expectWire(w, WIRE_VARINT, 'intValue');
      o.intValue = BigInt.asIntN(64, r.varint()).toString();
    },
    4: (r, w, o) => {
      expectWire(w, WIRE_FIXED64, 'doubleValue');
      o.doubleValue = r.double();
    },
    5: (r, w, o) => {
      expectWire(w, WIRE_LEN, 'arrayValue');
      const inner = r.sub();
      const values: Json[] = [];
      message(inner, {
        1: (r2, w2) => {
          expectWire(w2, WIRE_LEN, 'arrayValue.values');
          budget.item();
          values.push(anyValue(r2.sub(), depth + 1));
        },
      });
      o.arrayValue = { values };
    },
    6: (r, w, o) => {
      expectWire(w, WIRE_LEN, 'kvlistValue');
      const inner = r.sub();
      const values: Json[] = [];
      message(inner, {
        1: (r2, w2) => {
          expectWire(w2, WIRE_LEN, 'kvlistValue.values');
          budget.item();
          values.push(keyValue(r2.sub(), depth + 1));
        },
      });
      o.kvlistValue = { values };
    },
    7: (r, w, o) => {
      expectWire(w, WIRE_LEN, 'bytesValue');
      o.bytesValue = base64(r.bytes());
    },
  });
}

function keyValue(r: Reader, depth = 0): JsonObject {
  const kv = message(r, {
    1: str('key'),
    2: (r, w, o) => {
      expectWire(w, WIRE_LEN, 'value');
      o.value = anyValue(r.sub(), depth + 1);
    },
  });
  if (kv.key === undefined) kv.key = '';
  if (kv.value === undefined) kv.value = {};
  return kv;
}

function attributes(key = 'attributes') {
  return (r: Reader, wire: number, out: JsonObject) => {
    expectWire(wire, WIRE_LEN, key);
    budget.item();
    push(out, key, keyValue(r.sub()), false);
  };
}

function nested(key: string, decode: (r: Reader) => JsonObject, repeated: boolean) {
  return (r: Reader, wire: number, out: JsonObject) => {
    expectWire(wire, WIRE_LEN, key);
    if (repeated) budget.item();
    const value = decode(r.sub());
    if (repeated) push(out, key, value, false);
    else out[key] = value;
  };
}

const decodeStatus = (r: Reader): JsonObject => message(r, { 2: str('message'), 3: u32('code') });

const decodeEvent = (r: Reader): JsonObject =>
  message(r, {
    1: fixed64String('timeUnixNano'),
    2: str('name'),
    3: attributes(),
    4: u32('droppedAttributesCount'),
  });

const decodeLink = (r: Reader): JsonObject =>
  message(r, {
    1: hexBytes('traceId'),
    2: hexBytes('spanId'),
    3: str('traceState'),
    4: attributes(),
    5: u32('droppedAttributesCount'),
    6: (r, w, o) => {
      expectWire(w, WIRE_FIXED32, 'flags');
      o.flags = r.fixed32();
    },
  });

const decodeSpan = (r: Reader): JsonObject => {
  const span = message(r, {
    1: hexBytes('traceId'),
    2: hexBytes('spanId'),
    3: str('traceState'),
    4: hexBytes('parentSpanId'),
    5: str('name'),
    6: u32('kind'),
    7: fixed64String('startTimeUnixNano'),
    8: fixed64String('endTimeUnixNano'),
    9: attributes(),
    10: u32('droppedAttributesCount'),
    11: nested('events', decodeEvent, true),
    12: u32('droppedEventsCount'),
    13: nested('links', decodeLink, true),
    14: u32('droppedLinksCount'),
    15: nested('status', decodeStatus, false),
    16: (r, w, o) => {
      expectWire(w, WIRE_FIXED32, 'flags');
      o.flags = r.fixed32();
    },
  });
  // proto3 leaves defaults off the wire; the JSON form the converter reads expects them.
  span.name ??= '';
  span.kind ??= 0;
  span.startTimeUnixNano ??= '0';
  span.endTimeUnixNano ??= '0';
  span.status ??= {};
  return span;
};

const decodeScope = (r: Reader): JsonObject =>
  message(r, {
    1: str('name'),
    2: str('version'),
    3: attributes(),
    4: u32('droppedAttributesCount'),
  });

/**
 * The request, decoded one span at a time: yields after each span so a caller can pause between
 * them. The outer messages are walked here (not through {@link message}) for that reason.
 */
function* decodeSteps(bytes: Uint8Array, out: JsonObject[]): Generator<void, void, void> {
  const top = new Reader(bytes);
  while (!top.done) {
    const [field, wire] = top.tag();
    if (field !== 1) {
      top.skip(wire);
      continue;
    }
    expectWire(wire, WIRE_LEN, 'resourceSpans');
    budget.item();
    const rsReader = top.sub();
    const rs: JsonObject = {};
    out.push(rs);
    while (!rsReader.done) {
      const [f, w] = rsReader.tag();
      if (f === 1) {
        expectWire(w, WIRE_LEN, 'resource');
        rs.resource = decodeResource(rsReader.sub());
      } else if (f === 3) {
        expectWire(w, WIRE_LEN, 'schemaUrl');
        rs.schemaUrl = rsReader.string();
      } else if (f === 2) {
        expectWire(w, WIRE_LEN, 'scopeSpans');
        budget.item();
        const ssReader = rsReader.sub();
        const ss: JsonObject = {};
        const scopeList = (rs.scopeSpans ??= []) as Json[];
        scopeList.push(ss);
        while (!ssReader.done) {
          const [g, x] = ssReader.tag();
          if (g === 1) {
            expectWire(x, WIRE_LEN, 'scope');
            ss.scope = decodeScope(ssReader.sub());
          } else if (g === 3) {
            expectWire(x, WIRE_LEN, 'schemaUrl');
            ss.schemaUrl = ssReader.string();
          } else if (g === 2) {
            expectWire(x, WIRE_LEN, 'spans');
            budget.span();
            const span = decodeSpan(ssReader.sub());
            ((ss.spans ??= []) as Json[]).push(span);
            yield;
          } else ssReader.skip(x);
        }
      } else rsReader.skip(w);
    }
  }
}

/**
 * Counts the spans of a request without decoding them (only the two outer message levels are
 * walked; span bodies are skipped by their length), and refuses a request over `maxSpans` before
 * a single object is built: 1.9 million empty spans fit in 3.8 MB. It allocates nothing per
 * field (no reader, no tuple), so the count itself gives the garbage collector no work, and it
 * yields every 1,024 spans so it can pause. Malformed bytes end the count quietly; the decode
 * that follows says what is wrong with them.
 * @throws ProtoLimitError
 */
function* precountSpans(bytes: Uint8Array, maxSpans: number): Generator<void, void, void> {
  if (maxSpans === Infinity) return;
  let pos = 0;
  /** A varint of at most 5 bytes, or -1 (longer, or past `end`). */
  const varint = (end: number): number => {
    let result = 0;
    for (let i = 0; i < 5 && pos < end; i++) {
      const byte = bytes[pos++] as number;
      result += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return result;
    }
    return -1;
  };
  /** Moves past a field's value; false when the bytes are malformed. */
  const skip = (wire: number, end: number): boolean => {
    if (wire === WIRE_VARINT) {
      for (let i = 0; i < 10; i++) if (pos >= end || ((bytes[pos++] as number) & 0x80) === 0) break;
    } else if (wire === WIRE_FIXED64) pos += 8;
    else if (wire === WIRE_FIXED32) pos += 4;
    else if (wire === WIRE_LEN) {
      const len = varint(end);
      if (len < 0) return false;
      pos += len;
    } else return false;
    return pos <= end;
  };
  /** The end of a length-delimited field's value, or -1 when malformed. */
  const sub = (end: number): number => {
    const len = varint(end);
    return len < 0 || pos + len > end ? -1 : pos + len;
  };
  let spans = 0;
  const top = bytes.length;
  while (pos < top) {
    const key = varint(top);
    if (key < 0) return;
    if (key !== (1 << 3) + WIRE_LEN) {
      if (!skip(key & 7, top)) return;
      continue;
    }
    const rsEnd = sub(top);
    if (rsEnd < 0) return;
    while (pos < rsEnd) {
      const k = varint(rsEnd);
      if (k < 0) return;
      if (k !== (2 << 3) + WIRE_LEN) {
        if (!skip(k & 7, rsEnd)) return;
        continue;
      }
      const ssEnd = sub(rsEnd);
      if (ssEnd < 0) return;
      while (pos < ssEnd) {
        const g = varint(ssEnd);
        if (g < 0 || !skip(g & 7, ssEnd)) return;
        if (g !== (2 << 3) + WIRE_LEN) continue;
        if (++spans > maxSpans) {
          throw new ProtoLimitError('maxSpans', maxSpans, 'the number of spans');
        }
        if ((spans & 1023) === 0) yield;
      }
    }
  }
}

const decodeResource = (r: Reader): JsonObject =>
  message(r, { 1: attributes(), 2: u32('droppedAttributesCount') });

/**
 * Decodes an `ExportTraceServiceRequest` into its OTLP/JSON object form.
 * @param bytes the (already decompressed) request body
 * @param limits spans and items the request may hold (default: no limit)
 * @returns `{ resourceSpans: [...] }` shaped like the JSON encoding
 * @throws ProtoDecodeError with a short reason when the bytes are malformed
 * @throws ProtoLimitError when the request holds more than `limits` allow
 * @example
 * const body = decodeTraceRequest(new Uint8Array(await req.arrayBuffer()));
 * const records = fromOtlpJson(body);
 */
export function decodeTraceRequest(
  bytes: Uint8Array,
  limits: ProtoLimits = NO_LIMITS
): { resourceSpans: JsonObject[] } {
  const count = precountSpans(bytes, limits.maxSpans);
  while (count.next().done !== true);
  const resourceSpans: JsonObject[] = [];
  const previous = budget;
  budget = new Budget(limits);
  try {
    const steps = decodeSteps(bytes, resourceSpans);
    while (steps.next().done !== true);
  } finally {
    budget = previous;
  }
  return { resourceSpans };
}

/**
 * As {@link decodeTraceRequest}, awaiting `pause()` whenever a slice of the work has run for
 * `sliceMs` (looked at after each span), so a big request does not hold the event loop (other
 * requests, `/healthz`, live pages) for long. A time budget rather than a span count: a span
 * may be empty or hold a thousand attributes, and a loaded machine runs every slice slower.
 */
export async function decodeTraceRequestYielding(
  bytes: Uint8Array,
  limits: ProtoLimits,
  pause: () => Promise<void>,
  sliceMs = 4
): Promise<{ resourceSpans: JsonObject[] }> {
  const count = precountSpans(bytes, limits.maxSpans);
  for (;;) {
    let done = false;
    const end = performance.now() + sliceMs;
    do done = count.next().done === true;
    while (!done && performance.now() < end);
    if (done) break;
    await pause();
  }
  const resourceSpans: JsonObject[] = [];
  const steps = decodeSteps(bytes, resourceSpans);
  const own = new Budget(limits);
  for (;;) {
    const previous = budget;
    budget = own;
    let done = false;
    const end = performance.now() + sliceMs;
    try {
      do done = steps.next().done === true;
      while (!done && performance.now() < end);
    } finally {
      budget = previous;
    }
    if (done) break;
    await pause();
  }
  return { resourceSpans };
}

/**
 * Encodes a `google.rpc.Status` (code, message): the body of an OTLP/HTTP protobuf error reply.
 */
export function encodeRpcStatus(code: number, text: string): Uint8Array {
  const msg = new TextEncoder().encode(text);
  const parts: number[] = [];
  const varint = (v: number) => {
    let n = v >>> 0;
    while (n > 0x7f) {
      parts.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    parts.push(n);
  };
  parts.push((1 << 3) | WIRE_VARINT);
  varint(code);
  parts.push((2 << 3) | WIRE_LEN);
  varint(msg.length);
  const head = Uint8Array.from(parts);
  const out = new Uint8Array(head.length + msg.length);
  out.set(head, 0);
  out.set(msg, head.length);
  return out;
}

/**
 * Encodes an `ExportTraceServiceResponse`: empty when everything was taken, else with its
 * `partial_success` (field 1: `rejected_spans` int64 = 1, `error_message` string = 2).
 */
export function encodeExportResponse(partial?: {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}): Uint8Array {
  if (!partial) return new Uint8Array(0);
  const varint = (v: number): number[] => {
    const out: number[] = [];
    let n = BigInt(v);
    while (n > 0x7fn) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    return out;
  };
  const msg = new TextEncoder().encode(partial.errorMessage);
  const inner = [
    (1 << 3) | WIRE_VARINT,
    ...varint(partial.rejectedSpans),
    (2 << 3) | WIRE_LEN,
    ...varint(msg.length),
    ...msg,
  ];
  return Uint8Array.from([(1 << 3) | WIRE_LEN, ...varint(inner.length), ...inner]);
}
