/**
 * @module
 * Request checks of the viewer: which Host names it answers (a DNS-rebinding guard while it
 * listens on loopback) and which POSTs may change state (same-origin JSON only). There is no
 * CORS at all: no `Access-Control-Allow-*` header is ever sent.
 */
import type { MiddlewareHandler } from 'hono';

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name part of a `Host` header value (`[::1]:8787` → `[::1]`). */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    return close === -1 ? value : value.slice(0, close + 1);
  }
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/**
 * Middleware: refuses requests whose Host is not a loopback name (when `loopbackOnly`) or one
 * of `names` (the names a classroom types to reach the viewer). A page
 * on another site that re-binds its DNS name to 127.0.0.1 still sends its own Host, so it is
 * turned away before it can read traces.
 */
export function hostGuard(loopbackOnly: boolean, names: readonly string[] = []): MiddlewareHandler {
  // On a classroom network (`serve --host 0.0.0.0 --name lab-pc.local`) the guard stays on and
  // accepts the configured names besides loopback.
  const allowed = new Set([...LOOPBACK_NAMES, ...names.map((n) => hostName(n))]);
  const guard = loopbackOnly || names.length > 0;
  return async function hostGuardMiddleware(c, next) {
    if (guard) {
      const host = c.req.header('host') ?? new URL(c.req.url).host;
      if (!allowed.has(hostName(host))) {
        return c.json({ error: `unexpected Host header '${host.slice(0, 100)}'` }, 421);
      }
    }
    await next();
    return undefined;
  };
}

/** Why a state-changing request is refused, or undefined when it may pass. */
export function crossOriginReason(headers: {
  origin?: string;
  host?: string;
  secFetchSite?: string;
  requestUrl: string;
}): string | undefined {
  const site = headers.secFetchSite?.toLowerCase();
  if (site && site !== 'same-origin' && site !== 'none') {
    return `cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  if (headers.origin !== undefined) {
    let own: string;
    try {
      const url = new URL(headers.requestUrl);
      own = `${url.protocol}//${headers.host ?? url.host}`.toLowerCase();
    } catch {
      return 'cannot tell this server’s origin';
    }
    if (headers.origin.toLowerCase() !== own) {
      return `cross-origin request refused (Origin: ${headers.origin.slice(0, 100)})`;
    }
  }
  return undefined;
}

/** True for `application/json` with or without parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Middleware for routes that change state from the page (runs, step controls, opening files):
 * same-origin only and `Content-Type: application/json`, so a form or a script on another
 * site can neither post here nor pass a CORS preflight.
 */
export function sameOriginJson(): MiddlewareHandler {
  return async function sameOriginJsonMiddleware(c, next) {
    const reason = crossOriginReason({
      origin: c.req.header('origin'),
      host: c.req.header('host'),
      secFetchSite: c.req.header('sec-fetch-site'),
      requestUrl: c.req.url,
    });
    if (reason) return c.json({ error: reason }, 403);
    if (!isJsonContentType(c.req.header('content-type'))) {
      return c.json({ error: 'expected Content-Type: application/json' }, 415);
    }
    await next();
    return undefined;
  };
}

/** Security headers for every answer: the page runs only its own script and style. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
