/**
 * @module
 * The OTLP/HTTP trace receiver behind `POST /v1/traces`: JSON or protobuf, optionally gzip,
 * with a size limit on both the wire bytes and the inflated bytes. A request is parsed
 * completely before any span reaches the store, so a malformed request changes nothing.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { SpanRecord } from '../telemetry/types.js';
import { readLimited as readLimitedBody } from '../util/read-limited.js';
import { decodeTraceRequest, ProtoDecodeError } from './otlp-proto.js';

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
    return await readLimitedBody(req, limit, (announced) =>
      announced === undefined
        ? new ReceiveError(413, `request body is over the ${limit}-byte limit`)
        : new ReceiveError(
            413,
            `request body of ${announced} bytes is over the ${limit}-byte limit`
          )
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

/**
 * Turns the bytes of an OTLP trace request into span records.
 * @param convert the OTLP/JSON → records converter (`fromOtlpJson`)
 * @throws ReceiveError 400 with the reason for malformed input
 */
export function parseTraceRequest(
  bytes: Uint8Array,
  encoding: OtlpEncoding,
  convert: (body: unknown) => SpanRecord[]
): SpanRecord[] {
  let body: unknown;
  if (encoding === 'json') {
    const text = new TextDecoder('utf-8').decode(bytes);
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ReceiveError(400, `body is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    try {
      body = decodeTraceRequest(bytes);
    } catch (err) {
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
    return convert(body);
  } catch (err) {
    throw new ReceiveError(400, `not an OTLP trace request: ${(err as Error).message}`);
  }
}
