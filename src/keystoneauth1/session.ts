/**
 * @module
 * Port of `keystoneauth1/session.py` (keystoneauth1 2.3.0): the `Session` every request of the
 * `nova` command goes through — auth headers from the plugin, the endpoint from the catalog
 * for a relative URL, the session timeout and User-Agent, the 401 that invalidates the token
 * and resends once, its own redirect loop, and the translation of requests' errors into
 * keystoneauth1's (`Timeout` of either kind → `ConnectTimeout("Request to <url> timed out")`,
 * `ConnectionError` → `ConnectFailure`).
 *
 * It wraps ONE requests `Session` (so one urllib3 pool manager: every request of a `nova`
 * invocation shares its pooled keep-alive connection). Upstream mounts a `TCPKeepAliveAdapter`
 * (an `HTTPAdapter` that sets TCP keep-alive socket options); the port mounts the plain
 * `HTTPAdapter`, since undici owns the socket options.
 *
 * Ours (marked): the `REQ`/`RESP` debug lines are also span events (always, redacted; printed
 * only with `--debug`); the resend after a 401 carries `http.request.resend_count = 1` to the
 * wire span; the default User-Agent names the runtime that runs the port
 * (`keystoneauth1/2.3.0 python-requests/2.9.1 Node.js/<version>`, where Python's says
 * `CPython/<version>`); `close()` releases the pool so Node can exit.
 * Left out: `original_ip`/`Forwarded`, client certificates, osprofiler headers,
 * `get_auth_connection_params` (the plugins here have none), `requests_auth`, `endpoint_override`
 * templates (`%(project_id)s`), `head`/`patch`/`delete`.
 */
import {
  ConnectionError as RequestsConnectionError,
  RequestException,
  SSLError as RequestsSSLError,
  Session as RequestsSession,
  Timeout as RequestsTimeout,
  with_resend_count,
  type RequestKwargs,
  type Response,
} from '../requests/index.js';
import { default_user_agent } from '../requests/utils.js';
import { pyJsonDumps } from '../novaclient/pyfmt.js';
import { decision, layerSpan } from '../telemetry/layer-span.js';
import { scrubSecrets, sha1Redact } from '../telemetry/redact.js';
import { ATTR } from '../telemetry/semconv.js';
import { pyStr } from '../urllib3/builtins.js';
import {
  AuthorizationFailure,
  ConnectFailure,
  ConnectTimeout,
  EndpointNotFound,
  MissingAuthPlugin,
  RetriableConnectionFailure,
  SSLError,
  UnknownConnectionError,
  from_response,
} from './exceptions.js';
import type { EndpointFilter } from './access/service_catalog.js';

export const KEYSTONEAUTH_VERSION = '2.3.0';

/** `keystoneauth1/<version> python-requests/<version> <runtime>/<version>`. */
export const DEFAULT_USER_AGENT = `keystoneauth1/${KEYSTONEAUTH_VERSION} ${default_user_agent()} Node.js/${process.versions.node}`;

/** What a session asks of an auth plugin (keystoneauth1's `BaseAuthPlugin`). */
export interface AuthPlugin {
  get_headers(session: Session): Promise<Record<string, string> | null>;
  get_endpoint(session: Session, filter: EndpointFilter): Promise<string | null>;
  invalidate(): boolean;
}

/** Keyword arguments of {@link Session.request} (Python's, snake_case kept). */
export interface SessionRequestKwargs {
  headers?: Record<string, string>;
  json?: unknown;
  data?: string;
  user_agent?: string | null;
  /** Redirects to follow: a count, or true/false. */
  redirect?: number | boolean | null;
  /** Send the plugin's token; default: when a plugin is there. */
  authenticated?: boolean | null;
  endpoint_filter?: EndpointFilter | null;
  endpoint_override?: string | null;
  auth?: AuthPlugin | null;
  raise_exc?: boolean;
  allow_reauth?: boolean;
  log?: boolean;
  connect_retries?: number;
  timeout?: number | null;
  verify?: boolean | string;
}

