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
  // Bypass if not a dictionary (e.g. verify).
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
    // Remove keys that are set to None.
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
      {
        [ATTR.httpRequestMethod]: req.method ?? '',
        [ATTR.urlFull]: req.url ?? '',
        [ATTR.httpResponseStatusCode]: resp.status_code,
        'requests.max_redirects': this.max_redirects,
      },
      async (span) => {
        const yielded: Response[] = [];
        let i = 0;
        const hist: Response[] = []; // keep track of history
        let proxies = kwargs.proxies ?? null;
        while (resp.is_redirect) {
          const prepared_request = req.copy();
          if (i > 0) {
            // Update history and keep track of redirects.
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
          // Release the connection back into the pool.
          await resp.close();

          let url = resp.headers.get('location') ?? '';
          let method = req.method ?? 'GET';
          // Handle redirection without scheme (RFC 1808 section 4).
          if (url.startsWith('//')) url = `${urlsplit(resp.url).scheme}:${url}`;
          // The scheme should be lower case...
          const parsed = urlsplit(url);
          const schemeLength = url.indexOf(':');
          if (parsed.scheme && schemeLength > 0) url = parsed.scheme + url.slice(schemeLength);
          // Facilitate relative 'location' headers, as allowed by RFC 7231 (absolute URI
          // relative to the request URI).
          if (!parsed.netloc) url = new URL(requote_uri(url), resp.url).toString();
          else url = requote_uri(url);
          prepared_request.url = url;

          // Cache the url, unless it redirects to itself.
          if (resp.is_permanent_redirect && req.url !== prepared_request.url) {
            this.redirect_cache.set(req.url ?? '', prepared_request.url ?? '');
          }

          const original = method;
          // RFC 7231 section 6.4.4: 303 See Other -> GET (except HEAD).
          if (resp.status_code === codes.see_other && method !== 'HEAD') method = 'GET';
          // Do what the browsers do, despite standards... First, turn 302s into GETs.
          if (resp.status_code === codes.found && method !== 'HEAD') method = 'GET';
          // Second, if a POST is responded to with a 301, turn it into a GET.
          if (resp.status_code === codes.moved && method === 'POST') method = 'GET';
          prepared_request.method = method;
          decision('redirect', `Redirecting ${resp.status_code} ${req.url} -> ${url}`, {
            [ATTR.httpResponseStatusCode]: resp.status_code,
            'requests.redirect.location': url,
          });
          if (method !== original) {
            decision(
              'redirect: method becomes GET',
              `${resp.status_code}: ${original} becomes ${method}`
            );
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

          // Extract any cookies sent on the response to the cookiejar in the new request.
          // Because we've mutated our copied prepared request, use the old one that we
          // haven't yet touched.
          const jar = prepared_request._cookies ?? new RequestsCookieJar();
          extract_cookies_to_jar(jar, req, resp.raw);
          jar.update(this.cookies);
          prepared_request.prepare_cookies(jar);

          // Rebuild auth and proxy information.
          proxies = this.rebuild_proxies(prepared_request, proxies);
          this.rebuild_auth(prepared_request, resp);

          // Override the original request.
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
      // If we get redirected to a new host, we should strip out any authentication headers.
      const original = urlsplit(response.request.url ?? '').hostname;
      const redirect = urlsplit(url).hostname;
      if (original !== redirect) {
        headers.delete('Authorization');
        decision(
          'redirect: Authorization dropped',
          `Authorization dropped: ${original} -> ${redirect}`
        );
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
    // Default connection adapters.
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
    // Bootstrap CookieJar.
    if (!(cookies instanceof RequestsCookieJar)) cookies = cookiejar_from_dict(cookies);
    // Merge with session cookies.
    const merged_cookies = merge_cookies(
      merge_cookies(new RequestsCookieJar(), this.cookies),
      cookies
    );
    // Set environment's basic authentication if not explicitly set (netrc: left out).
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
   * Constructs a Request, prepares it and sends it.
   * @see requests/sessions.py Session.request
   */
  async request(method: string, url: string, kwargs: RequestKwargs = {}): Promise<Response> {
    return layerSpan(
      'Session.request',
      {
        [ATTR.httpRequestMethod]: method.toUpperCase(),
        [ATTR.urlFull]: url,
        'requests.timeout': pyRepr(kwargs.timeout ?? null),
        'requests.allow_redirects': kwargs.allow_redirects ?? true,
        'requests.stream': kwargs.stream ?? 'None',
        'requests.verify': String(kwargs.verify ?? 'None'),
      },
      async () => {
        // Create the Request.
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

        // Send the request.
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
      {
        [ATTR.httpRequestMethod]: request.method ?? '',
        [ATTR.urlFull]: request.url ?? '',
        'requests.timeout': pyRepr(kwargs.timeout ?? null),
        'requests.stream': kwargs.stream ?? this.stream,
        'requests.allow_redirects': kwargs.allow_redirects ?? true,
      },
      async (span) => {
        // Set defaults that the hooks can utilize to ensure they always have the correct
        // parameters to reproduce the previous request.
        const send: SendKwargs = {
          ...kwargs,
          stream: kwargs.stream ?? this.stream,
          verify: kwargs.verify ?? this.verify,
          cert: kwargs.cert ?? this.cert,
          proxies: kwargs.proxies ?? this.proxies,
        };
        // It's possible that users might accidentally send a Request object. Guard against
        // that specific failure case.
        if ((request as unknown) instanceof Request) {
          throw new ValueError(['You can only send PreparedRequests.']);
        }

        // Set up variables needed for resolve_redirects and dispatching of hooks.
        const allow_redirects = send.allow_redirects ?? true;
        delete send.allow_redirects;
        const stream = send.stream;
        const hooks = request.hooks;

        // Resolve URL in redirect cache, if available.
        if (allow_redirects) {
          const checked_urls = new Set<string>();
          while (request.url !== null && this.redirect_cache.has(request.url)) {
            checked_urls.add(request.url);
            const new_url = this.redirect_cache.get(request.url) as string;
            if (checked_urls.has(new_url)) break;
            decision('redirect cache hit', `Redirect cache: ${request.url} -> ${new_url}`, {
              'requests.redirect.location': new_url,
            });
            request.url = new_url;
          }
        }

        // Get the appropriate adapter to use.
        const adapter = this.get_adapter(request.url ?? '');

        // Start time (approximately) of the request.
        const start = performance.now();

        // Send the request.
        let r = await adapter.send(request, send);

        // Total elapsed time of the request (approximately).
        r.elapsed = performance.now() - start;

        // Response manipulation hooks.
        r = await dispatch_hook('response', hooks, r, send as Record<string, unknown>);

        // Persist cookies.
        if (r.history.length > 0) {
          // If the hooks create history then we want those cookies too.
          for (const resp of r.history)
            extract_cookies_to_jar(this.cookies, resp.request, resp.raw);
        }
        extract_cookies_to_jar(this.cookies, request, r.raw);

        // Resolve redirects if allowed.
        const history = allow_redirects ? await this.resolve_redirects(r, request, send) : [];

        // Shuffle things around if there's history.
        if (history.length > 0) {
          // Insert the first (original) request at the start.
          history.unshift(r);
          // Get the last request made.
          r = history.pop() as Response;
          r.history = history;
        }

        if (!stream) {
          // Python: `r.content` — reading it returns the connection to the pool.
          await r.load_content();
          decision('content read', `Content read: ${r.content.length} bytes`, {
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
    // Gather clues from the surrounding environment.
    if (this.trust_env) {
      // Set environment's proxies.
      const env_proxies = get_environ_proxies(url, this.env);
      for (const [k, value] of Object.entries(env_proxies)) if (!(k in proxies)) proxies[k] = value;
      // Look for requests environment configuration and be compatible with cURL.
      if (v === true || v === null) {
        v = this.env.REQUESTS_CA_BUNDLE || this.env.CURL_CA_BUNDLE || null;
      }
    }
    // Merge all the kwargs.
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
        decision('adapter chosen', `Adapter for prefix ${prefix}`, {
          'requests.adapter.prefix': prefix,
        });
        return adapter;
      }
    }
    // Nothing matches :-/
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

/** Returns a Session for context management (`requests.session()`). */
export function session(): Session {
  return new Session();
}
