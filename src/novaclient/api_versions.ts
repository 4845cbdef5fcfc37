/**
 * @module
 * Port of `novaclient/api_versions.py` (python-novaclient 3.3.0): `APIVersion`,
 * `get_api_version`, `update_headers`, `discover_version`.
 *
 * Ours (marked): `update_headers` also sends today's `OpenStack-API-Version: compute 2.N` from
 * 2.27 on (as python-novaclient 18.1.0 does), and the client's maximum is 2.92 (18.1.0's) rather
 * than 3.3.0's 2.25, so the 2.85 `delete_on_termination` update is reachable.
 * `discover_version` reads the server's range the modern way (one GET of the compute endpoint,
 * `{"version": {...}}`) instead of 3.3.0's `GET /` listing, which fails on catalogs without a
 * project id (nova-wire.md §4.1). Left out: `check_headers`, the `wraps` versioned-method
 * registry (the one versioned method here checks the version inline).
 */
import { layerSpan } from '../telemetry/layer-span.js';
import { UnsupportedVersion } from './exceptions.js';

/** The legacy microversion header (every version 2.1 ... 2.N). */
export const LEGACY_HEADER_NAME = 'X-OpenStack-Nova-API-Version';
/** Ours (18.1.0 behaviour): the generic microversion header, sent from 2.27. */
export const HEADER_NAME = 'OpenStack-API-Version';
export const SERVICE_TYPE = 'compute';

const VERSION_RE = /^([1-9]\d*)\.([1-9]\d*|0|latest)$/;

/**
 * A `major.minor` microversion; `minor` is Infinity for `latest`; 0.0 is the null version.
 * @see novaclient/api_versions.py APIVersion
 */
export class APIVersion {
  readonly ver_major: number;
  readonly ver_minor: number;

  constructor(version_str?: string | null) {
    if (!version_str) {
      this.ver_major = 0;
      this.ver_minor = 0;
      return;
    }
    const match = VERSION_RE.exec(version_str);
    if (!match) {
      throw new UnsupportedVersion(
        `Invalid format of client version '${version_str}'. Expected format 'X.Y', where X is a major part and Y is a minor part of version.`
      );
    }
    this.ver_major = Number.parseInt(match[1] as string, 10);
    this.ver_minor = match[2] === 'latest' ? Infinity : Number.parseInt(match[2] as string, 10);
  }

  is_null(): boolean {
    return this.ver_major === 0 && this.ver_minor === 0;
  }

  is_latest(): boolean {
    return this.ver_minor === Infinity;
  }

  /** Compares like Python's rich comparisons: negative, zero or positive. */
  compare(other: APIVersion): number {
    if (this.ver_major !== other.ver_major) return this.ver_major - other.ver_major;
    if (this.ver_minor === other.ver_minor) return 0;
    return this.ver_minor < other.ver_minor ? -1 : 1;
  }

  eq(other: APIVersion): boolean {
    return this.compare(other) === 0;
  }

  /** True when min <= self <= max (a null bound is open). */
  matches(min_version: APIVersion, max_version: APIVersion): boolean {
    if (this.is_null()) throw new Error('Null APIVersion cannot be matched.');
    if (max_version.is_null() && min_version.is_null()) {
      throw new Error('Null APIVersion cannot be matched.');
    }
    if (max_version.is_null()) return min_version.compare(this) <= 0;
    if (min_version.is_null()) return this.compare(max_version) <= 0;
    return min_version.compare(this) <= 0 && this.compare(max_version) <= 0;
  }

  get_string(): string {
    if (this.is_null()) throw new Error("Null APIVersion doesn't have string representation.");
    return `${this.ver_major}.${this.is_latest() ? 'latest' : this.ver_minor}`;
  }

  toString(): string {
    return this.is_null() ? 'APIVersion(null)' : `APIVersion(${this.get_string()})`;
  }
}

/** The oldest microversion the client speaks. */
export const API_MIN_VERSION = new APIVersion('2.1');
/** Ours: python-novaclient 18.1.0's maximum (3.3.0 stopped at 2.25). */
export const API_MAX_VERSION = new APIVersion('2.92');
/** python-novaclient 3.3.0's maximum: what `2.latest` becomes on the nova road (Mitaka's too). */
export const SEED_ERA_API_MAX_VERSION = new APIVersion('2.25');

/** Versions named the old way, mapped to their new names (3.3.0: `1.1` means `2`). */
const DEPRECATED_VERSIONS: Readonly<Record<string, string>> = { '1.1': '2' };
const AVAILABLE_MAJORS = new Set([2]);

/**
 * Parses what the user typed (`2`, `2.1`, `2.85`, `2.latest`; `1.1` is read as `2`) and checks
 * the major part.
 * @see novaclient/api_versions.py get_api_version
 */
