/**
 * @module
 * The OTLP/HTTP trace receiver behind `POST /v1/traces`: JSON or protobuf, optionally gzip,
 * with a size limit on both the wire bytes and the inflated bytes, and limits on what the body
 * holds (spans, attributes and events, JSON nesting), counted while it is read and before
 * objects are built. A request is parsed completely before any span reaches the store, so a
 * malformed request changes nothing; big ones are decoded in slices with pauses in between.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { SpanRecord } from '../telemetry/types.js';
import { readLimited as readLimitedBody } from '../util/read-limited.js';
import { scanJsonYielding, JsonLimitError } from '../util/json-scan.js';
import { decodeTraceRequestYielding, ProtoDecodeError, ProtoLimitError } from './otlp-proto.js';
import { DEFAULT_OTLP_REQUEST_LIMITS, type RequestLimits } from './span-limits.js';

const gunzipAsync = promisify(gunzip);

/** Default limit of a request body, before and after gunzip: 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export type OtlpEncoding = 'json' | 'protobuf';

/** A refused request: HTTP status plus a message for the sender. */
export class ReceiveError extends Error {
  readonly status: 400 | 413 | 415;
  constructor(status: 400 | 413 | 415, message: string) {
    super(message);
    this.name = 'ReceiveError';
    this.status = status;
  }
}

/** Which encoding a Content-Type names, or undefined when it is neither. */
export function otlpEncoding(contentType: string | undefined): OtlpEncoding | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

/**
 * Reads a request body, refusing it (413) as soon as it passes `limit` bytes. A body the client
 * stopped sending part-way (closed the connection, aborted the upload) is a 400, not a crash.
 */
export async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  try {
    return await readLimitedBody(
      req,
      limit,
      (announced) =>
        announced === undefined
          ? new ReceiveError(413, `request body is over the ${limit}-byte limit`)
          : new ReceiveError(
              413,
              `request body of ${announced} bytes is over the ${limit}-byte limit`
            ),
      pause
    );
  } catch (err) {
    if (err instanceof ReceiveError || !isCutOff(err, req)) throw err;
    throw new ReceiveError(400, 'the request body ended before it was complete (upload aborted)');
  }
}

/** Whether a body read failed because the client went away (Node's `Error: aborted` and kin). */
function isCutOff(err: unknown, req: Request): boolean {
  if (req.signal.aborted) return true;
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  return (
    e.code === 'ECONNRESET' ||
    e.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    e.code === 'UND_ERR_ABORTED' ||
    e.name === 'AbortError' ||
    e.message === 'aborted' ||
    e.message === 'terminated'
  );
}

/** Undoes `Content-Encoding` (identity or gzip), never inflating past `limit` bytes. */
export async function decodeContent(
  body: Uint8Array,
  encoding: string | undefined,
  limit: number
): Promise<Uint8Array> {
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return body;
  if (coding !== 'gzip') {
    throw new ReceiveError(
      415,
      `unsupported Content-Encoding '${coding.slice(0, 40)}' (use gzip or none)`
    );
  }
  try {
    return new Uint8Array(await gunzipAsync(body, { maxOutputLength: limit }));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ReceiveError(413, `gzip body inflates past the ${limit}-byte limit`);
    }
    throw new ReceiveError(400, `body is not valid gzip: ${(err as Error).message}`);
  }
}

/** Lets other requests (and `/healthz`, and the live pages) run between slices of a decode. */
export function pause(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bytes of UTF-8 decoded between two pauses (a 6 MB body took over 100 ms in one go). */
const BYTES_PER_DECODE = 512 * 1024;

/** A body's UTF-8 text, decoded in slices with pauses between them. */
export async function decodeUtf8(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength <= BYTES_PER_DECODE) return new TextDecoder('utf-8').decode(bytes);
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for (let at = 0; at < bytes.byteLength; at += BYTES_PER_DECODE) {
    if (at > 0) await pause();
    text += decoder.decode(bytes.subarray(at, at + BYTES_PER_DECODE), { stream: true });
  }
  return text + decoder.decode();
}

/** Spans converted between two pauses (a few milliseconds of work on a busy machine). */
const SPANS_PER_SLICE = 250;
/** JSON characters scanned between two pauses (about a millisecond of work). */
const CHARS_PER_SLICE = 128 * 1024;

