/**
 * @module
 * What a token answer says: the token, its expiry, the catalog.
 * @see keystoneauth1/access/access.py (keystoneauth1 2.3.0)
 *
 * Ported: `AccessInfoV2` and `AccessInfoV3` with `auth_token`, `expires`, `will_expire_soon`,
 * `service_catalog`, `project_id`, `user_id`. Left out: the many read-only properties no flow
 * here reads (roles, trusts, federation, audit ids, service providers), `create`.
 */
import { ServiceCatalogV2, ServiceCatalogV3, type ServiceCatalog } from './service_catalog.js';

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : {};
}

/** keystoneauth1's `STALE_TOKEN_DURATION`. */
export const STALE_TOKEN_DURATION = 30;

/** @see keystoneauth1/access/access.py AccessInfo */
export abstract class AccessInfo {
  readonly _data: Json;
  readonly _auth_token: string | null;
  #catalog: ServiceCatalog | null = null;

  constructor(body: Json, auth_token: string | null = null) {
    this._data = body;
    this._auth_token = auth_token;
  }

  abstract get auth_token(): string | null;
  abstract get expires(): Date | null;
  abstract get project_id(): string | null;
  abstract get user_id(): string | null;
  protected abstract makeCatalog(): ServiceCatalog;

  get service_catalog(): ServiceCatalog {
    this.#catalog ??= this.makeCatalog();
    return this.#catalog;
  }

  /** True when the token expires within `stale_duration` seconds from now. */
  will_expire_soon(stale_duration = STALE_TOKEN_DURATION): boolean {
    const expires = this.expires;
    // Python: parse_isotime of a missing value fails; a token without expiry never goes stale here.
    if (!expires) return false;
    return expires.getTime() < Date.now() + stale_duration * 1000;
  }
}

function parseTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}

/** Keystone v2.0's `{"access": {"token", "user", "serviceCatalog"}}`. */
export class AccessInfoV2 extends AccessInfo {
  get auth_token(): string | null {
    const id = obj(obj(this._data['access'])['token'])['id'];
    return this._auth_token || (typeof id === 'string' ? id : null);
  }

  get expires(): Date | null {
    return parseTime(obj(obj(this._data['access'])['token'])['expires']);
  }

  get project_id(): string | null {
    const id = obj(obj(obj(this._data['access'])['token'])['tenant'])['id'];
    return typeof id === 'string' ? id : null;
  }

  get user_id(): string | null {
    const id = obj(obj(this._data['access'])['user'])['id'];
    return typeof id === 'string' ? id : null;
  }

  protected makeCatalog(): ServiceCatalog {
    return ServiceCatalogV2.from_token(this._data);
  }
}

/** Keystone v3's `{"token": {...}}` body plus the `X-Subject-Token` header. */
export class AccessInfoV3 extends AccessInfo {
  get auth_token(): string | null {
    return this._auth_token;
  }

  get expires(): Date | null {
    return parseTime(obj(this._data['token'])['expires_at']);
  }

  get project_id(): string | null {
    const id = obj(obj(this._data['token'])['project'])['id'];
    return typeof id === 'string' ? id : null;
  }

  get user_id(): string | null {
    const id = obj(obj(this._data['token'])['user'])['id'];
    return typeof id === 'string' ? id : null;
  }

  protected makeCatalog(): ServiceCatalog {
    return ServiceCatalogV3.from_token(this._data);
  }
}
