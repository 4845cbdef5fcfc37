/**
 * @module
 * The helpers the flow goes through.
 * @see requests/utils.py (requests 2.9.1)
 *
 * Ported: `default_user_agent`, `default_headers`, `requote_uri` / `unquote_unreserved`,
 * `get_encoding_from_headers`, `to_key_val_list`, `guess_json_utf`, `super_len` (for the
 * types we accept), `select_proxy`, `get_environ_proxies` / `should_bypass_proxies` (the
 * `*_proxy` and `no_proxy` variables), `prepend_scheme_if_needed`, `get_auth_from_url`,
 * `urldefragauth`, `parse_header_links`-free subset. Python's `urllib.quote` and `urlencode`
 * are ported here too, as the flow needs them.
 * Left out: netrc lookup (`get_netrc_auth`: reads the user's ~/.netrc, which a teaching tool
 * should not do behind the learner's back), `proxy_bypass` from the OS registry (Windows/macOS
 * only), `get_encodings_from_content`, `stream_decode_response_unicode`.
 */
import { ValueError } from '../urllib3/builtins.js';
import { parse_url } from '../urllib3/util/url.js';
import { InvalidURL } from './exceptions.js';
import { CaseInsensitiveDict } from './structures.js';

/** requests' version string (the seed-era release we port). */
export const __version__ = '2.9.1';

/** `python-requests/2.9.1`. */
export function default_user_agent(name = 'python-requests'): string {
  return `${name}/${__version__}`;
}

/** The headers every Session starts with, in this order. */
export function default_headers(): CaseInsensitiveDict {
  return new CaseInsensitiveDict([
    ['User-Agent', default_user_agent()],
    ['Accept-Encoding', ['gzip', 'deflate'].join(', ')],
    ['Accept', '*/*'],
    ['Connection', 'keep-alive'],
  ]);
}

/** The unreserved URI characters (RFC 3986 section 2.3). */
const UNRESERVED = new Set(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split('')
);

/** Un-escapes percent-escapes of unreserved characters only; a bad escape raises InvalidURL. */
export function unquote_unreserved(uri: string): string {
  const parts = uri.split('%');
  for (let i = 1; i < parts.length; i += 1) {
    const part = parts[i] as string;
    const h = part.slice(0, 2);
    if (h.length === 2 && /^[0-9A-Za-z]{2}$/.test(h)) {
      const code = Number.parseInt(h, 16);
      if (Number.isNaN(code)) throw new InvalidURL(`Invalid percent-escape sequence: '${h}'`);
      const c = String.fromCharCode(code);
      parts[i] = UNRESERVED.has(c) ? c + part.slice(2) : `%${part}`;
    } else {
      parts[i] = `%${part}`;
    }
  }
  return parts.join('');
}

/** The characters `quote` keeps for one `safe` argument, made once per distinct argument. */
const keptBySafe = new Map<string, ReadonlySet<string>>();

