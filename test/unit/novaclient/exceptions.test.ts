import { describe, expect, it } from 'vitest';
import {
  AmbiguousEndpoints,
  AttributeError,
  BadRequest,
  ClientException,
  CommandError,
  Conflict,
  ConnectionRefused,
  Forbidden,
  HTTPNotImplemented,
  MethodNotAllowed,
  NotAcceptable,
  NotFound,
  OverLimit,
  RateLimit,
  RetryAfterException,
  Unauthorized,
  from_response,
  type ResponseLike,
} from '../../../src/novaclient/exceptions.js';
import { pythonName } from '../../../src/telemetry/layer-span.js';

function response(status: number, headers: Record<string, string> = {}): ResponseLike {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status_code: status, headers: { get: (name: string) => lower.get(name.toLowerCase()) } };
}

describe('from_response', () => {
  // upstream: novaclient/tests/unit/test_exceptions.py (from_response cases)
  it.each([
    [400, BadRequest, 'Bad request'],
    [401, Unauthorized, 'Unauthorized'],
    [403, Forbidden, 'Forbidden'],
    [404, NotFound, 'Not found'],
    [405, MethodNotAllowed, 'Method Not Allowed'],
    [406, NotAcceptable, 'Not Acceptable'],
    [409, Conflict, 'Conflict'],
    [413, OverLimit, 'Over limit'],
    [429, RateLimit, 'Rate limit'],
    [501, HTTPNotImplemented, 'Not Implemented'],
  ])(
    'maps %i to its class with the class default message when there is no body',
    (status, cls, text) => {
      const exc = from_response(response(status), null, '/x', 'GET');
      expect(exc).toBeInstanceOf(cls);
      expect(exc.constructor).toBe(cls);
      expect(exc.client_message).toBe(text);
      expect(exc.message).toBe(`${text} (HTTP ${status})`);
      expect(exc.code).toBe(status);
    }
  );

  // upstream: test_http.py ClientTest.test_unknown_server_error
  it.each([500, 503, 418])('gives a plain ClientException for %i', (status) => {
    const exc = from_response(response(status), null, '/x');
    expect(exc.constructor).toBe(ClientException);
    expect(exc.message).toBe(`Unknown Error (HTTP ${status})`);
  });

  it('reads message and details from the first key of a Nova fault body', () => {
    const exc = from_response(
      response(404, { 'x-compute-request-id': 'req-1', 'x-openstack-request-id': 'req-2' }),
      { itemNotFound: { code: 404, message: 'Instance x could not be found.', details: 'd' } },
      '/servers/x',
      'GET'
    );
    expect(exc).toBeInstanceOf(NotFound);
    expect(exc.message).toBe('Instance x could not be found. (HTTP 404) (Request-ID: req-1)');
    expect(exc.details).toBe('d');
    expect(exc.request_id).toBe('req-1');
    expect(exc.url).toBe('/servers/x');
    expect(exc.method).toBe('GET');
  });

  it('raises AttributeError on a flat WebOb body, as 3.3.0 does (no 3.4.0 branch)', () => {
    // upstream: 3.3.0 indexes the first key's value with .get(); 3.4.0 added the flat branch
    expect(() =>
      from_response(
        response(404),
        {
          message: 'The resource could not be found.<br /><br />\n\n\n',
          code: '404 Not Found',
          title: 'Not Found',
        },
        '/nope'
      )
    ).toThrow("'str' object has no attribute 'get'");
  });

  it("reads keystonemiddleware's 401 body under its 'error' key", () => {
    const exc = from_response(
      response(401),
      {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      },
      '/servers'
    );
    expect(exc.message).toBe('The request you have made requires authentication. (HTTP 401)');
  });

  it('falls back to the default message when the fault has no message', () => {
    const exc = from_response(response(409), { conflictingRequest: { code: 409 } }, '/x');
    expect(exc.message).toBe('Conflict (HTTP 409)');
  });

  it('raises AttributeError, as 3.3.0 crashes, when the first key does not hold an object', () => {
    expect(() => from_response(response(400), { oops: 'text' }, '/x')).toThrow(AttributeError);
    expect(() => from_response(response(400), { oops: 'text' }, '/x')).toThrow(
      "'str' object has no attribute 'get'"
    );
  });

  it('reads Retry-After into retry_after for RateLimit and OverLimit only', () => {
    // upstream: test_http.py test_retry_after_request, _no_headers, _non_supporting_exc
    const rate = from_response(response(429, { 'Retry-After': '30' }), null, '/x') as RateLimit;
    expect(rate).toBeInstanceOf(RetryAfterException);
    expect(rate.retry_after).toBe(30);
    const over = from_response(response(413, { 'retry-after': 'soon' }), null, '/x') as OverLimit;
    expect(over.retry_after).toBe(0);
    const none = from_response(response(429), null, '/x') as RateLimit;
    expect(none.retry_after).toBe(0);
    const bad = from_response(response(400, { 'retry-after': '5' }), null, '/x');
    expect('retry_after' in bad).toBe(false);
  });

  it('prints the captured 429 line of the CLI', () => {
    const exc = from_response(
      response(429, { 'x-compute-request-id': 'req-9', 'Retry-After': '30' }),
      { overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '30' } },
      '/x',
      'PUT'
    );
    expect(`ERROR (${exc.name}): ${exc.message}`).toBe(
      'ERROR (RateLimit): This request was rate-limited. (HTTP 429) (Request-ID: req-9)'
    );
  });
});

describe('ClientException', () => {
  it('formats str as "<message> (HTTP <code>)" plus the request id when known', () => {
    expect(new ClientException(500).message).toBe('Unknown Error (HTTP 500)');
    expect(
      new ClientException(503, { message: 'Service temporarily unavailable', request_id: 'req-a' })
        .message
    ).toBe('Service temporarily unavailable (HTTP 503) (Request-ID: req-a)');
  });

  it('names each class after its Python class for spans', () => {
    expect(pythonName(new Unauthorized(401))).toBe('novaclient.exceptions.Unauthorized');
    expect(pythonName(new RateLimit(429))).toBe('novaclient.exceptions.RateLimit');
    expect(pythonName(new CommandError('x'))).toBe('novaclient.exceptions.CommandError');
    expect(new NotFound(404).name).toBe('NotFound');
  });

  it("keeps Python's odd str for Unauthorized('Nova Client')", () => {
    expect(new Unauthorized('Nova Client').message).toBe('Unauthorized (HTTP Nova Client)');
  });
});

describe('ConnectionRefused', () => {
  it('prints the repr of the response text', () => {
    expect(new ConnectionRefused('Connection refused by x').message).toBe(
      "ConnectionRefused: 'Connection refused by x'"
    );
  });
});

describe('AmbiguousEndpoints', () => {
  it('prints the repr of the endpoints', () => {
    expect(new AmbiguousEndpoints([{ publicURL: 'http://a' }]).message).toBe(
      "AmbiguousEndpoints: [{'publicURL': 'http://a'}]"
    );
  });
});
