// HTTPAdapter.send without sockets: the pool's urlopen is replaced to raise each urllib3
// error, so the translation table and the timeout handling are checked on their own.
import { describe, expect, it } from 'vitest';
import { HTTPAdapter } from '../../../src/requests/adapters.js';
import {
  ConnectionError,
  ConnectTimeout,
  ProxyError,
  ReadTimeout,
  RetryError,
  SSLError,
  Timeout,
} from '../../../src/requests/exceptions.js';
import { Request } from '../../../src/requests/models.js';
import { ValueError } from '../../../src/urllib3/builtins.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import {
  ClosedPoolError,
  ConnectTimeoutError,
  DecodeError,
  MaxRetryError,
  NewConnectionError,
  ProtocolError,
  ProxyError as _ProxyError,
  ReadTimeoutError,
  ResponseError,
  SSLError as _SSLError,
} from '../../../src/urllib3/exceptions.js';
import type { HTTPResponse } from '../../../src/urllib3/response.js';
import { Retry } from '../../../src/urllib3/util/retry.js';
import type { Timeout as UrllibTimeout } from '../../../src/urllib3/util/timeout.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

useMemoryTracing('requests-unit');

const pool = new HTTPConnectionPool('127.0.0.1', 8774);

/** An adapter whose pool raises `error` from urlopen (and records the urlopen call). */
function adapterRaising(error: unknown): [HTTPAdapter, Array<Record<string, unknown>>] {
  const adapter = new HTTPAdapter();
  const calls: Array<Record<string, unknown>> = [];
  const fake = new HTTPConnectionPool('127.0.0.1', 8774);
  fake.urlopen = async (method, url, opts = {}) => {
    calls.push({ method, url, ...opts });
    throw error;
  };
  adapter.get_connection = async () => fake;
  return [adapter, calls];
}

function prepared(url = 'http://127.0.0.1:8774/v2.1/servers') {
  return new Request({ method: 'GET', url }).prepare();
}

describe('HTTPAdapter.__init__', () => {
  it('configures Retry(0, read=False) for the default max_retries', () => {
    expect(new HTTPAdapter().max_retries.__repr__()).toBe(
      'Retry(total=0, connect=None, read=False, redirect=None)'
    );
    expect(new HTTPAdapter({ max_retries: 3 }).max_retries.__repr__()).toBe(
      'Retry(total=3, connect=None, read=None, redirect=None)'
    );
    const adapter = new HTTPAdapter({ pool_connections: 2, pool_maxsize: 5, pool_block: true });
    expect(adapter.poolmanager.num_pools).toBe(2);
    expect(adapter.poolmanager.connection_pool_kw).toMatchObject({
      maxsize: 5,
      block: true,
      strict: true,
    });
  });
});

