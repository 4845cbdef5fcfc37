/**
 * @module
 * Converts SDK spans into {@link SpanRecord}s, the plain shape the bus, the viewer and the trace
 * files share.
 */
import { SpanKind, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { AttrValue, SpanKindName, SpanRecord } from './types.js';

const KIND_NAMES: Record<SpanKind, SpanKindName> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** `[seconds, nanos]` to epoch nanoseconds as a decimal string. */
export function hrTimeToNanoString(time: HrTime): string {
  return (BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])).toString();
}

function plainAttributes(attrs: ReadableSpan['attributes']): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value)
      ? (value.filter((v) => v !== null && v !== undefined) as AttrValue)
      : (value as AttrValue);
  }
  return out;
}

/**
 * A span as a record. With `ended: false` the end time is left out (the span is running; the
 * SDK's provisional end time is meaningless then).
 */
export function toSpanRecord(span: ReadableSpan, ended: boolean): SpanRecord {
  const ctx = span.spanContext();
  const service = span.resource.attributes['service.name'];
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(span.parentSpanContext?.spanId ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'internal',
    service: typeof service === 'string' ? service : 'unknown_service',
    scope: span.instrumentationScope.name,
    startTimeUnixNano: hrTimeToNanoString(span.startTime),
    ...(ended ? { endTimeUnixNano: hrTimeToNanoString(span.endTime) } : {}),
    attributes: plainAttributes(span.attributes),
    events: span.events.map((e) => ({
      name: e.name,
      timeUnixNano: hrTimeToNanoString(e.time),
      attributes: plainAttributes(e.attributes ?? {}),
    })),
    status: {
      code: span.status.code as 0 | 1 | 2,
      ...(span.status.message ? { message: span.status.message } : {}),
    },
  };
}
