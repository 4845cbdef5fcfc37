/**
 * The invariants a written trace must keep so that no viewer shows a lie: every span's parent
 * is in the trace (except the root's), and within one service (one process) every child's
 * interval lies within its parent's, in nanoseconds and again in the microseconds of a Jaeger
 * file. Returns the broken ones as readable lines (empty = all kept).
 */
import { toJaegerJson } from '../../src/telemetry/jaeger.js';
import type { SpanRecord } from '../../src/telemetry/types.js';

export function traceInvariantProblems(records: readonly SpanRecord[]): string[] {
  const problems: string[] = [];
  const byId = new Map(records.map((r) => [r.spanId, r]));
  const roots = records.filter((r) => !r.parentSpanId);
  if (roots.length !== 1) problems.push(`${roots.length} root spans (expected 1)`);
  for (const span of records) {
    if (span.endTimeUnixNano === undefined) problems.push(`${span.name}: never ended`);
    if (!span.parentSpanId) continue;
    const parent = byId.get(span.parentSpanId);
    if (!parent) {
      problems.push(`${span.service} ${span.name}: parent ${span.parentSpanId} missing`);
      continue;
    }
    if (parent.service !== span.service) continue;
    const [s, e] = [BigInt(span.startTimeUnixNano), BigInt(span.endTimeUnixNano ?? '0')];
    const [ps, pe] = [BigInt(parent.startTimeUnixNano), BigInt(parent.endTimeUnixNano ?? '0')];
    if (s < ps) problems.push(`${span.name} starts ${ps - s} ns before its parent ${parent.name}`);
    if (e > pe) problems.push(`${span.name} ends ${e - pe} ns after its parent ${parent.name}`);
  }
  for (const trace of toJaegerJson(records).data) {
    const spans = new Map(trace.spans.map((s) => [s.spanID, s]));
    for (const span of trace.spans) {
      const ref = span.references[0];
      const parent = ref ? spans.get(ref.spanID) : undefined;
      if (!parent || parent.processID !== span.processID) continue;
      const end = span.startTime + span.duration;
      const parentEnd = parent.startTime + parent.duration;
      if (span.startTime < parent.startTime)
        problems.push(`jaeger: ${span.operationName} starts before ${parent.operationName}`);
      if (end > parentEnd)
        problems.push(
          `jaeger: ${span.operationName} ends ${end - parentEnd} µs after ${parent.operationName}`
        );
    }
  }
  return problems;
}
