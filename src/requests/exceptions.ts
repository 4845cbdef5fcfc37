/**
 * @module
 * requests' exception tree.
 * @see requests/exceptions.py (requests 2.9.1)
 *
 * Ported: every exception class, with Python's multiple inheritance (`ConnectTimeout` is a
 * `ConnectionError` and a `Timeout`; `InvalidURL` is also a `ValueError`) through
 * `extraBases` and the `instanceof` walk of ../urllib3/builtins.ts. Like upstream, the
 * root keeps the `request` and `response` it was raised for. The message is Python's
 * `str(e)`: for `ConnectionError(MaxRetryError(...))` the urllib3 error's own message.
 * Left out: the warning classes (`RequestsWarning`, `FileModeWarning`).
 */
import { IOError, TypeError_, ValueError } from '../urllib3/builtins.js';
import { HTTPError as BaseHTTPError } from '../urllib3/exceptions.js';

/** What a requests exception may carry besides its arguments. */
export interface RequestExceptionOptions {
  /** The PreparedRequest it was raised for. */
  request?: unknown;
  /** The Response, when there was one. */
  response?: { request?: unknown } | null;
  /** The lower error (defaults to the first argument when that is an Error). */
  cause?: unknown;
}

/** Root of requests' errors: something went wrong sending the request or reading the answer. */
export class RequestException extends IOError {
  static override readonly pythonName: string = 'requests.exceptions.RequestException';
  readonly request: unknown;
  readonly response: { request?: unknown } | null;

  constructor(args: unknown = [], options: RequestExceptionOptions = {}) {
    const list = Array.isArray(args) ? (args as unknown[]) : [args];
    const first = list[0];
    super(list, { cause: options.cause ?? (first instanceof Error ? first : undefined) });
    this.response = options.response ?? null;
    let request = options.request ?? null;
    if (this.response !== null && !request && this.response.request !== undefined) {
      request = this.response.request;
    }
    this.request = request;
  }
}

/** Raised by `raise_for_status` for a 4xx or 5xx status. */
export class HTTPError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.HTTPError';
}

/** The connection could not be made or broke (refused, reset, retries used up). */
export class ConnectionError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.ConnectionError';
}

/** The proxy could not be reached or refused the request. */
export class ProxyError extends ConnectionError {
  static override readonly pythonName: string = 'requests.exceptions.ProxyError';
}

/** TLS failed (certificate not trusted, handshake error). */
export class SSLError extends ConnectionError {
  static override readonly pythonName: string = 'requests.exceptions.SSLError';
}

/**
 * A timeout: the parent of both ConnectTimeout and ReadTimeout.
 */
export class Timeout extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.Timeout';
}

/** Connecting took longer than the connect timeout; nothing was sent, so a retry is safe. */
export class ConnectTimeout extends ConnectionError {
  static override readonly pythonName: string = 'requests.exceptions.ConnectTimeout';
  static override readonly extraBases = [Timeout];
}

/** The server stayed silent longer than the read timeout. */
export class ReadTimeout extends Timeout {
  static override readonly pythonName: string = 'requests.exceptions.ReadTimeout';
}

/** No usable URL was given. */
export class URLRequired extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.URLRequired';
}

/** More redirects than `max_redirects` (30 by default). */
export class TooManyRedirects extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.TooManyRedirects';
}

/** The URL has no scheme (`example.com/path` instead of `http://example.com/path`). */
export class MissingSchema extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.MissingSchema';
  static override readonly extraBases = [ValueError];
}

/** No adapter is mounted for the URL's scheme. */
export class InvalidSchema extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.InvalidSchema';
  static override readonly extraBases = [ValueError];
}

/** The URL cannot be parsed (no host, a bad port...). */
export class InvalidURL extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.InvalidURL';
  static override readonly extraBases = [ValueError];
}

/** The body broke off or its chunked framing was invalid. */
export class ChunkedEncodingError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.ChunkedEncodingError';
}

/** The gzip/deflate body could not be decoded. */
export class ContentDecodingError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.ContentDecodingError';
  static override readonly extraBases = [BaseHTTPError];
}

/** The body was already read by iterating it, and not kept. */
export class StreamConsumedError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.StreamConsumedError';
  static override readonly extraBases = [TypeError_];
}

/** A Retry with a status list ran out (urllib3's ResponseError reason). */
export class RetryError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.RetryError';
}
