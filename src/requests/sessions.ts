/**
 * @module
 * The Session: settings that persist across requests (headers, cookies, auth, proxies,
 * adapters and their connection pools), and the redirect logic.
 * @see requests/sessions.py (requests 2.9.1) Session, SessionRedirectMixin, merge_setting,
 *      merge_hooks
 *
 * Ported: `Session` (defaults as 2.9.1: `python-requests/2.9.1` headers, `max_redirects` 30,
 * `trust_env`, adapters for `https://` and `http://`, the `redirect_cache` of 1000 entries),
 * `request`, `prepare_request` (merged headers, cookies, auth, hooks), `merge_environment_settings`
 * (the `*_proxy` / `no_proxy` variables, `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE`), `send`
 * (redirect cache, `get_adapter`, `elapsed`, hooks, cookies, `resolve_redirects`, reading the
 * content), `resolve_redirects` (301/302/303 method rules, 307/308 keep method and body,
 * cookies, `rebuild_auth` dropping Authorization across hosts, `rebuild_proxies`),
 * `get_adapter`, `mount`, `close`; `merge_setting`, `merge_hooks`.
 *
 * Note on 302: requests 2.9.1 turns a 302 into GET for every method but HEAD (as browsers do),
 * not only after POST; only 301 is limited to POST. 303 always becomes GET (but HEAD).
 * Left out: netrc credentials (see utils.ts), the `get`/`post`/`put`... shortcuts (callers use
 * `request(method, url)`), pickling.
 */
import { decision, layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import { RuntimeError, ValueError, pyRepr } from '../urllib3/builtins.js';
import { RecentlyUsedContainer } from '../urllib3/_collections.js';
import { with_resend_count } from '../urllib3/connection.js';
import { parse_url } from '../urllib3/util/url.js';
import {
  HTTPAdapter,
  type AdapterSendKwargs,
  type BaseAdapter,
  type TimeoutArg,
} from './adapters.js';
import {
  ChunkedEncodingError,
  ContentDecodingError,
  InvalidSchema,
  TooManyRedirects,
} from './exceptions.js';
import {
  cookiejar_from_dict,
  extract_cookies_to_jar,
  merge_cookies,
  RequestsCookieJar,
} from './cookies.js';
import { default_hooks, dispatch_hook, type Hook, type HookEvent, type HooksArg } from './hooks.js';
import {
  codes,
  PreparedRequest,
  Request,
  type Auth,
  type HeadersArg,
  type Params,
  type RequestData,
  type Response,
} from './models.js';
import { CaseInsensitiveDict } from './structures.js';
import {
  default_headers,
  get_auth_from_url,
  get_environ_proxies,
  requote_uri,
  should_bypass_proxies,
  urlsplit,
} from './utils.js';

/** How many redirects a Session follows before TooManyRedirects. */
export const DEFAULT_REDIRECT_LIMIT = 30;
/** Entries kept in the permanent-redirect cache. */
export const REDIRECT_CACHE_SIZE = 1000;

/** Keyword arguments of `Session.request` / `requests.request` (Python names kept). */
export interface RequestKwargs {
  params?: Params;
  data?: RequestData;
  /** Request headers; a null value removes a session default header. */
  headers?: HeadersArg | null;
  cookies?: RequestsCookieJar | Readonly<Record<string, string>> | null;
  files?: null;
  auth?: Auth;
  /** Seconds for connect and read, or a (connect, read) tuple; null = wait forever. */
  timeout?: TimeoutArg | unknown[];
  allow_redirects?: boolean;
  proxies?: Readonly<Record<string, string>> | null;
  hooks?: HooksArg<Response> | null;
  /** When true the body is not read before returning (`await r.load_content()` later). */
  stream?: boolean | null;
  verify?: boolean | string | null;
  cert?: string | readonly [string, string] | null;
  json?: unknown;
}

/** Keyword arguments of `Session.send`. */
export interface SendKwargs extends AdapterSendKwargs {
  allow_redirects?: boolean;
}

type Mergeable = Readonly<Record<string, unknown>> | CaseInsensitiveDict;

function isMapping(value: unknown): value is Mergeable {
  return (
    value instanceof CaseInsensitiveDict ||
    (value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Uint8Array))
  );
}

