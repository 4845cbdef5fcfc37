/**
 * @module
 * Stored traces: the list, one trace's records for the page, OTLP and Jaeger downloads, and
 * opening a trace file (`POST /api/traces`).
 */
import type { Context, Hono } from 'hono';
import type { SpanRecord } from '../../telemetry/types.js';
import { checkJsonText, decodeUtf8, readLimited } from '../otlp-receiver.js';
import { sameOriginJson } from '../security.js';
import type { RequestLimits } from '../span-limits.js';
import type { TracesOpened } from '../types.js';
import type { ViewerParts } from './shared.js';

const TRACE_ID = /^[0-9a-f]{16,32}$/;

export interface TraceRouteOptions {
  /** `POST /api/traces` size limit (bytes). */
  readonly maxFileBytes: number;
  /** What one opened file may hold. */
  readonly fileLimits: RequestLimits;
}

export function traceRoutes(
  app: Hono,
  { store, codec, ingestBatch }: ViewerParts,
  { maxFileBytes, fileLimits }: TraceRouteOptions
): void {
  function traceOr404(c: Context): SpanRecord[] | Response {
    const id = c.req.param('traceId') ?? '';
    const spans = TRACE_ID.test(id) ? store.get(id) : undefined;
    return (
      spans ?? c.json({ error: `no trace '${id.slice(0, 64)}' (it may have been evicted)` }, 404)
    );
  }

  function pageOr404(c: Context, range: { from: number; limit: number }): SpanRecord[] | Response {
    const id = c.req.param('traceId') ?? '';
    const spans = TRACE_ID.test(id) ? store.get(id, range) : undefined;
    return spans ?? traceOr404(c);
  }

  app.get('/api/traces', (c) => c.json(store.list()));
  // `?from=N&limit=M` answers one page of the spans in start order, and the trace's span count
  // in `x-novatrace-total`: the page asks for the first rows of a huge trace first, then the
  // rest in pages (each a short turn of the event loop rather than one long one).
  app.get('/api/traces/:traceId/records', (c) => {
    const range = recordRange(c.req.query('from'), c.req.query('limit'));
    if (!range) return c.json({ error: 'from and limit must be whole numbers' }, 400);
    const spans = range.paged ? pageOr404(c, range) : traceOr404(c);
    if (spans instanceof Response) return spans;
    c.header(
      'x-novatrace-total',
      String(store.spanCountOf(c.req.param('traceId')) ?? spans.length)
    );
    return c.json(spans);
  });
  app.get('/api/traces/:traceId/jaeger', (c) => {
    const spans = traceOr404(c);
    if (spans instanceof Response) return spans;
    return download(c, codec.toJaegerJson(spans), `trace-${c.req.param('traceId')}.jaeger.json`);
  });
  app.get('/api/traces/:traceId', (c) => {
    const spans = traceOr404(c);
    if (spans instanceof Response) return spans;
    return download(c, codec.toOtlpJson(spans), `trace-${c.req.param('traceId')}.otlp.json`);
  });
  app.post('/api/traces', sameOriginJson(), async (c) => {
    const bytes = await readLimited(c.req.raw, maxFileBytes);
    const text = await decodeUtf8(bytes);
    // Counted before it is parsed: a small file may stand for millions of objects.
    await checkJsonText(text, fileLimits);
    let records: SpanRecord[];
    try {
      records = codec.readTraceFile(text);
    } catch (err) {
      return c.json({ error: `cannot read this trace file: ${(err as Error).message}` }, 400);
    }
    if (records.length === 0) return c.json({ error: 'the file holds no spans' }, 400);
    const name = c.req.header('x-file-name');
    const label = name && /^[\w .()-]{1,120}$/.test(name) ? name : undefined;
    const { traceIds, refused } = ingestBatch(records, 'file', label);
    const answer: TracesOpened = {
      traceIds,
      spans: records.length - refused,
      ...(refused > 0 ? { refusedSpans: refused } : {}),
    };
    return c.json(answer, 201);
  });
}

function download(c: Context, body: unknown, filename: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (c.req.query('download') !== undefined) {
    headers['content-disposition'] = `attachment; filename="${filename}"`;
  }
  return c.body(JSON.stringify(body), 200, headers);
}

/** `from` and `limit` of a records request (absent: the whole trace); undefined when malformed. */
function recordRange(
  from: string | undefined,
  limit: string | undefined
): { from: number; limit: number; paged: boolean } | undefined {
  const whole = /^\d{1,9}$/;
  if ((from !== undefined && !whole.test(from)) || (limit !== undefined && !whole.test(limit)))
    return undefined;
  return {
    from: from === undefined ? 0 : Number(from),
    limit: limit === undefined ? Infinity : Number(limit),
    paged: from !== undefined || limit !== undefined,
  };
}
