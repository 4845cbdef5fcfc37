// The one undici -> urllib3 translation table (src/urllib3/connection.ts), fed with undici's
// own error classes so a change in undici's codes shows up here.
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/urllib3/builtins.js';
import {
  HTTPConnection,
  ReadTimeoutSignal,
  translate_undici_error,
} from '../../../src/urllib3/connection.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import {
  ConnectTimeoutError,
  NewConnectionError,
  ProtocolError,
  ReadTimeoutError,
  SSLError,
} from '../../../src/urllib3/exceptions.js';

const pool = new HTTPConnectionPool('127.0.0.1', 8774);
const conn = new HTTPConnection({ host: '127.0.0.1', port: 8774, timeout: 2 });

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8774'), {
    code: 'ECONNREFUSED',
    errno: -111,
  });
}

describe('translate_undici_error', () => {
  it('turns ECONNREFUSED while connecting into NewConnectionError with the errno text', () => {
    const cause = refused();
    const err = translate_undici_error(cause, {
      phase: 'request',
      conn,
      pool,
      url: '/',
      while_connecting: true,
    });
    expect(err).toBeInstanceOf(NewConnectionError);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(err.message).toMatch(
      /^<requests\.packages\.urllib3\.connection\.HTTPConnection object at 0x[0-9a-f]+>: Failed to establish a new connection: \[Errno 111\] Connection refused$/
    );
    expect(err.cause).toBe(cause);
  });

  it('turns UND_ERR_CONNECT_TIMEOUT into ConnectTimeoutError naming host and timeout', () => {
    const cause = new errors.ConnectTimeoutError();
    const err = translate_undici_error(cause, { phase: 'request', conn, pool, url: '/' });
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(err).not.toBeInstanceOf(NewConnectionError);
    expect(err.message).toMatch(
      /^\(<requests\.packages\.urllib3\.connection\.HTTPConnection object at 0x[0-9a-f]+>, 'Connection to 127\.0\.0\.1 timed out\. \(connect timeout=2\)'\)$/
    );
  });

  it('turns UND_ERR_SOCKET after connect into ProtocolError("Connection aborted.")', () => {
    const cause = new errors.SocketError('other side closed');
    const err = translate_undici_error(cause, {
      phase: 'request',
      conn,
      pool,
      url: '/',
      while_connecting: false,
    });
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.message).toBe("('Connection aborted.', SocketError('other side closed'))");
    expect(err.cause).toBe(cause);
  });

  it('turns ECONNRESET after connect into ProtocolError, not NewConnectionError', () => {
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = translate_undici_error(cause, {
      phase: 'request',
      conn,
      pool,
      url: '/',
      while_connecting: false,
    });
    expect(err).toBeInstanceOf(ProtocolError);
  });

  it('turns header and body timeouts into ReadTimeoutError from the pool', () => {
    for (const cause of [
      new errors.HeadersTimeoutError(),
      new errors.BodyTimeoutError(),
      new ReadTimeoutSignal('headers', 50),
    ]) {
      const err = translate_undici_error(cause, {
        phase: 'request',
        conn,
        pool,
        url: '/x',
        read_timeout: 0.05,
      });
      expect(err).toBeInstanceOf(ReadTimeoutError);
      expect(err.message).toBe(
        "HTTPConnectionPool(host='127.0.0.1', port=8774): Read timed out. (read timeout=0.05)"
      );
      expect((err as ReadTimeoutError).url).toBe('/x');
    }
  });

  it('names no URL for a timeout while reading the body, as urllib3 does', () => {
    const err = translate_undici_error(new errors.BodyTimeoutError(), { phase: 'body', pool });
    expect(err).toBeInstanceOf(ReadTimeoutError);
    expect(err.message).toBe("HTTPConnectionPool(host='127.0.0.1', port=8774): Read timed out.");
    expect((err as ReadTimeoutError).url).toBeNull();
  });

  it('turns a socket error while reading the body into ProtocolError("Connection broken: ...")', () => {
    const err = translate_undici_error(new errors.SocketError('other side closed'), {
      phase: 'body',
      pool,
    });
    expect(err).toBeInstanceOf(ProtocolError);
    // Python's repr picks double quotes for a string holding single quotes.
    expect(err.message).toBe(
      `("Connection broken: SocketError('other side closed')", SocketError('other side closed'))`
    );
  });

  it('turns an invalid header argument into ValueError', () => {
    const err = translate_undici_error(new errors.InvalidArgumentError('invalid x-bad header'), {
      phase: 'request',
      conn,
    });
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toBe('invalid x-bad header');
  });

  it('turns certificate errors into SSLError', () => {
    const cause = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(translate_undici_error(cause, { phase: 'request', conn })).toBeInstanceOf(SSLError);
  });
});

describe('HTTPConnection', () => {
  it('starts closed (sock None) and is not "dropped" then', () => {
    const c = new HTTPConnection({ host: 'localhost' });
    expect(c.sock).toBeNull();
    expect(c.port).toBe(80);
    expect(c.saw_disconnect()).toBe(false);
  });

  it('opens a Client on connect() and returns to sock None on close()', async () => {
    const c = new HTTPConnection({ host: '127.0.0.1', port: 1 });
    const client = c.connect();
    expect(c.sock).toBe(client);
    c.close();
    expect(c.sock).toBeNull();
    await c.closed();
    expect(client.destroyed).toBe(true);
  });
});

describe('HTTPConnection.connect', () => {
  it('refuses a port outside 0-65535 with OverflowError, as the socket layer does', () => {
    const conn = new HTTPConnection({ host: '127.0.0.1', port: 99999 });
    const err = (() => {
      try {
        conn.connect();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect((err as Error).constructor).toHaveProperty('pythonName', 'OverflowError');
    expect((err as Error).message).toBe('getsockaddr(): port must be 0-65535.');
  });
});
