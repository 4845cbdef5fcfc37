/**
 * @module
 * Port of `keystoneauth1/identity/v2.py` (keystoneauth1 2.3.0): Keystone v2.0 password
 * authentication — `passwordCredentials` (username, else userId), the tenant by id else by
 * name, `POST <auth_url>/tokens` unauthenticated and unlogged; the answer must hold `access`.
 *
 * Left out: `Token` (token-for-token), trusts' cache ids.
 */
import { decision, layerSpan } from '../../telemetry/layer-span.js';
import { rememberSecret } from '../../telemetry/redact.js';
import { ATTR } from '../../telemetry/semconv.js';
import { AccessInfoV2 } from '../access/access.js';
import type { Session } from '../session.js';
import { BaseIdentityPlugin, tokenAnswer } from './base.js';

type Json = Record<string, unknown>;

/** Options of {@link Password} (Python keyword arguments). */
export interface V2PasswordOptions {
  username?: string | null;
  user_id?: string | null;
  password?: string | null;
  tenant_id?: string | null;
  tenant_name?: string | null;
  trust_id?: string | null;
}

/**
 * Keystone v2.0 password authentication.
 * @see keystoneauth1/identity/v2.py Auth, Password
 */
export class Password extends BaseIdentityPlugin {
  readonly opts: V2PasswordOptions;

  constructor(auth_url: string, opts: V2PasswordOptions = {}) {
    super(auth_url);
    this.opts = opts;
    rememberSecret(opts.password);
  }

  /** `{"passwordCredentials": {...}}`. @see keystoneauth1/identity/v2.py Password.get_auth_data */
  get_auth_data(): Json {
    const auth: Json = { password: this.opts.password ?? null };
    if (this.opts.username) auth['username'] = this.opts.username;
    else if (this.opts.user_id) auth['userId'] = this.opts.user_id;
    return { passwordCredentials: auth };
  }

  /**
   * POSTs the credentials with the tenant; the token answer must hold `access`.
   * @see keystoneauth1/identity/v2.py Auth.get_auth_ref
   */
  get_auth_ref(session: Session): Promise<AccessInfoV2> {
    const url = `${this.auth_url.replace(/\/+$/, '')}/tokens`;
    return layerSpan('v2.Auth.get_auth_ref', { [ATTR.urlFull]: url }, async () => {
      const headers = { Accept: 'application/json' };
      const auth = this.get_auth_data();
      if (this.opts.tenant_id) auth['tenantId'] = this.opts.tenant_id;
      else if (this.opts.tenant_name) auth['tenantName'] = this.opts.tenant_name;
      if (this.opts.trust_id) auth['trust_id'] = this.opts.trust_id;
      decision('keystoneauth1 REQ', `Making authentication request to ${url}`);
      const resp = await session.post(url, {
        json: { auth },
        headers,
        authenticated: false,
        log: false,
      });
      const resp_data = tokenAnswer(resp, 'access');
      const access = new AccessInfoV2(resp_data);
      rememberSecret(access.auth_token);
      return access;
    });
  }
}