/**
 * Merges a request setting with the session's: the request wins; when both are mappings the
 * session's keys come first, then the request's; keys set to None (null) are removed.
 */
export function merge_setting<T>(
  request_setting: T,
  session_setting: T,
  dict_class: 'dict' | 'CaseInsensitiveDict' = 'dict'
): T {
  if (session_setting === null || session_setting === undefined) return request_setting;
  if (request_setting === null || request_setting === undefined) return session_setting;
  // Python: non-mappings (verify, stream...) are not merged: the request's value wins.
  if (!(isMapping(session_setting) && isMapping(request_setting))) return request_setting;
  const entries = (m: Mergeable): Array<[string, unknown]> =>
    m instanceof CaseInsensitiveDict ? m.items() : Object.entries(m);
  if (dict_class === 'CaseInsensitiveDict') {
    const merged = new CaseInsensitiveDict(entries(session_setting) as Array<[string, string]>);
    const remove: string[] = [];
    for (const [key, value] of entries(request_setting)) {
      if (value === null || value === undefined) remove.push(key);
      else merged.set(key, value as string);
    }
    // Python: a None value in the request removes the session's key.
    for (const key of remove) merged.delete(key);
    return merged as unknown as T;
  }
  const merged: Record<string, unknown> = Object.fromEntries(entries(session_setting));
  for (const [key, value] of entries(request_setting)) merged[key] = value;
  for (const [key, value] of Object.entries(merged))
    if (value === null || value === undefined) delete merged[key];
  return merged as T;
}

/** Hooks merge like settings, except an empty request hook list keeps the session's. */
export function merge_hooks(
  request_hooks: Record<HookEvent, Array<Hook<Response>>> | null,
  session_hooks: Record<HookEvent, Array<Hook<Response>>> | null
): Record<HookEvent, Array<Hook<Response>>> {
  if (session_hooks === null || session_hooks.response.length === 0)
    return request_hooks ?? default_hooks();
  if (request_hooks === null || request_hooks.response.length === 0) return session_hooks;
  return merge_setting(request_hooks, session_hooks);
}

/** Redirect handling, mixed into Session upstream (`SessionRedirectMixin`). */
export abstract class SessionRedirectMixin {
  abstract max_redirects: number;
  abstract cookies: RequestsCookieJar;
  abstract trust_env: boolean;
  abstract redirect_cache: RecentlyUsedContainer<string, string>;
  abstract send(request: PreparedRequest, kwargs?: SendKwargs): Promise<Response>;

