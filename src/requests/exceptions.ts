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

/** There was an ambiguous exception that occurred while handling your request. */
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

/** An HTTP error occurred (`raise_for_status`). */
export class HTTPError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.HTTPError';
}

/** A Connection error occurred. */
export class ConnectionError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.ConnectionError';
}

/** A proxy error occurred. */
export class ProxyError extends ConnectionError {
  static override readonly pythonName: string = 'requests.exceptions.ProxyError';
}

/** An SSL error occurred. */
export class SSLError extends ConnectionError {
  static override readonly pythonName: string = 'requests.exceptions.SSLError';
}

/**
 * The request timed out. Catching this catches both ConnectTimeout and ReadTimeout.
 */
export class Timeout extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.Timeout';
}

/** The request timed out while trying to connect to the remote server (safe to retry). */
export class ConnectTimeout extends ConnectionError {
  static override readonly pythonName: string = 'requests.exceptions.ConnectTimeout';
  static override readonly extraBases = [Timeout];
}

/** The server did not send any data in the allotted amount of time. */
export class ReadTimeout extends Timeout {
  static override readonly pythonName: string = 'requests.exceptions.ReadTimeout';
}

/** A valid URL is required to make a request. */
export class URLRequired extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.URLRequired';
}

/** Too many redirects. */
export class TooManyRedirects extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.TooManyRedirects';
}

/** The URL schema (e.g. http or https) is missing. */
export class MissingSchema extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.MissingSchema';
  static override readonly extraBases = [ValueError];
}

/** See defaults.py for valid schemas. */
export class InvalidSchema extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.InvalidSchema';
  static override readonly extraBases = [ValueError];
}

/** The URL provided was somehow invalid. */
export class InvalidURL extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.InvalidURL';
  static override readonly extraBases = [ValueError];
}

/** The server declared chunked encoding but sent an invalid chunk. */
export class ChunkedEncodingError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.ChunkedEncodingError';
}

/** Failed to decode response content. */
export class ContentDecodingError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.ContentDecodingError';
  static override readonly extraBases = [BaseHTTPError];
}

/** The content for this response was already consumed. */
export class StreamConsumedError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.StreamConsumedError';
  static override readonly extraBases = [TypeError_];
}

/** Custom retries logic failed. */
export class RetryError extends RequestException {
  static override readonly pythonName: string = 'requests.exceptions.RetryError';
}