/**
 * Checks a JSON text against the request limits, in slices with pauses between them, before it
 * is parsed: too deep is a 400, too many of anything a 413, both naming the limit.
 * @throws ReceiveError
 */
export async function checkJsonText(text: string, limits: RequestLimits): Promise<void> {
  try {
    await scanJsonYielding(
      text,
      {
        maxDepth: limits.maxDepth,
        maxContainers: limits.maxContainers,
        maxSpans: limits.maxSpans,
        // Attributes and events share one budget, as in the protobuf decoder.
        maxAttributes: limits.maxItems,
        maxEvents: limits.maxItems,
      },
      pause,
      CHARS_PER_SLICE
    );
  } catch (err) {
    if (err instanceof JsonLimitError) {
      throw new ReceiveError(err.limit === 'maxDepth' ? 400 : 413, `body refused: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Turns the bytes of an OTLP trace request into span records, within `limits`, pausing between
 * slices of the work so a big request never holds the event loop for long.
 * @param convert the OTLP/JSON → records converter (`fromOtlpJson`); called on slices of the
 *   request (the same resource and scope, fewer spans), so it must not care how a request is cut
 * @throws ReceiveError 400 with the reason for malformed input, 413 past a limit
 */
export async function parseTraceRequest(
  bytes: Uint8Array,
  encoding: OtlpEncoding,
  convert: (body: unknown) => SpanRecord[],
  limits: RequestLimits = DEFAULT_OTLP_REQUEST_LIMITS
): Promise<SpanRecord[]> {
  let body: unknown;
  if (encoding === 'json') {
    const text = await decodeUtf8(bytes);
    await checkJsonText(text, limits);
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ReceiveError(400, `body is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    try {
      body = await decodeTraceRequestYielding(
        bytes,
        { maxSpans: limits.maxSpans, maxItems: limits.maxItems },
        pause
      );
    } catch (err) {
      if (err instanceof ProtoLimitError) {
        throw new ReceiveError(413, `body refused: ${err.message}`);
      }
      if (err instanceof ProtoDecodeError) {
        throw new ReceiveError(
          400,
          `body is not a valid OTLP protobuf trace request: ${err.message}`
        );
      }
      throw err;
    }
  }
  try {
    const out: SpanRecord[] = [];
    let first = true;
    for (const slice of slices(body, SPANS_PER_SLICE)) {
      if (!first) await pause();
      first = false;
      for (const record of convert(slice)) out.push(record);
    }
    return out;
  } catch (err) {
    throw new ReceiveError(400, `not an OTLP trace request: ${(err as Error).message}`);
  }
}

/**
 * The request cut into requests of at most `size` spans each (same resource and scope), or the
 * request itself when it is small or not shaped as expected (the converter then says why).
 */
function* slices(body: unknown, size: number): Generator<unknown> {
  const resourceSpans = isRecord(body) ? body.resourceSpans : undefined;
  if (!Array.isArray(resourceSpans) || countSpans(resourceSpans) <= size) {
    yield body;
    return;
  }
  for (const rs of resourceSpans) {
    const scopes = isRecord(rs) ? (rs.scopeSpans ?? rs.instrumentationLibrarySpans) : undefined;
    if (!isRecord(rs) || !Array.isArray(scopes)) {
      yield { resourceSpans: [rs] };
      continue;
    }
    const key = rs.scopeSpans !== undefined ? 'scopeSpans' : 'instrumentationLibrarySpans';
    for (const ss of scopes) {
      const spans = isRecord(ss) ? ss.spans : undefined;
      if (!isRecord(ss) || !Array.isArray(spans) || spans.length <= size) {
        yield { resourceSpans: [{ ...rs, [key]: [ss] }] };
        continue;
      }
      for (let at = 0; at < spans.length; at += size) {
        yield { resourceSpans: [{ ...rs, [key]: [{ ...ss, spans: spans.slice(at, at + size) }] }] };
      }
    }
  }
}

function countSpans(resourceSpans: readonly unknown[]): number {
  let n = 0;
  for (const rs of resourceSpans) {
    const scopes = isRecord(rs) ? (rs.scopeSpans ?? rs.instrumentationLibrarySpans) : undefined;
    if (!Array.isArray(scopes)) continue;
    for (const ss of scopes) {
      const spans = isRecord(ss) ? ss.spans : undefined;
      if (Array.isArray(spans)) n += spans.length;
    }
  }
  return n;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
