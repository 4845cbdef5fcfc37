/**
 * @module
 * One HTTP connection = one undici `Client` (one socket, pipelining 1), and the wire span.
 * @see urllib3/connection.py (urllib3 1.13.1) HTTPConnection, and Python's http.client
 *      (httplib) HTTPConnection.request / getresponse, which urllib3's class extends.
 *
 * Ported: the connection object the pool hands out (`host`, `port`, `timeout`, `sock`,
 * `close()`, `auto_open`), `_new_conn`'s error translation, httplib's "reopen on next request
 * when closed", and `will_close` after a `Connection: close` response.
 *
 * How undici stands in for a socket (see shared/reference/otel-notes.md 2(c)):
 * - `sock` is the undici Client while it holds a live socket; `close()` destroys it and sets
 *   `sock = null`; the next `request()` opens a new Client, as httplib's auto_open reconnects.
 *   We never let a Client reconnect behind our back: a Client whose socket went away is
 *   replaced, so every new TCP connection is one the port decided to make.
 * - A server-side drop is seen only through undici's own signals: the Client's `disconnect`
 *   event and `client.stats.connected` (see {@link HTTPConnection.saw_disconnect}).
 * - Keep-alive: urllib3 keeps an idle socket until the server closes it. undici would close it
 *   itself after the server's `Keep-Alive: timeout` hint minus a threshold, so the threshold is
 *   set far negative and the idle timer to 10 minutes: only the server ends a socket early.
 *   Idle undici sockets are unref'd, so they never keep the process alive.
 *
 * Headers on the wire (checked against a raw TCP server, test/integration/wire/wire-bytes.test.ts):
 * undici writes `host` and its own `connection: keep-alive` first, then the caller's headers in
 * the caller's order and case (requests' User-Agent, Accept-Encoding, Accept, then novaclient's),
 * as http.client's putheader calls would, then `traceparent` (none with OTEL_PROPAGATORS=none),
 * and `content-length` last. Differs from http.client, because undici forces it: the lower-case
 * `host`, `connection` and `content-length`, and where the last two stand (docs/architecture.md,
 * "Wire bytes"). undici refuses `Transfer-Encoding`, `Keep-Alive` and `Upgrade` from
 * the caller (it frames an iterable body as chunked itself), and consumes `Connection`
 * (`keep-alive` is what it sends anyway; `close` makes it close after the response). So
 * requests' `Connection: keep-alive` and the chunked path's `Transfer-Encoding: chunked` are
 * not forwarded as headers, but the bytes on the wire say the same.
 *
 * The ONE place where undici errors become urllib3 exceptions is {@link translate_undici_error}.
 *
 * The wire span (kind CLIENT, named by the method) covers one attempt: it starts before the
 * first byte and ends when the response headers are in (the body is read later, by whoever
 * reads the content, and returns the connection to the pool then). It follows the stable HTTP
 * client conventions, injects `traceparent`, and turns undici's diagnostics channels into span
 * events ('connected', 'headers sent', 'body sent', 'response headers').
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { constants as osConstants } from 'node:os';
import { readFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import {
  context,
  createContextKey,
  propagation,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
  type Attributes,
} from '@opentelemetry/api';
import { Client, type DiagnosticsChannel, type Dispatcher } from 'undici';
import { wireCallSite } from '../telemetry/call-sites.js';
import {
  ownOptions,
  recordError,
  safeAttributes,
  tracerFor,
  tracingOff,
} from '../telemetry/layer-span.js';
import { UPSTREAM_VERSIONS } from '../telemetry/layers.js';
import {
  BODY_PREVIEW_BYTES,
  bodyPreview,
  isSecretHeader,
  scrubSecrets,
  sha1Redact,
} from '../telemetry/redact.js';
import { perfToHrTime } from '../telemetry/precise-clock.js';
import { currentRunScope } from '../telemetry/run-scope.js';
import { ATTR } from '../telemetry/semconv.js';
import { OverflowError, ValueError, pyRepr } from './builtins.js';
import {
  ConnectTimeoutError,
  NewConnectionError,
  ProtocolError,
  ReadTimeoutError,
  SSLError,
} from './exceptions.js';
import { DEFAULT_TIMEOUT, toUndiciMs, type TimeoutValue } from './util/timeout.js';

/** Default ports by scheme (urllib3's `port_by_scheme`). */
export const port_by_scheme: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** A request or response header list, in order: `[name, value]` pairs. */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

/** A request body as the connection sends it. */
export type ConnectionBody =
  string | Uint8Array | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string> | null;

// ---------------------------------------------------------------------------------------------
// http.request.resend_count: carried down from the layers that resend (redirects, retries,
// novaclient's 401 retry) to the wire span, through the OpenTelemetry context.

const RESEND_COUNT = createContextKey('novatrace.http.request.resend_count');

/** The resend ordinal of the logical request being sent now (0 = first attempt). */
export function current_resend_count(ctx: Context = context.active()): number {
  const value = ctx.getValue(RESEND_COUNT);
  return typeof value === 'number' ? value : 0;
}

/**
 * Runs `fn` with `count` more resends on top of the current count, so the wire span inside
 * carries `http.request.resend_count` (OTel HTTP conventions: retries, redirects, auth
 * challenges all count). Ours, not a port.
 * @example
 * await with_resend_count(1, () => this._time_request(url, method, kwargs)); // retry after 401
 */
