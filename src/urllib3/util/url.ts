/**
 * @module
 * URL splitting the way urllib3 1.13 does it: by hand, no normalisation (case, dots and
 * percent-escapes are kept as given).
 * @see urllib3/util/url.py (urllib3 1.13.1) Url, parse_url, split_first, get_host
 */
import { LocationParseError } from '../exceptions.js';

/** The parts of a URL (a Python namedtuple upstream). */
export class Url {
  readonly scheme: string | null;
  readonly auth: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly path: string | null;
  readonly query: string | null;
  readonly fragment: string | null;

  constructor(parts: Partial<Omit<Url, 'hostname' | 'request_uri' | 'netloc' | 'url'>> = {}) {
    this.scheme = parts.scheme ?? null;
    this.auth = parts.auth ?? null;
    this.host = parts.host ?? null;
    this.port = parts.port ?? null;
    const path = parts.path ?? null;
    this.path = path && !path.startsWith('/') ? `/${path}` : path;
    this.query = parts.query ?? null;
    this.fragment = parts.fragment ?? null;
  }

  /** For backwards-compatibility with urlparse: the host. */
  get hostname(): string | null {
    return this.host;
  }

  /** Absolute path including the query string (`/path?query`). */
  get request_uri(): string {
    let uri = this.path || '/';
    if (this.query !== null) uri += `?${this.query}`;
    return uri;
  }

  /** `host:port` (or just host). */
  get netloc(): string | null {
    if (this.port) return `${this.host}:${this.port}`;
    return this.host;
  }

  /** The URL put back together (round-trips what parse_url split). */
  get url(): string {
    let url = '';
    if (this.scheme !== null) url += `${this.scheme}://`;
    if (this.auth !== null) url += `${this.auth}@`;
    if (this.host !== null) url += this.host;
    if (this.port !== null) url += `:${this.port}`;
    if (this.path !== null) url += this.path;
    if (this.query !== null) url += `?${this.query}`;
    if (this.fragment !== null) url += `#${this.fragment}`;
    return url;
  }

  toString(): string {
    return this.url;
  }
}

/** Splits `s` at the first of `delims`: `[before, after, delimiter]` (delimiter null if none). */
export function split_first(s: string, delims: readonly string[]): [string, string, string | null] {
  let minIdx = -1;
  let minDelim: string | null = null;
  for (const d of delims) {
    const idx = s.indexOf(d);
    if (idx < 0) continue;
    if (minIdx < 0 || idx < minIdx) {
      minIdx = idx;
      minDelim = d;
    }
  }
  if (minIdx < 0 || minDelim === null) return [s, '', null];
  return [s.slice(0, minIdx), s.slice(minIdx + 1), minDelim];
}

/**
 * Splits a URL into its parts without validating much; a non-numeric port raises
 * LocationParseError. Partly-formed URLs are fine (`google.com/mail` has no scheme).
 */
export function parse_url(input: string): Url {
  if (!input) return new Url();
  let url = input;
  let scheme: string | null = null;
  let auth: string | null = null;
  let host: string | null = null;
  let port: number | null = null;
  let path: string | null = null;
  let fragment: string | null = null;
  let query: string | null = null;

  // Scheme
  const sep = url.indexOf('://');
  if (sep >= 0) {
    scheme = url.slice(0, sep);
    url = url.slice(sep + 3);
  }
  // The authority ends at the first '/', '?' or '#' (RFC 3986 §3.2).
  const [authority, rest, delim] = split_first(url, ['/', '?', '#']);
  url = authority;
  if (delim) path = delim + rest;
  // Auth
  const at = url.lastIndexOf('@');
  if (at >= 0) {
    auth = url.slice(0, at);
    url = url.slice(at + 1);
  }
  // IPv6
  if (url && url[0] === '[') {
    const end = url.indexOf(']');
    host = `${url.slice(0, end)}]`;
    url = url.slice(end + 1);
  }
  // Port
  const colon = url.indexOf(':');
  if (colon >= 0) {
    const hostPart = url.slice(0, colon);
    const portText = url.slice(colon + 1);
    if (!host) host = hostPart;
    if (portText) {
      // Python: a non-digit port → LocationParseError.
      if (!/^[0-9]+$/.test(portText)) throw new LocationParseError(url);
      port = Number.parseInt(portText, 10);
    } else {
      // Python: 'host:' means no port (RFC 3986 §3.2.3).
      port = null;
    }
  } else if (!host && url) {
    host = url;
  }
  if (!path) return new Url({ scheme, auth, host, port, path, query, fragment });
  // Fragment
  const hash = path.indexOf('#');
  if (hash >= 0) {
    fragment = path.slice(hash + 1);
    path = path.slice(0, hash);
  }
  // Query
  const q = path.indexOf('?');
  if (q >= 0) {
    query = path.slice(q + 1);
    path = path.slice(0, q);
  }
  return new Url({ scheme, auth, host, port, path, query, fragment });
}

/** `[scheme, host, port]` of a URL, scheme defaulting to http. */
export function get_host(url: string): [string, string | null, number | null] {
  const p = parse_url(url);
  return [p.scheme || 'http', p.hostname, p.port];
}
