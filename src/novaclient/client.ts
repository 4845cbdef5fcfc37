/**
 * @module
 * Port of `novaclient/client.py` (python-novaclient 3.3.0): `HTTPClient` — the seed-era client
 * the seed note walks (`put` → `_cs_request` → `_time_request` → `request` → `_get_session` →
 * requests), with lazy Keystone v2.0 authentication, the 401 re-authenticate-and-retry,
 * `{SHA1}`-redacted request/response logging and the optional connection pool.
 *
 * Ours (marked, see DESIGN "Which upstream versions"): Keystone v3 password (or token) auth,
 * `_v3_auth`, chosen from the auth URL's version segment (`.../v3`; an auth URL without any
 * version segment gets `/v3` appended); today's microversion headers via
 * `api_versions.update_headers`; a `close()` that releases pooled sockets so Node can exit; the
 * v3 password and token ids are redacted in the log like the v2.0 password.
 * Left out: `_v1_auth` (the seed's fallback for auth URLs that are not `v2.0`; v3 replaces it),
 * `_plugin_auth` and auth systems, proxy tokens (`_fetch_endpoints_from_auth`, the 35357 admin
 * URL), the keyring cache (`_save_keys`, `keyring_saver`), `password_func`, `delete`.
 *
 * Also here: `SessionClient`, the client of the `nova` command's default road (3.3.0's shell
 * builds a keystoneauth1 session unless an option forces `HTTPClient`), and
 * `_construct_http_client`, which picks between the two. `SessionClient` has no legacy 400
 * "Connection refused" check and no re-authentication of its own: keystoneauth1's `Session`
 * handles the 401. Python's `request` override is `jsonRequest` here, because TypeScript cannot
 * change the return type of `Adapter.request`; the span is still `SessionClient.request`.
 */
import {
  HTTPAdapter,
  Session,
  request as requests_request,
  with_resend_count,
  type RequestKwargs,
  type Response,
} from '../requests/index.js';
import { LegacyJsonAdapter, type AdapterRequestKwargs } from '../keystoneauth1/adapter.js';
import type { AuthPlugin, Session as KeystoneSession } from '../keystoneauth1/session.js';
import { decision, decisionsWanted, layerSpan } from '../telemetry/layer-span.js';
import { rememberSecret, scrubSecrets, sha1Redact } from '../telemetry/redact.js';
import { ATTR } from '../telemetry/semconv.js';
import { APIVersion, update_headers } from './api_versions.js';
import {
  AmbiguousEndpoints,
  AuthorizationFailure,
  ConnectionRefused,
  EndpointNotFound,
  Unauthorized,
  from_response,
} from './exceptions.js';
import { pyJsonDumps, pyRepr } from './pyfmt.js';
import { CatalogKeyError, ServiceCatalog } from './service_catalog.js';
import { markAuthenticationError, record_time, type Timing } from './utils.js';

/**
 * One `HTTPAdapter` (one urllib3 pool manager) per service URL, reused for the client's life.
 * @see novaclient/client.py _ClientConnectionPool
 */
export class _ClientConnectionPool {
  readonly _adapters = new Map<string, HTTPAdapter>();

  get(url: string): HTTPAdapter {
    let adapter = this._adapters.get(url);
    if (!adapter) {
      adapter = new HTTPAdapter();
      this._adapters.set(url, adapter);
    }
    return adapter;
  }
}

/**
 * Constructor options of {@link HTTPClient}: the Python keyword arguments, snake_case kept.
 * Everything is optional; a working client needs `auth_url`, a user (`user` or `user_id`),
 * `password`, and a project (`projectid` = name, or `tenant_id`).
 */
