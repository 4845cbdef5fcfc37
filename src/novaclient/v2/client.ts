/**
 * @module
 * Port of `novaclient/v2/client.py` (python-novaclient 3.3.0), reduced to what the flow uses:
 * the versioned `Client` owning the HTTP client (`HTTPClient`, or `SessionClient` when a
 * keystoneauth1 session is given, as `_construct_http_client` chooses) and the `servers`,
 * `volumes` and (session road) `versions` managers.
 * Python's `with cs:` (open_session/close_session) is `open_session()` / `close_session()`.
 * Left out: every other manager, extensions.
 */
import { APIVersion } from '../api_versions.js';
import { HTTPClient, SessionClient, type HTTPClientOptions } from '../client.js';
import type { AuthPlugin, Session as KeystoneSession } from '../../keystoneauth1/session.js';
import { ServerManager } from './servers.js';
import { VersionManager } from './versions.js';
import { VolumeManager } from './volumes.js';

/** Options of {@link Client}: HTTPClient's, plus the keystoneauth1 session road's. */
export interface ClientOptions extends HTTPClientOptions {
  /** A keystoneauth1 session: the client becomes a {@link SessionClient}. */
  session?: KeystoneSession | null;
  auth?: AuthPlugin | null;
  /** The catalog interface (default: `endpoint_type`). */
  interface?: string | null;
}

/**
 * The compute API client: `cs.servers`, `cs.volumes`, and `cs.client` (the HTTP client).
 * The type parameter says which client it holds (`new Client<SessionClient>({ session, ... })`
 * on the nova road; the default is the note's `HTTPClient`).
 * @see novaclient/v2/client.py Client
 */
export class Client<C extends HTTPClient | SessionClient = HTTPClient> {
  readonly client: C;
  readonly servers: ServerManager;
  readonly volumes: VolumeManager;
  /** Only on the session road (the note's road reads versions its own way). */
  readonly versions: VersionManager | null;

  /** Options are HTTPClient's; `api_version` defaults to 2.0 as in Python's v2 Client. */
  constructor(opts: ClientOptions = {}) {
    const api_version = opts.api_version ?? new APIVersion('2.0');
    this.client = _construct_http_client({ ...opts, api_version }) as C;
    this.servers = new ServerManager(this);
    this.volumes = new VolumeManager(this);
    this.versions =
      this.client instanceof SessionClient ? new VersionManager(this, this.client) : null;
  }

  /** The microversion in use (the HTTP client's, so discovery updates both). */
  get api_version(): APIVersion {
    return this.client.api_version;
  }

  set api_version(version: APIVersion) {
    this.client.api_version = version;
  }

  /** Python `__enter__`: one plain session for every request until closed. */
  open_session(): void {
    if (this.client instanceof HTTPClient) this.client.open_session();
  }

  /** Python `__exit__`. */
  async close_session(): Promise<void> {
    if (this.client instanceof HTTPClient) await this.client.close_session();
  }

  /** Authenticates now instead of at the first request (HTTPClient only). */
  async authenticate(): Promise<void> {
    if (this.client instanceof HTTPClient) await this.client.authenticate();
  }

  /** Ours: releases the sockets the client holds (a keystoneauth1 session's pool too). */
  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * `SessionClient` when a session is given, else `HTTPClient`.
 * @see novaclient/client.py _construct_http_client
 */
export function _construct_http_client(opts: ClientOptions): HTTPClient | SessionClient {
  if (opts.session) {
    return new SessionClient({
      session: opts.session,
      auth: opts.auth ?? null,
      interface: opts.interface || opts.endpoint_type || 'publicURL',
      service_type: opts.service_type ?? 'compute',
      region_name: opts.region_name ?? null,
      service_name: opts.service_name ?? null,
      user_agent: HTTPClient.USER_AGENT,
      timings: opts.timings ?? false,
      api_version: opts.api_version ?? null,
    });
  }
  return new HTTPClient(opts);
}
