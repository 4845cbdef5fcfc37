/**
 * @module
 * Every error body the mock cloud sends comes from here, in the shape the real service stack
 * would use for it:
 *
 * - Nova's faults: `{"<faultName>": {"code": N, "message": "..."}}` (nova/api/openstack/wsgi.py
 *   `Fault`), `Content-Type: application/json; charset=UTF-8`, with `retryAfter` for 413/429;
 * - keystonemiddleware's 401 for a missing or rejected token, with `WWW-Authenticate`;
 * - Keystone's own errors: `{"error": {"code", "title", "message"}}`;
 * - WebOb's own 404 for a URL no route matches, as the Nova of the seed era sent it: Nova 13.0.0
 *   (Mitaka) returns `webob.exc.HTTPNotFound()` from its router (`nova/wsgi.py` `Router._dispatch`,
 *   not raised, so the `FaultWrapper` never sees it) and WebOb renders it; Mitaka's
 *   upper-constraints pin WebOb 1.5.1, which answers a request that does not accept HTML with
 *   `text/plain` (JSON rendering came with WebOb 1.6). python-novaclient 3.3.0 reads no JSON
 *   from it, so `from_response` makes a plain `NotFound` (a flat JSON body would crash 3.3.0).
 */

/** Which stack's error shape to answer with. */
export type ErrorStyle = 'nova' | 'keystone' | 'keystonemiddleware' | 'webob';

/**
 * An HTTP error a cloud handler throws; the app's error handler renders it in `style`.
 * @example
 * throw new CloudHttpError(404, `Instance ${id} could not be found.`);
 */
export class CloudHttpError extends Error {
  readonly code = 'CLOUD_HTTP';
  readonly status: number;
  readonly style: ErrorStyle;
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    message: string,
    opts: { style?: ErrorStyle; retryAfter?: number } = {}
  ) {
    super(message);
    this.name = 'CloudHttpError';
    this.status = status;
    this.style = opts.style ?? 'nova';
    this.retryAfter = opts.retryAfter;
  }
}

/** Nova's fault name for a status (wsgi.Fault's table; anything else is `computeFault`). */
export function novaFaultName(status: number): string {
  switch (status) {
    case 400:
      return 'badRequest';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'itemNotFound';
    case 405:
      return 'badMethod';
    case 409:
      return 'conflictingRequest';
    case 413:
    case 429:
      return 'overLimit';
    case 415:
      return 'badMediaType';
    case 501:
      return 'notImplemented';
    case 503:
      return 'serviceUnavailable';
    default:
      return 'computeFault';
  }
}

/** The reason phrase Keystone and WebOb put in `title`. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

const REASONS: Record<number, string> = {
  300: 'Multiple Choices',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** `{"<faultName>": {"code", "message"[, "retryAfter"]}}` */
export function novaErrorBody(
  status: number,
  message: string,
  retryAfter?: number
): Record<string, Record<string, unknown>> {
  const inner: Record<string, unknown> = { code: status, message };
  if ((status === 413 || status === 429) && retryAfter !== undefined) {
    inner.retryAfter = String(retryAfter);
  }
  return { [novaFaultName(status)]: inner };
}

/** `{"error": {"code", "title", "message"}}`, Keystone's and keystonemiddleware's shape. */
export function keystoneErrorBody(status: number, message: string): Record<string, unknown> {
  return { error: { code: status, title: reasonPhrase(status), message } };
}

/** The message keystonemiddleware and Keystone give for any authentication failure. */
export const AUTH_REQUIRED_MESSAGE = 'The request you have made requires authentication.';

/** The text/plain body WebOb 1.5.1 renders for `HTTPNotFound()` (status, explanation, padding). */
export const WEBOB_NOT_FOUND_TEXT = '404 Not Found\n\nThe resource could not be found.\n\n   ';

/**
 * What Keystone (a Flask app since Rocky) answers for a URL it has no route for, `/v2.0/...`
 * included: the framework's HTML page, byte for byte as Keystone 22 sends it.
 */
export const FLASK_NOT_FOUND_HTML =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please ' +
  'check your spelling and try again.</p>\n';

/** Nova's message for an unexpected exception, as the reference captured it for a 500. */
export const UNEXPECTED_API_ERROR =
  'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach ' +
  'the Nova API log if possible.\n';

const NOVA_CONTENT_TYPE = 'application/json; charset=UTF-8';

/**
 * Renders an error as a Response in its style. `identityUrl` feeds keystonemiddleware's
 * `WWW-Authenticate: Keystone uri="..."`.
 */
export function errorResponse(err: CloudHttpError, identityUrl: string): Response {
  const headers = new Headers();
  let body: unknown;
  switch (err.style) {
    case 'nova':
      headers.set('Content-Type', NOVA_CONTENT_TYPE);
      body = novaErrorBody(err.status, err.message, err.retryAfter);
      if (err.retryAfter !== undefined) headers.set('Retry-After', String(err.retryAfter));
      break;
    case 'keystone':
      headers.set('Content-Type', 'application/json');
      body = keystoneErrorBody(err.status, err.message);
      // Keystone names its versioned URL here (measured on Keystone 22).
      if (err.status === 401) headers.set('WWW-Authenticate', `Keystone uri="${identityUrl}/v3"`);
      if (err.retryAfter !== undefined) headers.set('Retry-After', String(err.retryAfter));
      break;
    case 'keystonemiddleware':
      headers.set('Content-Type', 'application/json');
      headers.set('WWW-Authenticate', `Keystone uri="${identityUrl}"`);
      body = keystoneErrorBody(401, AUTH_REQUIRED_MESSAGE);
      return new Response(JSON.stringify(body), { status: 401, headers });
    case 'webob':
      // WebOb 1.5.1's plain rendering (the Accept header asks for no HTML).
      headers.set('Content-Type', 'text/plain; charset=UTF-8');
      return new Response(
        err.status === 404
          ? WEBOB_NOT_FOUND_TEXT
          : `${err.status} ${reasonPhrase(err.status)}\n\n${err.message}\n\n   `,
        { status: err.status, headers }
      );
    default: {
      const never: never = err.style;
      throw new Error(`unknown error style ${String(never)}`);
    }
  }
  return new Response(JSON.stringify(body), { status: err.status, headers });
}