/** Constructor options of {@link Session}. */
export interface SessionOptions {
  auth?: AuthPlugin | null;
  verify?: boolean | string;
  timeout?: number | string | null;
  user_agent?: string | null;
  redirect?: number | boolean;
  /** Where `--debug` lines go (Python: the `keystoneauth.session` logger at DEBUG). */
  logger?: ((line: string) => void) | null;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 305, 307]);
const DEFAULT_REDIRECT_LIMIT = 30;
const SECURE_HEADERS = new Set(['authorization', 'x-auth-token', 'x-subject-token']);

function processHeader(name: string, value: string): string {
  return `${name}: ${SECURE_HEADERS.has(name.toLowerCase()) ? sha1Redact(value) : value}`;
}

/**
 * keystoneauth1's session: authentication, endpoint lookup and error translation around one
 * requests `Session`.
 * @see keystoneauth1/session.py Session
 * @example
 * const session = new Session({ auth: plugin, timeout: 600 });
 * const resp = await session.request('/servers', 'GET', {
 *   endpoint_filter: { service_type: 'compute', interface: 'public' },
 * });
 * await session.close();
 */
export class Session {
  auth: AuthPlugin | null;
  /** The one requests Session (and so the one pool) of this keystoneauth1 session. */
  readonly session: RequestsSession;
  verify: boolean | string;
  timeout: number | null;
  user_agent: string | null;
  redirect: number | boolean;
  /** @internal Discovery documents by URL (Python sets it on the session lazily). */
  _identity_endpoint_cache = new Map<string, unknown>();
  readonly #log: ((line: string) => void) | null;

  constructor(opts: SessionOptions = {}) {
    this.auth = opts.auth ?? null;
    this.session = new RequestsSession();
    this.verify = opts.verify ?? true;
    this.timeout =
      opts.timeout === null || opts.timeout === undefined ? null : Number(opts.timeout);
    this.user_agent = opts.user_agent ? `${opts.user_agent} ${DEFAULT_USER_AGENT}` : null;
    this.redirect = opts.redirect ?? DEFAULT_REDIRECT_LIMIT;
    const logger = opts.logger;
    this.#log = logger ? (line) => logger(scrubSecrets(line)) : null;
  }

  /** Ours: releases the pooled connection so Node can exit. */
  close(): Promise<void> {
    return this.session.close();
  }

  /** The curl line of a request; an event always, printed with `--debug`. */
  _http_log_request(
    url: string,
    method: string,
    data: string | undefined,
    headers: Record<string, string>
  ): void {
    const parts = ['REQ: curl -g -i'];
    if (this.verify === false) parts.push('--insecure');
    else if (typeof this.verify === 'string') parts.push(`--cacert "${this.verify}"`);
    parts.push('-X', method, url);
    for (const [name, value] of Object.entries(headers))
      parts.push(`-H "${processHeader(name, value)}"`);
    if (data) parts.push(`-d '${data}'`);
    const line = parts.join(' ');
    decision('keystoneauth1 REQ', line);
    this.#log?.(line);
  }

  /** `RESP: [status] headers` and the body with any catalog removed; an event always. */
  _http_log_response(resp: Response): void {
    const parts = ['RESP:', `[${resp.status_code}]`];
    for (const [name, value] of resp.headers.items()) parts.push(processHeader(name, value));
    let text = resp.text;
    try {
      const data = JSON.parse(text) as Record<string, unknown>;
      const token = data['token'] as Record<string, unknown> | undefined;
      const access = data['access'] as Record<string, unknown> | undefined;
      if (token && typeof token === 'object' && 'catalog' in token) {
        text = pyJsonDumps({ ...data, token: { ...token, catalog: '<removed>' } });
      } else if (access && typeof access === 'object' && 'serviceCatalog' in access) {
        text = pyJsonDumps({ ...data, access: { ...access, serviceCatalog: '<removed>' } });
      }
    } catch {
      // Python: any failure leaves the body as it is
    }
    if (text) parts.push(`\nRESP BODY: ${text}\n`);
    const line = parts.join(' ');
    decision('keystoneauth1 RESP', line.trimEnd());
    this.#log?.(line);
  }

