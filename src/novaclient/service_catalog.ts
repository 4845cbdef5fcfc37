/**
 * @module
 * Port of `novaclient/service_catalog.py` (python-novaclient 3.3.0): `ServiceCatalog` over a
 * Keystone v2.0 token body (`get_token`, `get_tenant_id`, `url_for`).
 *
 * Ours (marked): the same three reads over a Keystone v3 token (`{"token": {...}}` with the token
 * itself in `X-Subject-Token`): the seed-era client spoke only v2.0. A v3 catalog has one
 * endpoint object per interface; `endpoint_type` `publicURL`/`internalURL`/`adminURL` picks the
 * interface `public`/`internal`/`admin`, as keystoneauth does.
 * Left out: the "bastardized" catalog with top-level `endpoints` (a v1-era oddity).
 */
import { AmbiguousEndpoints, EndpointNotFound } from './exceptions.js';

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Thrown where Python raises KeyError on a missing key (the caller maps it). */
export class CatalogKeyError extends Error {
  static readonly pythonName = 'KeyError';
  constructor(key: string) {
    super(`'${key}'`);
    this.name = 'KeyError';
  }
}

export interface UrlForOptions {
  attr?: string;
  filter_value?: string | null;
  service_type?: string;
  endpoint_type?: string;
  service_name?: string | null;
  volume_service_name?: string | null;
}

/**
 * Reads a token answer: the token, the tenant, and endpoint URLs from the catalog.
 * @see novaclient/service_catalog.py ServiceCatalog
 */
export class ServiceCatalog {
  readonly catalog: Json;
  /** Ours: the v3 token id comes from the `X-Subject-Token` header, not the body. */
  readonly #subjectToken: string | null;

  constructor(resource_dict: unknown, subject_token: string | null = null) {
    this.catalog = obj(resource_dict) ?? {};
    this.#subjectToken = subject_token;
  }

  /** True for a Keystone v3 token body (ours). */
  get is_v3(): boolean {
    return obj(this.catalog['token']) !== undefined;
  }

  get_token(): string {
    if (this.is_v3) {
      if (!this.#subjectToken) throw new CatalogKeyError('X-Subject-Token');
      return this.#subjectToken;
    }
    const id = obj(obj(this.catalog['access'])?.['token'])?.['id'];
    if (typeof id !== 'string') throw new CatalogKeyError('id');
    return id;
  }

  get_tenant_id(): string | null {
    if (this.is_v3) {
      const id = obj(obj(this.catalog['token'])?.['project'])?.['id'];
      return typeof id === 'string' ? id : null;
    }
    const id = obj(obj(obj(this.catalog['access'])?.['token'])?.['tenant'])?.['id'];
    return typeof id === 'string' ? id : null;
  }

  /**
   * The one endpoint URL of `service_type` (optionally filtered by region and service name):
   * EndpointNotFound for none, AmbiguousEndpoints for several.
   * @see novaclient/service_catalog.py ServiceCatalog.url_for
   */
  url_for(opts: UrlForOptions = {}): string | null {
    const attr = opts.attr ?? null;
    const filter_value = opts.filter_value ?? null;
    const service_type = opts.service_type ?? null;
    const endpoint_type = opts.endpoint_type ?? 'publicURL';
    if (this.is_v3) return this.#urlForV3(attr, filter_value, service_type, endpoint_type, opts);

    const access = obj(this.catalog['access']);
    if (!access) throw new CatalogKeyError('access');
    // Python: "We don't always get a service catalog back ..."
    if (!('serviceCatalog' in access)) return null;

    const matching: Json[] = [];
    for (const serviceValue of list(access['serviceCatalog'])) {
      const service = obj(serviceValue);
      if (!service || service['type'] !== service_type) continue;
      if (opts.service_name && service_type === 'compute' && service['name'] !== opts.service_name)
        continue;
      if (
        opts.volume_service_name &&
        service_type === 'volume' &&
        service['name'] !== opts.volume_service_name
      )
        continue;
      for (const endpointValue of list(service['endpoints'])) {
        const endpoint = obj(endpointValue);
        if (!endpoint) continue;
        // Python: ignore 1.0 compute endpoints
        const versionId = endpoint['versionId'] ?? '2';
        if (service['type'] === 'compute' && versionId !== '1.1' && versionId !== '2') continue;
        const value = attr ? endpoint[attr] : undefined;
        if (
          !filter_value ||
          (typeof value === 'string' && value.toLowerCase() === filter_value.toLowerCase())
        ) {
          matching.push({ ...endpoint, serviceName: service['name'] });
        }
      }
    }
    if (matching.length === 0) throw new EndpointNotFound();
    if (matching.length > 1) throw new AmbiguousEndpoints(matching);
    const url = (matching[0] as Json)[endpoint_type];
    if (typeof url !== 'string') throw new CatalogKeyError(endpoint_type);
    return url;
  }

  /** Ours: url_for over a v3 catalog (one endpoint object per interface). */
  #urlForV3(
    attr: string | null,
    filter_value: string | null,
    service_type: string | null,
    endpoint_type: string,
    opts: UrlForOptions
  ): string {
    const iface = endpoint_type.replace(/URL$/, '');
    const token = obj(this.catalog['token']) as Json;
    const matching: Json[] = [];
    for (const serviceValue of list(token['catalog'])) {
      const service = obj(serviceValue);
      if (!service || service['type'] !== service_type) continue;
      if (opts.service_name && service['name'] !== opts.service_name) continue;
      for (const endpointValue of list(service['endpoints'])) {
        const endpoint = obj(endpointValue);
        if (!endpoint || endpoint['interface'] !== iface) continue;
        if (filter_value && attr === 'region') {
          const region = String(endpoint['region'] ?? endpoint['region_id'] ?? '');
          const regionId = String(endpoint['region_id'] ?? '');
          const wanted = filter_value.toLowerCase();
          if (region.toLowerCase() !== wanted && regionId.toLowerCase() !== wanted) continue;
        }
        matching.push({ ...endpoint, serviceName: service['name'] });
      }
    }
    if (matching.length === 0) throw new EndpointNotFound();
    if (matching.length > 1) throw new AmbiguousEndpoints(matching);
    const url = (matching[0] as Json)['url'];
    if (typeof url !== 'string') throw new CatalogKeyError('url');
    return url;
  }
}
