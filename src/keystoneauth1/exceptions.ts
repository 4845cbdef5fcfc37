/**
 * @module
 * keystoneauth1's exception tree, in one file.
 * @see keystoneauth1/exceptions/base.py, connection.py, discovery.py, auth.py, catalog.py,
 *   response.py, auth_plugins.py, http.py (keystoneauth1 2.3.0)
 *
 * Ported: the classes the session road can raise, each with its default message (Python's
 * `message` class attribute: an exception made with no text says it), the multiple inheritance
 * of `ConnectTimeout(ConnectionError, RetriableConnectionFailure)` through `extraBases`, and
 * `from_response` (the HTTP status → class map; the message from a JSON `{"error": {...}}` body,
 * the details from a `text/*` body). Left out: the HTTP classes no flow here meets (they fall
 * back to `HTTPClientError` / `HttpServerError` as `from_response` does for unknown codes),
 * the service-provider and federation errors, `UnsupportedParameters`.
 */
import { PyException } from '../urllib3/builtins.js';
import type { Response } from '../requests/index.js';

/** Root of keystoneauth1's errors: the text given, else the class's default message. */
export class ClientException extends PyException {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.base.ClientException';
  /** Python's class attribute `message`: what an exception made without text says. */
  static readonly defaultMessage: string | null = null;

  constructor(message?: string | null, options: { cause?: unknown } = {}) {
    const ctor = new.target as unknown as { defaultMessage: string | null; name: string };
    super([message || ctor.defaultMessage || ctor.name], options);
  }
}

/** A mixin base in Python: failures worth a retry (`connect_retries`). */
export class RetriableConnectionFailure extends PyException {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.connection.RetriableConnectionFailure';
}

export class ConnectionError extends ClientException {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.connection.ConnectionError';
  static override readonly defaultMessage: string | null = 'Cannot connect to API service.';
}

/** Raised for any requests `Timeout` (connect or read): keystoneauth1 2.3.0 names both so. */
export class ConnectTimeout extends ConnectionError {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.connection.ConnectTimeout';
  static override readonly extraBases = [RetriableConnectionFailure];
  static override readonly defaultMessage: string | null = 'Timed out connecting to service.';
}

export class ConnectFailure extends ConnectionError {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.connection.ConnectFailure';
  static override readonly extraBases = [RetriableConnectionFailure];
  static override readonly defaultMessage: string | null =
    'Connection failure that may be retried.';
}

export class SSLError extends ConnectionError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.connection.SSLError';
  static override readonly defaultMessage: string | null = 'An SSL error occurred.';
}

export class UnknownConnectionError extends ConnectionError {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.connection.UnknownConnectionError';
  readonly original: unknown;
  constructor(msg: string, original: unknown) {
    super(msg, { cause: original });
    this.original = original;
  }
}

export class DiscoveryFailure extends ClientException {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.discovery.DiscoveryFailure';
  static override readonly defaultMessage: string | null = 'Discovery of client versions failed.';
}

export class AuthorizationFailure extends ClientException {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.auth.AuthorizationFailure';
  static override readonly defaultMessage: string | null = 'Cannot authorize API client.';
}

export class MissingAuthPlugin extends ClientException {
  static override readonly pythonName: string =
    'keystoneauth1.exceptions.auth_plugins.MissingAuthPlugin';
  static override readonly defaultMessage: string | null =
    'An authenticated request is required but no plugin available.';
}

export class CatalogException extends ClientException {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.catalog.CatalogException';
  static override readonly defaultMessage: string | null = 'Unknown error with service catalog.';
}

export class EndpointNotFound extends CatalogException {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.catalog.EndpointNotFound';
  static override readonly defaultMessage: string | null =
    'Could not find requested endpoint in Service Catalog.';
}

export class EmptyCatalog extends EndpointNotFound {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.catalog.EmptyCatalog';
  static override readonly defaultMessage: string | null = 'The service catalog is empty.';
}

export class InvalidResponse extends ClientException {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.response.InvalidResponse';
  static override readonly defaultMessage: string | null = 'Invalid response from server.';
  readonly response: Response;
  constructor(response: Response) {
    super();
    this.response = response;
  }
}

/** What {@link HttpError} is made with (Python's keyword arguments). */
export interface HttpErrorOptions {
  message?: string | null;
  details?: string | null;
  response?: Response | null;
  request_id?: string | null;
  url?: string | null;
  method?: string | null;
  http_status?: number | null;
  retry_after?: string | number;
}

