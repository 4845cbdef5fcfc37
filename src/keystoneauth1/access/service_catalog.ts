/**
 * @module
 * The token's service catalog, v2.0 and v3 shapes.
 * @see keystoneauth1/access/service_catalog.py (keystoneauth1 2.3.0)
 *
 * Ported: `get_endpoints` (filters by type, name, interface, region), `get_urls` and `url_for`
 * with their `EndpointNotFound` texts, and each version's `normalize_interface`
 * (v2.0 wants `publicURL`, v3 `public`; 2.3.0 strips `URL` with `rstrip`, so the characters
 * U, R and L go from the end, as in Python). Left out: `service_id` / `endpoint_id` filters,
 * `get_endpoint_data`-era helpers (later releases).
 */
import { layerSpan, decision } from '../../telemetry/layer-span.js';
import { EmptyCatalog, EndpointNotFound } from '../exceptions.js';

type Json = Record<string, unknown>;

/** What `url_for` filters on (Python keyword arguments). */
export interface EndpointFilter {
  service_type?: string | null;
  interface?: string | null;
  region_name?: string | null;
  service_name?: string | null;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Python's `str.rstrip(chars)`. */
function rstripChars(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1] as string)) end--;
  return text.slice(0, end);
}

/** @see keystoneauth1/access/service_catalog.py ServiceCatalog */
export abstract class ServiceCatalog {
  readonly _catalog: readonly unknown[];

  constructor(catalog: unknown) {
    this._catalog = Array.isArray(catalog) ? catalog : [];
  }

  abstract is_interface_match(endpoint: Json, interface_: string): boolean;
  abstract normalize_interface(interface_: string | null | undefined): string | null | undefined;
  abstract endpointUrl(endpoint: Json, interface_: string | null | undefined): unknown;

  /** The endpoints of each matching service, by service type. */
  get_endpoints(filter: EndpointFilter): Map<string, Json[]> {
    const interface_ = this.normalize_interface(filter.interface);
    const sc = new Map<string, Json[]>();
    for (const service of this._catalog) {
      if (!isObject(service) || typeof service['type'] !== 'string') continue;
      const st = service['type'];
      if (filter.service_type && filter.service_type !== st) continue;
      if (filter.service_name && 'name' in service && filter.service_name !== service['name']) {
        continue;
      }
      const endpoints = sc.get(st) ?? [];
      sc.set(st, endpoints);
      const list = Array.isArray(service['endpoints']) ? service['endpoints'] : [];
      for (const endpoint of list) {
        if (!isObject(endpoint)) continue;
        if (interface_ && !this.is_interface_match(endpoint, interface_)) continue;
        const region = endpoint['region_id'] || endpoint['region'];
        if (filter.region_name && filter.region_name !== region) continue;
        endpoints.push(endpoint);
      }
    }
    return sc;
  }

  get_urls(filter: EndpointFilter): unknown[] {
    const interface_ = this.normalize_interface(filter.interface);
    const sc = this.get_endpoints(filter);
    const endpoints = filter.service_type
      ? (sc.get(filter.service_type) ?? [])
      : [...sc.values()].flat();
    return endpoints.map((e) => this.endpointUrl(e, interface_));
  }

  /**
   * The first URL that matches, else `EndpointNotFound` saying what was asked for.
   * @see keystoneauth1/access/service_catalog.py ServiceCatalog.url_for
   */
  url_for(filter: EndpointFilter): Promise<string> {
    return layerSpan(
      'ServiceCatalog.url_for',
      {
        'keystoneauth1.service_type': filter.service_type ?? '',
        'keystoneauth1.interface': filter.interface ?? 'public',
        'keystoneauth1.catalog': this instanceof ServiceCatalogV3 ? 'v3' : 'v2.0',
      },
      async () => {
        if (this._catalog.length === 0) throw new EmptyCatalog('The service catalog is empty.');
        const urls = this.get_urls(filter);
        if (urls.length > 0) {
          const url = String(urls[0]);
          decision('endpoint from the catalog', `${filter.service_type ?? ''} endpoint: ${url}`);
          return url;
        }
        const iface = filter.interface ?? 'public';
        const type = filter.service_type ?? 'None';
        let msg: string;
        if (filter.service_name && filter.region_name) {
          msg = `${iface} endpoint for ${type} service named ${filter.service_name} in ${filter.region_name} region not found`;
        } else if (filter.service_name) {
          msg = `${iface} endpoint for ${type} service named ${filter.service_name} not found`;
        } else if (filter.region_name) {
          msg = `${iface} endpoint for ${type} service in ${filter.region_name} region not found`;
        } else {
          msg = `${iface} endpoint for ${type} service not found`;
        }
        throw new EndpointNotFound(msg);
      }
    );
  }
}

/** Keystone v2.0's `serviceCatalog`: one URL per interface key (`publicURL`...). */
export class ServiceCatalogV2 extends ServiceCatalog {
  static from_token(token: Json): ServiceCatalogV2 {
    const access = token['access'];
    return new ServiceCatalogV2(isObject(access) ? (access['serviceCatalog'] ?? []) : []);
  }

  normalize_interface(interface_: string | null | undefined): string | null | undefined {
    if (interface_ && !interface_.includes('URL')) return `${interface_}URL`;
    return interface_;
  }

  is_interface_match(endpoint: Json, interface_: string): boolean {
    return interface_ in endpoint;
  }

  endpointUrl(endpoint: Json, interface_: string | null | undefined): unknown {
    return endpoint[interface_ ?? 'publicURL'];
  }
}

/** Keystone v3's `catalog`: one endpoint object per interface. */
export class ServiceCatalogV3 extends ServiceCatalog {
  static from_token(token: Json): ServiceCatalogV3 {
    const t = token['token'];
    return new ServiceCatalogV3(isObject(t) ? (t['catalog'] ?? []) : []);
  }

  normalize_interface(interface_: string | null | undefined): string | null | undefined {
    return interface_ ? rstripChars(interface_, 'URL') : interface_;
  }

  is_interface_match(endpoint: Json, interface_: string): boolean {
    return endpoint['interface'] === interface_;
  }

  endpointUrl(endpoint: Json): unknown {
    return endpoint['url'];
  }
}
