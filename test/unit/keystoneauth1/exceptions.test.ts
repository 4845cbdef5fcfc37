import { describe, expect, it } from 'vitest';
import {
  ClientException,
  ConnectionError,
  ConnectTimeout,
  DiscoveryFailure,
  HttpServerError,
  NotFound,
  RetriableConnectionFailure,
  Unauthorized,
  from_response,
} from '../../../src/keystoneauth1/exceptions.js';
import { CaseInsensitiveDict, type Response } from '../../../src/requests/index.js';

function response(status: number, headers: Record<string, string>, text: string): Response {
  return {
    status_code: status,
    headers: new CaseInsensitiveDict(headers),
    text,
  } as unknown as Response;
}

describe('keystoneauth1 exceptions', () => {
  it('says the class default message when made without text', () => {
    expect(new DiscoveryFailure().message).toBe('Discovery of client versions failed.');
    expect(new ConnectTimeout('Request to u timed out').message).toBe('Request to u timed out');
  });

  it('gives ConnectTimeout both Python bases', () => {
    const e = new ConnectTimeout();
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e).toBeInstanceOf(RetriableConnectionFailure);
    expect(e).toBeInstanceOf(ClientException);
  });
});

describe('from_response', () => {
  it("takes the message from Keystone's JSON error and the request id", () => {
    const e = from_response(
      response(
        401,
        { 'Content-Type': 'application/json', 'x-openstack-request-id': 'req-1' },
        '{"error": {"code": 401, "message": "The request you have made requires authentication."}}'
      ),
      'POST',
      'http://k/v3/auth/tokens'
    );
    expect(e).toBeInstanceOf(Unauthorized);
    expect(e.message).toBe(
      'The request you have made requires authentication. (HTTP 401) (Request-ID: req-1)'
    );
  });

  it('keeps a text body as details and falls back by status range', () => {
    const e = from_response(
      response(404, { 'Content-Type': 'text/plain' }, '404 Not Found'),
      'GET',
      'u'
    );
    expect(e).toBeInstanceOf(NotFound);
    expect(e.details).toBe('404 Not Found');
    expect(from_response(response(502, {}, ''), 'GET', 'u')).toBeInstanceOf(HttpServerError);
  });
});
