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

/** Base exception used by this module (`urllib3.exceptions.HTTPError`). */
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

/** Raised when SSL certificate fails in an HTTPS connection. */
export class SSLError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.SSLError';
}

/** Raised when the connection to a proxy fails. */
export class ProxyError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.ProxyError';
}

/** Raised when automatic decoding (gzip, deflate) of a response body fails. */
export class DecodeError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.DecodeError';
}

/** Raised when something unexpected happens mid-request/response (urllib3's `ConnectionError`). */
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

/** Raised when an existing pool gets a request for a foreign host. */
export class HostChangedError extends RequestError {
  static override readonly pythonName: string = 'urllib3.exceptions.HostChangedError';
  readonly retries: unknown;
  constructor(pool: unknown, url: string, retries: unknown = 3) {
    super(pool, url, `Tried to open a foreign host with url: ${url}`);
    this.retries = retries;
  }
}

/** Raised when passing an invalid state to a timeout. */
export class TimeoutStateError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.TimeoutStateError';
}

/** Raised when a socket timeout error occurs (connect or read). */
export class TimeoutError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.TimeoutError';
}

/** Raised when a socket timeout occurs while receiving data from a server. */
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

/** Raised when a socket timeout occurs while connecting to a server. */
export class ConnectTimeoutError extends TimeoutError {
  static override readonly pythonName: string = 'urllib3.exceptions.ConnectTimeoutError';
}

/** Raised when we fail to establish a new connection; usually ECONNREFUSED. */
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

/** Raised when a pool runs out of connections and no more are allowed. */
export class EmptyPoolError extends PoolError {
  static override readonly pythonName: string = 'urllib3.exceptions.EmptyPoolError';
}

/** Raised when a request enters a pool after the pool has been closed. */
export class ClosedPoolError extends PoolError {
  static override readonly pythonName: string = 'urllib3.exceptions.ClosedPoolError';
}

/** Raised when there is something wrong with a given URL input. */
export class LocationValueError extends ValueError {
  static override readonly pythonName: string = 'urllib3.exceptions.LocationValueError';
  static override readonly extraBases = [HTTPError];
}

/** Raised when `parse_url` fails to parse a URL. */
export class LocationParseError extends LocationValueError {
  static override readonly pythonName: string = 'urllib3.exceptions.LocationParseError';
  readonly location: string;
  constructor(location: string) {
    super([`Failed to parse: ${location}`]);
    this.location = location;
  }
}

/** Used as a container for an error reason supplied in a MaxRetryError. */
export class ResponseError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.ResponseError';
  static readonly GENERIC_ERROR = 'too many error responses';
  static readonly SPECIFIC_ERROR = 'too many {status_code} error responses';
}

/** Raised when a proxy URL has a scheme other than http/https. */
export class ProxySchemeUnknown extends AssertionError_ {
  static override readonly pythonName: string = 'urllib3.exceptions.ProxySchemeUnknown';
  static override readonly extraBases = [ValueError];
  constructor(scheme: string | null) {
    super([`Not supported proxy scheme ${scheme}`]);
  }
}

/** Response needs to be chunked in order to read it as chunks. */
export class ResponseNotChunked extends ProtocolError {
  static override readonly pythonName: string = 'urllib3.exceptions.ResponseNotChunked';
  static override readonly extraBases = [ValueError];
}

/** Raised by assert_header_parsing, but we convert it to a log.warning statement. */
export class HeaderParsingError extends HTTPError {
  static override readonly pythonName: string = 'urllib3.exceptions.HeaderParsingError';
}