describe('HTTPAdapter.send', () => {
  it.each([
    ['ProtocolError', new ProtocolError(['Connection aborted.', 'x']), ConnectionError],
    [
      'MaxRetryError(NewConnectionError)',
      new MaxRetryError(pool, '/', new NewConnectionError('<c>', 'refused')),
      ConnectionError,
    ],
    [
      'MaxRetryError(ConnectTimeoutError)',
      new MaxRetryError(pool, '/', new ConnectTimeoutError(['slow'])),
      ConnectTimeout,
    ],
    [
      'MaxRetryError(ResponseError)',
      new MaxRetryError(pool, '/', new ResponseError(['too many'])),
      RetryError,
    ],
    [
      'MaxRetryError(ProxyError)',
      new MaxRetryError(pool, '/', new _ProxyError(['proxy down'])),
      ProxyError,
    ],
    ['ClosedPoolError', new ClosedPoolError(pool, 'Pool is closed.'), ConnectionError],
    ['ProxyError', new _ProxyError(['Cannot connect to proxy.']), ProxyError],
    ['SSLError', new _SSLError(['bad cert']), SSLError],
    [
      'ReadTimeoutError',
      new ReadTimeoutError(pool, '/', 'Read timed out. (read timeout=1)'),
      ReadTimeout,
    ],
  ])('translates %s', async (_name, error, expected) => {
    const [adapter] = adapterRaising(error);
    const request = prepared();
    const err = await adapter.send(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(expected);
    expect((err as Error).cause).toBe(error);
    expect((err as Error).message).toBe((error as Error).message);
    if (!(err instanceof ProxyError) || error instanceof MaxRetryError) {
      expect((err as { request: unknown }).request).toBe(request);
    }
  });

  it('keeps NewConnectionError out of ConnectTimeout, though it is a ConnectTimeoutError (requests #2811)', async () => {
    const [adapter] = adapterRaising(
      new MaxRetryError(pool, '/', new NewConnectionError('<c>', 'refused'))
    );
    const err = await adapter.send(prepared()).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ConnectTimeout);
    expect(err).not.toBeInstanceOf(Timeout);
  });

  it('re-raises other urllib3 errors as they are', async () => {
    const error = new DecodeError(['bad gzip']);
    const [adapter] = adapterRaising(error);
    await expect(adapter.send(prepared())).rejects.toBe(error);
  });

  it('calls urlopen as requests does: no redirect, no preload, no decode, its Retry and a Timeout', async () => {
    const [adapter, calls] = adapterRaising(new ProtocolError(['x']));
    await adapter.send(prepared(), { timeout: [3.05, 27] }).catch(() => undefined);
    const call = calls[0] as Record<string, unknown>;
    expect(call).toMatchObject({
      method: 'GET',
      url: '/v2.1/servers',
      redirect: false,
      assert_same_host: false,
      preload_content: false,
      decode_content: false,
    });
    expect(call.retries).toBe(adapter.max_retries);
    expect(call.retries).toBeInstanceOf(Retry);
    expect(String(call.timeout as UrllibTimeout)).toBe(
      'Timeout(connect=3.05, read=27, total=None)'
    );
    await adapter.send(prepared(), { timeout: 5 }).catch(() => undefined);
    expect(String(calls[1]?.timeout as UrllibTimeout)).toBe(
      'Timeout(connect=5, read=5, total=None)'
    );
  });

  it.each([
    [
      [1, 2, 3],
      'Invalid timeout (1, 2, 3). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value',
    ],
    [
      [1],
      'Invalid timeout (1,). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value',
    ],
    [
      ['a', 1],
      "Invalid timeout ('a', 1). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value",
    ],
    [
      [-1, 1],
      'Invalid timeout (-1, 1). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value',
    ],
  ])('raises ValueError for the timeout tuple %j', async (timeout, message) => {
    const [adapter, calls] = adapterRaising(new ProtocolError(['x']));
    const err = await adapter.send(prepared(), { timeout }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toBe(message);
    expect(calls).toHaveLength(0);
  });

  it('takes the low-level chunked path for a stream body without Content-Length', async () => {
    const adapter = new HTTPAdapter();
    const fake = new HTTPConnectionPool('127.0.0.1', 8774);
    let urlopened = false;
    fake.urlopen = async () => {
      urlopened = true;
      return {} as HTTPResponse;
    };
    const refused = new NewConnectionError('<c>', 'refused');
    fake._get_conn = async () => {
      const conn = await HTTPConnectionPool.prototype._get_conn.call(fake);
      conn.request = async () => {
        throw refused;
      };
      return conn;
    };
    adapter.get_connection = async () => fake;
    const request = new Request({
      method: 'POST',
      url: 'http://127.0.0.1:8774/upload',
      data: ['a', 'b'][Symbol.iterator](),
    }).prepare();
    expect(request.headers.get('Transfer-Encoding')).toBe('chunked');
    // On this path urllib3 errors are not wrapped by urlopen: NewConnectionError comes out as is.
    await expect(adapter.send(request)).rejects.toBe(refused);
    expect(urlopened).toBe(false);
  });
});

describe('HTTPAdapter.request_url', () => {
  it('is the path for direct requests and the full URL through an http proxy', () => {
    const adapter = new HTTPAdapter();
    const request = prepared('http://127.0.0.1:8774/v2.1/servers?name=vm#frag');
    expect(adapter.request_url(request, {})).toBe('/v2.1/servers?name=vm');
    expect(adapter.request_url(request, { http: 'http://proxy:3128' })).toBe(
      'http://127.0.0.1:8774/v2.1/servers?name=vm'
    );
  });
});

describe('HTTPAdapter.get_connection', () => {
  it('keys pools by scheme, host and port, and goes through a proxy manager when a proxy applies', async () => {
    const adapter = new HTTPAdapter();
    const a = await adapter.get_connection('http://127.0.0.1:8774/x');
    const b = await adapter.get_connection('HTTP://127.0.0.1:8774/y');
    const c = await adapter.get_connection('http://127.0.0.1:5000/');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    const proxied = await adapter.get_connection('http://127.0.0.1:8774/x', {
      http: 'user:pw@proxy.example:3128',
    });
    expect([proxied.host, proxied.port]).toEqual(['proxy.example', 3128]);
    expect(proxied.proxy_headers).toEqual([
      ['Proxy-Authorization', `Basic ${Buffer.from('user:pw').toString('base64')}`],
    ]);
    await adapter.close();
    expect(a.pool).toBeNull();
  });
});
