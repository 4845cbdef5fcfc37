/**
 * @module
 * The cookie jar a Session keeps across requests.
 * @see requests/cookies.py (requests 2.9.1) RequestsCookieJar, extract_cookies_to_jar,
 *      get_cookie_header, cookiejar_from_dict, merge_cookies
 *
 * Ported in our own, much smaller form: Python wraps the standard library's `cookielib`
 * (RFC 2965 policy engine). We keep what the flow can meet: `Set-Cookie` stored per
 * domain/path/name (host-only unless a Domain attribute is given), expiry by `Max-Age` /
 * `Expires`, `Secure` cookies only over https, and the `Cookie` header built for a request
 * whose host and path match. Nova and Keystone set no cookies; this keeps the Session honest.
 * Left out: cookielib's full policy (third-party rules, port lists, RFC 2965 `$Version`).
 */
import { parse_url } from '../urllib3/util/url.js';

/** One stored cookie. */
export interface Cookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** True when the cookie had no Domain attribute: only the exact host gets it back. */
  hostOnly: boolean;
  secure: boolean;
  /** Epoch ms, or null for a session cookie. */
  expires: number | null;
}

/** A dict-like cookie jar (requests' `RequestsCookieJar`). */
export class RequestsCookieJar {
  readonly #cookies = new Map<string, Cookie>();

  static #key(c: Pick<Cookie, 'domain' | 'path' | 'name'>): string {
    return `${c.domain}\u0000${c.path}\u0000${c.name}`;
  }

  /** Sets a cookie (domain '' and path '/' by default, like `jar.set(name, value)`). */
  set(name: string, value: string, opts: Partial<Omit<Cookie, 'name' | 'value'>> = {}): void {
    const cookie: Cookie = {
      name,
      value,
      domain: opts.domain ?? '',
      path: opts.path ?? '/',
      hostOnly: opts.hostOnly ?? false,
      secure: opts.secure ?? false,
      expires: opts.expires ?? null,
    };
    this.set_cookie(cookie);
  }

  set_cookie(cookie: Cookie): void {
    const key = RequestsCookieJar.#key(cookie);
    if (cookie.expires !== null && cookie.expires <= Date.now()) this.#cookies.delete(key);
    else this.#cookies.set(key, { ...cookie });
  }

  /** The value of the first cookie called `name` (optionally for a domain/path). */
  get(name: string, opts: { domain?: string; path?: string } = {}): string | undefined {
    for (const c of this.#cookies.values()) {
      if (c.name !== name) continue;
      if (opts.domain !== undefined && c.domain !== opts.domain) continue;
      if (opts.path !== undefined && c.path !== opts.path) continue;
      return c.value;
    }
    return undefined;
  }

  /** All cookies, in insertion order. */
  list(): Cookie[] {
    return [...this.#cookies.values()].map((c) => ({ ...c }));
  }

  /** Adds every cookie of `other` (later ones win). */
  update(other: RequestsCookieJar): void {
    for (const c of other.list()) this.set_cookie(c);
  }

  copy(): RequestsCookieJar {
    const jar = new RequestsCookieJar();
    jar.update(this);
    return jar;
  }

  clear(): void {
    this.#cookies.clear();
  }

  get size(): number {
    return this.#cookies.size;
  }

  /** The cookies a request to `url` would carry, in name order of insertion. */
  cookiesFor(url: string): Cookie[] {
    const u = parse_url(url);
    const host = (u.host ?? '').toLowerCase();
    const path = u.path || '/';
    const secure = (u.scheme ?? '').toLowerCase() === 'https';
    const now = Date.now();
    return this.list().filter((c) => {
      if (c.expires !== null && c.expires <= now) return false;
      if (c.secure && !secure) return false;
      if (c.domain) {
        const domain = c.domain.toLowerCase().replace(/^\./, '');
        if (c.hostOnly ? host !== domain : host !== domain && !host.endsWith(`.${domain}`))
          return false;
      }
      return path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`);
    });
  }
}

/** A jar holding a dict's cookies (requests' `cookiejar_from_dict`). */
export function cookiejar_from_dict(
  cookie_dict: Readonly<Record<string, string>> | null | undefined,
  cookiejar: RequestsCookieJar | null = null,
  overwrite = true
): RequestsCookieJar {
  const jar = cookiejar ?? new RequestsCookieJar();
  if (cookie_dict) {
    const names = new Set(jar.list().map((c) => c.name));
    for (const [name, value] of Object.entries(cookie_dict)) {
      if (overwrite || !names.has(name)) jar.set(name, value);
    }
  }
  return jar;
}

/** Adds cookies (a dict or a jar) to a jar. */
export function merge_cookies(
  cookiejar: RequestsCookieJar,
  cookies: RequestsCookieJar | Readonly<Record<string, string>> | null | undefined
): RequestsCookieJar {
  if (!cookies) return cookiejar;
  if (cookies instanceof RequestsCookieJar) cookiejar.update(cookies);
  else cookiejar_from_dict(cookies, cookiejar, false);
  return cookiejar;
}

/** Parses one Set-Cookie value into a cookie for `url`, or null when malformed. */
function parseSetCookie(text: string, url: string): Cookie | null {
  const [pair, ...attrs] = text.split(';');
  const eq = (pair ?? '').indexOf('=');
  if (!pair || eq <= 0) return null;
  const u = parse_url(url);
  const requestPath = u.path || '/';
  const cookie: Cookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    domain: (u.host ?? '').toLowerCase(),
    path: requestPath.slice(0, Math.max(1, requestPath.lastIndexOf('/'))) || '/',
    hostOnly: true,
    secure: false,
    expires: null,
  };
  let maxAgeSeen = false;
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i >= 0 ? attr.slice(0, i) : attr).trim().toLowerCase();
    const value = i >= 0 ? attr.slice(i + 1).trim() : '';
    if (key === 'domain' && value) {
      cookie.domain = value.toLowerCase().replace(/^\./, '');
      cookie.hostOnly = false;
    } else if (key === 'path' && value.startsWith('/')) {
      cookie.path = value;
    } else if (key === 'secure') {
      cookie.secure = true;
    } else if (key === 'max-age' && /^-?\d+$/.test(value)) {
      cookie.expires = Date.now() + Number(value) * 1000;
      maxAgeSeen = true;
    } else if (key === 'expires' && !maxAgeSeen) {
      const when = Date.parse(value);
      if (!Number.isNaN(when)) cookie.expires = when;
    }
  }
  return cookie;
}

/** What extract_cookies_to_jar reads from a urllib3 response. */
export interface CookieSource {
  readonly headers: { getlist(name: string): string[] };
}

/** Stores the response's Set-Cookie headers in the jar (requests' `extract_cookies_to_jar`). */
export function extract_cookies_to_jar(
  jar: RequestsCookieJar,
  request: { readonly url: string | null },
  response: CookieSource | null | undefined
): void {
  if (!response || !request.url) return;
  for (const header of response.headers.getlist('set-cookie')) {
    const cookie = parseSetCookie(header, request.url);
    if (cookie) jar.set_cookie(cookie);
  }
}

/** The Cookie header value for a request, or null when no cookie matches. */
export function get_cookie_header(
  jar: RequestsCookieJar,
  request: { readonly url: string | null }
): string | null {
  if (!request.url) return null;
  const cookies = jar.cookiesFor(request.url);
  if (cookies.length === 0) return null;
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
