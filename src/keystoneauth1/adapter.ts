/**
 * @module
 * Port of `keystoneauth1/adapter.py` (keystoneauth1 2.3.0): an `Adapter` pins one service's
 * endpoint filter (type, interface, region, name) and User-Agent onto every request of a
 * `Session`; `LegacyJsonAdapter` adds `Accept: application/json`, sends `body` as JSON and
 * returns `(resp, body)` the way novaclient's `SessionClient` expects.
 *
 * Left out: `version` filtering (novaclient does not set it), `logger`, the argparse
 * registration helpers, `get_user_id`/`get_project_id`, `head`/`patch`/`delete`.
 */
import type { Response } from '../requests/index.js';
import { layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import type { EndpointFilter } from './access/service_catalog.js';
import type { AuthPlugin, Session, SessionRequestKwargs } from './session.js';

/** Constructor options of {@link Adapter} (Python keyword arguments). */
export interface AdapterOptions {
  session: Session;
  service_type?: string | null;
  service_name?: string | null;
  interface?: string | null;
  region_name?: string | null;
  endpoint_override?: string | null;
  auth?: AuthPlugin | null;
  user_agent?: string | null;
  connect_retries?: number | null;
}

/** `request` keyword arguments of the adapters: the session's plus `body` (JSON). */
export interface AdapterRequestKwargs extends SessionRequestKwargs {
  body?: unknown;
}

/**
 * One service's view of a session.
 * @see keystoneauth1/adapter.py Adapter
 */
export class Adapter {
  readonly session: Session;
  service_type: string | null;
  service_name: string | null;
  interface: string | null;
  region_name: string | null;
  endpoint_override: string | null;
  auth: AuthPlugin | null;
  user_agent: string | null;
  connect_retries: number | null;

  constructor(opts: AdapterOptions) {
    this.session = opts.session;
    this.service_type = opts.service_type ?? null;
    this.service_name = opts.service_name ?? null;
    this.interface = opts.interface ?? null;
    this.region_name = opts.region_name ?? null;
    this.endpoint_override = opts.endpoint_override ?? null;
    this.auth = opts.auth ?? null;
    this.user_agent = opts.user_agent ?? null;
    this.connect_retries = opts.connect_retries ?? null;
  }

  /** Fills the endpoint filter with this adapter's values where the caller set none. */
  _set_endpoint_filter_kwargs(filter: EndpointFilter): void {
    if (this.service_type) filter.service_type ??= this.service_type;
    if (this.service_name) filter.service_name ??= this.service_name;
    if (this.interface) filter.interface ??= this.interface;
    if (this.region_name) filter.region_name ??= this.region_name;
  }

  /**
   * The session's request with this adapter's filter, auth, User-Agent and retries.
   * @see keystoneauth1/adapter.py Adapter.request
   */
  request(url: string, method: string, kwargs: SessionRequestKwargs = {}): Promise<Response> {
    return layerSpan(
      'Adapter.request',
      {
        [ATTR.httpRequestMethod]: method,
        [ATTR.urlPath]: url,
        'keystoneauth1.service_type': this.service_type ?? '',
        'keystoneauth1.interface': this.interface ?? '',
      },
      () => {
        const filter = (kwargs.endpoint_filter ??= {});
        this._set_endpoint_filter_kwargs(filter);
        if (this.endpoint_override) kwargs.endpoint_override ??= this.endpoint_override;
        if (this.auth) kwargs.auth ??= this.auth;
        if (this.user_agent) kwargs.user_agent ??= this.user_agent;
        if (this.connect_retries !== null) kwargs.connect_retries ??= this.connect_retries;
        return this.session.request(url, method, kwargs);
      }
    );
  }

  /**
   * The endpoint of this adapter's service: the override, else the catalog's.
   * @see keystoneauth1/adapter.py Adapter.get_endpoint
   */
  get_endpoint(auth: AuthPlugin | null = null): Promise<string | null> {
    return layerSpan(
      'Adapter.get_endpoint',
      { 'keystoneauth1.service_type': this.service_type ?? '' },
      () => {
        if (this.endpoint_override) return this.endpoint_override;
        const filter: EndpointFilter = {};
        this._set_endpoint_filter_kwargs(filter);
        return this.session.get_endpoint(auth ?? this.auth, filter);
      }
    );
  }

  get_token(auth: AuthPlugin | null = null): Promise<string | null> {
    return this.session.get_token(auth ?? this.auth);
  }

  invalidate(auth: AuthPlugin | null = null): boolean {
    return this.session.invalidate(auth ?? this.auth);
  }
}

/**
 * The JSON flavour novaclient uses: `(resp, body)`, body `null` when the answer is not JSON.
 * @see keystoneauth1/adapter.py LegacyJsonAdapter
 */
export class LegacyJsonAdapter extends Adapter {
  /** @see keystoneauth1/adapter.py LegacyJsonAdapter.request */
  jsonRequest(
    url: string,
    method: string,
    kwargs: AdapterRequestKwargs = {}
  ): Promise<[Response, unknown]> {
    return layerSpan(
      'LegacyJsonAdapter.request',
      { [ATTR.httpRequestMethod]: method, [ATTR.urlPath]: url },
      async () => {
        const headers = (kwargs.headers ??= {});
        headers['Accept'] ??= 'application/json';
        if ('body' in kwargs) {
          kwargs.json = kwargs.body;
          delete kwargs.body;
        }
        const resp = await this.request(url, method, kwargs);
        let body: unknown = null;
        try {
          body = JSON.parse(resp.text);
        } catch {
          // Python: resp.json() raised ValueError
          body = null;
        }
        return [resp, body];
      }
    );
  }
}
