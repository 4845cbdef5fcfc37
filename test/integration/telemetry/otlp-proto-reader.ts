/**
 * Just enough protobuf reading for the tests to check what the http/protobuf exporter sent:
 * service names, scope names, span names and parents of an `ExportTraceServiceRequest`
 * (opentelemetry-proto `collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`).
 */

type Field = Uint8Array | bigint;

/** The fields of one message by number; length-delimited fields stay bytes. */
function fields(buf: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value: Field;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      value = new DataView(buf.buffer, buf.byteOffset + pos, 8).getBigUint64(0, true);
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      value = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 5) {
      value = BigInt(new DataView(buf.buffer, buf.byteOffset + pos, 4).getUint32(0, true));
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

const text = (b: Field | undefined) => (b instanceof Uint8Array ? new TextDecoder().decode(b) : '');
const hex = (b: Field | undefined) =>
  b instanceof Uint8Array ? Buffer.from(b).toString('hex') : '';
const messages = (m: Map<number, Field[]>, n: number) =>
  (m.get(n) ?? []).filter((f): f is Uint8Array => f instanceof Uint8Array).map(fields);

export interface DecodedSpan {
  service: string;
  resourceKeys: string[];
  scope: string;
  name: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
}

/** The spans of an `ExportTraceServiceRequest`, with their resource's service name. */
export function decodeTraceRequest(body: Uint8Array): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  for (const rs of messages(fields(body), 1)) {
    const resource = messages(rs, 1)[0] ?? new Map();
    const attrs = messages(resource, 1).map((kv) => ({
      key: text(kv.get(1)?.[0]),
      value: text((messages(kv, 2)[0] ?? new Map()).get(1)?.[0]),
    }));
    const service = attrs.find((a) => a.key === 'service.name')?.value ?? '';
    for (const ss of messages(rs, 2)) {
      const scope = text((messages(ss, 1)[0] ?? new Map()).get(1)?.[0]);
      for (const span of messages(ss, 2)) {
        spans.push({
          service,
          resourceKeys: attrs.map((a) => a.key),
          scope,
          name: text(span.get(5)?.[0]),
          spanId: hex(span.get(2)?.[0]),
          parentSpanId: hex(span.get(4)?.[0]),
          kind: Number(span.get(6)?.[0] ?? 0n),
        });
      }
    }
  }
  return spans;
}
