/**
 * @module
 * urllib3's exception tree.
 * @see urllib3/exceptions.py (urllib3 1.13.1, as vendored by requests 2.9.1)
 *
 * Ported: every class the flow can raise, with its Python bases (secondary bases in
 * `extraBases`, see ./builtins.ts) and the message formats (`PoolError` prefixes the pool,
 * `MaxRetryError` names the reason with `%r`). Left out: the warning classes
 * (`InsecureRequestWarning`...), which are log noise, not errors.
 */
import {
  PyException,
  ValueError,
  AssertionError_,
  pyRepr,
  pyStr,
  type PyExceptionOptions,
} from './builtins.js';

/** Root of urllib3's errors (`urllib3.exceptions.HTTPError`, not requests' HTTPError). */
export class HTTPError extends PyException {
  static override readonly pythonName: string = 'urllib3.exceptions.HTTPError';
}

/** Base for errors tied to a pool; the message is prefixed with `str(pool)`. */
export class PoolError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.PoolError';
  readonly pool: unknown;
  constructor(pool: unknown, message: string, options: PyExceptionOptions = {}) {
    super([`${pyStr(pool)}: ${message}`], options);
    this.pool = pool;
  }
}

/** Base for pool errors tied to a URL. */
export class RequestError extends PoolError {
  static override readonly pythonName: string = 'urllib3.exceptions.RequestError';
  readonly url: string | null;
  constructor(
    pool: unknown,
    url: string | null,
    message: string,
    options: PyExceptionOptions = {}
  ) {
    super(pool, message, options);
    this.url = url;
  }
}

/** TLS failed on an HTTPS connection. */
export class SSLError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.SSLError';
}

/** The proxy could not be reached. */
export class ProxyError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.ProxyError';
}

/** A gzip/deflate body could not be decoded. */
export class DecodeError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.DecodeError';
}

/** The connection broke during the exchange (urllib3's old name: `ConnectionError`). */
export class ProtocolError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.ProtocolError';
}

/** urllib3 keeps the old name as an alias of {@link ProtocolError}. */
export const ConnectionError = ProtocolError;

/**
 * Raised when the maximum number of retries is exceeded. `reason` is the error that used the
 * last retry up (a {@link NewConnectionError}, a {@link ResponseError}...).
 */
export class MaxRetryError extends RequestError {
  static override readonly pythonName: string = 'urllib3.exceptions.MaxRetryError';
  readonly reason: unknown;
  constructor(pool: unknown, url: string, reason: unknown = null) {
    super(pool, url, `Max retries exceeded with url: ${url} (Caused by ${pyRepr(reason)})`, {
      cause: reason ?? undefined,
    });
    this.reason = reason;
  }
}

/** A URL for another host reached this pool (with `assert_same_host`). */
export class HostChangedError extends RequestError {
  static override readonly pythonName: string = 'urllib3.exceptions.HostChangedError';
  readonly retries: unknown;
  constructor(pool: unknown, url: string, retries: unknown = 3) {
    super(pool, url, `Tried to open a foreign host with url: ${url}`);
    this.retries = retries;
  }
}

/** A Timeout used in the wrong state (its timer started twice, or never). */
export class TimeoutStateError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.TimeoutStateError';
}

/** Parent of the connect and read timeouts. */
export class TimeoutError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.TimeoutError';
}

/** The server sent nothing within the read timeout. */
export class ReadTimeoutError extends TimeoutError {
  static override readonly pythonName: string = 'urllib3.exceptions.ReadTimeoutError';
  static override readonly extraBases = [RequestError];
  readonly pool: unknown;
  readonly url: string | null;
  // Python: no __init__ of its own, so RequestError's (pool, url, message) runs via the MRO.
  constructor(
    pool: unknown,
    url: string | null,
    message: string,
    options: PyExceptionOptions = {}
  ) {
    super([`${pyStr(pool)}: ${message}`], options);
    this.pool = pool;
    this.url = url;
  }
}

/** The TCP connection was not established within the connect timeout. */
export class ConnectTimeoutError extends TimeoutError {
  static override readonly pythonName: string = 'urllib3.exceptions.ConnectTimeoutError';
}

/** Opening a new connection failed at once (typically ECONNREFUSED). */
export class NewConnectionError extends ConnectTimeoutError {
  static override readonly pythonName: string = 'urllib3.exceptions.NewConnectionError';
  static override readonly extraBases = [PoolError];
  readonly pool: unknown;
  // Python: PoolError.__init__(pool, message) via the MRO; here `pool` is the HTTPConnection.
  constructor(pool: unknown, message: string, options: PyExceptionOptions = {}) {
    super([`${pyStr(pool)}: ${message}`], options);
    this.pool = pool;
  }
}

/** A blocking pool had no free connection within the pool timeout. */
export class EmptyPoolError extends PoolError {
  static override readonly pythonName: string = 'urllib3.exceptions.EmptyPoolError';
}

/** The pool was closed before the request asked it for a connection. */
export class ClosedPoolError extends PoolError {
  static override readonly pythonName: string = 'urllib3.exceptions.ClosedPoolError';
}

/** The URL given cannot be used (no host...). */
export class LocationValueError extends ValueError {
  static override readonly pythonName: string = 'urllib3.exceptions.LocationValueError';
  static override readonly extraBases = [HTTPError];
}

/** `parse_url` could not split the URL (e.g. a non-numeric port). */
export class LocationParseError extends LocationValueError {
  static override readonly pythonName: string = 'urllib3.exceptions.LocationParseError';
  readonly location: string;
  constructor(location: string) {
    super([`Failed to parse: ${location}`]);
    this.location = location;
  }
}

/** The reason carried by a MaxRetryError when responses (not errors) used the retries up. */
export class ResponseError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.ResponseError';
  static readonly GENERIC_ERROR = 'too many error responses';
  static readonly SPECIFIC_ERROR = 'too many {status_code} error responses';
}

/** The proxy URL's scheme is neither http nor https. */
export class ProxySchemeUnknown extends AssertionError_ {
  static override readonly pythonName: string = 'urllib3.exceptions.ProxySchemeUnknown';
  static override readonly extraBases = [ValueError];
  constructor(scheme: string | null) {
    super([`Not supported proxy scheme ${scheme}`]);
  }
}

/** Reading chunk by chunk needs a chunked response. */
export class ResponseNotChunked extends ProtocolError {
  static override readonly pythonName: string = 'urllib3.exceptions.ResponseNotChunked';
  static override readonly extraBases = [ValueError];
}

/** Headers that could not be parsed (upstream only logs it). */
export class HeaderParsingError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.HeaderParsingError';
}
