/**
 * @module
 * The transport adapter: where requests hands a PreparedRequest to urllib3, and the ONE place
 * urllib3's exceptions become requests' (STYLE 2.5).
 * @see requests/adapters.py (requests 2.9.1) BaseAdapter, HTTPAdapter
 *
 * Ported: the constructor (`Retry(0, read=False)` for the default `max_retries=0`,
 * `init_poolmanager`), `proxy_manager_for`, `cert_verify`, `build_response`,
 * `get_connection` (`select_proxy`, `proxy_manager_for`, `poolmanager.connection_from_url`),
 * `close`, `request_url`, `add_headers`, `proxy_headers`, and `send`: the chunked decision,
 * timeout tuples and their ValueError text, `urlopen` versus the low-level chunked path,
 * the exception translation exactly as upstream, `build_response`.
 * Left out: pickling (`__getstate__`), SOCKS proxies (a later requests feature).
 */
import { decision, layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import { ValueError, pyRepr } from '../urllib3/builtins.js';
import type { HeaderPairs } from '../urllib3/connection.js';
import type { HTTPConnectionPool } from '../urllib3/connectionpool.js';
import { HTTPSConnectionPool } from '../urllib3/connectionpool.js';
import {
  ClosedPoolError,
  ConnectTimeoutError,
  HTTPError as _HTTPError,
  MaxRetryError,
  NewConnectionError,
  ProtocolError,
  ProxyError as _ProxyError,
  ReadTimeoutError,
  ResponseError,
  SSLError as _SSLError,
} from '../urllib3/exceptions.js';
import { PoolManager, proxy_from_url } from '../urllib3/poolmanager.js';
import { HTTPResponse } from '../urllib3/response.js';
import { Retry, type RetryCount } from '../urllib3/util/retry.js';
import { Timeout as TimeoutSauce } from '../urllib3/util/timeout.js';
import { _basic_auth_str } from './auth.js';
import { extract_cookies_to_jar } from './cookies.js';
import {
  ConnectionError,
  ConnectTimeout,
  ProxyError,
  ReadTimeout,
  RetryError,
  SSLError,
} from './exceptions.js';
import { Response, type PreparedRequest } from './models.js';
import { CaseInsensitiveDict } from './structures.js';
import {
  get_auth_from_url,
  get_encoding_from_headers,
  prepend_scheme_if_needed,
  select_proxy,
  urldefragauth,
} from './utils.js';

export const DEFAULT_POOLBLOCK = false;
export const DEFAULT_POOLSIZE = 10;
export const DEFAULT_RETRIES = 0;
/** requests waits forever for a pooled connection (only matters with `pool_block`). */
export const DEFAULT_POOL_TIMEOUT: number | null = null;

/** A timeout as requests takes it: seconds for both, or a (connect, read) tuple. */
export type TimeoutArg = number | null | readonly unknown[];

/** Keyword arguments of `HTTPAdapter.send`. */
export interface AdapterSendKwargs {
  stream?: boolean;
  timeout?: TimeoutArg;
  verify?: boolean | string;
  cert?: string | readonly [string, string] | null;
  proxies?: Readonly<Record<string, string>> | null;
}

/** What a Session needs of a transport: `send` and `close`. */
export abstract class BaseAdapter {
  abstract send(request: PreparedRequest, kwargs?: AdapterSendKwargs): Promise<Response>;
  abstract close(): Promise<void>;
}

/** Constructor options of {@link HTTPAdapter}. */
export interface HTTPAdapterOptions {
  /** Number of urllib3 pools to cache (one per scheme/host/port). */
  pool_connections?: number;
  /** Maximum connections kept per pool. */
  pool_maxsize?: number;
  /** Retries per connection (0: none; a Retry for fine control). */
  max_retries?: number | Retry;
  /** Whether the pool should block for a free connection. */
  pool_block?: boolean;
}

/**
 * requests' transport over urllib3: HTTP and HTTPS URLs through pooled
 * connections. A Session mounts one for `http://` and one for `https://`.
 */
export class HTTPAdapter extends BaseAdapter {
  max_retries: Retry;
  config: Record<string, unknown> = {};
  proxy_manager: Record<string, PoolManager> = {};
  _pool_connections = DEFAULT_POOLSIZE;
  _pool_maxsize = DEFAULT_POOLSIZE;
  _pool_block = DEFAULT_POOLBLOCK;
  poolmanager!: PoolManager;

  constructor(opts: HTTPAdapterOptions = {}) {
    super();
    const {
      pool_connections = DEFAULT_POOLSIZE,
      pool_maxsize = DEFAULT_POOLSIZE,
      max_retries = DEFAULT_RETRIES,
      pool_block = DEFAULT_POOLBLOCK,
    } = opts;
    if (max_retries === DEFAULT_RETRIES) {
      // No retries, and a read error is raised as itself (not wrapped in MaxRetryError).
      this.max_retries = new Retry(0, { read: false });
    } else {
      this.max_retries = Retry.from_int(max_retries as Retry | RetryCount);
    }
    this._pool_connections = pool_connections;
    this._pool_maxsize = pool_maxsize;
    this._pool_block = pool_block;
    this.init_poolmanager(pool_connections, pool_maxsize, pool_block);
  }

  /** Creates the urllib3 PoolManager (`strict=True`, as requests asks). */
  init_poolmanager(connections: number, maxsize: number, block = DEFAULT_POOLBLOCK): void {
    this._pool_connections = connections;
    this._pool_maxsize = maxsize;
    this._pool_block = block;
    this.poolmanager = new PoolManager({ num_pools: connections, maxsize, block, strict: true });
  }

  /** The ProxyManager for a proxy URL, made once and kept. */
  proxy_manager_for(proxy: string): PoolManager {
    let manager = this.proxy_manager[proxy];
    if (!manager) {
      manager = proxy_from_url(proxy, {
        proxy_headers: this.proxy_headers(proxy),
        num_pools: this._pool_connections,
        maxsize: this._pool_maxsize,
        block: this._pool_block,
      });
      this.proxy_manager[proxy] = manager;
    }
    return manager;
  }

  /** Sets certificate checking on the pool: verify for https with `verify`, else none. */
  cert_verify(
    conn: HTTPConnectionPool,
    url: string,
    verify: boolean | string | undefined,
    cert: AdapterSendKwargs['cert']
  ): void {
    if (!(conn instanceof HTTPSConnectionPool)) {
      // Python sets cert_reqs on any pool object; only HTTPS pools use it.
      return;
    }
    if (url.toLowerCase().startsWith('https') && verify) {
      // Allow self-specified cert location; else Node's bundled CAs (Python: certifi).
      conn.cert_reqs = 'CERT_REQUIRED';
      conn.ca_certs = verify !== true ? verify : null;
    } else {
      conn.cert_reqs = 'CERT_NONE';
      conn.ca_certs = null;
    }
    if (cert) {
      if (typeof cert === 'string') {
        conn.cert_file = cert;
      } else {
        conn.cert_file = cert[0];
        conn.key_file = cert[1];
      }
    }
  }

  /**
   * Builds a requests Response from a urllib3 response: status, headers, encoding, reason,
   * url, cookies, and the links back to the request and this adapter.
   * @see requests/adapters.py HTTPAdapter.build_response
   */
  async build_response(req: PreparedRequest, resp: HTTPResponse): Promise<Response> {
    return layerSpan(
      'HTTPAdapter.build_response',
      { [ATTR.httpResponseStatusCode]: resp.status, [ATTR.urlFull]: req.url ?? '' },
      async () => {
        const response = new Response();
        // Status code straight from urllib3's response.
        response.status_code = resp.status;
        // Python: CaseInsensitiveDict(resp.headers), repeated headers joined with ', '.
        response.headers = new CaseInsensitiveDict(resp.headers.itermerged());
        // The charset from Content-Type (None when absent, latin-1 for text/*).
        response.encoding = get_encoding_from_headers(response.headers);
        response.raw = resp;
        response.reason = resp.reason;
        response.url = req.url ?? '';
        // Python: extract_cookies_to_jar(response.cookies, req, resp).
        extract_cookies_to_jar(response.cookies, req, resp);
        // Link back to the request and to this adapter.
        response.request = req;
        response.connection = this;
        return response;
      }
    );
  }

  /**
   * The urllib3 pool for a URL: through the proxy's manager when a proxy applies, else this
   * adapter's PoolManager.
   * @see requests/adapters.py HTTPAdapter.get_connection
   */
  async get_connection(
    url: string,
    proxies: Readonly<Record<string, string>> | null = null
  ): Promise<HTTPConnectionPool> {
    return layerSpan('HTTPAdapter.get_connection', { [ATTR.urlFull]: url }, async (span) => {
      const selected = select_proxy(url, proxies);
      let conn: HTTPConnectionPool;
      if (selected) {
        const proxy = prepend_scheme_if_needed(selected, 'http');
        decision('proxy selected', undefined, {
          'requests.proxy': redactProxy(proxy),
        });
        const proxy_manager = this.proxy_manager_for(proxy);
        conn = await proxy_manager.connection_from_url(url);
      } else {
        // Python: urlparse(url).geturl() — lower-cases the scheme, nothing else.
        conn = await this.poolmanager.connection_from_url(lowerScheme(url));
      }
      span.setAttribute('urllib3.pool', conn.__str__());
      return conn;
    });
  }

  /** Disposes of internal state: closes every pool (and its connections). */
  async close(): Promise<void> {
    const pools = [
      ...this.poolmanager.pools.values(),
      ...Object.values(this.proxy_manager).flatMap((m) => m.pools.values()),
    ];
    this.poolmanager.clear();
    for (const manager of Object.values(this.proxy_manager)) manager.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  /** The URL to put on the request line: absolute through an http proxy, else the path. */
  request_url(request: PreparedRequest, proxies: Readonly<Record<string, string>> | null): string {
    const proxy = select_proxy(request.url ?? '', proxies);
    const scheme = (request.url ?? '').split(':', 1)[0]?.toLowerCase() ?? '';
    if (proxy && scheme !== 'https') return urldefragauth(request.url ?? '');
    return request.path_url;
  }

  /** Hook for subclasses to add headers; does nothing here. */
  add_headers(_request: PreparedRequest, _kwargs: Record<string, unknown> = {}): void {
    // A subclass hook; the base adapter adds nothing.
  }

  /** Headers to send to a proxy: Proxy-Authorization from the proxy URL's credentials. */
  proxy_headers(proxy: string): HeaderPairs {
    const headers: Array<[string, string]> = [];
    const [username, password] = get_auth_from_url(proxy);
    if (username && password)
      headers.push(['Proxy-Authorization', _basic_auth_str(username, password)]);
    return headers;
  }

  /**
   * Hands a PreparedRequest to urllib3 (a pool's urlopen, or a connection directly for a
   * chunked body) and turns the answer, or the failure, into requests' terms.
   * @see requests/adapters.py HTTPAdapter.send
   */
  async send(request: PreparedRequest, kwargs: AdapterSendKwargs = {}): Promise<Response> {
    const { stream = false, verify = true, cert = null, proxies = null } = kwargs;
    const timeoutArg = kwargs.timeout === undefined ? null : kwargs.timeout;
    return layerSpan(
      'HTTPAdapter.send',
      () => ({
        [ATTR.httpRequestMethod]: request.method ?? '',
        [ATTR.urlFull]: request.url ?? '',
        'requests.timeout': timeoutRepr(timeoutArg),
        'requests.stream': stream,
        'requests.verify': String(verify),
        'requests.max_retries': this.max_retries.__repr__(),
      }),
      async (span) => {
        const conn = await this.get_connection(request.url ?? '', proxies);

        this.cert_verify(conn, request.url ?? '', verify, cert);
        const url = this.request_url(request, proxies);
        this.add_headers(request);

        const chunked = !(request.body === null || request.headers.has('Content-Length'));
        span.setAttribute('requests.chunked', chunked);

        let timeout: TimeoutSauce;
        if (Array.isArray(timeoutArg)) {
          // Python: `isinstance(timeout, tuple)`; a JS array plays the tuple.
          try {
            if (timeoutArg.length !== 2) {
              const n = timeoutArg.length;
              throw new ValueError([
                n > 2
                  ? `too many values to unpack (expected 2)`
                  : `not enough values to unpack (expected 2, got ${n})`,
              ]);
            }
            const [connect, read] = timeoutArg as readonly unknown[];
            timeout = new TimeoutSauce({ connect, read });
          } catch (e) {
            if (!(e instanceof ValueError)) throw e;
            throw new ValueError(
              [
                `Invalid timeout ${pyRepr(timeoutArg)}. Pass a (connect, read) timeout tuple, ` +
                  'or a single float to set both timeouts to the same value',
              ],
              { cause: e }
            );
          }
        } else {
          timeout = new TimeoutSauce({ connect: timeoutArg, read: timeoutArg });
        }

        let resp: HTTPResponse;
        try {
          if (!chunked) {
            resp = await conn.urlopen(request.method ?? 'GET', url, {
              body: request.body as string | Uint8Array | null,
              headers: request.headers.items(),
              redirect: false,
              assert_same_host: false,
              preload_content: false,
              decode_content: false,
              retries: this.max_retries,
              timeout,
            });
          } else {
            // Send the request through the connection itself, chunk by chunk.
            decision('chunked: low-level path');
            const pool: HTTPConnectionPool = conn;
            const low_conn = await pool._get_conn(DEFAULT_POOL_TIMEOUT);
            try {
              // Python: putrequest/putheader/endheaders, then each chunk framed as
              // hex(len)\r\n chunk \r\n and a final 0\r\n\r\n. undici frames an iterable body
              // with Transfer-Encoding: chunked itself (it refuses the header from us).
              const r = await low_conn.request(request.method ?? 'GET', url, {
                body: request.body,
                headers: request.headers.items(),
                // Python applies no timeout on this path (the socket keeps the pool's).
                read_timeout: null,
                pool,
                scheme: pool.scheme,
                chunked: true,
                skip_accept_encoding: true,
              });
              resp = await HTTPResponse.from_httplib(r, {
                pool,
                connection: low_conn,
                preload_content: false,
                decode_content: false,
              });
            } catch (err) {
              // Python: bare except → low_conn.close(); raise. The connection is not returned,
              // so its pool slot stays taken (as in 2.9.1).
              low_conn.close();
              throw err;
            }
          }
        } catch (err) {
          throw translate(err, request);
        }
        return this.build_response(request, resp);
      }
    );
  }
}

/**
 * urllib3 → requests, exactly the `except` clauses of `HTTPAdapter.send` (2.9.1), in order.
 * Anything not listed is re-raised as is (e.g. a NewConnectionError on the chunked path).
 */
function translate(err: unknown, request: PreparedRequest): unknown {
  const opts = { request, cause: err };
  let out: unknown = err;
  if (err instanceof ProtocolError) {
    out = new ConnectionError(err, opts);
  } else if (err instanceof MaxRetryError) {
    const reason = err.reason;
    // TODO upstream: remove the NewConnectionError check in 3.0.0 (requests #2811).
    if (reason instanceof ConnectTimeoutError && !(reason instanceof NewConnectionError)) {
      out = new ConnectTimeout(err, opts);
    } else if (reason instanceof ResponseError) {
      out = new RetryError(err, opts);
    } else if (reason instanceof _ProxyError) {
      out = new ProxyError(err, opts);
    } else {
      out = new ConnectionError(err, opts);
    }
  } else if (err instanceof ClosedPoolError) {
    out = new ConnectionError(err, opts);
  } else if (err instanceof _ProxyError) {
    out = new ProxyError(err, { cause: err });
  } else if (err instanceof _SSLError) {
    out = new SSLError(err, opts);
  } else if (err instanceof ReadTimeoutError) {
    out = new ReadTimeout(err, opts);
  } else if (err instanceof _HTTPError) {
    out = err;
  }
  if (out !== err) {
    const from = (err as Error).constructor as { pythonName?: string };
    const to = (out as Error).constructor as { pythonName?: string };
    decision('exception translated', undefined, {
      'requests.exception.from': from.pythonName ?? 'Error',
      'requests.exception.to': to.pythonName ?? 'Error',
    });
  }
  return out;
}

function timeoutRepr(timeout: TimeoutArg): string {
  return pyRepr(timeout);
}

/** Only the scheme is lower-cased (`urlparse(url).geturl()`). */
function lowerScheme(url: string): string {
  const sep = url.indexOf('://');
  if (sep < 0) return url;
  return url.slice(0, sep).toLowerCase() + url.slice(sep);
}

function redactProxy(proxy: string): string {
  return proxy.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1REDACTED:REDACTED@');
}