  /**
   * Follows the redirects of `resp`, yielding each new response. Method and body change per
   * status (303, 302 → GET; 301 after POST → GET; 307/308 keep both), Authorization is dropped
   * when the host changes, permanent redirects are cached.
   * @see requests/sessions.py SessionRedirectMixin.resolve_redirects
   */
  async resolve_redirects(
    resp: Response,
    req: PreparedRequest,
    kwargs: AdapterSendKwargs = {}
  ): Promise<Response[]> {
    // Python runs the generator on every send; it yields nothing for a non-redirect. The span
    // is only opened when there is a redirect to follow (DESIGN: "when redirected").
    if (!resp.is_redirect) return [];
    return layerSpan(
      'Session.resolve_redirects',
      () => ({
        [ATTR.httpRequestMethod]: req.method ?? '',
        [ATTR.urlFull]: req.url ?? '',
        [ATTR.httpResponseStatusCode]: resp.status_code,
        'requests.max_redirects': this.max_redirects,
      }),
      async (span) => {
        const yielded: Response[] = [];
        let i = 0;
        const hist: Response[] = []; // keep track of history
        let proxies = kwargs.proxies ?? null;
        while (resp.is_redirect) {
          const prepared_request = req.copy();
          if (i > 0) {
            // Python: from the second hop on, each response carries the history so far.
            hist.push(resp);
            resp.history = [...hist];
          }
          try {
            await resp.load_content(); // Consume socket so it can be released.
          } catch (err) {
            if (!(
              err instanceof ChunkedEncodingError ||
              err instanceof ContentDecodingError ||
              err instanceof RuntimeError
            )) {
              throw err;
            }
            await resp.raw?.read(null, false);
          }
          if (i >= this.max_redirects) {
            throw new TooManyRedirects(`Exceeded ${this.max_redirects} redirects.`, {
              response: resp,
            });
          }
          // Python: resp.close() → release_conn().
          await resp.close();

          let url = resp.headers.get('location') ?? '';
          let method = req.method ?? 'GET';
          // Python: a Location starting with // takes the scheme of the current URL (RFC 1808 §4).
          if (url.startsWith('//')) url = `${urlsplit(resp.url).scheme}:${url}`;
          // Python: urlparse(url).geturl() lower-cases the scheme.
          const parsed = urlsplit(url);
          const schemeLength = url.indexOf(':');
          if (parsed.scheme && schemeLength > 0) url = parsed.scheme + url.slice(schemeLength);
          // Python: no netloc → urljoin(resp.url, requote_uri(url)) (relative Location, RFC 7231);
          // else requote_uri(url).
          if (!parsed.netloc) url = new URL(requote_uri(url), resp.url).toString();
          else url = requote_uri(url);
          prepared_request.url = url;

          // Python: remember a 301/308 target unless it points back at the same URL.
          if (resp.is_permanent_redirect && req.url !== prepared_request.url) {
            this.redirect_cache.set(req.url ?? '', prepared_request.url ?? '');
          }

          const original = method;
          // RFC 7231 section 6.4.4: 303 See Other -> GET (except HEAD).
          if (resp.status_code === codes.see_other && method !== 'HEAD') method = 'GET';
          // Python: 302 → GET as browsers do (any method but HEAD).
          if (resp.status_code === codes.found && method !== 'HEAD') method = 'GET';
          // Python: 301 → GET only for POST (requests issue 1704).
          if (resp.status_code === codes.moved && method === 'POST') method = 'GET';
          prepared_request.method = method;
          decision('redirect', undefined, {
            [ATTR.httpResponseStatusCode]: resp.status_code,
            'requests.redirect.location': url,
          });
          if (method !== original) {
            decision('redirect: method becomes GET', undefined, {
              'requests.redirect.method_before': original,
            });
          }

          // https://github.com/kennethreitz/requests/issues/1084
          if (
            resp.status_code !== codes.temporary_redirect &&
            resp.status_code !== codes.permanent_redirect
          ) {
            prepared_request.headers.delete('Content-Length');
            prepared_request.body = null;
          }
          const headers = prepared_request.headers;
          headers.delete('Cookie');

          // Python: cookies set by this response go into the new request's jar, read from the
          // untouched original request (the copy's URL has changed already).
          const jar = prepared_request._cookies ?? new RequestsCookieJar();
          extract_cookies_to_jar(jar, req, resp.raw);
          jar.update(this.cookies);
          prepared_request.prepare_cookies(jar);

          // Python: rebuild_proxies + rebuild_auth for the new target.
          proxies = this.rebuild_proxies(prepared_request, proxies);
          this.rebuild_auth(prepared_request, resp);

          // Python: req = prepared_request for the next hop.
          req = prepared_request;
          const count = i + 1;
          resp = await with_resend_count(1, () =>
            this.send(req, { ...kwargs, proxies, allow_redirects: false })
          );
          extract_cookies_to_jar(this.cookies, prepared_request, resp.raw);
          i = count;
          yielded.push(resp);
        }
        span.setAttribute('requests.redirects', i);
        return yielded;
      }
    );
  }

  /** Drops Authorization when redirected to another host (netrc is left out). */
  rebuild_auth(prepared_request: PreparedRequest, response: Response): void {
    const headers = prepared_request.headers;
    const url = prepared_request.url ?? '';
    if (headers.has('Authorization')) {
      // Python: a different hostname → del headers['Authorization'] (other headers stay).
      const original = urlsplit(response.request.url ?? '').hostname;
      const redirect = urlsplit(url).hostname;
      if (original !== redirect) {
        headers.delete('Authorization');
        decision('redirect: Authorization dropped', undefined, {
          'requests.redirect.host_before': original ?? '',
          'requests.redirect.host_after': redirect ?? '',
        });
      }
    }
  }