export function with_resend_count<T>(count: number, fn: () => Promise<T>): Promise<T> {
  const ctx = context.active();
  return context.with(ctx.setValue(RESEND_COUNT, current_resend_count(ctx) + count), fn);
}

// ---------------------------------------------------------------------------------------------
// undici diagnostics channels -> events on the wire span that caused them.

/** Per-attempt state the channel listeners attach events to. */
interface WireState {
  readonly span: Span;
  readonly chunked: boolean;
  /** The framing line undici writes after the sendHeaders message (`content-length: 40`). */
  readonly framing?: string;
  headersSentAt?: number;
  /** Chunks of a chunked request body, as sent (bounded by BODY_PREVIEW_BYTES + 1). */
  readonly requestChunks: Buffer[];
  requestBytes: number;
  /** The response body as received off the socket, up to RESPONSE_CAPTURE_BYTES. */
  readonly responseChunks: Buffer[];
  responseBytes: number;
  /** True once undici has the whole response (its `trailers` message). */
  responseDone: boolean;
  /** Called when the whole request (head and body) is on the wire. */
  onSent?: () => void;
}

/** Set synchronously around `client.request()`; `undici:request:create` fires inside that call. */
let pendingWire: WireState | undefined;

/**
 * Response bytes kept for the preview: enough to parse (and so redact) a JSON body of a few
 * pages; a longer body's preview says how big it was instead of showing an unchecked part.
 */
const RESPONSE_CAPTURE_BYTES = 65_536;
const wireByRequest = new WeakMap<object, WireState>();
const connectedAt = new WeakMap<Socket, number>();

/** Request headers recorded by value (semconv opt-in `http.request.header.<name>`). */
const REQUEST_HEADER_ALLOW = new Set([
  'host',
  'connection',
  'user-agent',
  'accept',
  'accept-encoding',
  'content-type',
  'content-length',
  'transfer-encoding',
  'x-auth-project-id',
  'x-openstack-nova-api-version',
  'openstack-api-version',
  'traceparent',
]);
/** Response headers recorded by value. */
const RESPONSE_HEADER_ALLOW = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'location',
  'retry-after',
  'x-openstack-request-id',
  'x-compute-request-id',
  'x-openstack-nova-api-version',
  'openstack-api-version',
]);

let channelsSubscribed = false;

function subscribeChannels(): void {
  if (channelsSubscribed) return;
  channelsSubscribed = true;
  diagnostics_channel.subscribe('undici:request:create', (message) => {
    const { request } = message as DiagnosticsChannel.RequestCreateMessage;
    if (pendingWire) wireByRequest.set(request, pendingWire);
  });
  diagnostics_channel.subscribe('undici:client:connected', (message) => {
    const { socket } = message as DiagnosticsChannel.ClientConnectedMessage;
    connectedAt.set(socket, performance.now());
  });
  diagnostics_channel.subscribe('undici:client:sendHeaders', (message) => {
    const { request, headers, socket } = message as DiagnosticsChannel.ClientSendHeadersMessage;
    const wire = wireByRequest.get(request);
    if (!wire) return;
    const connected = connectedAt.get(socket);
    if (connected !== undefined) {
      // A socket's first request claims its 'connected' moment.
      connectedAt.delete(socket);
      wire.span.addEvent(
        'connected',
        {
          [ATTR.networkPeerAddress]: socket.remoteAddress ?? '',
          [ATTR.networkPeerPort]: socket.remotePort ?? 0,
          'network.local.port': socket.localPort ?? 0,
        },
        perfToHrTime(connected)
      );
    }
    wire.headersSentAt = performance.now();
    if (!wire.span.isRecording()) return; // tracing off: nothing to format
    // undici appends the framing line after this message: add it, so the record is the head
    // as it went on the wire.
    const head = wire.framing ? `${headers}${wire.framing}\r\n` : headers;
    wire.span.setAttributes({
      [ATTR.networkPeerAddress]: socket.remoteAddress ?? '',
      [ATTR.networkPeerPort]: socket.remotePort ?? 0,
      'network.local.port': socket.localPort ?? 0,
      ...requestHeaderAttributes(head),
      [WIRE_ATTR.requestHeaders]: redactedHeaderBlock(
        headerLines(head).map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
        })
      ),
    });
    wire.span.addEvent('headers sent', {
      'novatrace.request.line': headers.slice(0, headers.indexOf('\r\n')),
      'novatrace.request.header_names': headerNames(headers),
    });
  });
  diagnostics_channel.subscribe('undici:request:bodyChunkSent', (message) => {
    const { request, chunk } = message as DiagnosticsChannel.RequestBodyChunkSentMessage;
    const wire = wireByRequest.get(request);
    if (!wire?.chunked) return;
    wire.span.addEvent('chunk sent', { 'novatrace.chunk.size': chunk.length });
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (wire.requestBytes <= BODY_PREVIEW_BYTES) wire.requestChunks.push(bytes);
    wire.requestBytes += bytes.length;
  });
  diagnostics_channel.subscribe('undici:request:bodySent', (message) => {
    const { request } = message as DiagnosticsChannel.RequestBodySentMessage;
    const wire = wireByRequest.get(request);
    wire?.span.addEvent('body sent');
    if (wire?.chunked && wire.span.isRecording()) {
      wire.span.setAttributes({
        [ATTR.httpRequestBodySize]: wire.requestBytes,
        ...(wire.requestBytes > 0
          ? {
              [WIRE_ATTR.requestBodyPreview]: bodyPreview(Buffer.concat(wire.requestChunks), {
                totalBytes: wire.requestBytes,
              }),
            }
          : {}),
      });
    }
    wire?.onSent?.();
  });
  diagnostics_channel.subscribe('undici:request:bodyChunkReceived', (message) => {
    const { request, chunk } = message as { request: object; chunk: Buffer };
    const wire = wireByRequest.get(request);
    if (!wire || !wire.span.isRecording()) return;
    if (wire.responseBytes < RESPONSE_CAPTURE_BYTES) wire.responseChunks.push(Buffer.from(chunk));
    wire.responseBytes += chunk.length;
  });
  diagnostics_channel.subscribe('undici:request:trailers', (message) => {
    const { request } = message as DiagnosticsChannel.RequestTrailersMessage;
    const wire = wireByRequest.get(request);
    if (!wire) return;
    wire.responseDone = true;
    // Ended already when the body came after the span (a body read later by requests).
    if (wire.span.isRecording()) {
      wire.span.addEvent('response body done', { [ATTR.httpResponseBodySize]: wire.responseBytes });
    }
  });
  diagnostics_channel.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as DiagnosticsChannel.RequestHeadersMessage;
    wireByRequest
      .get(request)
      ?.span.addEvent('response headers', { [ATTR.httpResponseStatusCode]: response.statusCode });
  });
}

