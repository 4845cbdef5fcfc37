/**
 * @module
 * Port of `novaclient/v2/client.py` (python-novaclient 3.3.0), reduced to what the flow uses:
 * the versioned `Client` owning the `HTTPClient` and the `servers` and `volumes` managers.
 * Python's `with cs:` (open_session/close_session) is `open_session()` / `close_session()`.
 * Left out: every other manager, the keystone-session (`SessionClient`) path, extensions.
 */
import { APIVersion } from '../api_versions.js';
import { HTTPClient, type HTTPClientOptions } from '../client.js';
import { ServerManager } from './servers.js';
import { VolumeManager } from './volumes.js';

/**
 * The compute API client: `cs.servers`, `cs.volumes`, and `cs.client` (the HTTPClient).
 * @see novaclient/v2/client.py Client
 */
export class Client {
  readonly client: HTTPClient;
  readonly servers: ServerManager;
  readonly volumes: VolumeManager;

  /** Options are HTTPClient's; `api_version` defaults to 2.0 as in Python's v2 Client. */
  constructor(opts: HTTPClientOptions = {}) {
    this.client = new HTTPClient({
      ...opts,
      api_version: opts.api_version ?? new APIVersion('2.0'),
    });
    this.servers = new ServerManager(this);
    this.volumes = new VolumeManager(this);
  }

  /** The microversion in use (the HTTPClient's, so discovery updates both). */
  get api_version(): APIVersion {
    return this.client.api_version;
  }

  set api_version(version: APIVersion) {
    this.client.api_version = version;
  }

  /** Python `__enter__`: one plain session for every request until closed. */
  open_session(): void {
    this.client.open_session();
  }

  /** Python `__exit__`. */
  close_session(): Promise<void> {
    return this.client.close_session();
  }

  /** Authenticates now instead of at the first request. */
  authenticate(): Promise<void> {
    return this.client.authenticate();
  }
}