  /** Re-evaluates proxies for the redirect target (environment included). */
  rebuild_proxies(
    prepared_request: PreparedRequest,
    proxies: Readonly<Record<string, string>> | null
  ): Record<string, string> {
    const headers = prepared_request.headers;
    const url = prepared_request.url ?? '';
    const scheme = (parse_url(url).scheme ?? '').toLowerCase();
    const new_proxies: Record<string, string> = { ...(proxies ?? {}) };
    if (this.trust_env && !should_bypass_proxies(url)) {
      const environ_proxies = get_environ_proxies(url);
      const proxy = environ_proxies[scheme];
      if (proxy && !(scheme in new_proxies)) new_proxies[scheme] = proxy;
    }
    headers.delete('Proxy-Authorization');
    const selected = new_proxies[scheme];
    if (selected) {
      const [username, password] = get_auth_from_url(selected);
      if (username && password) {
        headers.set(
          'Proxy-Authorization',
          `Basic ${Buffer.from(`${username}:${password}`, 'latin1').toString('base64')}`
        );
      }
    }
    return new_proxies;
  }
}

/**
 * A requests Session: cookie persistence, connection pooling (through its adapters), and
 * configuration shared by every request made with it.
 * @example
 * const s = new Session();
 * const r = await s.request('GET', 'http://127.0.0.1:8774/');
 * await s.close();
 */
export class Session extends SessionRedirectMixin {
  /** Headers sent with every request (`python-requests/2.9.1` defaults). */
  headers: CaseInsensitiveDict = default_headers();
  /** Default auth for every request. */
  auth: Auth = null;
  /** Proxies by scheme or `scheme://host`. */
  proxies: Record<string, string> = {};
  hooks: Record<HookEvent, Array<Hook<Response>>> = default_hooks<Response>();
  params: Record<string, string> = {};
  /** Read the body lazily by default? */
  stream = false;
  /** Verify TLS certificates (or a CA bundle path). */
  verify: boolean | string = true;
  cert: string | readonly [string, string] | null = null;
  max_redirects = DEFAULT_REDIRECT_LIMIT;
  /** Read proxy variables (and CA bundle paths) from the environment. */
  trust_env = true;
  cookies: RequestsCookieJar = cookiejar_from_dict({});
  /** Adapters by URL prefix, longest prefix first. */
  adapters = new Map<string, BaseAdapter>();
  /** Permanent redirects seen, old URL → new URL. */
  redirect_cache = new RecentlyUsedContainer<string, string>(REDIRECT_CACHE_SIZE);
  /** Environment read for proxies and CA bundles (process.env unless given). */
  readonly env: NodeJS.ProcessEnv;

  constructor(opts: { env?: NodeJS.ProcessEnv } = {}) {
    super();
    this.env = opts.env ?? process.env;
    // Python: mount('https://', HTTPAdapter()); mount('http://', HTTPAdapter()).
    this.mount('https://', new HTTPAdapter());
    this.mount('http://', new HTTPAdapter());
  }

  /**
   * Builds a PreparedRequest from a Request, merging the session's headers, cookies, auth,
   * params and hooks into it.
   * @see requests/sessions.py Session.prepare_request
   */
  prepare_request(request: Request): PreparedRequest {
    let cookies = request.cookies ?? {};
    // Python: a dict of cookies becomes a jar.
    if (!(cookies instanceof RequestsCookieJar)) cookies = cookiejar_from_dict(cookies);
    // Python: merge_cookies(merge_cookies(RequestsCookieJar(), self.cookies), cookies).
    const merged_cookies = merge_cookies(
      merge_cookies(new RequestsCookieJar(), this.cookies),
      cookies
    );
    // Python: get_netrc_auth(url) when no auth is set — left out here (see utils.ts).
    const auth = request.auth;
    const p = new PreparedRequest();
    p.prepare({
      method: (request.method ?? '').toUpperCase(),
      url: request.url,
      files: request.files,
      data: request.data,
      json: request.json,
      headers: merge_setting<HeadersArg>(request.headers, this.headers, 'CaseInsensitiveDict'),
      params: merge_setting(request.params, this.params as Params),
      auth: merge_setting(auth, this.auth),
      cookies: merged_cookies,
      hooks: merge_hooks(request.hooks, this.hooks),
    });
    return p;
  }