function headerLines(head: string): string[] {
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line.length > 0);
}

function headerNames(head: string): string[] {
  return headerLines(head).map((line) => line.slice(0, line.indexOf(':')).trim());
}

/** Allow-listed request headers as `http.request.header.<name>`; secrets only as `{SHA1}`. */
function requestHeaderAttributes(head: string): Attributes {
  const values = new Map<string, string[]>();
  for (const line of headerLines(head)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (isSecretHeader(name)) {
      values.set(name, [...(values.get(name) ?? []), sha1Redact(value)]);
    } else if (REQUEST_HEADER_ALLOW.has(name)) {
      values.set(name, [...(values.get(name) ?? []), value]);
    }
  }
  const attrs: Attributes = {};
  for (const [name, list] of values) attrs[`http.request.header.${name}`] = list;
  const ua = values.get('user-agent')?.[0];
  if (ua) attrs[ATTR.userAgentOriginal] = ua;
  return attrs;
}

/** The wire record's own attributes (ours; the semconv has no ordered header list). */
export const WIRE_ATTR = {
  requestHeaders: 'novatrace.wire.request_headers',
  responseHeaders: 'novatrace.wire.response_headers',
  statusLine: 'novatrace.wire.status_line',
  requestBodyPreview: 'novatrace.wire.request_body_preview',
  responseBodyPreview: 'novatrace.wire.response_body_preview',
} as const;

/**
 * Header lines in order and case as they crossed the wire, one `Name: value` per line, secret
 * values as `{SHA1}` and remembered secrets scrubbed.
 */
function redactedHeaderBlock(pairs: HeaderPairs): string {
  return pairs
    .map(
      ([name, value]) =>
        `${name}: ${isSecretHeader(name) ? sha1Redact(value) : scrubSecrets(value)}`
    )
    .join('\n');
}

/** The framing line undici writes itself after the caller's headers (client-h1.js writeH1). */
function framingLine(
  method: string,
  body: ConnectionBody,
  headers: readonly string[]
): string | undefined {
  const given = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length');
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const length =
      body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const expectsPayload = ['PUT', 'POST', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH'].includes(
      method
    );
    return length > 0 || expectsPayload ? `content-length: ${length}` : undefined;
  }
  return given >= 0 ? `content-length: ${headers[given + 1]}` : 'transfer-encoding: chunked';
}

function responseHeaderAttributes(headers: HeaderPairs): Attributes {
  const values = new Map<string, string[]>();
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    if (isSecretHeader(name)) values.set(name, [...(values.get(name) ?? []), sha1Redact(value)]);
    else if (RESPONSE_HEADER_ALLOW.has(name))
      values.set(name, [...(values.get(name) ?? []), value]);
  }
  const attrs: Attributes = {};
  for (const [name, list] of values) attrs[`http.response.header.${name}`] = list;
  return attrs;
}

/** Semconv: credentials in `url.full` become `REDACTED:REDACTED@`, signed query values too. */
const REDACTED_QUERY_KEYS = new Set([
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
]);

function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1REDACTED:REDACTED@');
  const q = out.indexOf('?');
  if (q >= 0) {
    const [head, tail] = [out.slice(0, q + 1), out.slice(q + 1)];
    const hash = tail.indexOf('#');
    const query = hash >= 0 ? tail.slice(0, hash) : tail;
    const rest = hash >= 0 ? tail.slice(hash) : '';
    const parts = query.split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq >= 0 ? pair.slice(0, eq) : pair;
      return eq >= 0 && REDACTED_QUERY_KEYS.has(key) ? `${key}=REDACTED` : pair;
    });
    out = head + parts.join('&') + rest;
  }
  return out;
}

/** The wire span's source position, for the viewer (from call-sites.ts, like every layer). */
const WIRE_CODE = { file: 'src/urllib3/connection.ts', fn: 'HTTPConnection.request' } as const;

/** The line of the wire span's `startActiveSpan(` call (0 if the source is absent). */
function wireCodeLine(): number {
  return wireCallSite().line;
}