  /**
   * Sends one request: the plugin's token, the catalog endpoint for a relative URL, timeout,
   * User-Agent, JSON body; on a 401 the plugin's token is invalidated and the request sent
   * once more with a new one; an error status raises unless `raise_exc` is false.
   * @see keystoneauth1/session.py Session.request
   */
  request(url: string, method: string, kwargs: SessionRequestKwargs = {}): Promise<Response> {
    return layerSpan(
      'keystoneauth1 Session.request',
      { [ATTR.httpRequestMethod]: method, [ATTR.urlFull]: url },
      async (span) => {
        const headers = (kwargs.headers ??= {});
        const auth = kwargs.auth ?? null;
        const authenticated = kwargs.authenticated ?? Boolean(auth || this.auth);
        span.setAttribute('keystoneauth1.authenticated', authenticated);
        if (authenticated) {
          const auth_headers = await this.get_auth_headers(auth);
          if (auth_headers === null) {
            throw new AuthorizationFailure('No valid authentication is available');
          }
          Object.assign(headers, auth_headers);
        }

        if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]/.test(url)) {
          // Python: no netloc, so the URL is relative to the service's endpoint
          let base_url: string | null = null;
          if (kwargs.endpoint_override) base_url = kwargs.endpoint_override;
          else if (kwargs.endpoint_filter)
            base_url = await this.get_endpoint(auth, kwargs.endpoint_filter);
          if (!base_url) throw new EndpointNotFound();
          url = `${base_url.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
          span.setAttribute(ATTR.urlFull, url);
        }

        const send: RequestKwargs & { timeout?: number | null } = {};
        if (kwargs.timeout !== undefined) send.timeout = kwargs.timeout;
        else if (this.timeout !== null) send.timeout = this.timeout;
        let user_agent: string;
        if (kwargs.user_agent) {
          user_agent = kwargs.user_agent;
          headers['User-Agent'] = user_agent;
        } else {
          headers['User-Agent'] ??= this.user_agent ?? DEFAULT_USER_AGENT;
          user_agent = headers['User-Agent'];
        }
        span.setAttribute('user_agent.original', user_agent);
        if (kwargs.json !== undefined && kwargs.json !== null) {
          headers['Content-Type'] = 'application/json';
          send.data = pyJsonDumps(kwargs.json);
        } else if (kwargs.data !== undefined) {
          send.data = kwargs.data;
        }
        send.verify = kwargs.verify ?? this.verify;
        const log = kwargs.log ?? true;
        if (log) this._http_log_request(url, method, send.data as string | undefined, headers);
        // Python: requests must not follow redirects; the session's own loop does.
        send.allow_redirects = false;
        send.headers = headers;
        const redirect = kwargs.redirect ?? this.redirect;
        const connect_retries = kwargs.connect_retries ?? 0;
        const target = url;
        const sendOnce = () =>
          this._send_request(target, method, redirect, log, connect_retries, 0.5, send);

        let resp = await sendOnce();
        if (resp.status_code === 401 && authenticated && (kwargs.allow_reauth ?? true)) {
          if (this.invalidate(auth)) {
            decision(
              '401: invalidate the token and resend',
              `401 from ${method} ${url}: invalidate the token, get a new one, send again`
            );
            const auth_headers = await this.get_auth_headers(auth);
            if (auth_headers !== null) {
              Object.assign(headers, auth_headers);
              resp = await with_resend_count(1, sendOnce);
            }
          }
        }
        span.setAttribute(ATTR.httpResponseStatusCode, resp.status_code);
        if ((kwargs.raise_exc ?? true) && resp.status_code >= 400) {
          throw from_response(resp, method, url);
        }
        return resp;
      }
    );
  }

  /**
   * One request through requests (redirects off), its errors translated; then this session's
   * own redirect loop (301/302/303/305/307, `redirect` hops at most).
   * @see keystoneauth1/session.py Session._send_request
   */
  _send_request(
    url: string,
    method: string,
    redirect: number | boolean,
    log: boolean,
    connect_retries: number,
    connect_retry_delay: number,
    kwargs: RequestKwargs
  ): Promise<Response> {
    return layerSpan(
      'Session._send_request',
      {
        [ATTR.httpRequestMethod]: method,
        [ATTR.urlFull]: url,
        'keystoneauth1.redirect': String(redirect),
      },
      async () => {
        let resp: Response;
        try {
          resp = await this.#sendTranslated(url, method, kwargs);
        } catch (err) {
          if (!(err instanceof RetriableConnectionFailure) || connect_retries <= 0) throw err;
          await new Promise((resolve) => setTimeout(resolve, connect_retry_delay * 1000));
          return this._send_request(
            url,
            method,
            redirect,
            log,
            connect_retries - 1,
            connect_retry_delay * 2,
            kwargs
          );
        }
        if (log) this._http_log_response(resp);
        if (REDIRECT_STATUSES.has(resp.status_code)) {
          let allowed: boolean;
          if (typeof redirect === 'boolean') allowed = redirect;
          else {
            redirect -= 1;
            allowed = redirect >= 0;
          }
          if (!allowed) return resp;
          const location = resp.headers.get('location');
          if (location === undefined) return resp;
          decision('keystoneauth1 redirect', `${resp.status_code} -> ${location}`);
          const next = await this._send_request(
            location,
            method,
            redirect,
            log,
            connect_retries,
            connect_retry_delay,
            kwargs
          );
          next.history = [resp, ...next.history];
          resp = next;
        }
        return resp;
      }
    );
  }

  async #sendTranslated(url: string, method: string, kwargs: RequestKwargs): Promise<Response> {
    try {
      return await this.session.request(method, url, kwargs);
    } catch (err) {
      // Python: except SSLError / Timeout / ConnectionError / RequestException, in this order.
      let translated: Error;
      if (err instanceof RequestsSSLError) {
        translated = new SSLError(`SSL exception connecting to ${url}: ${pyStr(err)}`, {
          cause: err,
        });
      } else if (err instanceof RequestsTimeout) {
        translated = new ConnectTimeout(`Request to ${url} timed out`, { cause: err });
      } else if (err instanceof RequestsConnectionError) {
        translated = new ConnectFailure(`Unable to establish connection to ${url}`, { cause: err });
      } else if (err instanceof RequestException) {
        translated = new UnknownConnectionError(
          `Unexpected exception for ${url}: ${pyStr(err)}`,
          err
        );
      } else {
        throw err;
      }
      decision(
        'requests error translated',
        `${(err as { constructor: { pythonName?: string } }).constructor.pythonName ?? 'error'} -> ${translated.name}`
      );
      throw translated;
    }
  }

  get(url: string, kwargs: SessionRequestKwargs = {}): Promise<Response> {
    return this.request(url, 'GET', kwargs);
  }

  post(url: string, kwargs: SessionRequestKwargs = {}): Promise<Response> {
    return this.request(url, 'POST', kwargs);
  }

  put(url: string, kwargs: SessionRequestKwargs = {}): Promise<Response> {
    return this.request(url, 'PUT', kwargs);
  }

  #auth_required(auth: AuthPlugin | null, msg: string): AuthPlugin {
    const plugin = auth ?? this.auth;
    if (!plugin) throw new MissingAuthPlugin(`An auth plugin is required to ${msg}`);
    return plugin;
  }

  /** The plugin's headers (`X-Auth-Token`), authenticating first if needed. */
  get_auth_headers(auth: AuthPlugin | null = null): Promise<Record<string, string> | null> {
    return this.#auth_required(auth, 'fetch a token').get_headers(this);
  }

  /** The token the plugin holds (or gets now). */
  async get_token(auth: AuthPlugin | null = null): Promise<string | null> {
    return (await this.get_auth_headers(auth))?.['X-Auth-Token'] ?? null;
  }

  /** The endpoint URL the plugin finds for the filter (from the catalog). */
  get_endpoint(auth: AuthPlugin | null, filter: EndpointFilter): Promise<string | null> {
    return this.#auth_required(auth, 'determine endpoint URL').get_endpoint(this, filter);
  }

  /** Forgets the plugin's token; true when there was one (so a retry makes sense). */
  invalidate(auth: AuthPlugin | null = null): boolean {
    return this.#auth_required(auth, 'validate').invalidate();
  }
}