  /**
   * Builds a Request from the arguments, prepares it with the session's settings, merges the
   * environment's, and sends it.
   * @see requests/sessions.py Session.request
   */
  async request(method: string, url: string, kwargs: RequestKwargs = {}): Promise<Response> {
    return layerSpan(
      'Session.request',
      () => ({
        [ATTR.httpRequestMethod]: method.toUpperCase(),
        [ATTR.urlFull]: url,
        'requests.timeout': pyRepr(kwargs.timeout ?? null),
        'requests.allow_redirects': kwargs.allow_redirects ?? true,
        'requests.stream': kwargs.stream ?? 'None',
        'requests.verify': String(kwargs.verify ?? 'None'),
      }),
      async () => {
        // Python: Request(method.upper(), url, ..., data=data or {}, params=params or {}).
        const req = new Request({
          method: method.toUpperCase(),
          url,
          headers: kwargs.headers ?? null,
          files: kwargs.files ?? null,
          data: isEmptyData(kwargs.data) ? {} : kwargs.data,
          json: kwargs.json,
          params: kwargs.params ?? {},
          auth: kwargs.auth ?? null,
          cookies: kwargs.cookies ?? null,
          hooks: kwargs.hooks ?? null,
        });
        const prep = this.prepare_request(req);

        const proxies = { ...(kwargs.proxies ?? {}) };
        const settings = this.merge_environment_settings(
          prep.url ?? '',
          proxies,
          kwargs.stream ?? null,
          kwargs.verify ?? null,
          kwargs.cert ?? null
        );

        // Python: self.send(prep, timeout=..., allow_redirects=..., **settings).
        const send_kwargs: SendKwargs = {
          timeout: (kwargs.timeout ?? null) as TimeoutArg,
          allow_redirects: kwargs.allow_redirects ?? true,
          ...settings,
        };
        return this.send(prep, send_kwargs);
      }
    );
  }

  /**
   * Sends a PreparedRequest: follows the redirect cache, picks the adapter, times the call,
   * runs the response hooks, stores cookies, resolves redirects, and reads the content
   * (unless `stream`).
   * @see requests/sessions.py Session.send
   */
  override async send(request: PreparedRequest, kwargs: SendKwargs = {}): Promise<Response> {
    return layerSpan(
      'Session.send',
      () => ({
        [ATTR.httpRequestMethod]: request.method ?? '',
        [ATTR.urlFull]: request.url ?? '',
        'requests.timeout': pyRepr(kwargs.timeout ?? null),
        'requests.stream': kwargs.stream ?? this.stream,
        'requests.allow_redirects': kwargs.allow_redirects ?? true,
      }),
      async (span) => {
        // Python: kwargs.setdefault(stream/verify/cert/proxies) from the session, so hooks
        // and redirects see the full settings.
        const send: SendKwargs = {
          ...kwargs,
          stream: kwargs.stream ?? this.stream,
          verify: kwargs.verify ?? this.verify,
          cert: kwargs.cert ?? this.cert,
          proxies: kwargs.proxies ?? this.proxies,
        };
        // Python: isinstance(request, Request) → ValueError (an unprepared Request).
        if ((request as unknown) instanceof Request) {
          throw new ValueError(['You can only send PreparedRequests.']);
        }

        // Python: pop allow_redirects; keep stream and the request's hooks.
        const allow_redirects = send.allow_redirects ?? true;
        delete send.allow_redirects;
        const stream = send.stream;
        const hooks = request.hooks;

        // Python: follow redirect_cache entries (stopping at a loop) before sending.
        if (allow_redirects) {
          const checked_urls = new Set<string>();
          while (request.url !== null && this.redirect_cache.has(request.url)) {
            checked_urls.add(request.url);
            const new_url = this.redirect_cache.get(request.url) as string;
            if (checked_urls.has(new_url)) break;
            decision('redirect cache hit', undefined, {
              'requests.redirect.from': request.url,
              'requests.redirect.location': new_url,
            });
            request.url = new_url;
          }
        }

        // Python: self.get_adapter(url=request.url).
        const adapter = this.get_adapter(request.url ?? '');

        // Python: start = datetime.utcnow().
        const start = performance.now();

        // Python: r = adapter.send(request, **kwargs).
        let r = await adapter.send(request, send);

        // Python: r.elapsed = datetime.utcnow() - start (here: milliseconds).
        r.elapsed = performance.now() - start;

        // Python: dispatch_hook('response', hooks, r, **kwargs).
        r = await dispatch_hook('response', hooks, r, send as Record<string, unknown>);

        // Python: extract_cookies_to_jar(self.cookies, ...) for history and the response.
        if (r.history.length > 0) {
          // Python: responses a hook put into r.history count too.
          for (const resp of r.history)
            extract_cookies_to_jar(this.cookies, resp.request, resp.raw);
        }
        extract_cookies_to_jar(this.cookies, request, r.raw);

        // Python: history = list(resolve_redirects(...)) if allow_redirects else [].
        const history = allow_redirects ? await this.resolve_redirects(r, request, send) : [];

        // Python: the first response goes to the front of the history; the last one is
        // returned, carrying the others as its history.
        if (history.length > 0) {
          history.unshift(r);
          r = history.pop() as Response;
          r.history = history;
        }

        if (!stream) {
          // Python: `r.content` — reading it returns the connection to the pool.
          await r.load_content();
          decision('content read', undefined, {
            'requests.content.length': r.content.length,
          });
        }
        span.setAttribute(ATTR.httpResponseStatusCode, r.status_code);
        return r;
      }
    );
  }

