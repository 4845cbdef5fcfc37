import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  ConnectTimeout,
  ContentDecodingError,
  InvalidURL,
  ReadTimeout,
  RequestException,
  StreamConsumedError,
  Timeout,
} from '../../../src/requests/exceptions.js';
import { Response } from '../../../src/requests/models.js';
import { IOError, TypeError_, ValueError } from '../../../src/urllib3/builtins.js';
import { HTTPError as BaseHTTPError, MaxRetryError } from '../../../src/urllib3/exceptions.js';
import { pythonName } from '../../../src/telemetry/layer-span.js';

describe('requests.exceptions', () => {
  it('makes ConnectTimeout a ConnectionError and a Timeout, but not a ReadTimeout', () => {
    const err = new ConnectTimeout('slow');
    for (const base of [
      ConnectTimeout,
      ConnectionError,
      Timeout,
      RequestException,
      IOError,
      Error,
    ]) {
      expect(err).toBeInstanceOf(base);
    }
    expect(err).not.toBeInstanceOf(ReadTimeout);
    expect(new ReadTimeout('x')).not.toBeInstanceOf(ConnectionError);
    expect(new ConnectionError('x')).not.toBeInstanceOf(Timeout);
  });

  it('gives secondary Python bases to InvalidURL, ContentDecodingError and StreamConsumedError', () => {
    expect(new InvalidURL('x')).toBeInstanceOf(ValueError);
    expect(new ContentDecodingError('x')).toBeInstanceOf(BaseHTTPError);
    expect(new StreamConsumedError()).toBeInstanceOf(TypeError_);
    expect(new InvalidURL('x')).not.toBeInstanceOf(TypeError_);
  });

  it('keeps request and response, taking the request from the response when missing', () => {
    const response = new Response();
    const request = { method: 'GET' };
    (response as { request: unknown }).request = request;
    const err = new RequestException('boom', { response });
    expect(err.response).toBe(response);
    expect(err.request).toBe(request);
  });

  it('prints the wrapped urllib3 error’s message and keeps it as cause', () => {
    const inner = new MaxRetryError('pool', '/x', null);
    const err = new ConnectionError(inner, { request: null });
    expect(err.message).toBe('pool: Max retries exceeded with url: /x (Caused by None)');
    expect(err.cause).toBe(inner);
  });

  it('names the Python class for span attributes', () => {
    expect(pythonName(new ConnectTimeout('x'))).toBe('requests.exceptions.ConnectTimeout');
    expect(pythonName(new ReadTimeout('x'))).toBe('requests.exceptions.ReadTimeout');
  });
});
