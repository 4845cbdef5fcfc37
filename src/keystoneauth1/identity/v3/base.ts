/**
 * @module
 * Port of `keystoneauth1/identity/v3/base.py` and `v3/password.py` (keystoneauth1 2.3.0):
 * Keystone v3 authentication — the body built from the auth methods (here the password
 * method), the one scope (domain, project by id or by name in its domain, trust, unscoped),
 * `POST <auth_url>/auth/tokens` unauthenticated and unlogged, the token from `X-Subject-Token`.
 *
 * Left out: the token, TOTP and other methods, `get_cache_id_elements`. `PasswordMethod` is
 * folded into `Password` (one method per plugin here).
 */
import { decision, layerSpan } from '../../../telemetry/layer-span.js';
import { rememberSecret } from '../../../telemetry/redact.js';
import { ATTR } from '../../../telemetry/semconv.js';
import { AccessInfoV3 } from '../../access/access.js';
import { AuthorizationFailure } from '../../exceptions.js';
import type { Session } from '../../session.js';
import { BaseIdentityPlugin, tokenAnswer } from '../base.js';

type Json = Record<string, unknown>;

/** Scope options of a v3 plugin (Python keyword arguments). */
export interface V3ScopeOptions {
  trust_id?: string | null;
  domain_id?: string | null;
  domain_name?: string | null;
  project_id?: string | null;
  project_name?: string | null;
  project_domain_id?: string | null;
  project_domain_name?: string | null;
  unscoped?: boolean;
  include_catalog?: boolean;
}

/** Options of {@link Password}: the user and the scope. */
export interface V3PasswordOptions extends V3ScopeOptions {
  user_id?: string | null;
  username?: string | null;
  user_domain_id?: string | null;
  user_domain_name?: string | null;
  password?: string | null;
}

/**
 * Keystone v3 password authentication.
 * @see keystoneauth1/identity/v3/base.py Auth, keystoneauth1/identity/v3/password.py Password
 */
export class Password extends BaseIdentityPlugin {
  readonly opts: V3PasswordOptions;

  constructor(auth_url: string, opts: V3PasswordOptions = {}) {
    super(auth_url);
    this.opts = opts;
    rememberSecret(opts.password);
  }

  get token_url(): string {
    return `${this.auth_url.replace(/\/+$/, '')}/auth/tokens`;
  }

  /** `('password', {"user": ...})`. @see keystoneauth1/identity/v3/password.py PasswordMethod */
  get_auth_data(): [string, Json] {
    const o = this.opts;
    const user: Json = { password: o.password ?? null };
    if (o.user_id) user['id'] = o.user_id;
    else if (o.username) {
      user['name'] = o.username;
      if (o.user_domain_id) user['domain'] = { id: o.user_domain_id };
      else if (o.user_domain_name) user['domain'] = { name: o.user_domain_name };
    }
    return ['password', { user }];
  }

  /**
   * Builds the auth body and POSTs it; the token answer must hold `token`.
   * @see keystoneauth1/identity/v3/base.py Auth.get_auth_ref
   */
  get_auth_ref(session: Session): Promise<AccessInfoV3> {
    return layerSpan('v3.Auth.get_auth_ref', { [ATTR.urlFull]: this.token_url }, async () => {
      const o = this.opts;
      const headers = { Accept: 'application/json' };
      const ident: Json = {};
      const body: Json = { auth: { identity: ident } };
      const [name, data] = this.get_auth_data();
      ident['methods'] = [name];
      ident[name] = data;
      const exclusive = [
        Boolean(o.domain_id || o.domain_name),
        Boolean(o.project_id || o.project_name),
        Boolean(o.trust_id),
        Boolean(o.unscoped),
      ];
      if (exclusive.filter(Boolean).length > 1) {
        throw new AuthorizationFailure(
          'Authentication cannot be scoped to multiple targets. Pick one of: project, domain, trust or unscoped'
        );
      }
      const auth = body['auth'] as Json;
      if (o.domain_id) auth['scope'] = { domain: { id: o.domain_id } };
      else if (o.domain_name) auth['scope'] = { domain: { name: o.domain_name } };
      else if (o.project_id) auth['scope'] = { project: { id: o.project_id } };
      else if (o.project_name) {
        const project: Json = { name: o.project_name };
        if (o.project_domain_id) project['domain'] = { id: o.project_domain_id };
        else if (o.project_domain_name) project['domain'] = { name: o.project_domain_name };
        auth['scope'] = { project };
      } else if (o.trust_id) auth['scope'] = { 'OS-TRUST:trust': { id: o.trust_id } };
      else if (o.unscoped) auth['scope'] = { unscoped: {} };
      let token_url = this.token_url;
      if (o.include_catalog === false) token_url += '?nocatalog';
      decision('keystoneauth1 REQ', `Making authentication request to ${token_url}`);
      const resp = await session.post(token_url, {
        json: body,
        headers,
        authenticated: false,
        log: false,
      });
      const resp_data = tokenAnswer(resp, 'token');
      const subject = resp.headers.get('X-Subject-Token') ?? null;
      rememberSecret(subject);
      return new AccessInfoV3(resp_data, subject);
    });
  }
}
