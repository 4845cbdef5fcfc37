import { describe, expect, it } from 'vitest';
import {
  ConnectTimeoutError,
  MaxRetryError,
  NewConnectionError,
  ProtocolError,
  ReadTimeoutError,
  ResponseError,
} from '../../../../src/urllib3/exceptions.js';
import { Retry } from '../../../../src/urllib3/util/retry.js';

const refused = () =>
  new NewConnectionError('<conn>', 'Failed to establish a new connection: refused');

describe('Retry', () => {
  it('as requests configures it (0, read=False): a connect error becomes MaxRetryError', () => {
    const retry = new Retry(0, { read: false });
    expect(retry.__repr__()).toBe('Retry(total=0, connect=None, read=False, redirect=None)');
    const error = refused();
    let raised: unknown;
    try {
      retry.increment({ method: 'GET', url: '/x', error, _pool: 'pool' });
    } catch (e) {
      raised = e;
    }
    expect(raised).toBeInstanceOf(MaxRetryError);
    expect((raised as MaxRetryError).reason).toBe(error);
  });

  it('as requests configures it: a read error is re-raised as itself', () => {
    const retry = new Retry(0, { read: false });
    for (const error of [
      new ReadTimeoutError('pool', '/x', 'Read timed out.'),
      new ProtocolError(['Connection aborted.']),
    ]) {
      expect(() => retry.increment({ error })).toThrow(error);
    }
  });

  it('counts down total and connect, and is exhausted below zero', () => {
    // upstream: test_retry_both_specified / test_retry_total_none
    let retry = new Retry(2, { connect: 1 });
    retry = retry.increment({ error: new ConnectTimeoutError(['t']) });
    expect([retry.total, retry.connect]).toEqual([1, 0]);
    expect(retry.is_exhausted()).toBe(false);
    expect(() => retry.increment({ error: new ConnectTimeoutError(['t']) })).toThrow(MaxRetryError);
  });

  it('ignores zero and None counters when deciding exhaustion (Python filter(None, ...))', () => {
    expect(new Retry(0).is_exhausted()).toBe(false);
    expect(new Retry(null).is_exhausted()).toBe(false);
    expect(new Retry(-1).is_exhausted()).toBe(true);
    expect(new Retry(5, { read: -1 }).is_exhausted()).toBe(true);
  });

  it('re-raises the error itself when total is False', () => {
    const error = refused();
    expect(() => new Retry(false).increment({ error })).toThrow(error);
  });

  it('builds from an int, None or a Retry', () => {
    expect(Retry.from_int(3).__repr__()).toBe(
      'Retry(total=3, connect=None, read=None, redirect=None)'
    );
    expect(Retry.from_int(3, false).redirect).toBe(0);
    const r = new Retry(1);
    expect(Retry.from_int(r)).toBe(r);
    expect(Retry.from_int(null).total).toBe(3);
  });

  it('raises MaxRetryError with a ResponseError reason for forced status retries', () => {
    const retry = new Retry(0, { status_forcelist: new Set([503]) });
    expect(retry.is_forced_retry('GET', 503)).toBe(true);
    expect(retry.is_forced_retry('POST', 503)).toBe(false);
    let raised: unknown;
    try {
      retry.increment({
        method: 'GET',
        url: '/',
        response: { status: 503, get_redirect_location: () => false },
      });
    } catch (e) {
      raised = e;
    }
    expect((raised as MaxRetryError).reason).toBeInstanceOf(ResponseError);
    expect(((raised as MaxRetryError).reason as Error).message).toBe(
      'too many 503 error responses'
    );
  });

  it('backs off exponentially after the first error', () => {
    const retry = new Retry(10, { backoff_factor: 0.2, _observed_errors: 3 });
    expect(retry.get_backoff_time()).toBeCloseTo(0.8);
    expect(new Retry(10, { backoff_factor: 0.2, _observed_errors: 1 }).get_backoff_time()).toBe(0);
  });
});
