/**
 * @module
 * Port of `novaclient/v2/versions.py` (python-novaclient 3.3.0), the session branch of
 * `VersionManager.get_current`: GET the compute endpoint from the catalog and read its
 * `version`; on a 404 (a catalog URL with the project id, as Keystone v2.0 catalogs have it)
 * cut the last path segment and GET `<that>/`; a 401 means "no version known" (None).
 *
 * Left out: the `HTTPClient` branch (`list()` of `GET /` and matching links): the note's road
 * keeps its own reading of the version document (see api_versions.ts).
 */
import { decision, layerSpan } from '../../telemetry/layer-span.js';
import { APIVersion } from '../api_versions.js';
import { Manager, Resource } from '../base.js';
import { NotFound, Unauthorized } from '../exceptions.js';
import type { ManagerApi } from '../base.js';
import type { SessionClient } from '../client.js';

/** The compute API's version document as a resource (`version`, `min_version`, `status`...). */
export class Version extends Resource {}

/**
 * Reads the compute API's version document.
 * @see novaclient/v2/versions.py VersionManager
 */
export class VersionManager extends Manager {
  readonly #client: SessionClient;

  constructor(api: ManagerApi, client: SessionClient) {
    super(api);
    this.resource_class = Version;
    this.#client = client;
  }

  /** @see novaclient/v2/versions.py VersionManager._get_current (session branch) */
  async _get_current(): Promise<Resource> {
    const url = `${(await this.#client.get_endpoint()) ?? 'None'}`;
    try {
      return await this._get(url, 'version');
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      // Python: chop the last path segment and keep the slash (GET /v2 would redirect).
      const root = `${url.slice(0, Math.max(0, url.lastIndexOf('/')))}/`;
      decision('version document: 404, try the root', `404 from ${url}: try ${root}`);
      return this._get(root, 'version');
    }
  }

  /**
   * The current version document, or null when the endpoint answers 401.
   * @see novaclient/v2/versions.py VersionManager.get_current
   */
  get_current(): Promise<Resource | null> {
    return layerSpan('VersionManager.get_current', {}, async () => {
      try {
        return await this._get_current();
      } catch (err) {
        if (!(err instanceof Unauthorized)) throw err;
        decision('version document: 401, no version', '401 on the version document: no version');
        return null;
      }
    });
  }
}

/**
 * The server's [min, max] microversions from `cs.versions.get_current()`; null versions when
 * there is no document (401) or it has no `version`.
 * @see novaclient/api_versions.py _get_server_version_range
 */
export async function _get_server_version_range(cs: {
  versions: VersionManager | null;
}): Promise<[APIVersion, APIVersion]> {
  const version = cs.versions ? await cs.versions.get_current() : null;
  const info = version?._info ?? {};
  if (!info['version']) return [new APIVersion(), new APIVersion()];
  return [
    new APIVersion(String(info['min_version'] ?? '') || null),
    new APIVersion(String(info['version'])),
  ];
}