/** Python 3's `urllib.parse.quote(s, safe)`: UTF-8, always-safe letters, digits and `_.-~`. */
export function quote(text: string, safe = '/'): string {
  let keep = keptBySafe.get(safe);
  if (keep === undefined) {
    keep = new Set([...UNRESERVED, ...safe.split('')]);
    if (keptBySafe.size < 64) keptBySafe.set(safe, keep);
  }
  // Most URLs need no escape at all: then the text is its own quoting (ASCII, all kept).
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) plain = keep.has(text[i]!);
  if (plain) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && keep.has(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Python's `quote_plus`: like quote, but spaces become `+`. */
export function quote_plus(text: string, safe = ''): string {
  return quote(text, `${safe} `).replace(/ /g, '+');
}

/** Python's `urlencode(pairs, doseq=True)` for string pairs. */
export function urlencode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${quote_plus(k)}=${quote_plus(v)}`).join('&');
}

/**
 * Re-quotes a URI so it is fully and consistently quoted: unreserved escapes are undone, then
 * everything illegal is escaped; if the URI has a bad escape, `%` is quoted too.
 */
export function requote_uri(uri: string): string {
  const safeWithPercent = "!#$%&'()*+,/:;=?@[]~";
  const safeWithoutPercent = "!#$&'()*+,/:;=?@[]~";
  try {
    // Python: undo escapes of unreserved characters, then escape what is illegal, keeping
    // reserved characters and '%'.
    return quote(unquote_unreserved(uri), safeWithPercent);
  } catch (err) {
    if (!(err instanceof InvalidURL)) throw err;
    // Python: on a bad escape, quote the URI as given, escaping '%' as well.
    return quote(uri, safeWithoutPercent);
  }
}

/** The charset of a Content-Type header; `ISO-8859-1` for text without one; else null. */
export function get_encoding_from_headers(headers: CaseInsensitiveDict): string | null {
  const content_type = headers.get('content-type');
  if (!content_type) return null;
  const [type, ...params] = content_type.split(';');
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() === 'charset') {
      return param
        .slice(eq + 1)
        .trim()
        .replace(/^['"]+|['"]+$/g, '');
    }
  }
  if ((type ?? '').includes('text')) return 'ISO-8859-1';
  return null;
}

/** A mapping or pair list as `[key, value]` pairs; anything else is a ValueError. */
export function to_key_val_list<V>(
  value: Readonly<Record<string, V>> | ReadonlyArray<readonly [string, V]> | null | undefined
): Array<[string, V]> {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object')
    throw new ValueError(['cannot encode objects that are not 2-tuples']);
  if (Array.isArray(value))
    return (value as ReadonlyArray<readonly [string, V]>).map(([k, v]) => [k, v]);
  return Object.entries(value as Record<string, V>);
}

/** The UTF flavour of a JSON text from its first four bytes (RFC 4627 section 3), or null. */
export function guess_json_utf(data: Uint8Array): string | null {
  const sample = data.subarray(0, 4);
  const [b0, b1, b2, b3] = [sample[0], sample[1], sample[2], sample[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8-sig';
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return 'utf-16';
  const nulls = [b0, b1, b2, b3].filter((b) => b === 0).length;
  if (nulls === 0) return 'utf-8';
  if (nulls === 2) {
    if (b0 === 0 && b2 === 0) return 'utf-16-be';
    if (b1 === 0 && b3 === 0) return 'utf-16-le';
  }
  if (nulls === 3) {
    if (b0 === 0 && b1 === 0 && b2 === 0) return 'utf-32-be';
    if (b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32-le';
  }
  return null;
}

/** Length of a body we know the size of; null for streams (iterables). */
export function super_len(body: unknown): number | null {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof Uint8Array) return body.length;
  return null;
}

/** The proxy for a URL: `scheme://host` first, then the scheme. */
export function select_proxy(
  url: string,
  proxies: Readonly<Record<string, string>> | null | undefined
): string | undefined {
  const all = proxies ?? {};
  const parts = parse_url(url);
  const scheme = parts.scheme ?? '';
  return all[`${scheme}://${parts.host ?? ''}`] ?? all[scheme];
}

/** The variables every call reads by name (what an http(s) request can use). */
const HTTP_PROXY_NAMES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'];
/** `*_proxy` names found in process.env at its first walk, with the http(s) ones. */
let processProxyNames: string[] | undefined;

/**
 * Python's `getproxies_environment()`: `<scheme>_proxy` variables, lower case winning.
 *
 * Differs, for `process.env` only: its names are walked once per process, and the values are
 * read on every call (a variable changed or removed mid-run counts at once, as in Python, and
 * so does a new `http_proxy` or `https_proxy`); a new `<other scheme>_proxy` set mid-run is
 * not seen. Python walks `os.environ` per request; walking Node's `process.env` costs ~5 µs a
 * request, and a proxy for another scheme is never used for an http(s) URL (`select_proxy`).
 */
export function getproxies(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const proxies: Record<string, string> = {};
  // One walk over the names, reading only the `*_proxy` values: process.env is slow to read,
  // and this runs for every request (as Python reads os.environ every time).
  const upper: string[] = [];
  const lower: string[] = [];
  let names: string[];
  if (env === process.env) {
    processProxyNames ??= [
      ...new Set([...HTTP_PROXY_NAMES, ...Object.keys(env).filter((n) => /_proxy$/i.test(n))]),
    ];
    names = processProxyNames;
  } else names = Object.keys(env);
  for (const name of names) {
    if (name.endsWith('_PROXY') && name === name.toUpperCase()) upper.push(name);
    else if (name.endsWith('_proxy') && name === name.toLowerCase()) lower.push(name);
  }
  // Upper case first, so lower case (preferred, as Python 3 does) overwrites it.
  for (const name of upper) {
    const value = env[name];
    if (value) proxies[name.slice(0, -6).toLowerCase()] = value;
  }
  for (const name of lower) {
    const value = env[name];
    if (value) proxies[name.slice(0, -6)] = value;
  }
  delete proxies.no;
  return proxies;
}

/** True when the URL's host is listed in `no_proxy` (by suffix, or `*`). */
export function should_bypass_proxies(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const no_proxy = env.no_proxy ?? env.NO_PROXY;
  const parsed = parse_url(url);
  const netloc = parsed.netloc ?? '';
  const host = parsed.host ?? '';
  if (no_proxy) {
    if (no_proxy.trim() === '*') return true;
    // Hosts to bypass, comma-separated, spaces ignored.
    const entries = no_proxy
      .replace(/ /g, '')
      .split(',')
      .filter((h) => h);
    if (isIPv4(host)) {
      for (const entry of entries) {
        if (isCidr(entry)) {
          if (addressInNetwork(host, entry)) return true;
        } else if (host === entry) {
          return true;
        }
      }
    } else {
      for (const entry of entries) {
        if (netloc.endsWith(entry) || host.endsWith(entry)) return true;
      }
    }
  }
  return false;
}

/** The proxies from the environment for a URL (none when `no_proxy` says so). */
export function get_environ_proxies(
  url: string,
  env: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  if (should_bypass_proxies(url, env)) return {};
  return getproxies(env);
}

function isIPv4(text: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text);
}

