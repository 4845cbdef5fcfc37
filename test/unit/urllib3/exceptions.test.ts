import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/urllib3/builtins.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import {
  ConnectTimeoutError,
  EmptyPoolError,
  HTTPError,
  LocationParseError,
  LocationValueError,
  MaxRetryError,
  NewConnectionError,
  PoolError,
  ProtocolError,
  ReadTimeoutError,
  RequestError,
  ResponseError,
  TimeoutError,
} from '../../../src/urllib3/exceptions.js';

const pool = new HTTPConnectionPool('127.0.0.1', 8774);

describe('urllib3.exceptions', () => {
  it('walks secondary bases: NewConnectionError is a ConnectTimeoutError and a PoolError', () => {
    const err = new NewConnectionError('<conn>', 'Failed to establish a new connection: boom');
    for (const base of [
      NewConnectionError,
      ConnectTimeoutError,
      TimeoutError,
      PoolError,
      HTTPError,
      Error,
    ]) {
      expect(err).toBeInstanceOf(base);
    }
    expect(err).not.toBeInstanceOf(ReadTimeoutError);
    expect(err).not.toBeInstanceOf(RequestError);
  });

  it('walks secondary bases: ReadTimeoutError is a TimeoutError and a RequestError', () => {
    const err = new ReadTimeoutError(pool, '/x', 'Read timed out.');
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toBeInstanceOf(PoolError);
    expect(err).not.toBeInstanceOf(ConnectTimeoutError);
    expect(err.pool).toBe(pool);
    expect(err.url).toBe('/x');
  });

  it('makes LocationParseError a ValueError and an HTTPError', () => {
    const err = new LocationParseError('bad:port');
    expect(err).toBeInstanceOf(LocationValueError);
    expect(err).toBeInstanceOf(ValueError);
    expect(err).toBeInstanceOf(HTTPError);
    expect(err.message).toBe('Failed to parse: bad:port');
  });

  it('prefixes pool errors with the pool', () => {
    expect(new EmptyPoolError(pool, 'No pool connections are available.').message).toBe(
      "HTTPConnectionPool(host='127.0.0.1', port=8774): No pool connections are available."
    );
  });

  it('formats MaxRetryError with the reason repr and keeps it', () => {
    const reason = new ProtocolError(['Connection aborted.', 'x']);
    const err = new MaxRetryError(pool, '/v2.1/servers', reason);
    expect(err.reason).toBe(reason);
    expect(err.cause).toBe(reason);
    expect(err.message).toBe(
      "HTTPConnectionPool(host='127.0.0.1', port=8774): Max retries exceeded with url: /v2.1/servers " +
        "(Caused by ProtocolError('Connection aborted.', 'x'))"
    );
    expect(
      new MaxRetryError(pool, '/', new ResponseError(['too many 500 error responses'])).message
    ).toContain("(Caused by ResponseError('too many 500 error responses'))");
  });

  it('declares the Python class name on every class', () => {
    expect(MaxRetryError.pythonName).toBe('urllib3.exceptions.MaxRetryError');
    expect(NewConnectionError.pythonName).toBe('urllib3.exceptions.NewConnectionError');
  });
});
