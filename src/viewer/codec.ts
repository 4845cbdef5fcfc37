/**
 * @module
 * The trace formats the viewer reads and writes, gathered behind one small interface so the app
 * (and its tests) can be handed another implementation. The defaults are the telemetry area's
 * converters.
 */
import { fromJaegerJson, toJaegerJson } from '../telemetry/jaeger.js';
import { fromOtlpJson, toOtlpJson } from '../telemetry/otlp-json.js';
import { readTraceFile } from '../telemetry/trace-file.js';
import type { SpanRecord } from '../telemetry/types.js';

export interface TraceCodec {
  /** Records → OTLP/JSON `ExportTraceServiceRequest`. */
  toOtlpJson(records: readonly SpanRecord[]): unknown;
  /** OTLP/JSON object → records; throws with a clear message on bad input. */
  fromOtlpJson(body: unknown): SpanRecord[];
  /** Records → Jaeger-UI JSON (`{"data": [...]}`). */
  toJaegerJson(records: readonly SpanRecord[]): unknown;
  /** Jaeger-UI JSON object → records. */
  fromJaegerJson(body: unknown): SpanRecord[];
  /** A trace file's text (OTLP/JSON, OTLP JSONL or Jaeger JSON) → records. */
  readTraceFile(text: string): SpanRecord[];
}

/** The telemetry area's converters. */
export const DEFAULT_CODEC: TraceCodec = {
  toOtlpJson,
  fromOtlpJson,
  toJaegerJson,
  fromJaegerJson,
  readTraceFile,
};
