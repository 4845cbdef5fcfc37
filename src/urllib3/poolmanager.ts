/**
 * @module
 * Keeps one connection pool per (scheme, host, port), the most recently used first.
 * @see urllib3/poolmanager.py (urllib3 1.13.1) PoolManager, ProxyManager, proxy_from_url
 *
 * Ported: `connection_from_host` / `connection_from_url` (pools keyed by scheme, host and
 * port, kept in a RecentlyUsedContainer of `num_pools` that closes evicted pools), `_new_pool`
 * (the SSL keyword arguments are dropped for plain HTTP), `clear`, and ProxyManager (plain
 * HTTP proxying: the pool connects to the proxy and sends absolute URLs).
 * Left out: `PoolManager.urlopen` (requests calls the pool's `urlopen` directly), HTTPS
 * through a proxy (CONNECT tunnelling).
 */
import { decision, layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import { RecentlyUsedContainer } from './_collections.js';
import { port_by_scheme, type HeaderPairs } from './connection.js';
import {
  HTTPConnectionPool,
  HTTPSConnectionPool,
  type HTTPConnectionPoolOptions,
  type HTTPSConnectionPoolOptions,
} from './connectionpool.js';
import { LocationValueError, ProxySchemeUnknown } from './exceptions.js';
import { parse_url, type Url } from './util/url.js';

/** Pool constructor options a PoolManager passes to every pool it makes. */
export type PoolKwargs = HTTPConnectionPoolOptions & HTTPSConnectionPoolOptions;

const SSL_KEYWORDS: ReadonlyArray<keyof HTTPSConnectionPoolOptions> = [
  'key_file',
  'cert_file',
  'cert_reqs',
  'ca_certs',
  'ssl_version',
  'ca_cert_dir',
];

/** Keeps connection pools by (scheme, host, port) and hands out the right one for a URL. */
export class PoolManager {
  proxy: Url | null = null;
  readonly headers: HeaderPairs;
  readonly connection_pool_kw: PoolKwargs;
  readonly pools: RecentlyUsedContainer<string, HTTPConnectionPool>;
  readonly num_pools: number;

  constructor(opts: { num_pools?: number; headers?: HeaderPairs } & PoolKwargs = {}) {
    const { num_pools = 10, headers = [], ...connection_pool_kw } = opts;
    this.num_pools = num_pools;
    this.headers = headers;
    this.connection_pool_kw = connection_pool_kw;
    // Pools pushed out of the container are closed.
    this.pools = new RecentlyUsedContainer(num_pools, (pool) => {
      void pool.close();
    });
  }

  /** Makes a new pool for (scheme, host, port), with this manager's pool options. */
  _new_pool(scheme: string, host: string, port: number): HTTPConnectionPool {
    let kwargs: PoolKwargs = this.connection_pool_kw;
    if (scheme === 'http') {
      kwargs = { ...this.connection_pool_kw };
      for (const kw of SSL_KEYWORDS) delete kwargs[kw];
      return new HTTPConnectionPool(host, port, kwargs);
    }
    return new HTTPSConnectionPool(host, port, kwargs);
  }

  /** Empties the pool container; every pool is closed (and its connections with it). */
  clear(): void {
    this.pools.clear();
  }

  /** The pool key: `(scheme, host, port)`. */
  static pool_key(scheme: string, host: string, port: number): string {
    return `('${scheme}', '${host}', ${port})`;
  }

  /**
   * The pool for host/port/scheme, made on first use. Without a port, the scheme's default.
   * @see urllib3/poolmanager.py PoolManager.connection_from_host
   */
  connection_from_host(
    host: string | null,
    port: number | null = null,
    scheme: string | null = 'http'
  ): HTTPConnectionPool {
    if (!host) throw new LocationValueError(['No host specified.']);
    const s = scheme || 'http';
    const p = port || port_by_scheme[s] || 80;
    const key = PoolManager.pool_key(s, host, p);
    const existing = this.pools.get(key);
    if (existing) {
      decision('pool reused', undefined, {
        'urllib3.pool_key': key,
        'urllib3.pool.num_connections': existing.num_connections,
      });
      return existing;
    }
    // Python: _new_pool(scheme, host, port), stored under its key.
    const pool = this._new_pool(s, host, p);
    this.pools.set(key, pool);
    decision('pool created', undefined, {
      'urllib3.pool': pool.__str__(),
      'urllib3.pool_key': key,
      'urllib3.pool.maxsize': pool.maxsize,
      'urllib3.pool.block': pool.block,
    });
    return pool;
  }

  /**
   * The pool for a URL's scheme, host and port (the path is ignored).
   * @see urllib3/poolmanager.py PoolManager.connection_from_url
   */
  async connection_from_url(url: string): Promise<HTTPConnectionPool> {
    return layerSpan(
      'PoolManager.connection_from_url',
      () => ({
        [ATTR.urlFull]: url,
        'urllib3.num_pools': this.num_pools,
        'urllib3.pools': this.pools.size,
      }),
      async (span) => {
        const u = parse_url(url);
        const pool = this.connection_from_host(u.host, u.port, u.scheme);
        span.setAttributes({
          'urllib3.pool': pool.__str__(),
          'urllib3.pool.maxsize': pool.maxsize,
          'urllib3.pool.block': pool.block,
          'urllib3.pool.num_connections': pool.num_connections,
        });
        return pool;
      }
    );
  }
}

/**
 * A PoolManager that sends every plain-HTTP request through one proxy: its pools connect to
 * the proxy, and requests' `request_url` gives them absolute URLs.
 */
export class ProxyManager extends PoolManager {
  readonly proxy_headers: HeaderPairs;

  constructor(
    proxy_url: string,
    opts: {
      num_pools?: number;
      headers?: HeaderPairs;
      proxy_headers?: HeaderPairs;
    } & PoolKwargs = {}
  ) {
    let proxy = parse_url(proxy_url);
    if (!proxy.port) {
      const port = port_by_scheme[proxy.scheme ?? ''] ?? 80;
      proxy = parse_url(
        `${proxy.scheme ?? 'http'}://${proxy.auth ? `${proxy.auth}@` : ''}${proxy.host ?? ''}:${port}${proxy.path ?? ''}`
      );
    }
    if (proxy.scheme !== 'http' && proxy.scheme !== 'https')
      throw new ProxySchemeUnknown(proxy.scheme);
    const { proxy_headers = [], ...rest } = opts;
    super({
      ...rest,
      _proxy: { scheme: proxy.scheme, host: proxy.host ?? '', port: proxy.port ?? 80 },
      _proxy_headers: proxy_headers,
    });
    this.proxy = proxy;
    this.proxy_headers = proxy_headers;
  }

  /** HTTPS goes direct (no tunnelling here); everything else to the proxy's pool. */
  override connection_from_host(
    host: string | null,
    port: number | null = null,
    scheme: string | null = 'http'
  ): HTTPConnectionPool {
    if (scheme === 'https') return super.connection_from_host(host, port, scheme);
    const proxy = this.proxy as Url;
    return super.connection_from_host(proxy.host, proxy.port, proxy.scheme);
  }
}

/** `ProxyManager(proxy_url=url, **kw)`. */
export function proxy_from_url(
  url: string,
  opts: { num_pools?: number; headers?: HeaderPairs; proxy_headers?: HeaderPairs } & PoolKwargs = {}
): ProxyManager {
  return new ProxyManager(url, opts);
}
