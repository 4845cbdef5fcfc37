/**
 * @module
 * Port of `keystoneauth1/identity/base.py` (keystoneauth1 2.3.0): `BaseIdentityPlugin`, what
 * every Keystone plugin shares — the token kept in `auth_ref` until it is about to expire
 * (`get_access` authenticates only then), `get_token`/`get_headers`, `invalidate` (the 401
 * path), `get_endpoint` from the token's catalog, and `get_discovery` with its two caches (the
 * plugin's and the session's).
 *
 * Left out: `get_endpoint`'s `version` branch (novaclient asks for no version), the cache-id
 * and auth-state helpers, service providers, the thread lock (one request at a time here).
 */
import { decision, layerSpan } from '../../telemetry/layer-span.js';
import { ATTR } from '../../telemetry/semconv.js';
import type { AccessInfo } from '../access/access.js';
import type { EndpointFilter } from '../access/service_catalog.js';
import { Discover } from '../discover.js';
import type { Response } from '../../requests/index.js';
import { InvalidResponse } from '../exceptions.js';
import type { AuthPlugin, Session } from '../session.js';

/**
 * The JSON body of a token answer, which must hold `key` (`access` for v2.0, `token` for v3);
 * anything else is `InvalidResponse`, as both plugins' `get_auth_ref` check.
 */
export function tokenAnswer(resp: Response, key: 'access' | 'token'): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(resp.text);
  } catch {
    throw new InvalidResponse(resp);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !(key in data)) {
    throw new InvalidResponse(resp);
  }
  return data as Record<string, unknown>;
}

/**
 * A Keystone identity plugin: gets and keeps a token, finds endpoints in its catalog.
 * @see keystoneauth1/identity/base.py BaseIdentityPlugin
 */
export abstract class BaseIdentityPlugin implements AuthPlugin {
  /** A token with less life than this (seconds) is fetched anew. */
  static readonly MIN_TOKEN_LIFE_SECONDS = 120;
  auth_url: string;
  auth_ref: AccessInfo | null = null;
  reauthenticate: boolean;
  /** @internal */
  readonly _endpoint_cache = new Map<string, Discover>();

  constructor(auth_url: string, reauthenticate = true) {
    this.auth_url = auth_url;
    this.reauthenticate = reauthenticate;
  }

  /** Fetches a new token (the version plugins' job). */
  abstract get_auth_ref(session: Session): Promise<AccessInfo>;

  /** True when there is no token, or it expires within MIN_TOKEN_LIFE_SECONDS. */
  _needs_reauthenticate(): boolean {
    if (!this.auth_ref) return true;
    if (!this.reauthenticate) return false;
    return this.auth_ref.will_expire_soon(BaseIdentityPlugin.MIN_TOKEN_LIFE_SECONDS);
  }

  /**
   * The kept token answer, or a new one when there is none or it is about to expire.
   * @see keystoneauth1/identity/base.py BaseIdentityPlugin.get_access
   */
  get_access(session: Session): Promise<AccessInfo> {
    return layerSpan(
      'BaseIdentityPlugin.get_access',
      { 'keystoneauth1.auth_url': this.auth_url },
      async () => {
        if (this._needs_reauthenticate()) {
          decision(
            'no valid token: authenticate',
            this.auth_ref
              ? 'the token expires soon: authenticate again'
              : 'no token yet: authenticate'
          );
          this.auth_ref = await this.get_auth_ref(session);
        } else {
          decision('token cached: no request', 'token kept from earlier: no request to Keystone');
        }
        return this.auth_ref as AccessInfo;
      }
    );
  }

  /**
   * The token (fetched if needed).
   * @see keystoneauth1/identity/base.py BaseIdentityPlugin.get_token
   */
  get_token(session: Session): Promise<string | null> {
    return layerSpan(
      'BaseIdentityPlugin.get_token',
      {},
      async () => (await this.get_access(session)).auth_token
    );
  }

  /** `{"X-Auth-Token": token}`, or null with no token. @see keystoneauth1/plugin.py */
  async get_headers(session: Session): Promise<Record<string, string> | null> {
    const token = await this.get_token(session);
    return token ? { 'X-Auth-Token': token } : null;
  }

  /** Forgets the token; true when there was one. */
  invalidate(): boolean {
    if (this.auth_ref) {
      this.auth_ref = null;
      return true;
    }
    return false;
  }

  /**
   * The service's URL from the token's catalog (interface `public` by default); null without
   * a service type.
   * @see keystoneauth1/identity/base.py BaseIdentityPlugin.get_endpoint
   */
  get_endpoint(session: Session, filter: EndpointFilter): Promise<string | null> {
    return layerSpan(
      'BaseIdentityPlugin.get_endpoint',
      {
        'keystoneauth1.service_type': filter.service_type ?? '',
        'keystoneauth1.interface': filter.interface ?? 'public',
      },
      async () => {
        if (!filter.service_type) return null;
        const access = await this.get_access(session);
        return access.service_catalog.url_for({
          service_type: filter.service_type,
          interface: filter.interface || 'public',
          region_name: filter.region_name ?? null,
          service_name: filter.service_name ?? null,
        });
      }
    );
  }

  /**
   * The version document of `url`, from the plugin's or the session's cache, else fetched.
   * @see keystoneauth1/identity/base.py BaseIdentityPlugin.get_discovery
   */
  get_discovery(
    session: Session,
    url: string,
    authenticated: boolean | null = null
  ): Promise<Discover> {
    return layerSpan('BaseIdentityPlugin.get_discovery', { [ATTR.urlFull]: url }, async () => {
      const cached =
        this._endpoint_cache.get(url) ??
        (session._identity_endpoint_cache.get(url) as Discover | undefined);
      if (cached) {
        decision('discovery cached', `version document of ${url} already read`);
        return cached;
      }
      const disc = await Discover.create(session, url, authenticated);
      this._endpoint_cache.set(url, disc);
      session._identity_endpoint_cache.set(url, disc);
      return disc;
    });
  }
}
