/**
 * @module
 * The live viewer: a Hono app serving the page, the span stream, runs with step mode, the OTLP
 * receiver and trace files.
 */
export { createViewerApp, DEFAULT_MAX_FILE_BYTES } from './app.js';
export type { ViewerApp, ViewerOptions } from './app.js';
export { serveCommand, parseServeArgs, isLoopback, DEFAULT_PORT, DEFAULT_HOST } from './command.js';
export { TraceStore, DEFAULT_MAX_SPANS, DEFAULT_MAX_TRACES } from './trace-store.js';
export { EventHub } from './event-hub.js';
export { RunManager, RunAborted, RunError } from './runs.js';
export type { ScenarioRunner, ScenarioOutcome } from './runs.js';
export { decodeTraceRequest, ProtoDecodeError } from './otlp-proto.js';
export { DEFAULT_MAX_BODY_BYTES } from './otlp-receiver.js';
export type {
  LibraryEntry,
  PausePoint,
  SourceLine,
  StopDetail,
  StopKind,
  RunPhase,
  RunStarted,
  RunState,
  ScenarioLine,
  TraceSource,
  TraceSummary,
  TracesOpened,
  ViewerEvent,
} from './types.js';
