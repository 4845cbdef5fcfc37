/**
 * @module
 * Authentication handlers: callables that add credentials to a PreparedRequest.
 * @see requests/auth.py (requests 2.9.1) AuthBase, HTTPBasicAuth, _basic_auth_str
 *
 * Ported: HTTP Basic. Left out: HTTPDigestAuth and HTTPProxyAuth (the flow authenticates
 * with an X-Auth-Token header from Keystone, not with HTTP auth schemes).
 */
import type { PreparedRequest } from './models.js';

/** `Basic <base64(user:pass)>` (latin-1 bytes, as requests 2.9 encodes them). */
export function _basic_auth_str(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'latin1').toString('base64')}`;
}

/** Base class that all auth implementations derive from. */
export abstract class AuthBase {
  abstract call(r: PreparedRequest): PreparedRequest;
}

/** Attaches HTTP Basic Authentication to the given Request object. */
export class HTTPBasicAuth extends AuthBase {
  readonly username: string;
  readonly password: string;

  constructor(username: string, password: string) {
    super();
    this.username = username;
    this.password = password;
  }

  override call(r: PreparedRequest): PreparedRequest {
    r.headers.set('Authorization', _basic_auth_str(this.username, this.password));
    return r;
  }
}