export interface HTTPClientOptions {
  /** User name (Python positional `user`). */
  user?: string | null;
  user_id?: string | null;
  password?: string | null;
  /** The project *name* (sent as `tenantName` and as `X-Auth-Project-Id`). */
  projectid?: string | null;
  /** The project id (sent as `tenantId`; learned from the first token when not given). */
  tenant_id?: string | null;
  /** Keystone URL; its version segment picks v2.0 or (ours) v3. */
  auth_url?: string | null;
  /** Skip certificate checks (verify=false). */
  insecure?: boolean;
  /** CA bundle path (verify=<path>) when not insecure. */
  cacert?: string | null;
  /** Seconds, handed to requests as `timeout` on every call; null = wait forever. */
  timeout?: number | string | null;
  region_name?: string | null;
  /** `publicURL` (default), `internalURL` or `adminURL`. */
  endpoint_type?: string;
  /** Default `compute`. */
  service_type?: string;
  service_name?: string | null;
  volume_service_name?: string | null;
  /** Record `("METHOD url", start, end)` per request in `times`. */
  timings?: boolean;
  /** Use this compute URL instead of the catalog's. */
  bypass_url?: string | null;
  /** Write the `REQ:`/`RESP:` lines (and "New session created") to `logger`. */
  http_log_debug?: boolean;
  /** A token to start with (no password auth until it is refused). */
  auth_token?: string | null;
  /** One Session per service URL over a kept HTTPAdapter (keep-alive across calls). */
  connection_pool?: boolean;
  /** The microversion; null/undefined = the null version (no headers). */
  api_version?: APIVersion | null;
  /** Ours (v3): user and project domains; neither name nor id means id `default`. */
  user_domain_name?: string | null;
  user_domain_id?: string | null;
  project_domain_name?: string | null;
  project_domain_id?: string | null;
  /** Where debug log lines go (Python: the `novaclient.client` logger). Default: dropped. */
  logger?: (line: string) => void;
  /** Where Python's `print()` hints go (endpoint not found / ambiguous). Default: dropped. */
  print?: (line: string) => void;
}

/** Keyword arguments of `get/post/put`, `_cs_request`, `_time_request` and `request`. */
export interface HTTPClientKwargs {
  headers?: Record<string, string>;
  /** JSON-encoded into `data` by `request()`. */
  body?: unknown;
  data?: string;
  timeout?: number | null;
  verify?: boolean | string;
  allow_redirects?: boolean;
}

/** A request/response pair as `_cs_request` returns it: the response and its decoded JSON. */
export type RespBody = [Response, unknown];

type Json = Record<string, unknown>;