export function get_api_version(version_string: string): APIVersion {
  let text = String(version_string).trim();
  text = DEPRECATED_VERSIONS[text] ?? text;
  if (/^[+-]?\d+$/.test(text)) text = `${Number.parseInt(text, 10)}.0`;
  const version = new APIVersion(text);
  if (!AVAILABLE_MAJORS.has(version.ver_major)) {
    throw new UnsupportedVersion(
      `Invalid client version '${version.get_string()}'. Major part should be '2'`
    );
  }
  return version;
}

/**
 * Adds the microversion headers: the legacy `X-OpenStack-Nova-API-Version: 2.N` whenever the
 * minor part is not 0, and (ours, today's Nova) `OpenStack-API-Version: compute 2.N` from 2.27.
 * The null version and 2.0 add nothing.
 * @see novaclient/api_versions.py update_headers
 */
export function update_headers(headers: Record<string, string>, api_version: APIVersion): void {
  if (api_version.is_null()) return;
  const version = api_version.get_string();
  if (api_version.ver_minor !== 0) headers[LEGACY_HEADER_NAME] = version;
  // Ours (python-novaclient >= 5.0 behaviour): the generic header for 2.27 and later.
  if (api_version.ver_minor >= 27) headers[HEADER_NAME] = `${SERVICE_TYPE} ${version}`;
}

/** What discovery needs from the HTTP client. */
export interface DiscoveryClient {
  api_version: APIVersion;
  get(url: string): Promise<readonly [unknown, unknown]>;
}

/**
 * The server's [min, max] from its version document (`GET <compute endpoint>`, no microversion
 * headers). Empty strings (a v2.0-only endpoint) give null versions.
 */
async function _get_server_version_range(
  client: DiscoveryClient
): Promise<[APIVersion, APIVersion]> {
  const saved = client.api_version;
  client.api_version = new APIVersion('2.0');
  try {
    const [, body] = await client.get('');
    const doc = (body as { version?: { min_version?: string; version?: string } } | null)?.version;
    return [new APIVersion(doc?.min_version || null), new APIVersion(doc?.version || null)];
  } finally {
    client.api_version = saved;
  }
}

/** How the nova road reads the server's range and which maximum the client has there. */
export interface DiscoverOptions {
  /** 3.3.0's `_get_server_version_range` (through `cs.versions.get_current()`). */
  range?: () => Promise<[APIVersion, APIVersion]>;
  /** The client's maximum (default: {@link API_MAX_VERSION}). */
  max_version?: APIVersion;
}

/**
 * Picks the version to use: an explicit one must lie in the server's range; `2.latest` becomes
 * min(server max, client max); 2.0 stays 2.0 when the server is backward compatible.
 * @see novaclient/api_versions.py discover_version
 */
export function discover_version(
  client: DiscoveryClient,
  requested_version: APIVersion,
  opts: DiscoverOptions = {}
): Promise<APIVersion> {
  const max = opts.max_version ?? API_MAX_VERSION;
  return layerSpan(
    'api_versions.discover_version',
    {
      'novaclient.api_version.requested': requested_version.is_null()
        ? ''
        : requested_version.get_string(),
      'novaclient.api_version.client_max': max.get_string(),
    },
    async (span) => {
      const [server_start, server_end] = await (opts.range?.() ??
        _get_server_version_range(client));
      const chosen = choose(requested_version, server_start, server_end, max);
      span.setAttribute('novaclient.api_version.chosen', chosen.get_string());
      return chosen;
    }
  );
}

function choose(
  requested_version: APIVersion,
  server_start: APIVersion,
  server_end: APIVersion,
  max: APIVersion
): APIVersion {
  const both_null = server_start.is_null() && server_end.is_null();
  const v20 = new APIVersion('2.0');

  if (!requested_version.is_latest() && !requested_version.eq(v20)) {
    if (both_null) throw new UnsupportedVersion("Server doesn't support microversions");
    if (!requested_version.matches(server_start, server_end)) {
      throw new UnsupportedVersion(
        `The specified version isn't supported by server. The valid version range is '${server_start.get_string()}' to '${server_end.get_string()}'`
      );
    }
    return requested_version;
  }

  if (requested_version.eq(v20)) {
    if (both_null || server_start.eq(new APIVersion('2.1'))) return v20;
    throw new UnsupportedVersion("The server isn't backward compatible with Nova V2 REST API");
  }

  if (both_null) return v20;
  if (server_end.compare(API_MIN_VERSION) < 0) {
    throw new UnsupportedVersion(
      `Server version is too old. The client valid version range is '${API_MIN_VERSION.get_string()}' to '${max.get_string()}'. The server valid version range is '${server_start.get_string()}' to '${server_end.get_string()}'.`
    );
  }
  if (max.compare(server_start) < 0) {
    throw new UnsupportedVersion(
      `Server version is too new. The client valid version range is '${API_MIN_VERSION.get_string()}' to '${max.get_string()}'. The server valid version range is '${server_start.get_string()}' to '${server_end.get_string()}'.`
    );
  }
  return max.compare(server_end) <= 0 ? max : server_end;
}