/** An HTTP error status: `<message> (HTTP <status>)[ (Request-ID: <id>)]`. */
export class HttpError extends ClientException {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.HttpError';
  static readonly http_status: number = 0;
  static readonly httpMessage: string = 'HTTP Error';
  readonly http_status: number;
  readonly details: string | null;
  readonly request_id: string | null;
  readonly response: Response | null;
  readonly url: string | null;
  readonly method: string | null;
  readonly retry_after: string | number;

  constructor(opts: HttpErrorOptions = {}) {
    const ctor = new.target as unknown as { http_status: number; httpMessage: string };
    const status = opts.http_status || ctor.http_status;
    const message = opts.message || ctor.httpMessage;
    let formatted = `${message} (HTTP ${status})`;
    if (opts.request_id) formatted += ` (Request-ID: ${opts.request_id})`;
    super(formatted);
    this.http_status = status;
    this.details = opts.details ?? null;
    this.request_id = opts.request_id ?? null;
    this.response = opts.response ?? null;
    this.url = opts.url ?? null;
    this.method = opts.method ?? null;
    this.retry_after = opts.retry_after ?? 0;
  }
}

export class HTTPClientError extends HttpError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.HTTPClientError';
  static override readonly httpMessage: string = 'HTTP Client Error';
}

export class HttpServerError extends HttpError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.HttpServerError';
  static override readonly httpMessage: string = 'HTTP Server Error';
}

export class BadRequest extends HTTPClientError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.BadRequest';
  static override readonly http_status: number = 400;
  static override readonly httpMessage: string = 'Bad Request';
}

export class Unauthorized extends HTTPClientError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.Unauthorized';
  static override readonly http_status: number = 401;
  static override readonly httpMessage: string = 'Unauthorized';
}

export class Forbidden extends HTTPClientError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.Forbidden';
  static override readonly http_status: number = 403;
  static override readonly httpMessage: string = 'Forbidden';
}

export class NotFound extends HTTPClientError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.NotFound';
  static override readonly http_status: number = 404;
  static override readonly httpMessage: string = 'Not Found';
}

export class Conflict extends HTTPClientError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.Conflict';
  static override readonly http_status: number = 409;
  static override readonly httpMessage: string = 'Conflict';
}

export class InternalServerError extends HttpServerError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.InternalServerError';
  static override readonly http_status: number = 500;
  static override readonly httpMessage: string = 'Internal Server Error';
}

export class ServiceUnavailable extends HttpServerError {
  static override readonly pythonName: string = 'keystoneauth1.exceptions.http.ServiceUnavailable';
  static override readonly http_status: number = 503;
  static override readonly httpMessage: string = 'Service Unavailable';
}

type HttpErrorClass = new (opts?: HttpErrorOptions) => HttpError;

const CODE_MAP = new Map<number, HttpErrorClass>(
  [
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    InternalServerError,
    ServiceUnavailable,
  ].map((cls) => [cls.http_status, cls])
);

/**
 * The exception for an error response: class by status, message from a JSON `error` object,
 * details from a text body.
 * @see keystoneauth1/exceptions/http.py from_response
 */
export function from_response(response: Response, method: string, url: string): HttpError {
  const opts: HttpErrorOptions = {
    http_status: response.status_code,
    response,
    method,
    url,
    request_id: response.headers.get('x-openstack-request-id') ?? null,
  };
  const retry = response.headers.get('retry-after');
  if (retry !== undefined && retry !== null) opts.retry_after = retry;
  const contentType = response.headers.get('Content-Type') ?? '';
  if (contentType.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      body = undefined;
    }
    const error =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)['error']
        : undefined;
    if (error !== null && typeof error === 'object' && !Array.isArray(error)) {
      const e = error as Record<string, unknown>;
      opts.message = typeof e['message'] === 'string' ? e['message'] : null;
      opts.details = typeof e['details'] === 'string' ? e['details'] : null;
    }
  } else if (contentType.startsWith('text/')) {
    opts.details = response.text;
  }
  let cls = CODE_MAP.get(response.status_code);
  if (!cls) {
    if (response.status_code >= 500 && response.status_code < 600) cls = HttpServerError;
    else if (response.status_code >= 400 && response.status_code < 500) cls = HTTPClientError;
    else cls = HttpError;
  }
  return new cls(opts);
}
