/**
 * @module
 * Port of `keystoneauth1/discover.py` (keystoneauth1 2.3.0): reading a service's version
 * document and choosing from it.
 *
 * Ported: `get_version_data` (the three shapes: `{"versions": {"values": [...]}}`,
 * `{"versions": [...]}`, `{"version": {...}}`; anything else is `DiscoveryFailure` "Invalid
 * Response - Bad version data returned"), `normalize_version_number`, `version_match`,
 * `Discover` (`raw_version_data` by status, `version_data` sorted, `data_for`, `url_for`) and
 * the identity catalog hack (`/v2.0` → `/`). Left out: `add_catalog_discover_hack`.
 */
import type { Response } from '../requests/index.js';
import { layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import { DiscoveryFailure } from './exceptions.js';
import type { Session } from './session.js';

type Json = Record<string, unknown>;

/** A version as a tuple of integers: `(3, 0)`. */
export type VersionTuple = readonly number[];

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * GETs `url` and returns the list of version entries in its document.
 * @see keystoneauth1/discover.py get_version_data
 */
export function get_version_data(
  session: Session,
  url: string,
  authenticated: boolean | null = null
): Promise<unknown[]> {
  return layerSpan('discover.get_version_data', { [ATTR.urlFull]: url }, async () => {
    const resp: Response = await session.get(url, {
      headers: { Accept: 'application/json' },
      authenticated,
    });
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(resp.text);
    } catch {
      parsed = false;
    }
    if (parsed) {
      // Python: body['versions']['values'], else body['versions'], else [body['version']]
      const versions = isObject(body) ? body['versions'] : undefined;
      if (isObject(versions) && Array.isArray(versions['values'])) return versions['values'];
      if (isObject(body) && 'versions' in body) return toList(body['versions']);
      if (isObject(body) && 'version' in body) return [body['version']];
    }
    const text = resp.text;
    const errText = text.length > 50 ? `${text.slice(0, 50)}...` : text;
    throw new DiscoveryFailure(`Invalid Response - Bad version data returned: ${errText}`);
  });
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : isObject(value) ? Object.keys(value) : [];
}

/**
 * `'v3'`, `'3'`, `3`, `'2.0'`, `[2, 0]` → `(3,)`, `(3, 0)`... (a float string keeps its `.0`).
 * @see keystoneauth1/discover.py normalize_version_number
 */
export function normalize_version_number(version: unknown): VersionTuple {
  let v: unknown = version;
  if (typeof v === 'string') v = v.replace(/^v+/, '');
  if (
    typeof v === 'number' ||
    (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
  ) {
    const num = Number(v);
    // Python: str(float(x)) — '3' becomes '3.0'
    v = Number.isInteger(num) ? `${num}.0` : String(num);
  }
  if (typeof v === 'string') {
    const parts = v.split('.');
    if (parts.every((p) => /^\s*[+-]?\d+\s*$/.test(p)))
      return parts.map((p) => Number.parseInt(p, 10));
  }
  if (Array.isArray(v) && v.every((p) => Number.isInteger(Number(p))))
    return v.map((p) => Number(p));
  throw new TypeError(`Invalid version specified: ${String(v)}`);
}

function compareTuples(a: VersionTuple, b: VersionTuple): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) - (b[i] as number);
  }
  return a.length - b.length;
}

/**
 * True when `candidate` has the same major version as `required` and is not older.
 * @see keystoneauth1/discover.py version_match
 */
export function version_match(required: VersionTuple, candidate: VersionTuple): boolean {
  if (candidate[0] !== required[0]) return false;
  return compareTuples(candidate, required) >= 0;
}

/** One usable version entry: its number, its `self` link, its raw status. */
export interface VersionData {
  readonly version: VersionTuple;
  readonly url: string;
  readonly raw_status: string;
}

/**
 * A fetched version document.
 * @see keystoneauth1/discover.py Discover
 */
export class Discover {
  static readonly CURRENT_STATUSES = ['stable', 'current', 'supported'];
  static readonly DEPRECATED_STATUSES = ['deprecated'];
  static readonly EXPERIMENTAL_STATUSES = ['experimental'];
  readonly _data: unknown[];

  private constructor(data: unknown[]) {
    this._data = data;
  }

  /** Python's `Discover(session, url)`: the constructor fetches the document. */
  static async create(
    session: Session,
    url: string,
    authenticated: boolean | null = null
  ): Promise<Discover> {
    return new Discover(await get_version_data(session, url, authenticated));
  }

  /** The entries whose status is current or deprecated (experimental and unknown left out). */
  raw_version_data(
    opts: { allow_experimental?: boolean; allow_deprecated?: boolean; allow_unknown?: boolean } = {}
  ): Json[] {
    const out: Json[] = [];
    for (const v of this._data) {
      if (!isObject(v) || typeof v['status'] !== 'string') continue;
      const status = v['status'].toLowerCase();
      if (Discover.CURRENT_STATUSES.includes(status)) out.push(v);
      else if (Discover.DEPRECATED_STATUSES.includes(status)) {
        if (opts.allow_deprecated ?? true) out.push(v);
      } else if (Discover.EXPERIMENTAL_STATUSES.includes(status)) {
        if (opts.allow_experimental) out.push(v);
      } else if (opts.allow_unknown) out.push(v);
    }
    return out;
  }

  /** Each usable entry as `{version, url, raw_status}`, oldest first (newest with `reverse`). */
  version_data(reverse = false): VersionData[] {
    const versions: VersionData[] = [];
    for (const v of this.raw_version_data()) {
      if (v['id'] === undefined || !Array.isArray(v['links'])) continue;
      const version = normalize_version_number(v['id']);
      let url: string | null = null;
      for (const link of v['links']) {
        if (!isObject(link) || typeof link['rel'] !== 'string' || typeof link['href'] !== 'string')
          continue;
        if (link['rel'].toLowerCase() === 'self') {
          url = link['href'];
          break;
        }
      }
      if (url === null) continue;
      versions.push({ version, url, raw_status: String(v['status']) });
    }
    // Python's sort is stable with reverse=True too: equal versions keep their order.
    versions.sort((a, b) =>
      reverse ? compareTuples(b.version, a.version) : compareTuples(a.version, b.version)
    );
    return versions;
  }

  data_for(version: unknown): VersionData | null {
    const wanted = normalize_version_number(version);
    return this.version_data(true).find((d) => version_match(wanted, d.version)) ?? null;
  }

  url_for(version: unknown): string | null {
    return this.data_for(version)?.url ?? null;
  }
}

/**
 * The URL to discover from for a catalog URL: identity's `/v2.0` endpoints are read at `/`.
 * @see keystoneauth1/discover.py _get_catalog_discover_hack
 */
export function _get_catalog_discover_hack(service_type: string, url: string): string {
  if (service_type === 'identity') return url.replace(/\/v2.0\/?$/, '/');
  return url;
}