/** HTTP methods the semantic conventions know; others are `_OTHER` and the span is `HTTP`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

// ---------------------------------------------------------------------------------------------
// The read timeout, armed by us.
//
// Python sets the socket timeout to the read timeout once the request is sent, so a silent
// server fails exactly after that many seconds. undici's headersTimeout/bodyTimeout use its
// "fast timers", whose resolution is about one second (undici lib/util/timers.js,
// RESOLUTION_MS), so a 0.05 s read timeout would fire up to a second late. We pass them to
// undici and also arm a native timer from the moment the request is on the wire (headers) and
// between body chunks (body); whichever fires first ends the exchange.

/** The error our native read timer aborts an exchange with (code `NOVATRACE_READ_TIMEOUT`). */
export class ReadTimeoutSignal extends Error {
  readonly code = 'NOVATRACE_READ_TIMEOUT';
  constructor(phase: 'headers' | 'body', ms: number) {
    super(`no ${phase === 'headers' ? 'response headers' : 'body data'} within ${ms} ms`);
    this.name = 'ReadTimeoutSignal';
  }
}

// ---------------------------------------------------------------------------------------------
// The error table: undici -> urllib3.

/** Where in one exchange an undici error happened. */
export type ErrorPhase = 'request' | 'body';

export interface TranslateContext {
  /** Which part of the exchange failed. */
  readonly phase: ErrorPhase;
  /** The connection (message prefix of connection-level errors, as in Python). */
  readonly conn?: HTTPConnection | null;
  /** The pool (message prefix of ReadTimeoutError). */
  readonly pool?: unknown;
  /** The request URL (ReadTimeoutError's `url`); null while reading the body, as upstream. */
  readonly url?: string | null;
  /** The read timeout in force, for the message. */
  readonly read_timeout?: TimeoutValue;
  /** True when undici reported this error as a failure to open the socket. */
  readonly while_connecting?: boolean;
}

/** Error codes that mean "could not open the socket" (Python: socket.error in create_connection). */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EACCES',
  'EPERM',
]);

/** Python's `str()` of the socket.error undici's error stands for: `[Errno 111] Connection refused`. */
function socketErrorText(err: Error & { code?: string; errno?: number }): string {
  const code = err.code ?? '';
  const errno = (osConstants.errno as Record<string, number | undefined>)[code];
  const strerror: Record<string, string> = {
    ECONNREFUSED: 'Connection refused',
    ECONNRESET: 'Connection reset by peer',
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    ETIMEDOUT: 'Connection timed out',
    EADDRNOTAVAIL: 'Cannot assign requested address',
  };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `[Errno -2] Name or service not known`;
  }
  if (errno !== undefined && strerror[code]) return `[Errno ${errno}] ${strerror[code]}`;
  return err.message;
}

function codeOf(err: unknown): string {
  if (err !== null && typeof err === 'object' && 'code' in err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}

/** A short Python-style repr of an undici error: `SocketError('other side closed')`. */
function undiciRepr(err: unknown): string {
  if (err instanceof Error) return `${err.name}(${pyRepr(err.message)})`;
  return pyRepr(String(err));
}

/**
 * THE translation table, undici error -> urllib3 exception (STYLE 2.5), by `code`:
 *
 * | undici                                   | urllib3                                     |
 * |------------------------------------------|---------------------------------------------|
 * | ECONNREFUSED... while connecting         | NewConnectionError("Failed to establish...") |
 * | UND_ERR_CONNECT_TIMEOUT                  | ConnectTimeoutError("Connection to H timed out") |
 * | UND_ERR_HEADERS_TIMEOUT / _BODY_TIMEOUT  | ReadTimeoutError("Read timed out.")          |
 * | (our native read timer, see above)       | ReadTimeoutError("Read timed out.")          |
 * | UND_ERR_SOCKET, ECONNRESET... after connect | ProtocolError('Connection aborted.' / 'Connection broken: ...') |
 * | UND_ERR_INVALID_ARG (bad header...)      | ValueError (what http.client raises)         |
 * | TLS / certificate codes                  | SSLError                                     |
 *
 * The undici error always rides along as `cause`. Anything else becomes a ProtocolError.
 */
export function translate_undici_error(err: unknown, ctx: TranslateContext): Error {
  const code = codeOf(err);
  const cause = { cause: err };
  const host = ctx.conn?.host ?? '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    // Python: socket.timeout in create_connection -> ConnectTimeoutError(conn, msg).
    const connect = ctx.conn ? ctx.conn.timeout : null;
    const error = new ConnectTimeoutError(
      [
        ctx.conn ?? null,
        `Connection to ${host} timed out. (connect timeout=${pyTimeout(connect)})`,
      ],
      cause
    );
    return error;
  }
  if (isTlsCode(code)) {
    // Python: ssl.SSLError / CertificateError while connecting -> urllib3 SSLError.
    return new SSLError([err instanceof Error ? err.message : String(err)], cause);
  }
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'NOVATRACE_READ_TIMEOUT'
  ) {
    // Python: socket.timeout while reading -> ReadTimeoutError (connectionpool._raise_timeout,
    // or response.read with url None and a shorter message).
    if (ctx.phase === 'body')
      return new ReadTimeoutError(ctx.pool ?? null, null, 'Read timed out.', cause);
    return new ReadTimeoutError(
      ctx.pool ?? null,
      ctx.url ?? null,
      `Read timed out. (read timeout=${pyTimeout(ctx.read_timeout ?? null)})`,
      cause
    );
  }
  if (
    ctx.while_connecting ||
    (CONNECT_CODES.has(code) && ctx.phase === 'request' && ctx.while_connecting !== false)
  ) {
    // Python: socket.error in create_connection -> NewConnectionError(conn, msg).
    return new NewConnectionError(
      ctx.conn ?? null,
      `Failed to establish a new connection: ${socketErrorText(err as Error)}`,
      cause
    );
  }
  if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') {
    return new ValueError([err instanceof Error ? err.message : String(err)], cause);
  }
  if (ctx.phase === 'body') {
    // Python: HTTPException while reading -> ProtocolError('Connection broken: %r' % e, e).
    return new ProtocolError([`Connection broken: ${undiciRepr(err)}`, err], cause);
  }
  // Python: SocketError/HTTPException in urlopen -> ProtocolError('Connection aborted.', e).
  return new ProtocolError(['Connection aborted.', err], cause);
}

