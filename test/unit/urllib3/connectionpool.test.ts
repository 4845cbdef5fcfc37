// No-network tests of the pool (urllib3's test/test_connectionpool.py split): connections are
// made but never used, so no socket is opened.
import { describe, expect, it } from 'vitest';
import { HTTPConnection } from '../../../src/urllib3/connection.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import {
  ClosedPoolError,
  EmptyPoolError,
  HostChangedError,
  LocationValueError,
} from '../../../src/urllib3/exceptions.js';
import { Timeout } from '../../../src/urllib3/util/timeout.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing('urllib3-unit');

function eventKeys(spans: Awaited<ReturnType<typeof tracing.spans>>, name: string): string[][] {
  return spans
    .filter((s) => s.name === name)
    .map((s) => s.events.map((e) => String(e.attributes?.['novatrace.event'])));
}

describe('HTTPConnectionPool.__init__', () => {
  it('fills the queue with maxsize empty slots', () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 3 });
    expect(pool.pool?.qsize()).toBe(3);
    expect(pool.pool?.snapshot()).toEqual([null, null, null]);
    expect(pool.num_connections).toBe(0);
  });

  it('raises LocationValueError without a host', () => {
    expect(() => new HTTPConnectionPool('')).toThrow(LocationValueError);
  });

  it('prints like Python: HTTPConnectionPool(host=..., port=...)', () => {
    expect(String(new HTTPConnectionPool('localhost', 8774))).toBe(
      "HTTPConnectionPool(host='localhost', port=8774)"
    );
    expect(String(new HTTPConnectionPool('localhost'))).toBe(
      "HTTPConnectionPool(host='localhost', port=None)"
    );
  });
});

describe('HTTPConnectionPool._get_conn', () => {
  it('makes a new connection for an empty slot, logging "Starting new HTTP connection"', async () => {
    const pool = new HTTPConnectionPool('localhost', 8774, { maxsize: 1 });
    const conn = await pool._get_conn();
    expect(conn).toBeInstanceOf(HTTPConnection);
    expect(conn.host).toBe('localhost');
    expect(conn.port).toBe(8774);
    expect(pool.num_connections).toBe(1);
    const spans = await tracing.spans();
    const newConn = spans.find((s) => s.name === 'HTTPConnectionPool._new_conn');
    expect(newConn?.events[0]?.name).toBe('Starting new HTTP connection (1): localhost');
    expect(newConn?.parentSpanContext?.spanId).toBe(
      spans.find((s) => s.name === 'HTTPConnectionPool._get_conn')?.spanContext().spanId
    );
  });

  it('reuses the last returned connection (LIFO)', async () => {
    // upstream: test_connectionpool.py (pool queue semantics)
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 2 });
    const first = await pool._get_conn();
    const second = await pool._get_conn();
    await pool._put_conn(first);
    await pool._put_conn(second);
    expect(await pool._get_conn()).toBe(second);
    expect(await pool._get_conn()).toBe(first);
    expect(pool.num_connections).toBe(2);
    const spans = await tracing.spans();
    // never opened, so `sock` is None: urllib3 calls that dropped, resets it, and hands it out
    expect(eventKeys(spans, 'HTTPConnectionPool._get_conn').slice(2)).toEqual([
      ['connection dropped: reset'],
      ['connection dropped: reset'],
    ]);
  });

  it('raises EmptyPoolError when block is true and the pool is drained', async () => {
    // upstream: test_pool_timeouts / test_get_conn_when_pool_is_exhausted style
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1, block: true });
    await pool._get_conn();
    const err = await pool._get_conn(0.01).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmptyPoolError);
    expect((err as Error).message).toBe(
      "HTTPConnectionPool(host='localhost', port=80): Pool reached maximum size and no more connections are allowed."
    );
    expect(pool.num_connections).toBe(1);
  });

  it('waits when blocking until a connection is put back, and hands that one out', async () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1, block: true });
    const conn = await pool._get_conn();
    const waiting = pool._get_conn(null);
    let resolved = false;
    void waiting.then(() => {
      resolved = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    expect(pool.pool?.waiting).toBe(1);
    await pool._put_conn(conn);
    expect(await waiting).toBe(conn);
    expect(pool.num_connections).toBe(1);
    const spans = await tracing.spans();
    expect(eventKeys(spans, 'HTTPConnectionPool._get_conn')[1]).toEqual([
      'pool empty: block',
      'connection dropped: reset',
    ]);
  });

  it('makes another connection when not blocking and the pool is drained', async () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1, block: false });
    const a = await pool._get_conn();
    const b = await pool._get_conn();
    expect(b).not.toBe(a);
    expect(pool.num_connections).toBe(2);
  });

  it('raises ClosedPoolError after close()', async () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1 });
    await pool.close();
    const err = await pool._get_conn().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClosedPoolError);
    expect((err as Error).message).toBe(
      "HTTPConnectionPool(host='localhost', port=80): Pool is closed."
    );
  });
});

