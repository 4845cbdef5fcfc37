/**
 * @module
 * Small request/response helpers shared by the Keystone and Nova routes.
 */
import type { Context } from 'hono';
import type { CloudDeps, CloudEnv } from './internal-types.js';
import { CloudHttpError, type ErrorStyle } from './nova-errors.js';
import { JsonScanner } from '../util/json-scan.js';
import { readLimited } from '../util/read-limited.js';

/** The URL clients reach the cloud at: the fixed public URL, else the request's origin. */
export function baseUrl(c: Context<CloudEnv>, deps: CloudDeps): string {
  if (deps.publicUrl) return deps.publicUrl.replace(/\/+$/, '');
  return new URL(c.req.url).origin;
}

/** Keystone's public URL (what `WWW-Authenticate: Keystone uri=` names). */
export function identityUrl(c: Context<CloudEnv>, deps: CloudDeps): string {
  return `${baseUrl(c, deps)}/identity`;
}

/**
 * The route templates the cloud serves (`/v2.1/servers/{server_id}`), so a request answered
 * before its handler ran (a fault, a 401) still gets its `http.route` and span name.
 */
export class RouteTable {
  readonly #entries: { re: RegExp; template: string }[] = [];

  /** Adds a template; `{project_id}` matches a hex project id, other `{name}`s one segment. */
  add(template: string): void {
    if (this.#entries.some((e) => e.template === template)) return;
    const source = template
      .split(/(\{\w+\})/)
      .map((part) =>
        part === '{project_id}'
          ? '[0-9a-f-]{32,36}'
          : /^\{\w+\}$/.test(part)
            ? '[^/]+'
            : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      )
      .join('');
    this.#entries.push({ re: new RegExp(`^${source}/?$`), template });
  }

  /** The template a path belongs to, if any. */
  match(path: string): string | undefined {
    return this.#entries.find((e) => e.re.test(path))?.template;
  }
}

/** Records the route template the answering handler stands for. */
export function setRoute(c: Context<CloudEnv>, route: string): void {
  c.set('route', route);
}

/** Error thrown when the body is larger than the limit (413 in the service's shape). */
export function tooLarge(style: ErrorStyle): CloudHttpError {
  return new CloudHttpError(413, 'Request is too large.', { style });
}

/**
 * Reads the request body as text, refusing more than `limit` bytes (413) whether or not the
 * client announced a Content-Length.
 */
export async function readBodyText(
  c: Context<CloudEnv>,
  limit: number,
  style: ErrorStyle
): Promise<string> {
  const bytes = await readLimited(c.req.raw, limit, () => tooLarge(style));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Reads and parses a JSON body. A Content-Type other than JSON, or text that is not JSON, is
 * refused the way the service does it (Nova: 415 `Unsupported Content-Type`, 400 `Malformed
 * request body`; Keystone: 400). An empty body parses as null.
 */
export async function readJson(
  c: Context<CloudEnv>,
  deps: CloudDeps,
  style: ErrorStyle
): Promise<unknown> {
  const type = c.req.header('content-type');
  const text = await readBodyText(c, deps.bodyLimit, style);
  if (type && !/^application\/json\s*(;|$)/i.test(type.trim())) {
    if (style === 'nova') throw new CloudHttpError(415, 'Unsupported Content-Type', { style });
    throw new CloudHttpError(400, 'Expecting to find application/json in Content-Type header.', {
      style,
    });
  }
  if (text.trim() === '') return null;
  try {
    // Python's json module gives up past its recursion limit (1000 frames by default); so do we,
    // before parsing, and as a malformed body (400) rather than the crash (500) it was there.
    new JsonScanner({ maxDepth: MAX_JSON_DEPTH }).scanAll(text);
    return JSON.parse(text) as unknown;
  } catch {
    if (style === 'nova') throw new CloudHttpError(400, 'Malformed request body', { style });
    throw new CloudHttpError(
      400,
      'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      { style }
    );
  }
}

/** Deepest JSON nesting a request body may have (about what Python's json module manages). */
export const MAX_JSON_DEPTH = 900;

/** A JSON response with an exact Content-Type. */
export function json(
  body: unknown,
  status: number,
  contentType = 'application/json',
  headers?: Record<string, string>
): Response {
  const h = new Headers(headers);
  h.set('Content-Type', contentType);
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** ISO 8601 with microseconds and Z, as Keystone writes `expires_at`. */
export function keystoneTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** ISO 8601 without fraction, as Nova and Keystone v2.0 write times. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
