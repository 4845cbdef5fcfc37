/**
 * @module
 * Port of `novaclient/exceptions.py` (python-novaclient 3.3.0). `from_response` is 3.3.0's: it
 * has no branch for WebOb's flat `{"message": ...}` body (3.4.0 added one, commit fa377e7f
 * "Handle error response for webob>=1.6.0"), so such a body raises `AttributeError` as in 3.3.0.
 *
 * Ported: `ClientException` and its HTTP subclasses (`_code_map`), `RetryAfterException`,
 * `from_response`, and the plain exceptions the volume-update flow can raise (`CommandError`,
 * `NoUniqueMatch`, `ConnectionRefused`, `UnsupportedVersion`, `AuthorizationFailure`,
 * `EndpointNotFound`, `AmbiguousEndpoints`).
 * Left out: exceptions of other commands (`ResourceInErrorState`, `InstanceInDeletedState`, ...),
 * and the auth-plugin ones (`AuthSystemNotFound`, `NoTokenLookupException`): no plugin system here.
 *
 * Naming note: JavaScript's `Error.message` holds what Python's `str(exc)` returns (that is what
 * spans, logs and the shell show). `ClientException`'s own Python attribute `message` (the bare
 * text, before " (HTTP 404)") is kept as `client_message`.
 */
import { pyRepr } from './pyfmt.js';

/** The Python `str()` of a value passed as an exception's single argument. */
function pyStr(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** What `from_response` reads from a requests `Response`. */
export interface ResponseLike {
  readonly status_code: number;
  readonly headers: { get(name: string): string | null | undefined } | null | undefined;
}

export interface ClientExceptionArgs {
  message?: string | null;
  details?: string | null;
  request_id?: string | null;
  url?: string | null;
  method?: string | null;
  retry_after?: string | number | null;
}

/**
 * The base of the HTTP errors novaclient raises: code, message, details, request id.
 * `str(exc)` is `"<message> (HTTP <code>)"` plus `" (Request-ID: <id>)"` when known.
 * @see novaclient/exceptions.py ClientException
 */
export class ClientException extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.ClientException';
  /** The class attribute `message`: the default text of this class. */
  static readonly default_message: string = 'Unknown Error';
  /** The class attribute `http_status` (undefined on ClientException itself). */
  static readonly http_status: number | undefined = undefined;

  readonly code: number | string;
  /** Python's `self.message` (the text before " (HTTP n)"). */
  readonly client_message: string;
  readonly details: string | null;
  readonly request_id: string | null;
  readonly url: string | null;
  readonly method: string | null;

  constructor(code: number | string, args: ClientExceptionArgs = {}) {
    // Python: self.message = message or self.__class__.message
    const ctor = new.target as unknown as typeof ClientException;
    const text = args.message || ctor.default_message;
    let formatted = `${text} (HTTP ${code})`;
    if (args.request_id) formatted += ` (Request-ID: ${args.request_id})`;
    super(formatted);
    this.name = ctor.name;
    this.code = code;
    this.client_message = text;
    this.details = args.details ?? null;
    this.request_id = args.request_id ?? null;
    this.url = args.url ?? null;
    this.method = args.method ?? null;
  }
}

/**
 * A ClientException that reads `Retry-After` (an int; 0 when absent or not a number).
 * @see novaclient/exceptions.py RetryAfterException
 */
export class RetryAfterException extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.RetryAfterException';
  readonly retry_after: number;

  constructor(code: number | string, args: ClientExceptionArgs = {}) {
    super(code, args);
    // Python: int(kwargs.pop('retry_after')), (KeyError, ValueError) -> 0
    const raw = args.retry_after;
    const text = raw === undefined || raw === null ? '' : String(raw).trim();
    this.retry_after = /^[+-]?\d+$/.test(text) ? Number.parseInt(text, 10) : 0;
  }
}

/** HTTP 400. @see novaclient/exceptions.py BadRequest */
export class BadRequest extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.BadRequest';
  static override readonly http_status: number = 400;
  static override readonly default_message: string = 'Bad request';
}

/** HTTP 401. @see novaclient/exceptions.py Unauthorized */
export class Unauthorized extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.Unauthorized';
  static override readonly http_status: number = 401;
  static override readonly default_message: string = 'Unauthorized';
}

/** HTTP 403. @see novaclient/exceptions.py Forbidden */
export class Forbidden extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.Forbidden';
  static override readonly http_status: number = 403;
  static override readonly default_message: string = 'Forbidden';
}

/** HTTP 404. @see novaclient/exceptions.py NotFound */
export class NotFound extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.NotFound';
  static override readonly http_status: number = 404;
  static override readonly default_message: string = 'Not found';
}

/** HTTP 405. @see novaclient/exceptions.py MethodNotAllowed */
export class MethodNotAllowed extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.MethodNotAllowed';
  static override readonly http_status: number = 405;
  static override readonly default_message: string = 'Method Not Allowed';
}

/** HTTP 406. @see novaclient/exceptions.py NotAcceptable */
export class NotAcceptable extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.NotAcceptable';
  static override readonly http_status: number = 406;
  static override readonly default_message: string = 'Not Acceptable';
}

/** HTTP 409. @see novaclient/exceptions.py Conflict */
export class Conflict extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.Conflict';
  static override readonly http_status: number = 409;
  static override readonly default_message: string = 'Conflict';
}

/** HTTP 413. @see novaclient/exceptions.py OverLimit */
export class OverLimit extends RetryAfterException {
  static override readonly pythonName: string = 'novaclient.exceptions.OverLimit';
  static override readonly http_status: number = 413;
  static override readonly default_message: string = 'Over limit';
}

