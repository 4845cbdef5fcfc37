/**
 * @module
 * The OTLP/HTTP receiver route, `POST /v1/traces` (JSON or protobuf, gzip or not).
 */
import type { Hono } from 'hono';
import type { SpanRecord } from '../../telemetry/types.js';
import { encodeExportResponse, encodeRpcStatus } from '../otlp-proto.js';
import {
  decodeContent,
  otlpEncoding,
  parseTraceRequest,
  readLimited,
  ReceiveError,
} from '../otlp-receiver.js';
import { trimOtlpRequest, type RequestLimits } from '../span-limits.js';
import type { ViewerParts } from './shared.js';

export interface OtlpRouteOptions {
  /** Body size limit, before and after gunzip (bytes). */
  readonly maxBodyBytes: number;
  /** What one OTLP request may hold. */
  readonly otlpLimits: RequestLimits;
}

export function otlpRoutes(
  app: Hono,
  { store, codec, ingestBatch }: ViewerParts,
  { maxBodyBytes, otlpLimits }: OtlpRouteOptions
): void {
  app.post('/v1/traces', async (c) => {
    const encoding = otlpEncoding(c.req.header('content-type'));
    const fail = (status: 400 | 403 | 413 | 415, message: string) =>
      encoding === 'protobuf'
        ? c.body(
            encodeRpcStatus(status === 413 ? 8 : 3, message) as Uint8Array<ArrayBuffer>,
            status,
            {
              'content-type': 'application/x-protobuf',
            }
          )
        : c.json({ code: status === 413 ? 8 : 3, message }, status);
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    if (
      (site && site !== 'same-origin' && site !== 'none') ||
      (origin && origin !== new URL(c.req.url).origin)
    ) {
      return fail(403, 'browsers on other origins may not post spans here');
    }
    if (!encoding) {
      return fail(415, 'expected Content-Type application/json or application/x-protobuf');
    }
    let records: SpanRecord[];
    try {
      const raw = await readLimited(c.req.raw, maxBodyBytes);
      const bytes = await decodeContent(raw, c.req.header('content-encoding'), maxBodyBytes);
      records = await parseTraceRequest(
        bytes,
        encoding,
        (body) => {
          trimOtlpRequest(body, store.spanLimits);
          return codec.fromOtlpJson(body);
        },
        otlpLimits
      );
    } catch (err) {
      if (err instanceof ReceiveError) return fail(err.status, err.message);
      throw err;
    }
    const { refused } = ingestBatch(records, 'otlp');
    // OTLP/HTTP: a request taken in part is still a 200, with the count in partialSuccess.
    const partial =
      refused > 0
        ? {
            rejectedSpans: refused,
            errorMessage:
              `${refused} span(s) refused: a trace may hold at most ` +
              `${store.maxSpansPerTrace} spans and about ${store.maxTraceBytes} bytes here`,
          }
        : undefined;
    return encoding === 'protobuf'
      ? c.body(encodeExportResponse(partial) as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'application/x-protobuf',
        })
      : c.json(
          partial
            ? {
                partialSuccess: {
                  rejectedSpans: String(partial.rejectedSpans),
                  errorMessage: partial.errorMessage,
                },
              }
            : {},
          200
        );
  });
}