  /**
   * Merges proxies, stream, verify and cert of a request with the environment and the
   * session: `*_proxy` variables unless `no_proxy` says otherwise, and a CA bundle from
   * `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` when verify is true or unset.
   * @see requests/sessions.py Session.merge_environment_settings
   */
  merge_environment_settings(
    url: string,
    proxies: Record<string, string>,
    stream: boolean | null,
    verify: boolean | string | null,
    cert: string | readonly [string, string] | null
  ): {
    verify: boolean | string;
    proxies: Record<string, string>;
    stream: boolean;
    cert: string | readonly [string, string] | null;
  } {
    let v: boolean | string | null = verify;
    // Python: only with trust_env does the environment count.
    if (this.trust_env) {
      // Python: proxies.setdefault(k, v) for each environment proxy.
      const env_proxies = get_environ_proxies(url, this.env);
      for (const [k, value] of Object.entries(env_proxies)) if (!(k in proxies)) proxies[k] = value;
      // Python: REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE, when verify is True or None.
      if (v === true || v === null) {
        v = this.env.REQUESTS_CA_BUNDLE || this.env.CURL_CA_BUNDLE || null;
      }
    }
    // Python: merge_setting of each with the session's value.
    return {
      verify: merge_setting(v, this.verify) as boolean | string,
      proxies: merge_setting(proxies, this.proxies),
      stream: merge_setting(stream, this.stream) as boolean,
      cert: merge_setting(cert, this.cert),
    };
  }

  /**
   * The adapter for a URL: the first mounted prefix it starts with (longest first).
   * @see requests/sessions.py Session.get_adapter
   */
  get_adapter(url: string): BaseAdapter {
    for (const [prefix, adapter] of this.adapters) {
      if (url.toLowerCase().startsWith(prefix)) {
        decision('adapter chosen', undefined, {
          'requests.adapter.prefix': prefix,
        });
        return adapter;
      }
    }
    // Python: no prefix matched → InvalidSchema.
    throw new InvalidSchema(`No connection adapters were found for '${url}'`);
  }

  /** Closes all adapters and, with them, their pools and connections. */
  async close(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((adapter) => adapter.close()));
  }

  /** Registers an adapter for a prefix; adapters are kept longest prefix first. */
  mount(prefix: string, adapter: BaseAdapter): void {
    this.adapters.set(prefix, adapter);
    const keys_to_move = [...this.adapters.keys()].filter((k) => k.length < prefix.length);
    for (const key of keys_to_move) {
      const moved = this.adapters.get(key) as BaseAdapter;
      this.adapters.delete(key);
      this.adapters.set(key, moved);
    }
  }
}

/** Python's `data or {}`: empty or absent data becomes an empty form. */
function isEmptyData(data: RequestData | undefined): boolean {
  if (data === null || data === undefined) return true;
  if (typeof data === 'string') return data.length === 0;
  if (data instanceof Uint8Array) return data.length === 0;
  if (Array.isArray(data)) return data.length === 0;
  return false;
}

/** `requests.session()`: a new Session. */
export function session(): Session {
  return new Session();
}