/** HTTP 429. @see novaclient/exceptions.py RateLimit */
export class RateLimit extends RetryAfterException {
  static override readonly pythonName: string = 'novaclient.exceptions.RateLimit';
  static override readonly http_status: number = 429;
  static override readonly default_message: string = 'Rate limit';
}

/** HTTP 501. @see novaclient/exceptions.py HTTPNotImplemented */
export class HTTPNotImplemented extends ClientException {
  static override readonly pythonName: string = 'novaclient.exceptions.HTTPNotImplemented';
  static override readonly http_status: number = 501;
  static override readonly default_message: string = 'Not Implemented';
}

/** Raised by the shell for user mistakes; str is the message. @see novaclient/exceptions.py */
export class CommandError extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.CommandError';
  constructor(message?: unknown) {
    super(pyStr(message));
    this.name = 'CommandError';
  }
}

/** More than one resource matched a find. @see novaclient/exceptions.py NoUniqueMatch */
export class NoUniqueMatch extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.NoUniqueMatch';
  constructor(message?: unknown) {
    super(pyStr(message));
    this.name = 'NoUniqueMatch';
  }
}

/** Microversion problems. @see novaclient/exceptions.py UnsupportedVersion */
export class UnsupportedVersion extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.UnsupportedVersion';
  constructor(message?: unknown) {
    super(pyStr(message));
    this.name = 'UnsupportedVersion';
  }
}

/** The token answer could not be read. @see novaclient/exceptions.py AuthorizationFailure */
export class AuthorizationFailure extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.AuthorizationFailure';
  constructor(message?: unknown) {
    super(pyStr(message));
    this.name = 'AuthorizationFailure';
  }
}

/** No endpoint in the service catalog matched. @see novaclient/exceptions.py EndpointNotFound */
export class EndpointNotFound extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.EndpointNotFound';
  constructor(message?: unknown) {
    super(pyStr(message));
    this.name = 'EndpointNotFound';
  }
}

/**
 * More than one endpoint matched; str is `AmbiguousEndpoints: <repr of the endpoints>`.
 * @see novaclient/exceptions.py AmbiguousEndpoints
 */
export class AmbiguousEndpoints extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.AmbiguousEndpoints';
  readonly endpoints: unknown;
  constructor(endpoints: unknown = null) {
    super(`AmbiguousEndpoints: ${pyRepr(endpoints)}`);
    this.name = 'AmbiguousEndpoints';
    this.endpoints = endpoints;
  }
}

/**
 * The legacy check in `HTTPClient.request`: a 400 whose text says the connection was refused.
 * str is `ConnectionRefused: <repr of the response text>`.
 * @see novaclient/exceptions.py ConnectionRefused
 */
export class ConnectionRefused extends Error {
  static readonly pythonName: string = 'novaclient.exceptions.ConnectionRefused';
  readonly response: unknown;
  constructor(response: unknown = null) {
    super(`ConnectionRefused: ${pyRepr(response)}`);
    this.name = 'ConnectionRefused';
    this.response = response;
  }
}

/**
 * Python's `AttributeError`, raised where 3.3.0 would crash on a body shape it does not expect
 * (kept so a trace shows the crash instead of hiding it).
 */
export class AttributeError extends Error {
  static readonly pythonName: string = 'AttributeError';
  constructor(message: string) {
    super(message);
    this.name = 'AttributeError';
  }
}

/** The classes `from_response` picks by status; anything else is a plain ClientException. */
export const _code_map: ReadonlyMap<number, typeof ClientException> = new Map(
  [
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    OverLimit,
    RateLimit,
    HTTPNotImplemented,
  ].map((cls) => [cls.http_status as number, cls as typeof ClientException])
);

function pyTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Python truthiness of a decoded JSON body (`if body:`). */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * Builds the exception for an error response: class by status (`_code_map`), request id from
 * `x-compute-request-id`, `retry_after` for 413/429, message and details from the object under
 * the body's first key (`{"itemNotFound": {"message": ...}}`); a first value that is not an
 * object (a flat WebOb body) raises `AttributeError`, as 3.3.0 does.
 * @see novaclient/exceptions.py from_response
 */
export function from_response(
  response: ResponseLike,
  body: unknown,
  url: string | null,
  method: string | null = null
): ClientException {
  const cls = _code_map.get(response.status_code) ?? ClientException;
  const kwargs: ClientExceptionArgs = { method, url, request_id: null };

  if (response.headers) {
    kwargs.request_id = response.headers.get('x-compute-request-id') ?? null;
    const retryAfter = response.headers.get('retry-after');
    if (cls.prototype instanceof RetryAfterException && retryAfter != null) {
      kwargs.retry_after = retryAfter;
    }
  }

  if (truthy(body)) {
    let message: unknown = 'n/a';
    let details: unknown = 'n/a';
    if (isDict(body)) {
      // 3.3.0: the FIRST key's value must be a fault object carrying message and details.
      // There is no branch for a flat {"message": ...} body (3.4.0 added one): then the value
      // is a string and Python's `error.get('message')` raises AttributeError, which the shell
      // prints as the command's error.
      const first = Object.keys(body)[0] as string;
      const error = body[first];
      if (!isDict(error)) {
        throw new AttributeError(`'${pyTypeName(error)}' object has no attribute 'get'`);
      }
      message = error['message'];
      details = error['details'];
    }
    kwargs.message = message == null ? null : pyStr(message);
    kwargs.details = details == null ? null : pyStr(details);
  }

  return new cls(response.status_code, kwargs);
}
