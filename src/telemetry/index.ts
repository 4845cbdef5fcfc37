/**
 * @module
 * The telemetry area's public API, by name. Other areas import from here; tests may import the
 * files directly. Note that this module loads `@opentelemetry/sdk-node` (through the session);
 * code that only needs the span helper or the file formats may import those files directly to
 * start faster (the ported layers and `novatrace show` do).
 */

// The span helper every ported layer uses.
export {
  decision,
  layerSpan,
  NOVATRACE_VERSION,
  pythonName,
  recordError,
  safeAttributes,
  tracerFor,
} from './layer-span.js';
export { EVENTS, LAYERS, UPSTREAM_VERSIONS } from './layers.js';
export type { EventKey, LayerInfo, LayerKind, LayerName } from './layers.js';
export { ATTR } from './semconv.js';
export { currentRunScope, withRunScope } from './run-scope.js';
export type { LayerDecision, LayerEntry, LayerExit, RunScope } from './run-scope.js';

// Redaction.
export {
  isSecretHeader,
  redactBodyText,
  redactHeaders,
  redactJson,
  rememberSecret,
  scrubSecrets,
  SECRET_HEADERS,
  sha1Redact,
} from './redact.js';

// Records and the live bus.
export type { AttrValue, BusEvent, SpanEventRecord, SpanKindName, SpanRecord } from './types.js';
export { hrTimeToNanoString, toSpanRecord } from './records.js';
export { SpanBus, spanBus } from './span-bus.js';
export type { BusListener } from './span-bus.js';
export { LiveSpanProcessor } from './live-processor.js';

// Sessions (the SDK setup CLI commands and viewer runs use).
export { startTelemetry } from './session.js';
export type { TelemetryOptions, TelemetrySession } from './session.js';
export { planExport } from './sdk.js';
export { RedactionSpanProcessor, RecordingSpanProcessor } from './processors.js';
export type { ExportPlan, OtlpPlan, OtlpProtocol } from './sdk.js';

// File formats and the terminal tree.
export { TraceFormatError } from './error.js';
export { fromOtlpJson, toOtlpJson } from './otlp-json.js';
export type { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpTraceRequest } from './otlp-json.js';
export { fromJaegerJson, toJaegerJson } from './jaeger.js';
export type { JaegerFile, JaegerSpan, JaegerTag, JaegerTrace } from './jaeger.js';
export { detectFormat, formatTraceFile, readTraceFile, writeTraceFile } from './trace-file.js';
export type { TraceFileFormat } from './trace-file.js';
export { layerOf, renderTree, terminalSafe } from './tree-render.js';
export type { RenderLayer, RenderTreeOptions } from './tree-render.js';
