/**
 * Hand-made protobuf bytes for hostile-input tests and benchmarks (trace.proto field numbers).
 */

/** A protobuf varint. */
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** ExportTraceServiceRequest > one ResourceSpans > one ScopeSpans > `n` empty spans (2 B each). */
export function emptySpansProto(n: number): Uint8Array {
  const scopeHead = [0x12, ...varint(2 * n)];
  const head = [0x0a, ...varint(scopeHead.length + 2 * n), ...scopeHead];
  const out = new Uint8Array(head.length + 2 * n);
  out.set(head, 0);
  for (let i = head.length; i < out.length; i += 2) out[i] = 0x12; // field 2, length 0
  return out;
}