function splitUrl(url: string): { scheme: string; netloc: string; path: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(url);
  if (!m) return { scheme: '', netloc: '', path: url.replace(/[?#].*$/, '') };
  return { scheme: (m[1] as string).toLowerCase(), netloc: m[2] as string, path: m[3] as string };
}

/** Replaces the value at `path` (a list of keys) with its `{SHA1}` digest, in place. */
function _redact(target: unknown, path: readonly string[]): void {
  const keys = [...path];
  const key = keys.pop() as string;
  let node: unknown = target;
  for (const p of keys) {
    if (node === null || typeof node !== 'object' || !(p in (node as Json))) return;
    node = (node as Json)[p];
  }
  if (node !== null && typeof node === 'object' && key in (node as Json)) {
    const value = (node as Json)[key];
    if (typeof value === 'string') (node as Json)[key] = sha1Redact(value);
  }
}

/** The header pairs of a requests response, in order. */
function headerPairs(headers: unknown): Array<[string, string]> {
  if (headers === null || headers === undefined) return [];
  const h = headers as {
    items?: () => Iterable<[string, string]>;
    entries?: () => Iterable<[string, string]>;
  };
  if (typeof h.items === 'function') return [...h.items()];
  if (typeof h.entries === 'function') return [...h.entries()];
  return Object.entries(headers as Record<string, string>);
}

/**
 * The seed-era HTTP client: authenticates lazily against Keystone, prefixes relative URLs with
 * the compute endpoint, sends through requests, and turns error statuses into novaclient
 * exceptions.
 * @see novaclient/client.py HTTPClient
 * @example
 * const client = new HTTPClient({ user: 'demo', password: 'secret', projectid: 'demo',
 *   auth_url: cloud.authUrlV3, api_version: new APIVersion('2.1'), connection_pool: true });
 * const [resp, body] = await client.get('/servers/' + id);
 * await client.close();
 */
export class HTTPClient {
  static readonly USER_AGENT = 'python-novaclient';

  user: string | null;
  user_id: string | null;
  password: string | null;
  projectid: string | null;
  tenant_id: string | null;
  auth_url: string | null;
  version = 'v1.1';
  region_name: string | null;
  endpoint_type: string;
  service_type: string;
  service_name: string | null;
  volume_service_name: string | null;
  timings: boolean;
  bypass_url: string | null;
  http_log_debug: boolean;
  timeout: number | null;
  times: Timing[] = [];
  management_url: string | null;
  auth_token: string | null;
  verify_cert: boolean | string;
  api_version: APIVersion;
  service_catalog: ServiceCatalog | null = null;
  services_url: Record<string, string> = {};
  last_request_id: string | null = null;
  keyring_saved = false;
  user_domain_name: string | null;
  user_domain_id: string | null;
  project_domain_name: string | null;
  project_domain_id: string | null;

  /** @internal */
  _connection_pool: _ClientConnectionPool | null;
  /** @internal */
  _session: Session | null = null;
  /** @internal */
  _current_url: string | null = null;
  /**
   * Ours: set by the shell for its command. A sign-in error raised by the lazy authentication
   * in `_cs_request` then ends the command (`utils.find_resource` does not take a Keystone 404
   * for a missing server), as it does in 3.3.0's shell, which calls `cs.authenticate()` before
   * running the command. Used as a library (false), the client behaves as 3.3.0's library:
   * find_resource swallows that 404 and goes on to its lookup error.
   */
  sign_in_errors_final = false;

  readonly #log: (line: string) => void;
  readonly #print: (line: string) => void;

  constructor(opts: HTTPClientOptions = {}) {
    this.user = opts.user ?? null;
    this.user_id = opts.user_id ?? null;
    this.password = opts.password ?? null;
    this.projectid = opts.projectid ?? null;
    this.tenant_id = opts.tenant_id ?? null;
    rememberSecret(this.password);
    rememberSecret(opts.auth_token);

    this._connection_pool = opts.connection_pool ? new _ClientConnectionPool() : null;
    this.auth_url = opts.auth_url ? opts.auth_url.replace(/\/+$/, '') : null;
    this.region_name = opts.region_name ?? null;
    this.endpoint_type = opts.endpoint_type ?? 'publicURL';
    this.service_type = opts.service_type ?? 'compute';
    this.service_name = opts.service_name ?? null;
    this.volume_service_name = opts.volume_service_name ?? null;
    this.timings = opts.timings ?? false;
    this.bypass_url = opts.bypass_url ? opts.bypass_url.replace(/\/+$/, '') : null;
    this.http_log_debug = opts.http_log_debug ?? false;
    this.timeout =
      opts.timeout === null || opts.timeout === undefined ? null : Number(opts.timeout);
    this.management_url = this.bypass_url;
    this.auth_token = opts.auth_token ?? null;
    this.verify_cert = opts.insecure ? false : opts.cacert ? opts.cacert : true;
    this.api_version = opts.api_version ?? new APIVersion();
    this.user_domain_name = opts.user_domain_name ?? null;
    this.user_domain_id = opts.user_domain_id ?? null;
    this.project_domain_name = opts.project_domain_name ?? null;
    this.project_domain_id = opts.project_domain_id ?? null;
    const logger = opts.logger;
    // Every debug line is scrubbed on its way out (tokens, passwords, URL credentials).
    this.#log = logger ? (line) => logger(scrubSecrets(line)) : () => {};
    this.#print = opts.print ?? (() => {});
  }

  /** Forgets the token and the management URL (the 401 path calls this before re-auth). */
  unauthenticate(): void {
    this.management_url = null;
    this.auth_token = null;
  }

  set_management_url(url: string): void {
    this.management_url = url;
  }

  get_timings(): Timing[] {
    return this.times;
  }

  reset_timings(): void {
    this.times = [];
  }

  /**
   * The curl line of a request with the token and passwords as `{SHA1}` digests; always an
   * event on the span, printed only with `http_log_debug`.
   * @see novaclient/client.py HTTPClient.http_log_req
   */
  http_log_req(method: string, url: string, kwargs: HTTPClientKwargs): void {
    // Nobody records the event and nothing is printed: the line is not built.
    if (!this.http_log_debug && !decisionsWanted()) return;
    const parts = ['curl -g -i'];
    if (kwargs.verify === false) parts.push(' --insecure');
    parts.push(` '${url}'`);
    parts.push(` -X ${method}`);
    const headers: Json = { ...(kwargs.headers ?? {}) };
    _redact(headers, ['X-Auth-Token']);
    // Python sorts the header names (dict order differed between Python 2 and 3)
    for (const name of Object.keys(headers).sort())
      parts.push(` -H "${name}: ${String(headers[name])}"`);
    if (kwargs.data !== undefined) {
      let data: unknown;
      try {
        data = JSON.parse(kwargs.data);
      } catch {
        data = null;
      }
      _redact(data, ['auth', 'passwordCredentials', 'password']);
      // Ours: the token-method bodies and the v3 password are secrets too.
      _redact(data, ['auth', 'token', 'id']);
      _redact(data, ['auth', 'identity', 'password', 'user', 'password']);
      _redact(data, ['auth', 'identity', 'token', 'id']);
      parts.push(` -d '${pyJsonDumps(data)}'`);
    }
    const line = `REQ: ${parts.join('')}`;
    decision('REQ', line);
    if (this.http_log_debug) this.#log(line);
  }

  /**
   * `RESP: [status] {headers}` and the JSON body (the v2.0 token id hashed; nothing for 400s and
   * empty bodies); always an event, printed only with `http_log_debug`.
   * @see novaclient/client.py HTTPClient.http_log_resp
   */
  http_log_resp(resp: Response): void {
    if (!this.http_log_debug && !decisionsWanted()) return;
    let body: unknown = null;
    const text = resp.text;
    if (text && resp.status_code !== 400) {
      try {
        body = JSON.parse(text);
        _redact(body, ['access', 'token', 'id']);
      } catch {
        body = null;
      }
    }
    // Ours: X-Subject-Token (v3) is redacted like X-Auth-Token.
    const headers = new Map<string, string>(
      headerPairs(resp.headers).map(([k, v]) => [
        k,
        /^x-(auth|subject)-token$/i.test(k) ? sha1Redact(v) : v,
      ])
    );
    const message = `RESP: [${resp.status_code}] ${pyRepr(headers)}\nRESP BODY: ${pyJsonDumps(body)}\n`;
    decision('RESP', message.trimEnd());
    if (this.http_log_debug) this.#log(message);
  }

  /** Creates the plain (non-pooled) session that later requests share. */
  open_session(): void {
    if (!this._connection_pool) this._session = new Session();
  }

  /** Closes the plain session (a pooled session is kept, as in Python). */
  async close_session(): Promise<void> {
    if (this._session && !this._connection_pool) {
      await this._session.close();
      this._session = null;
    }
  }

  /** Ours: closes whatever session is held (pooled too), so no socket keeps Node alive. */
  async close(): Promise<void> {
    const session = this._session;
    this._session = null;
    this._current_url = null;
    if (session) await session.close();
  }

  /**
   * The session to send through: with the connection pool, one Session per
   * `scheme://netloc` mounted on that URL's kept adapter (a new URL closes the old session);
   * else the session `open_session()` made; else none (→ a throw-away session per request).
   * @see novaclient/client.py HTTPClient._get_session
   */
  _get_session(url: string): Promise<Session | null> {
    return layerSpan('HTTPClient._get_session', { [ATTR.urlFull]: url }, async () => {
      if (this._connection_pool) {
        const { scheme, netloc } = splitUrl(url);
        const service_url = `${scheme}://${netloc}`;
        if (this._current_url !== service_url) {
          // Python: invalidate the Session when the URL changes
          if (this._session) await this._session.close();
          this._current_url = service_url;
          const line = `New session created for: (${service_url})`;
          decision('New session created', line);
          if (this.http_log_debug) this.#log(line);
          this._session = new Session();
          this._session.mount(service_url, this._connection_pool.get(service_url));
        } else {
          decision('session reused', `session reused for: (${service_url})`);
        }
        return this._session;
      }
      if (this._session) {
        decision('session reused', 'session reused (open_session)');
        return this._session;
      }
      decision(
        'no session: throw-away Session',
        'no session: requests.request makes a throw-away Session (new connection)'
      );
      return null;
    });
  }

  /**
   * Sends one request: sets User-Agent and Accept, JSON-encodes `body`, adds the microversion
   * headers, timeout and verify, logs, sends through the session (or `requests.request`),
   * applies the legacy 400 "Connection refused" check, decodes JSON, and raises
   * `from_response` for status >= 400.
   * @see novaclient/client.py HTTPClient.request
   */
  request(url: string, method: string, kwargs: HTTPClientKwargs = {}): Promise<RespBody> {
    return layerSpan(
      'HTTPClient.request',
      { [ATTR.httpRequestMethod]: method, [ATTR.urlFull]: url },
      async (span) => {
        // The headers dict is shared with the caller (Python mutates it in place).
        kwargs.headers ??= {};
        const headers = kwargs.headers;
        headers['User-Agent'] = HTTPClient.USER_AGENT;
        headers['Accept'] = 'application/json';
        if ('body' in kwargs) {
          headers['Content-Type'] = 'application/json';
          kwargs.data = pyJsonDumps(kwargs.body);
          delete kwargs.body;
        }
        update_headers(headers, this.api_version);
        if (this.timeout !== null && kwargs.timeout === undefined) kwargs.timeout = this.timeout;
        kwargs.verify = this.verify_cert;

        this.http_log_req(method, url, kwargs);

        const send: RequestKwargs = { headers, verify: kwargs.verify };
        if (kwargs.data !== undefined) send.data = kwargs.data;
        if (kwargs.timeout !== undefined) send.timeout = kwargs.timeout;
        if (kwargs.allow_redirects !== undefined) send.allow_redirects = kwargs.allow_redirects;

        const session = await this._get_session(url);
        const resp = session
          ? await session.request(method, url, send)
          : await requests_request(method, url, send);
        span.setAttribute(ATTR.httpResponseStatusCode, resp.status_code);

        this.http_log_resp(resp);

        let body: unknown = null;
        const text = resp.text;
        if (text) {
          // Python: httplib2 once reported a refused connection as a 400 whose body says so.
          if (
            resp.status_code === 400 &&
            (text.includes('Connection refused') || text.includes('actively refused'))
          ) {
            decision('legacy 400: ConnectionRefused', 'legacy 400 body says "Connection refused"');
            throw new ConnectionRefused(text);
          }
          try {
            body = JSON.parse(text);
          } catch {
            body = null;
          }
        }

        this.last_request_id = resp.headers
          ? (resp.headers.get('x-openstack-request-id') ?? null)
          : null;
        if (resp.status_code >= 400) {
          const exc = from_response(resp, body, url, method);
          decision('from_response', `from_response: ${resp.status_code} -> ${exc.name}`);
          throw exc;
        }
        return [resp, body];
      }
    );
  }

  /**
   * `request()` inside `utils.record_time` (appends `("METHOD url", start, end)` with timings).
   * @see novaclient/client.py HTTPClient._time_request
   */
  _time_request(url: string, method: string, kwargs: HTTPClientKwargs = {}): Promise<RespBody> {
    return layerSpan(
      'HTTPClient._time_request',
      { [ATTR.httpRequestMethod]: method, [ATTR.urlFull]: url, 'novaclient.timings': this.timings },
      () =>
        record_time(this.times, this.timings, [method, url], () =>
          this.request(url, method, kwargs)
        )
    );
  }

  /**
   * Authenticates when there is no management URL, builds the absolute URL (catalog, bypass,
   * or the version root for `url === null`), adds `X-Auth-Token` and `X-Auth-Project-Id`, and
   * sends. On `Unauthorized` it forgets the token, authenticates again and retries once; if
   * that fails with `Unauthorized` too, the FIRST error is raised.
   * @see novaclient/client.py HTTPClient._cs_request
   */
  _cs_request(
    url: string | null,
    method: string,
    kwargs: HTTPClientKwargs = {}
  ): Promise<RespBody> {
    return layerSpan(
      'HTTPClient._cs_request',
      { [ATTR.httpRequestMethod]: method, [ATTR.urlPath]: url ?? '(version root)' },
      async () => {
        if (!this.management_url) {
          decision('no management_url: authenticate');
          try {
            await this.authenticate();
          } catch (err) {
            if (this.sign_in_errors_final) markAuthenticationError(err);
            throw err;
          }
        }
        let full: string;
        if (url === null) {
          // Python: GET the endpoint root without "v2/<tenant-id>" to read versions
          const { scheme, netloc, path } = splitUrl(this.management_url as string);
          full = `${scheme}://${netloc}${path.replace(/v[1-9](\.[1-9][0-9]*)?\/[a-z0-9]+$/, '')}`;
        } else if (this.service_catalog && !this.bypass_url) {
          full = this.get_service_url(this.service_type) + url;
        } else {
          full = (this.management_url as string) + url;
        }

        kwargs.headers ??= {};
        const headers = kwargs.headers;
        this.#setToken(headers);
        if (this.projectid) headers['X-Auth-Project-Id'] = this.projectid;

        try {
          // Python passes **kwargs: a fresh dict each call, the headers dict shared.
          return await this._time_request(full, method, { ...kwargs });
        } catch (first) {
          if (!(first instanceof Unauthorized)) throw first;
          decision(
            '401: re-authenticate and retry',
            `401 from ${method} ${full}: re-authenticate and retry once`
          );
          try {
            // Discard the token first so the re-authentication does not reuse it.
            this.unauthenticate();
            this.keyring_saved = false;
            await this.authenticate();
            this.#setToken(headers);
            // Ours: the wire span of the retry carries http.request.resend_count = 1.
            return await with_resend_count(1, () =>
              this._time_request(full, method, { ...kwargs })
            );
          } catch (second) {
            if (second instanceof Unauthorized) {
              decision('retry also 401: raise the first error');
              throw first;
            }
            throw second;
          }
        }
      }
    );
  }

  #setToken(headers: Record<string, string>): void {
    // Python sets the header to None when there is no token; requests then drops it.
    if (this.auth_token) headers['X-Auth-Token'] = this.auth_token;
    else delete headers['X-Auth-Token'];
  }

  /**
   * The catalog URL of a service (trailing `/` stripped), cached per type.
   * @see novaclient/client.py HTTPClient.get_service_url
   */
  get_service_url(service_type: string): string {
    const cached = this.services_url[service_type];
    if (cached !== undefined) return cached;
    if (!this.service_catalog) throw new EndpointNotFound();
    const url = this.service_catalog.url_for({
      attr: 'region',
      filter_value: this.region_name,
      endpoint_type: this.endpoint_type,
      service_type,
      service_name: this.service_name,
      volume_service_name: this.volume_service_name,
    });
    const stripped = (url ?? '').replace(/\/+$/, '');
    this.services_url[service_type] = stripped;
    return stripped;
  }

  /** GET through `_cs_request`. @see novaclient/client.py HTTPClient.get */
  get(url: string | null, kwargs: HTTPClientKwargs = {}): Promise<RespBody> {
    return layerSpan('HTTPClient.get', { [ATTR.urlPath]: url ?? '(version root)' }, () =>
      this._cs_request(url, 'GET', kwargs)
    );
  }

  /** POST through `_cs_request`. @see novaclient/client.py HTTPClient.post */
  post(url: string, kwargs: HTTPClientKwargs = {}): Promise<RespBody> {
    return layerSpan('HTTPClient.post', { [ATTR.urlPath]: url }, () =>
      this._cs_request(url, 'POST', kwargs)
    );
  }

  /** PUT through `_cs_request`. @see novaclient/client.py HTTPClient.put */
  put(url: string, kwargs: HTTPClientKwargs = {}): Promise<RespBody> {
    return layerSpan('HTTPClient.put', { [ATTR.urlPath]: url }, () =>
      this._cs_request(url, 'PUT', kwargs)
    );
  }

  /**
   * Reads a token answer: on 200/201 keeps the catalog, the token, the tenant id and the compute
   * URL; on 305 returns the URL to retry; anything else raises `from_response`.
   * @see novaclient/client.py HTTPClient._extract_service_catalog
   */
  _extract_service_catalog(
    url: string,
    resp: Response,
    body: unknown,
    subject_token: string | null = null
  ): string | null {
    if (resp.status_code === 200 || resp.status_code === 201) {
      try {
        this.auth_url = url;
        this.service_catalog = new ServiceCatalog(body, subject_token);
        this.auth_token = this.service_catalog.get_token();
        rememberSecret(this.auth_token);
        this.tenant_id = this.service_catalog.get_tenant_id();
        this.management_url = this.get_service_url(this.service_type);
        decision(
          'service catalog: compute endpoint',
          `service catalog: ${this.service_type} ${this.endpoint_type} = ${this.management_url}`
        );
        return null;
      } catch (err) {
        if (err instanceof AmbiguousEndpoints) {
          this.#print('Found more than one valid endpoint. Use a more restrictive filter');
          throw err;
        }
        if (err instanceof CatalogKeyError) throw new AuthorizationFailure();
        if (err instanceof EndpointNotFound) {
          this.#print('Could not find any suitable endpoint. Correct region?');
          throw err;
        }
        throw err;
      }
    }
    if (resp.status_code === 305) return resp.headers.get('location') ?? null;
    throw from_response(resp, body, url);
  }

  /**
   * Gets a token and the compute URL. The version comes from the first path segment of the
   * auth URL starting with `v`: `v2.0` → Keystone v2.0 (as the seed era), `v3` → Keystone v3
   * (ours); an auth URL with no version segment gets `/v3` appended (ours; the seed tried v1
   * auth there). Returns at once when a token and a management URL are both known.
   * @see novaclient/client.py HTTPClient.authenticate
   */
  authenticate(): Promise<void> {
    return layerSpan(
      'HTTPClient.authenticate',
      { 'novaclient.auth_url': this.auth_url ?? '' },
      async () => {
        if (!this.auth_url) throw new AuthorizationFailure('no auth_url');
        const { path } = splitUrl(this.auth_url);
        for (const part of path.split('/')) {
          if (part.length > 0 && part[0] === 'v') {
            this.version = part;
            break;
          }
        }

        if (this.auth_token && this.management_url) {
          decision('token held: skip authenticate');
          return;
        }

        let auth_url: string | null = this.auth_url;
        if (this.version === 'v2.0') {
          while (auth_url) auth_url = await this._v2_auth(auth_url);
        } else {
          // Ours: Keystone v3 (the seed tried `_v1_auth`, then `<auth_url>/v2.0`).
          if (!this.version.startsWith('v3')) {
            auth_url = `${auth_url}/v3`;
            this.version = 'v3';
          }
          while (auth_url) auth_url = await this._v3_auth(auth_url);
        }

        if (this.bypass_url) {
          this.set_management_url(this.bypass_url);
        } else if (!this.management_url) {
          throw new Unauthorized('Nova Client');
        }
      }
    );
  }

  /**
   * Keystone v2.0: token auth if a token is held, else password credentials (user id or name),
   * then `tenantId` when known (learned from the previous token) else `tenantName`.
   * @see novaclient/client.py HTTPClient._v2_auth
   */
  _v2_auth(url: string): Promise<string | null> {
    return layerSpan('HTTPClient._v2_auth', { [ATTR.urlFull]: `${url}/tokens` }, async () => {
      let auth: Json;
      if (this.auth_token) {
        auth = { token: { id: this.auth_token } };
      } else if (this.user_id) {
        auth = { passwordCredentials: { userId: this.user_id, password: this.password } };
      } else {
        auth = { passwordCredentials: { username: this.user, password: this.password } };
      }
      if (this.tenant_id) auth['tenantId'] = this.tenant_id;
      else if (this.projectid) auth['tenantName'] = this.projectid;
      decision(
        'keystone v2.0 token',
        `POST ${url}/tokens (${this.auth_token ? 'token' : 'password'}, ${
          this.tenant_id ? `tenantId ${this.tenant_id}` : `tenantName ${this.projectid ?? ''}`
        })`
      );
      return this._authenticate(url, { auth });
    });
  }

  /**
   * Ours: Keystone v3 password auth (or token auth when a token is held), project-scoped by id
   * when known, else by name within the project domain. The token comes from `X-Subject-Token`.
   */
  _v3_auth(url: string): Promise<string | null> {
    return layerSpan('HTTPClient._v3_auth', { [ATTR.urlFull]: `${url}/auth/tokens` }, async () => {
      const domain = (id: string | null, name: string | null): Json =>
        id ? { id } : name ? { name } : { id: 'default' };
      let identity: Json;
      if (this.auth_token) {
        identity = { methods: ['token'], token: { id: this.auth_token } };
      } else {
        const user: Json = this.user_id
          ? { id: this.user_id, password: this.password }
          : {
              name: this.user,
              domain: domain(this.user_domain_id, this.user_domain_name),
              password: this.password,
            };
        identity = { methods: ['password'], password: { user } };
      }
      const project: Json | null = this.tenant_id
        ? { id: this.tenant_id }
        : this.projectid
          ? {
              name: this.projectid,
              domain: domain(this.project_domain_id, this.project_domain_name),
            }
          : null;
      const auth: Json = project ? { identity, scope: { project } } : { identity };
      decision(
        'keystone v3 token',
        `POST ${url}/auth/tokens (${this.auth_token ? 'token' : 'password'}, project ${
          this.tenant_id ? `id ${this.tenant_id}` : `name ${this.projectid ?? ''}`
        })`
      );
      const [resp, respBody] = await this._time_request(`${url}/auth/tokens`, 'POST', {
        body: { auth },
        allow_redirects: true,
      });
      const subject = resp.headers.get('x-subject-token') ?? null;
      rememberSecret(subject);
      return this._extract_service_catalog(url, resp, respBody, subject);
    });
  }

  /**
   * POSTs the v2.0 auth body to `<url>/tokens` (redirects followed) and reads the answer.
   * @see novaclient/client.py HTTPClient._authenticate
   */
  async _authenticate(url: string, body: Json): Promise<string | null> {
    const [resp, respBody] = await this._time_request(`${url}/tokens`, 'POST', {
      body,
      allow_redirects: true,
    });
    return this._extract_service_catalog(url, resp, respBody);
  }
}

/** Constructor options of {@link SessionClient} (what `_construct_http_client` passes). */
export interface SessionClientOptions {
  session: KeystoneSession;
  auth?: AuthPlugin | null;
  interface?: string | null;
  service_type?: string | null;
  region_name?: string | null;
  service_name?: string | null;
  user_agent?: string | null;
  timings?: boolean;
  api_version?: APIVersion | null;
}

/**
 * The compute client over a keystoneauth1 session: the microversion headers, `--timings`, and
 * novaclient's exceptions for error statuses (keystoneauth1 is told not to raise).
 * @see novaclient/client.py SessionClient
 * @example
 * const client = new SessionClient({ session, auth, interface: 'publicURL',
 *   service_type: 'compute', user_agent: 'python-novaclient' });
 * const [resp, body] = await client.get('/servers/' + id);
 */
export class SessionClient extends LegacyJsonAdapter {
  times: Timing[] = [];
  timings: boolean;
  api_version: APIVersion;

  constructor(opts: SessionClientOptions) {
    super(opts);
    this.timings = opts.timings ?? false;
    this.api_version = opts.api_version ?? new APIVersion();
  }

  /**
   * Python's `SessionClient.request`: microversion headers, the request through the adapter
   * timed, then `from_response` for a status >= 400.
   * @see novaclient/client.py SessionClient.request
   */
  override jsonRequest(
    url: string,
    method: string,
    kwargs: AdapterRequestKwargs = {}
  ): Promise<RespBody> {
    return layerSpan(
      'SessionClient.request',
      { [ATTR.httpRequestMethod]: method, [ATTR.urlPath]: url },
      async (span) => {
        const headers = (kwargs.headers ??= {});
        update_headers(headers, this.api_version);
        const raise_exc = kwargs.raise_exc ?? true;
        const [resp, body] = await record_time(this.times, this.timings, [method, url], () =>
          super.jsonRequest(url, method, { ...kwargs, raise_exc: false })
        );
        span.setAttribute(ATTR.httpResponseStatusCode, resp.status_code);
        if (raise_exc && resp.status_code >= 400) {
          const exc = from_response(resp, body, url, method);
          decision('from_response', `from_response: ${resp.status_code} -> ${exc.name}`);
          throw exc;
        }
        return [resp, body];
      }
    );
  }

  get(url: string, kwargs: AdapterRequestKwargs = {}): Promise<RespBody> {
    return this.jsonRequest(url, 'GET', kwargs);
  }

  post(url: string, kwargs: AdapterRequestKwargs = {}): Promise<RespBody> {
    return this.jsonRequest(url, 'POST', kwargs);
  }

  put(url: string, kwargs: AdapterRequestKwargs = {}): Promise<RespBody> {
    return this.jsonRequest(url, 'PUT', kwargs);
  }

  get_timings(): Timing[] {
    return this.times;
  }

  reset_timings(): void {
    this.times = [];
  }

  /** Ours: closes the keystoneauth1 session's pool (shared by every client over it). */
  close(): Promise<void> {
    return this.session.close();
  }
}
