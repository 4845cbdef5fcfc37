/**
 * @module
 * Nova's microversion negotiation: which version a request asks for, from
 * `OpenStack-API-Version: compute 2.N` (first choice) or the legacy
 * `X-OpenStack-Nova-API-Version: 2.N`; `latest` means the maximum; no header means 2.1.
 * A malformed version is a 400, one outside min..max a 406, each in Nova's fault shape.
 * @see nova/api/openstack/wsgi.py Request.set_api_version_request,
 *   nova/api/openstack/api_version_request.py
 */
import { CloudHttpError } from './nova-errors.js';

export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
}

/** The oldest microversion of the v2.1 API. */
export const MIN_VERSION: ApiVersion = { major: 2, minor: 1 };

/** Nova master's newest microversion (the reference's capture: 2.104). */
export const DEFAULT_MAX_VERSION: ApiVersion = { major: 2, minor: 104 };

export const HEADER = 'OpenStack-API-Version';
export const LEGACY_HEADER = 'X-OpenStack-Nova-API-Version';

/** `2.85` -> {2, 85}; null for anything Nova would call malformed (`2.01`, `v2`, `2`). */
export function parseVersion(text: string): ApiVersion | null {
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function formatVersion(v: ApiVersion): string {
  return `${v.major}.${v.minor}`;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` is at least `min` (`'2.85'`). */
export function isSupported(v: ApiVersion, min: string): boolean {
  const m = parseVersion(min);
  if (!m) throw new Error(`bad version literal ${min}`);
  return compareVersions(v, m) >= 0;
}

/** The requested version text from the headers, or null when none was sent. */
export function requestedVersion(headers: Headers): string | null {
  const modern = headers.get(HEADER);
  if (modern) {
    for (const item of modern.split(',')) {
      const [service, ...rest] = item.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute') return rest.join(' ');
    }
  }
  const legacy = headers.get(LEGACY_HEADER);
  return legacy === null ? null : legacy.trim();
}

/**
 * The version a request gets, or a {@link CloudHttpError} (400 malformed, 406 out of range).
 * @example
 * negotiate(new Headers({ 'OpenStack-API-Version': 'compute latest' }), DEFAULT_MAX_VERSION) // 2.104
 */
export function negotiate(headers: Headers, max: ApiVersion = DEFAULT_MAX_VERSION): ApiVersion {
  const requested = requestedVersion(headers);
  if (requested === null) return MIN_VERSION;
  if (requested.toLowerCase() === 'latest') return max;
  const version = parseVersion(requested);
  if (!version) {
    throw new CloudHttpError(
      400,
      `API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`
    );
  }
  if (compareVersions(version, MIN_VERSION) < 0 || compareVersions(version, max) > 0) {
    throw new CloudHttpError(
      406,
      `Version ${requested} is not supported by the API. Minimum is ${formatVersion(MIN_VERSION)} and maximum is ${formatVersion(max)}.`
    );
  }
  return version;
}

/** Sets the echo headers and `Vary` on a response, as Nova does for every versioned answer. */
export function echoVersion(headers: Headers, version: ApiVersion): void {
  const text = formatVersion(version);
  headers.set(HEADER, `compute ${text}`);
  headers.set(LEGACY_HEADER, text);
  headers.append('Vary', HEADER);
  headers.append('Vary', LEGACY_HEADER);
}