/** Node/OpenSSL certificate and handshake error codes. */
function isTlsCode(code: string): boolean {
  return /^(ERR_SSL_|ERR_TLS_|UNABLE_TO_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/.test(
    code
  );
}

function pyTimeout(value: TimeoutValue): string {
  if (value === DEFAULT_TIMEOUT) return 'None';
  return pyRepr(value);
}

// ---------------------------------------------------------------------------------------------
// The response as httplib hands it to urllib3.

/**
 * The response of one exchange, as Python's `httplib.HTTPResponse` hands it to urllib3:
 * status line, headers in wire order, and a body still to be read from the socket.
 */
export class HTTPLibResponse {
  readonly status: number;
  readonly reason: string;
  /** 11 for HTTP/1.1 (undici speaks nothing else here). */
  readonly version = 11;
  /** Headers in wire order, names as the server sent them. */
  readonly headers: HeaderPairs;
  /** True when the server said `Connection: close`: the connection closes after the body. */
  readonly will_close: boolean;
  readonly #body: Dispatcher.ResponseData['body'] | null;
  readonly #conn: HTTPConnection;
  readonly #readMs: number;
  #closed = false;
  /** @internal Called once when the body has been read to the end, failed, or was discarded. */
  onBodyEnd: ((err?: unknown) => void) | undefined;

  /** @internal */
  constructor(init: {
    status: number;
    reason: string;
    headers: HeaderPairs;
    body: Dispatcher.ResponseData['body'] | null;
    conn: HTTPConnection;
    /** Read timeout between body chunks, ms (0 = none). */
    readMs?: number;
  }) {
    this.#readMs = init.readMs ?? 0;
    this.status = init.status;
    this.reason = init.reason;
    this.headers = init.headers;
    this.#body = init.body;
    this.#conn = init.conn;
    this.will_close = init.headers.some(
      ([name, value]) =>
        name.toLowerCase() === 'connection' &&
        value
          .toLowerCase()
          .split(',')
          .some((token) => token.trim() === 'close')
    );
  }

  /** True once the body has been read to the end (or the response was closed). */
  isclosed(): boolean {
    return this.#closed;
  }

  /**
   * The body's chunks as they arrive; raw undici errors are thrown (the reader translates them
   * with {@link translate_undici_error}, phase 'body').
   */
  async *chunks(): AsyncGenerator<Buffer> {
    if (this.#closed || !this.#body) {
      this.#finish();
      return;
    }
    const body = this.#body;
    const iterator = body[Symbol.asyncIterator]();
    try {
      yield* this.#read(body, iterator);
    } catch (err) {
      this.#bodyEnd(err);
      throw err;
    }
    this.#finish();
  }

  async *#read(
    body: Dispatcher.ResponseData['body'],
    iterator: AsyncIterator<unknown>
  ): AsyncGenerator<Buffer> {
    for (;;) {
      // Python: the socket's read timeout applies to each recv() of the body.
      const timer =
        this.#readMs > 0
          ? setTimeout(
              () => body.destroy(new ReadTimeoutSignal('body', this.#readMs)),
              this.#readMs
            )
          : undefined;
      let step: IteratorResult<unknown>;
      try {
        step = await iterator.next();
      } finally {
        if (timer) clearTimeout(timer);
      }
      if (step.done) break;
      yield step.value as Buffer;
    }
  }

  /** Closes the response; an unread body is discarded with its socket, as httplib does. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#body && !this.#body.readableEnded) {
      this.#body.destroy();
      this.#conn.close();
    }
    this.#bodyEnd();
  }

  #bodyEnd(err?: unknown): void {
    const done = this.onBodyEnd;
    this.onBodyEnd = undefined;
    done?.(err);
  }

  #finish(): void {
    this.#bodyEnd();
    this.#closed = true;
    // httplib: a `Connection: close` response leaves the connection closed (sock = None).
    if (this.will_close) this.#conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The connection.

let connectionIds = 0;

export interface HTTPConnectionOptions {
  host: string;
  /** `http` (HTTPConnection) or `https` (HTTPSConnection). */
  scheme?: 'http' | 'https';
  port?: number | null;
  /** Connect timeout, seconds (urllib3 sets it from `Timeout.connect_timeout` before use). */
  timeout?: TimeoutValue;
  strict?: boolean;
}

/** What one exchange needs besides method and URL. */
export interface ConnectionRequestOptions {
  body?: ConnectionBody;
  headers?: HeaderPairs;
  /** Read timeout in seconds (undici headersTimeout/bodyTimeout), None = forever. */
  read_timeout?: TimeoutValue;
  /** The pool, for error messages (Python raises ReadTimeoutError from the pool). */
  pool?: unknown;
  /** `http` unless a port says otherwise; for `url.full`. */
  scheme?: string;
  /** True on requests' low-level chunked path (records 'chunk sent' events). */
  chunked?: boolean;
  /** httplib `putrequest(skip_accept_encoding=True)`: no `Accept-Encoding: identity` added. */
  skip_accept_encoding?: boolean;
}

/**
 * One connection to `host:port`: an undici Client with one socket at a time (pipelining 1).
 * The pool takes it, sends one request on it, and puts it back when the body has been read.
 */
export class HTTPConnection {
  static readonly default_port: number = port_by_scheme.http as number;
  readonly scheme: 'http' | 'https' = 'http';
  readonly host: string;
  readonly port: number;
  /** Connect timeout (seconds) used when the socket is (re)opened. */
  timeout: TimeoutValue;
  /** httplib: reopen automatically on the next request after close(). */
  readonly auto_open = 1;
  /** The undici Client while a socket is open or being opened; null when closed. */
  sock: Client | null = null;
  /** Sockets this connection has opened so far. */
  connects = 0;
  readonly #id: number;
  #dropped = false;
  #connectError: unknown = null;
  #destroying: Promise<void>[] = [];

  constructor(opts: HTTPConnectionOptions) {
    subscribeChannels();
    this.host = opts.host;
    this.port = opts.port ?? (new.target as typeof HTTPConnection).default_port;
    this.timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    this.#id = ++connectionIds;
  }

  /**
   * Python's default repr, with the module path of the urllib3 that requests 2.9.1 vendors:
   * `<requests.packages.urllib3.connection.HTTPConnection object at 0x7f...>`.
   */
  __repr__(): string {
    const address = (0x7f0000000000 + this.#id * 0x1f0).toString(16);
    return `<requests.packages.urllib3.connection.${this.constructor.name} object at 0x${address}>`;
  }

  toString(): string {
    return this.__repr__();
  }

  /**
   * True when undici saw this connection's socket go away since it was opened: a `disconnect`
   * event, or `stats.connected` false. (Python's `is_connection_dropped` polls the socket.)
   */
  saw_disconnect(): boolean {
    if (!this.sock) return false;
    return this.#dropped || !this.sock.stats.connected;
  }

  /** Opens the socket: a new undici Client (it connects on its first request). */
  connect(): Client {
    this.close();
    // Python: socket.create_connection refuses the address before any packet leaves.
    const port = this.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new OverflowError(['getsockaddr(): port must be 0-65535.']);
    }
    const client = new Client(`${this.scheme}://${this.host}:${this.port}`, {
      ...this._connect_options(),
      pipelining: 1,
      connectTimeout: toUndiciMs(this.timeout),
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
      // Ignore the server's Keep-Alive hint: like urllib3, wait for the server to close.
      keepAliveTimeoutThreshold: -600_000,
    });
    this.#dropped = false;
    this.#connectError = null;
    client.on('connect', () => {
      if (this.sock === client) this.connects += 1;
    });
    client.on('disconnect', () => {
      if (this.sock === client) this.#dropped = true;
    });
    client.on('connectionError', (_origin, _targets, err) => {
      if (this.sock === client) this.#connectError = err;
    });
    this.sock = client;
    return client;
  }

  /** Extra undici Client options (TLS settings for HTTPS). */
  _connect_options(): Partial<Client.Options> {
    return {};
  }

  /** Closes the socket; the connection object stays usable and reconnects on its next request. */
  close(): void {
    const client = this.sock;
    if (!client) return;
    this.sock = null;
    this.#dropped = false;
    const done = client.destroy().catch(() => undefined);
    this.#destroying.push(done);
  }

  /** Resolves when every Client this connection closed has finished closing (for tests). */
  async closed(): Promise<void> {
    await Promise.all(this.#destroying);
  }

  /**
   * Sends one request and reads the response status and headers: httplib's `request()` then
   * `getresponse()`. Opens the wire span (kind CLIENT); undici errors are translated here.
   * @see Python http.client HTTPConnection.request / getresponse
   */
  async request(
    method: string,
    url: string,
    opts: ConnectionRequestOptions = {}
  ): Promise<HTTPLibResponse> {
    const scheme = opts.scheme ?? this.scheme;
    const full = /^https?:\/\//i.test(url) ? url : `${scheme}://${this.host}:${this.port}${url}`;
    const resend = current_resend_count();
    const known = KNOWN_METHODS.has(method);
    const attributes: Attributes = tracingOff()
      ? {}
      : {
          [ATTR.httpRequestMethod]: known ? method : '_OTHER',
          ...(known ? {} : { 'http.request.method_original': method }),
          [ATTR.urlFull]: redactUrl(full),
          [ATTR.serverAddress]: this.host,
          [ATTR.serverPort]: this.port,
          [ATTR.urlScheme]: scheme,
          [ATTR.networkProtocolVersion]: '1.1',
          [ATTR.codeFunctionName]: WIRE_CODE.fn,
          [ATTR.codeFilePath]: WIRE_CODE.file,
          [ATTR.codeLineNumber]: wireCodeLine(),
          [ATTR.layer]: 'urllib3',
          [ATTR.upstreamFile]: 'http/client.py (httplib)',
          [ATTR.upstreamVersion]: UPSTREAM_VERSIONS.urllib3,
          ...(resend > 0 ? { [ATTR.httpRequestResendCount]: resend } : {}),
        };
    return tracerFor('urllib3').startActiveSpan(
      known ? method : 'HTTP',
      ownOptions(safeAttributes(attributes), SpanKind.CLIENT),
      async (span) => {
        let endLater = false;
        try {
          const gate = currentRunScope()?.gate;
          if (gate) {
            const { traceId, spanId } = span.spanContext();
            await gate({ name: 'wire', traceId, spanId, method });
          }
          const [response, wire] = await this.#exchange(span, method, url, opts);
          span.setAttribute(ATTR.httpResponseStatusCode, response.status);
          if (span.isRecording()) {
            span.setAttributes(responseHeaderAttributes(response.headers));
            span.setAttributes(responseWireAttributes(response, wire));
          }
          if (response.status >= 400) {
            span.setAttribute(ATTR.errorType, String(response.status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          if (!wire.responseDone && !response.isclosed()) {
            // Ours, not httplib's: a body longer than undici's first read arrives after
            // getresponse() returns (requests reads it later). The exchange, as a browser's
            // network panel shows it, lasts to its last byte, so the span ends then, with the
            // body's size and preview; tree and parents stay as they are.
            endLater = true;
            response.onBodyEnd = (err) => {
              // A body closed unread (or failed) has no size: only part of it came.
              if (err !== undefined) recordError(span, err);
              else if (wire.responseDone && span.isRecording())
                span.setAttributes(responseBodyAttributes(response, wire));
              span.end();
            };
          }
          return response;
        } catch (err) {
          recordError(span, err);
          throw err;
        } finally {
          if (!endLater) span.end();
        }
      }
    );
  }

  async #exchange(
    span: Span,
    method: string,
    url: string,
    opts: ConnectionRequestOptions
  ): Promise<[HTTPLibResponse, WireState]> {
    // httplib auto_open: a closed connection (sock None) reconnects on the next request.
    const client = this.sock ?? this.connect();
    const headers: string[] = [];
    for (const [name, value] of opts.headers ?? []) {
      const lower = name.toLowerCase();
      // undici writes its own `connection: keep-alive` (or close) right after Host, and
      // chunks an iterable body itself: it refuses Transfer-Encoding / Keep-Alive / Upgrade
      // from the caller. Connection: close is honoured (undici resets after the response).
      if (lower === 'transfer-encoding' || lower === 'keep-alive' || lower === 'upgrade') continue;
      if (lower === 'connection' && value.toLowerCase() !== 'close') continue;
      headers.push(name, value);
    }
    // httplib derives Host from an absolute request target (a proxied request); undici would
    // send the proxy's own host, so name the target explicitly.
    if (
      /^https?:\/\//i.test(url) &&
      !headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')
    ) {
      headers.unshift('Host', new URL(url).host);
    }
    // httplib's putrequest writes `Accept-Encoding: identity` right after Host unless the
    // caller sends its own (requests always does; urllib3 used directly does not) or asks to
    // skip it (requests' chunked path: putrequest(..., skip_accept_encoding=True)).
    if (
      !opts.skip_accept_encoding &&
      !headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'accept-encoding')
    ) {
      const at = headers.length > 0 && headers[0]!.toLowerCase() === 'host' ? 2 : 0;
      headers.splice(at, 0, 'Accept-Encoding', 'identity');
    }
    // The one addition to http.client's bytes: `traceparent` (and `baggage` when set), from the
    // global propagator; OTEL_PROPAGATORS=none registers none, and nothing is added.
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    for (const [name, value] of Object.entries(carrier)) headers.push(name, value);

    const readMs = toUndiciMs(opts.read_timeout ?? DEFAULT_TIMEOUT);
    const abort = new AbortController();
    let readTimer: NodeJS.Timeout | undefined;
    const body = opts.body ?? null;
    const framing = framingLine(method, body, headers);
    const wire: WireState = {
      span,
      chunked: opts.chunked ?? false,
      ...(framing ? { framing } : {}),
      requestChunks: [],
      requestBytes: 0,
      responseChunks: [],
      responseBytes: 0,
      responseDone: false,
      onSent: () => {
        // Python: sock.settimeout(read_timeout) once the request is sent, then getresponse().
        if (readMs > 0 && !readTimer) {
          readTimer = setTimeout(
            () => abort.abort(new ReadTimeoutSignal('headers', readMs)),
            readMs
          );
        }
      },
    };
    if (
      span.isRecording() &&
      (body === null || typeof body === 'string' || body instanceof Uint8Array)
    ) {
      const bytes =
        body === null
          ? Buffer.alloc(0)
          : typeof body === 'string'
            ? Buffer.from(body, 'utf8')
            : body;
      span.setAttribute(ATTR.httpRequestBodySize, bytes.length);
      if (bytes.length > 0) {
        span.setAttribute(
          WIRE_ATTR.requestBodyPreview,
          bodyPreview(bytes.subarray(0, RESPONSE_CAPTURE_BYTES), {
            totalBytes: bytes.length,
            complete: bytes.length <= RESPONSE_CAPTURE_BYTES,
          })
        );
      }
    }
    let pending: Promise<Dispatcher.ResponseData>;
    pendingWire = wire;
    try {
      pending = client.request({
        method: method as Dispatcher.HttpMethod,
        path: url,
        headers,
        body: toUndiciBody(body),
        headersTimeout: readMs,
        bodyTimeout: readMs,
        signal: abort.signal,
        responseHeaders: 'raw',
      } as Dispatcher.RequestOptions);
    } finally {
      pendingWire = undefined;
    }
    let data: Dispatcher.ResponseData;
    try {
      data = await pending;
      if (readTimer) clearTimeout(readTimer);
    } catch (err) {
      if (readTimer) clearTimeout(readTimer);
      const whileConnecting = this.#connectError !== null && this.#connectError === err;
      throw translate_undici_error(err, {
        phase: 'request',
        conn: this,
        pool: opts.pool,
        url,
        read_timeout: opts.read_timeout ?? DEFAULT_TIMEOUT,
        while_connecting: whileConnecting || (this.connects === 0 && isConnectCode(err)),
      });
    }
    const raw = data.headers as unknown as Buffer[] | string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      pairs.push([latin1(raw[i]), latin1(raw[i + 1])]);
    }
    const response = new HTTPLibResponse({
      status: data.statusCode,
      reason: (data as { statusText?: string }).statusText ?? '',
      headers: pairs,
      body: data.body,
      conn: this,
      readMs,
    });
    return [response, wire];
  }
}

/** Certificate settings requests' `cert_verify` puts on an HTTPS pool, copied to each connection. */
export interface CertSettings {
  key_file?: string | null;
  cert_file?: string | null;
  /** `CERT_REQUIRED` verifies the server certificate; `CERT_NONE` does not. */
  cert_reqs?: 'CERT_REQUIRED' | 'CERT_NONE' | null;
  ca_certs?: string | null;
  ca_cert_dir?: string | null;
}

/**
 * An HTTPS connection (urllib3's `VerifiedHTTPSConnection`): the same undici Client, over TLS,
 * verifying the server certificate when `cert_reqs` is CERT_REQUIRED.
 * @see urllib3/connection.py VerifiedHTTPSConnection.set_cert / connect
 */
export class HTTPSConnection extends HTTPConnection {
  static override readonly default_port: number = port_by_scheme.https as number;
  override readonly scheme = 'https' as const;
  key_file: string | null = null;
  cert_file: string | null = null;
  cert_reqs: 'CERT_REQUIRED' | 'CERT_NONE' | null = null;
  ca_certs: string | null = null;
  ca_cert_dir: string | null = null;

  /** Copies the pool's certificate settings (Python: `set_cert`). */
  set_cert(settings: CertSettings): void {
    this.key_file = settings.key_file ?? null;
    this.cert_file = settings.cert_file ?? null;
    this.cert_reqs = settings.cert_reqs ?? null;
    this.ca_certs = settings.ca_certs ?? null;
    this.ca_cert_dir = settings.ca_cert_dir ?? null;
  }

  override _connect_options(): Partial<Client.Options> {
    const read = (path: string | null) => (path ? readFileSync(path) : undefined);
    return {
      connect: {
        rejectUnauthorized: this.cert_reqs !== 'CERT_NONE',
        ca: read(this.ca_certs),
        cert: read(this.cert_file),
        key: read(this.key_file),
        servername: isIP(this.host) ? undefined : this.host,
      },
    };
  }
}

/**
 * The response side of the wire record: the status line and headers as received, and the body
 * preview when the whole body has arrived with the head (undici reads a small response in one
 * go; a longer one is read later by requests, and the span waits for it: see `request`).
 */
function responseWireAttributes(response: HTTPLibResponse, wire: WireState): Attributes {
  const attrs: Attributes = {
    [WIRE_ATTR.statusLine]: `HTTP/1.1 ${response.status}${response.reason ? ` ${response.reason}` : ''}`,
    [WIRE_ATTR.responseHeaders]: redactedHeaderBlock(response.headers),
  };
  return wire.responseDone ? { ...attrs, ...responseBodyAttributes(response, wire) } : attrs;
}

/** The body's size and its preview, once the whole body has come. */
function responseBodyAttributes(response: HTTPLibResponse, wire: WireState): Attributes {
  const attrs: Attributes = { [ATTR.httpResponseBodySize]: wire.responseBytes };
  if (wire.responseBytes > 0) {
    const encoding = response.headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1];
    attrs[WIRE_ATTR.responseBodyPreview] = bodyPreview(Buffer.concat(wire.responseChunks), {
      totalBytes: wire.responseBytes,
      complete: wire.responseBytes <= RESPONSE_CAPTURE_BYTES,
      ...(encoding ? { contentEncoding: encoding } : {}),
    });
  }
  return attrs;
}

/** httplib decodes header bytes as ISO-8859-1. */
function latin1(value: Buffer | string | undefined): string {
  if (value === undefined) return '';
  return Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
}

function isConnectCode(err: unknown): boolean {
  return CONNECT_CODES.has(codeOf(err));
}

/** Our body types as undici takes them; iterables become an async generator of Buffers. */
function toUndiciBody(
  body: ConnectionBody
): string | Uint8Array | AsyncIterable<Uint8Array> | null {
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return body;
  const source = body;
  return (async function* chunks() {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      // An empty chunk would end a chunked body early on the wire; skip it.
      if (buffer.length > 0) yield buffer;
    }
  })();
}