describe('HTTPConnectionPool._put_conn', () => {
  it('discards and closes a connection when the pool is full', async () => {
    // upstream: test_put_conn_when_pool_is_full_nonblocking
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1 });
    const kept = await pool._get_conn();
    const extra = await pool._get_conn();
    let closed = 0;
    extra.close = () => {
      closed += 1;
    };
    await pool._put_conn(kept);
    await pool._put_conn(extra);
    expect(closed).toBe(1);
    expect(pool.pool?.snapshot()).toEqual([kept]);
    const spans = await tracing.spans();
    const puts = spans.filter((s) => s.name === 'HTTPConnectionPool._put_conn');
    expect(puts[1]?.events[0]?.name).toBe(
      'Connection pool is full, discarding connection: localhost'
    );
    expect(puts[1]?.events[0]?.attributes?.['novatrace.event']).toBe('pool is full: discard');
  });

  it('closes the connection when the pool is closed', async () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1 });
    const conn = await pool._get_conn();
    let closed = 0;
    conn.close = () => {
      closed += 1;
    };
    await pool.close();
    await pool._put_conn(conn);
    expect(closed).toBe(1);
  });

  it('frees the slot when given None (null)', async () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 1, block: true });
    await pool._get_conn();
    await pool._put_conn(null);
    const fresh = await pool._get_conn(0.01);
    expect(fresh).toBeInstanceOf(HTTPConnection);
    expect(pool.num_connections).toBe(2);
  });
});

describe('HTTPConnectionPool.close', () => {
  it('closes every pooled connection and disables the pool', async () => {
    const pool = new HTTPConnectionPool('localhost', 80, { maxsize: 2 });
    const conns = [await pool._get_conn(), await pool._get_conn()];
    let closed = 0;
    for (const c of conns) {
      c.close = () => {
        closed += 1;
      };
      await pool._put_conn(c);
    }
    await pool.close();
    expect(closed).toBe(2);
    expect(pool.pool).toBeNull();
  });
});

describe('HTTPConnectionPool.is_same_host', () => {
  it('compares scheme, host and port, filling in default ports', () => {
    // upstream: test_same_host / test_not_same_host
    const pool = new HTTPConnectionPool('example.com', 80);
    expect(pool.is_same_host('/path')).toBe(true);
    expect(pool.is_same_host('http://example.com/x')).toBe(true);
    expect(pool.is_same_host('http://example.com:80/x')).toBe(true);
    expect(pool.is_same_host('http://example.com:8080/x')).toBe(false);
    expect(pool.is_same_host('https://example.com/x')).toBe(false);
    expect(pool.is_same_host('http://other.com/x')).toBe(false);
  });
});

describe('HTTPConnectionPool.urlopen', () => {
  it('raises HostChangedError for a foreign host when assert_same_host is on', async () => {
    const pool = new HTTPConnectionPool('example.com', 80);
    await expect(pool.urlopen('GET', 'http://other.com/')).rejects.toBeInstanceOf(HostChangedError);
  });
});

describe('HTTPConnectionPool._get_timeout', () => {
  it('clones the pool default, clones a Timeout, or builds one from seconds', () => {
    const pool = new HTTPConnectionPool('localhost', 80, {
      timeout: new Timeout({ connect: 1, read: 2 }),
    });
    const fromFloat = pool._get_timeout(3);
    expect([fromFloat.connect_timeout, fromFloat.read_timeout]).toEqual([3, 3]);
    const given = new Timeout({ connect: 4, read: 5 });
    const cloned = pool._get_timeout(given);
    expect(cloned).not.toBe(given);
    expect(String(cloned)).toBe('Timeout(connect=4, read=5, total=None)');
    expect(String(pool._get_timeout(pool.timeout))).toBe('Timeout(connect=1, read=2, total=None)');
  });
});