function isCidr(text: string): boolean {
  const [ip, mask] = text.split('/');
  if (mask === undefined || ip === undefined || !isIPv4(ip)) return false;
  const bits = Number(mask);
  return Number.isInteger(bits) && bits >= 1 && bits <= 32;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

function addressInNetwork(ip: string, net: string): boolean {
  const [netaddr, bits] = net.split('/') as [string, string];
  const mask = (0xffffffff << (32 - Number(bits))) >>> 0;
  return (ipToInt(ip) & mask) === (ipToInt(netaddr) & mask);
}

/** The parts of Python's `urllib.parse.urlsplit` (stdlib rules, unlike urllib3's parse_url). */
export interface SplitResult {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
  fragment: string;
  /** Lower-cased host without userinfo and port, or null. */
  hostname: string | null;
}

/** Python's `urlsplit`: a netloc only after `//`; `hostname` is lower-cased. */
export function urlsplit(url: string): SplitResult {
  let rest = url;
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m && m[1]) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? '' : rest.slice(end + 2);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const hostPort = netloc.slice(netloc.lastIndexOf('@') + 1);
  let hostname: string | null = hostPort.startsWith('[')
    ? hostPort.slice(1, hostPort.indexOf(']'))
    : (hostPort.split(':')[0] ?? '');
  hostname = hostname ? hostname.toLowerCase() : null;
  return { scheme, netloc, path: rest, query, fragment, hostname };
}

/** Adds `new_scheme://` to a URL that has none. */
export function prepend_scheme_if_needed(url: string, new_scheme: string): string {
  const hasScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(url);
  if (hasScheme) return url;
  return `${new_scheme}://${url.replace(/^\/\//, '')}`;
}

/** `[username, password]` from a URL's userinfo, unquoted; empty strings when absent. */
export function get_auth_from_url(url: string): [string, string] {
  const auth = parse_url(url).auth;
  if (!auth) return ['', ''];
  const colon = auth.indexOf(':');
  const user = colon >= 0 ? auth.slice(0, colon) : auth;
  const pass = colon >= 0 ? auth.slice(colon + 1) : '';
  return [decodeURIComponent(user), decodeURIComponent(pass)];
}

/** The URL without its fragment and userinfo (what is sent to a proxy). */
export function urldefragauth(url: string): string {
  const p = parse_url(url);
  const netloc = p.port ? `${p.host ?? ''}:${p.port}` : (p.host ?? '');
  const path = p.path ?? '';
  const query = p.query !== null ? `?${p.query}` : '';
  return `${p.scheme ?? ''}://${netloc}${path}${query}`;
}
