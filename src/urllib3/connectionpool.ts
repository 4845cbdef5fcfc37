/**
 * @module
 * The connection pool: a LIFO queue of connections to one host, reused across requests.
 * @see urllib3/connectionpool.py (urllib3 1.13.1) ConnectionPool, HTTPConnectionPool
 *
 * Ported: the constructor (the queue pre-filled with `maxsize` empty slots, so a "pool miss"
 * means an empty slot and a new connection), `_new_conn`, `_get_conn` (ClosedPoolError,
 * blocking wait + EmptyPoolError, the dropped-connection check and reset), `_put_conn` (the
 * "pool is full, discarding" branch), `_get_timeout`, `_make_request`, `close`,
 * `is_same_host`, and `urlopen` with its error handling, Retry bookkeeping, recursion on retry,
 * forced retries, and the pool-level redirect branch (requests passes `redirect=False`).
 *
 * Every method here is async: Python blocks a thread, we await (and step mode pauses at each
 * span). Left out: HTTPSConnectionPool (the flow is plain HTTP; TLS would be an undici
 * `connect` option), proxy tunnelling (`_prepare_proxy`, HTTPS only), App Engine branches.
 */
import { trace } from '@opentelemetry/api';
import { decision, layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import { pyRepr, pyReprString } from './builtins.js';
import { HTTPHeaderDict } from './_collections.js';
import {
  HTTPConnection,
  HTTPSConnection,
  port_by_scheme,
  type CertSettings,
  with_resend_count,
  type ConnectionBody,
  type HeaderPairs,
  type HTTPLibResponse,
} from './connection.js';
import {
  ClosedPoolError,
  EmptyPoolError,
  HostChangedError,
  LocationValueError,
  MaxRetryError,
  ProtocolError,
  ProxyError,
  ReadTimeoutError,
  SSLError,
  TimeoutError,
} from './exceptions.js';
import { HTTPResponse } from './response.js';
import { is_connection_dropped } from './util/connection.js';
import { Empty, Full, LifoQueue } from './util/queue.js';
import { Retry, type RetryCount } from './util/retry.js';
import { Timeout, _Default, type TimeoutValue } from './util/timeout.js';
import { get_host } from './util/url.js';

/** What every pool has: a host, a port, and `close()`. */
export class ConnectionPool {
  scheme: string | null = null;
  readonly host: string;
  readonly port: number | null;

  constructor(host: string, port: number | null = null) {
    if (!host) throw new LocationValueError(['No host specified.']);
    this.host = host;
    this.port = port;
  }

  /** Python `str(pool)`: `HTTPConnectionPool(host='127.0.0.1', port=8774)`. */
  __str__(): string {
    return `${this.constructor.name}(host=${pyReprString(this.host)}, port=${pyRepr(this.port)})`;
  }

  toString(): string {
    return this.__str__();
  }

  /** Shuts the pool: queued connections are closed, later `_get_conn` calls fail. */
  async close(): Promise<void> {
    // The base class keeps no connections.
  }
}

/** Constructor options of {@link HTTPConnectionPool} (Python keyword arguments). */
export interface HTTPConnectionPoolOptions {
  strict?: boolean;
  /** Default timeout for each request: a Timeout, or seconds for both connect and read. */
  timeout?: Timeout | TimeoutValue;
  /** Connections kept for reuse (the queue's slots). */
  maxsize?: number;
  /** When true, never more than `maxsize` connections: `_get_conn` waits for a free one. */
  block?: boolean;
  /** Headers sent with every request made through `urlopen` without headers of its own. */
  headers?: HeaderPairs;
  retries?: Retry | RetryCount;
  _proxy?: { scheme: string; host: string; port: number } | null;
  _proxy_headers?: HeaderPairs;
}

/** Keyword arguments of {@link HTTPConnectionPool.urlopen}. */
export interface UrlopenOptions {
  body?: ConnectionBody;
  headers?: HeaderPairs | null;
  retries?: Retry | RetryCount;
  redirect?: boolean;
  assert_same_host?: boolean;
  timeout?: Timeout | TimeoutValue | typeof _Default;
  pool_timeout?: number | null;
  release_conn?: boolean | null;
  preload_content?: boolean;
  decode_content?: boolean;
}

/**
 * The connections to one host:port, shared by concurrent requests. Connections go back into the
 * queue after use; the queue is LIFO, so the most recently used (likely still alive) one is
 * handed out next.
 */
export class HTTPConnectionPool extends ConnectionPool {
  override scheme = 'http';
  readonly strict: boolean;
  readonly timeout: Timeout;
  readonly retries: Retry | RetryCount;
  /** The queue of connections; `null` slots stand for "may create one"; `null` pool = closed. */
  pool: LifoQueue<HTTPConnection | null> | null;
  readonly maxsize: number;
  readonly block: boolean;
  readonly headers: HeaderPairs;
  readonly proxy: HTTPConnectionPoolOptions['_proxy'];
  readonly proxy_headers: HeaderPairs;
  /** Connections created so far (mostly for tests and the span attributes). */
  num_connections = 0;
  /** Requests made so far. */
  num_requests = 0;

  constructor(host: string, port: number | null = null, opts: HTTPConnectionPoolOptions = {}) {
    super(host, port);
    this.strict = opts.strict ?? false;
    const timeout = opts.timeout === undefined ? Timeout.DEFAULT_TIMEOUT : opts.timeout;
    this.timeout = timeout instanceof Timeout ? timeout : Timeout.from_float(timeout);
    this.retries =
      opts.retries === undefined || opts.retries === null ? Retry.DEFAULT : opts.retries;
    this.maxsize = opts.maxsize ?? 1;
    this.pool = new LifoQueue<HTTPConnection | null>(this.maxsize);
    this.block = opts.block ?? false;
    this.headers = opts.headers ?? [];
    this.proxy = opts._proxy ?? null;
    this.proxy_headers = opts._proxy_headers ?? [];
    // Python: maxsize None slots, so a blocking get() waits only when all are taken.
    for (let i = 0; i < this.maxsize; i += 1) this.pool.put(null);
  }

  /** Pool state as span attributes. */
  #poolAttributes(): Record<string, string | number | boolean> {
    return {
      'urllib3.pool': this.__str__(),
      'urllib3.pool.maxsize': this.maxsize,
      'urllib3.pool.block': this.block,
      'urllib3.pool.num_connections': this.num_connections,
      'urllib3.pool.num_requests': this.num_requests,
      'urllib3.pool.queued': this.pool?.qsize() ?? 0,
      'urllib3.pool.idle_connections': this.pool?.snapshot().filter((c) => c !== null).length ?? 0,
    };
  }

  /** The connection class this pool makes (HTTPS pools make HTTPSConnection). */
  get ConnectionCls(): typeof HTTPConnection {
    return HTTPConnection;
  }

  /** Hook for subclasses to set up a new connection (HTTPS: certificate settings). */
  _prepare_conn(conn: HTTPConnection): HTTPConnection {
    return conn;
  }

  /**
   * Returns a fresh connection (not connected yet: it opens its socket on first use).
   * @see urllib3/connectionpool.py HTTPConnectionPool._new_conn
   */
  async _new_conn(): Promise<HTTPConnection> {
    return layerSpan('HTTPConnectionPool._new_conn', this.#poolAttributes(), async (span) => {
      this.num_connections += 1;
      // Python: log.info("Starting new HTTP connection (%d): %s", num_connections, host)
      decision(
        'pool miss: new connection',
        `Starting new ${this.scheme === 'https' ? 'HTTPS' : 'HTTP'} connection (${this.num_connections}): ${this.host}`,
        { 'urllib3.pool.num_connections': this.num_connections }
      );
      span.setAttribute('urllib3.pool.num_connections', this.num_connections);
      return this._prepare_conn(
        new this.ConnectionCls({
          host: this.host,
          port: this.port,
          timeout: this.timeout.connect_timeout,
          strict: this.strict,
        })
      );
    });
  }

  /**
   * Takes a connection from the pool, or makes a new one when the slot was empty. With
   * `block`, waits up to `timeout` seconds (None = forever) for one to be put back, else
   * raises EmptyPoolError. A pooled connection whose socket the server dropped is reset.
   * @see urllib3/connectionpool.py HTTPConnectionPool._get_conn
   */
  async _get_conn(timeout: number | null = null): Promise<HTTPConnection> {
    return layerSpan(
      'HTTPConnectionPool._get_conn',
      () => ({ ...this.#poolAttributes(), 'urllib3.pool_timeout': timeout ?? 'None' }),
      async (span) => {
        let conn: HTTPConnection | null = null;
        const pool = this.pool;
        // Python: AttributeError on self.pool None -> ClosedPoolError.
        if (pool === null) throw new ClosedPoolError(this, 'Pool is closed.');
        try {
          if (this.block && pool.qsize() === 0) {
            decision('pool empty: block', undefined, {
              'urllib3.pool_timeout': timeout ?? 'None',
            });
          }
          conn = await pool.get(this.block, timeout);
        } catch (err) {
          if (!(err instanceof Empty)) throw err;
          if (this.block) {
            throw new EmptyPoolError(
              this,
              'Pool reached maximum size and no more connections are allowed.'
            );
          }
          // Python: not blocking → fall through and make a new connection.
        }

        // Python: is_connection_dropped(conn) → log, conn.close(), reuse the object.
        if (conn && (await is_connection_dropped(conn))) {
          // Python: log.info("Resetting dropped connection: %s", host)
          decision('connection dropped: reset', `Resetting dropped connection: ${this.host}`);
          conn.close();
        } else if (conn) {
          decision('pool hit', undefined, {
            'urllib3.connection': conn.__repr__(),
          });
        }
        const out = conn ?? (await this._new_conn());
        span.setAttribute('urllib3.connection', out.__repr__());
        return out;
      }
    );
  }

  /**
   * Puts a connection back into the pool (null frees its slot). When the pool is full the
   * connection is closed and discarded; when the pool is closed it is just closed.
   * @see urllib3/connectionpool.py HTTPConnectionPool._put_conn
   */
  async _put_conn(conn: HTTPConnection | null): Promise<void> {
    return layerSpan(
      'HTTPConnectionPool._put_conn',
      () => ({ ...this.#poolAttributes(), 'urllib3.connection': conn?.__repr__() ?? 'None' }),
      async () => {
        const pool = this.pool;
        if (pool !== null) {
          try {
            pool.put(conn, false);
            decision('connection released', undefined, {
              'urllib3.pool.queued': pool.qsize(),
            });
            return; // Everything is dandy, done.
          } catch (err) {
            if (!(err instanceof Full)) throw err;
            // Python: log.warning(...) — with block=True the queue cannot overflow.
            decision(
              'pool is full: discard',
              `Connection pool is full, discarding connection: ${this.host}`
            );
          }
        }
        // Python: not pooled (full or closed) → conn.close().
        conn?.close();
      }
    );
  }

  /** A Timeout for one request: the pool's, a given Timeout, or seconds. */
  _get_timeout(timeout: Timeout | TimeoutValue | typeof _Default): Timeout {
    if (timeout === _Default) return this.timeout.clone();
    if (timeout instanceof Timeout) return timeout.clone();
    // Python: Timeout.from_float(timeout) for a number or None.
    return Timeout.from_float(timeout);
  }

  /**
   * Sends one request on `conn` and reads the response status and headers.
   * @see urllib3/connectionpool.py HTTPConnectionPool._make_request
   */
  async _make_request(
    conn: HTTPConnection,
    method: string,
    url: string,
    opts: {
      timeout?: Timeout | TimeoutValue | typeof _Default;
      body?: ConnectionBody;
      headers?: HeaderPairs;
    } = {}
  ): Promise<HTTPLibResponse> {
    const timeout_obj = this._get_timeout(opts.timeout ?? _Default);
    return layerSpan(
      'HTTPConnectionPool._make_request',
      () => ({
        [ATTR.httpRequestMethod]: method,
        [ATTR.urlPath]: url,
        'urllib3.timeout': timeout_obj.toString(),
        'urllib3.connection': conn.__repr__(),
      }),
      async () => {
        this.num_requests += 1;
        timeout_obj.start_connect();
        conn.timeout = timeout_obj.connect_timeout;
        const read_timeout = timeout_obj.read_timeout;
        // Python: a read timeout of 0 fails before waiting at all.
        if (read_timeout === 0) {
          throw new ReadTimeoutError(this, url, `Read timed out. (read timeout=${read_timeout})`);
        }
        // conn.request() + conn.getresponse(): the wire span lives in connection.ts.
        return conn.request(method, url, {
          body: opts.body ?? null,
          headers: opts.headers ?? [],
          read_timeout,
          pool: this,
          scheme: this.scheme,
        });
      }
    );
  }

  /** Shuts the pool: queued connections are closed, later `_get_conn` calls fail. */
  override async close(): Promise<void> {
    // Python: old_pool, self.pool = self.pool, None; then close what is queued.
    const old_pool = this.pool;
    this.pool = null;
    if (!old_pool) return;
    for (;;) {
      let conn: HTTPConnection | null;
      try {
        conn = await old_pool.get(false);
      } catch {
        break; // Done.
      }
      conn?.close();
    }
  }

  /** True when `url` (absolute or a path) points at this pool's scheme, host and port. */
  is_same_host(url: string): boolean {
    if (url.startsWith('/')) return true;
    // Python compares names only (no DNS lookups).
    const [scheme, host, parsedPort] = get_host(url);
    let port = parsedPort;
    // Python: a missing port counts as the scheme's default.
    const defaultPort = port_by_scheme[scheme];
    let ownPort = this.port;
    if (this.port !== null && port === null) port = defaultPort ?? null;
    else if (this.port === null && port !== null && port === defaultPort) port = null;
    if (ownPort === null && defaultPort !== undefined && port === defaultPort)
      ownPort = defaultPort;
    return [scheme, host, port].join('|') === [this.scheme, this.host, ownPort].join('|');
  }

  /**
   * Gets a connection from the pool and sends one request on it, with retries per `retries`.
   * Where a request meets a connection. requests calls it with `redirect=False`,
   * `assert_same_host=False`, `preload_content=False`, `decode_content=False` and
   * `Retry(0, read=False)`.
   * @see urllib3/connectionpool.py HTTPConnectionPool.urlopen
   */
  async urlopen(method: string, url: string, opts: UrlopenOptions = {}): Promise<HTTPResponse> {
    const retriesIn = opts.retries === undefined ? null : opts.retries;
    let retries =
      retriesIn instanceof Retry
        ? retriesIn
        : Retry.from_int(retriesIn, opts.redirect ?? true, this.retries);
    return layerSpan(
      'HTTPConnectionPool.urlopen',
      () => ({
        ...this.#poolAttributes(),
        [ATTR.httpRequestMethod]: method,
        [ATTR.urlPath]: url,
        'urllib3.retries': retries.__repr__(),
        'urllib3.timeout':
          opts.timeout === undefined || opts.timeout === _Default
            ? 'default'
            : opts.timeout instanceof Timeout
              ? opts.timeout.toString()
              : pyRepr(opts.timeout),
        'urllib3.redirect': opts.redirect ?? true,
        'urllib3.assert_same_host': opts.assert_same_host ?? true,
        'urllib3.preload_content': opts.preload_content ?? true,
        'urllib3.decode_content': opts.decode_content ?? true,
      }),
      async (span) => {
        let headers = opts.headers ?? this.headers;
        const redirect = opts.redirect ?? true;
        const assert_same_host = opts.assert_same_host ?? true;
        const timeout = opts.timeout ?? _Default;
        const pool_timeout = opts.pool_timeout ?? null;
        const preload_content = opts.preload_content ?? true;
        let release_conn = opts.release_conn ?? preload_content;

        // Python: assert_same_host and not is_same_host(url) → HostChangedError.
        if (assert_same_host && !this.is_same_host(url)) {
          throw new HostChangedError(this, url, retries);
        }

        let conn: HTTPConnection | null = null;
        let response: HTTPResponse | null = null;
        let err: unknown = null;

        // Python: plain-HTTP pools add the proxy headers to a copy of the headers.
        if (this.scheme === 'http' && this.proxy_headers.length > 0) {
          headers = [...headers, ...this.proxy_headers];
        }

        try {
          // Python: timeout_obj = _get_timeout(timeout); conn = _get_conn(pool_timeout).
          const timeout_obj = this._get_timeout(timeout);
          conn = await this._get_conn(pool_timeout);
          conn.timeout = timeout_obj.connect_timeout;

          // Python: _make_request(conn, method, url, timeout=timeout_obj, body=..., headers=...).
          const httplib_response = await this._make_request(conn, method, url, {
            timeout: timeout_obj,
            body: opts.body ?? null,
            headers,
          });

          // Python: response_conn = not release_conn and conn — the response returns the
          // connection itself only when urlopen does not (preload_content=False, as requests).
          const response_conn = release_conn ? null : conn;
          response = await HTTPResponse.from_httplib(httplib_response, {
            pool: this,
            connection: response_conn,
            preload_content,
            decode_content: opts.decode_content ?? true,
          });
        } catch (caught) {
          if (caught instanceof Empty) {
            // Python: except Empty → EmptyPoolError.
            throw new EmptyPoolError(this, 'No pool connections are available.');
          }
          if (caught instanceof SSLError) {
            // Python: certificate trouble is never retried; the connection is discarded.
            conn?.close();
            conn = null;
            release_conn = true;
            throw caught;
          }
          // Python: except (TimeoutError, HTTPException, SocketError, ProtocolError). undici's
          // socket errors already arrive as ProtocolError (connection.ts); anything else (a
          // ValueError from a bad header...) propagates after the finally clause.
          if (!(caught instanceof TimeoutError || caught instanceof ProtocolError)) throw caught;
          // Python: conn = conn and conn.close() → None; release_conn = True. The freed slot
          // gets a new connection on the next _get_conn().
          conn?.close();
          conn = null;
          release_conn = true;
          let e: unknown = caught;
          if (caught instanceof ProtocolError && this.proxy) {
            e = new ProxyError(['Cannot connect to proxy.', caught], { cause: caught });
          }
          // Raises MaxRetryError when exhausted, or `e` itself when its kind is disabled.
          retries = retries.increment({ method, url, error: e, _pool: this });
          await retries.sleep();
          // Python: err = e, for the 'Retrying ...' log line.
          err = e;
        } finally {
          // Python: finally: if release_conn: _put_conn(conn) — None frees the slot.
          if (release_conn) await this._put_conn(conn);
        }

        if (!conn) {
          // Python: no connection left → log the retry and recurse.
          decision(
            'retry',
            `Retrying (${retries.__repr__()}) after connection broken by '${pyRepr(err)}': ${url}`
          );
          return with_resend_count(1, () =>
            this.urlopen(method, url, { ...opts, headers, retries, release_conn })
          );
        }
        const resp = response as HTTPResponse;

        // Python: redirect and response.get_redirect_location() (requests passes redirect=False).
        const redirect_location = redirect && resp.get_redirect_location();
        if (redirect_location) {
          let next_method = method;
          if (resp.status === 303) next_method = 'GET';
          try {
            retries = retries.increment({ method: next_method, url, response: resp, _pool: this });
          } catch (raised) {
            if (raised instanceof MaxRetryError && retries.raise_on_redirect) throw raised;
            return resp;
          }
          decision('pool redirect', `Redirecting ${url} -> ${redirect_location}`);
          return with_resend_count(1, () =>
            this.urlopen(next_method, redirect_location, {
              ...opts,
              headers,
              retries,
              release_conn,
            })
          );
        }

        // Python: retries.is_forced_retry(method, status) → increment, sleep, recurse.
        if (retries.is_forced_retry(method, resp.status)) {
          retries = retries.increment({ method, url, response: resp, _pool: this });
          await retries.sleep();
          decision('retry', `Forced retry: ${url}`);
          return with_resend_count(1, () =>
            this.urlopen(method, url, { ...opts, headers, retries, release_conn })
          );
        }
        span.setAttribute(ATTR.httpResponseStatusCode, resp.status);
        return resp;
      }
    );
  }
}

/** HTTPS pool options: where to find certificates (requests' `cert_verify` sets them). */
export interface HTTPSConnectionPoolOptions extends CertSettings {
  ssl_version?: string | null;
  assert_hostname?: string | false | null;
  assert_fingerprint?: string | null;
}

/**
 * Same as HTTPConnectionPool, over TLS. `cert_reqs`, `ca_certs`... are copied onto each new
 * connection (so changing them affects only connections made afterwards, as upstream).
 * @see urllib3/connectionpool.py HTTPSConnectionPool
 */
export class HTTPSConnectionPool extends HTTPConnectionPool {
  override scheme = 'https';
  key_file: string | null;
  cert_file: string | null;
  cert_reqs: 'CERT_REQUIRED' | 'CERT_NONE' | null;
  ca_certs: string | null;
  ca_cert_dir: string | null;
  ssl_version: string | null;

  constructor(
    host: string,
    port: number | null = null,
    opts: HTTPConnectionPoolOptions & HTTPSConnectionPoolOptions = {}
  ) {
    super(host, port, opts);
    this.key_file = opts.key_file ?? null;
    this.cert_file = opts.cert_file ?? null;
    this.cert_reqs = opts.cert_reqs ?? null;
    this.ca_certs = opts.ca_certs ?? null;
    this.ca_cert_dir = opts.ca_cert_dir ?? null;
    this.ssl_version = opts.ssl_version ?? null;
  }

  override get ConnectionCls(): typeof HTTPConnection {
    return HTTPSConnection;
  }

  override _prepare_conn(conn: HTTPConnection): HTTPConnection {
    if (conn instanceof HTTPSConnection) {
      conn.set_cert({
        key_file: this.key_file,
        cert_file: this.cert_file,
        cert_reqs: this.cert_reqs,
        ca_certs: this.ca_certs,
        ca_cert_dir: this.ca_cert_dir,
      });
    }
    return conn;
  }
}

/** The active span's trace id (tests and narration use it). */
export function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

export { HTTPHeaderDict };
