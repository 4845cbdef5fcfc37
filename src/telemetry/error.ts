/**
 * @module
 * The one error of the trace-file side: a document that is not a trace we can read. Its message
 * names the place of the bad field, e.g.
 * `resourceSpans[0].scopeSpans[1].spans[3].spanId: expected 16 hex characters`.
 */

export class TraceFormatError extends Error {
  /** Stable code to match on (undici style), never the message. */
  readonly code = 'TRACE_FORMAT' as const;
  /** Where in the document the problem is (`resourceSpans[0].scopeSpans[1]...`), if known. */
  readonly path: string | undefined;

  /**
   * @param message what is wrong, already prefixed with the path when there is one
   * @param options `path` of the bad field; `cause` (a `SyntaxError` from `JSON.parse`)
   */
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TraceFormatError';
    this.path = options.path;
  }
}

/** Throws a {@link TraceFormatError} for the field at `path`. */
export function formatError(path: string, problem: string): never {
  throw new TraceFormatError(path ? `${path}: ${problem}` : problem, { path });
}
