/**
 * @module
 * The mock cloud as one Hono app: Keystone under `/identity`, Nova at `/` and `/v2.1`, the
 * control routes under `/_novatrace`. The middlewares stand for the layers of the real
 * services' WSGI pipelines, in their order:
 *
 * 1. `cloudRequest`: request id, the SERVER span, and the faults that act before any service
 *    code (dropped request, delay, redirect) or on the connection (close after the response,
 *    close when idle);
 * 2. `sizeLimit`: oslo's request size limit (413);
 * 3. `keystonemiddleware` (Nova only): the token check, and the token-expired fault;
 * 4. `microversion` (Nova only): negotiation, and the echo headers on the way out;
 * 5. `injectedStatus`: the status and legacy-400 faults, answered as the service would;
 * 6. the routes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { parseFault, FaultSpecError, Faults, type Fault, type RequestInfo } from './faults.js';
import { RouteTable, identityUrl, json, readBodyText } from './http-util.js';
import type { CloudDeps, CloudEnv } from './internal-types.js';
import {
  KEYSTONE_VERSIONS,
  registerKeystone,
  type KeystoneSettings,
  type KeystoneVersions,
} from './keystone.js';
import { DEFAULT_MAX_VERSION, echoVersion, negotiate, parseVersion } from './microversion.js';
import { registerNova } from './nova.js';
import {
  AUTH_REQUIRED_MESSAGE,
  CloudHttpError,
  FLASK_NOT_FOUND_HTML,
  UNEXPECTED_API_ERROR,
  errorResponse,
  type ErrorStyle,
} from './nova-errors.js';
import { RemoteKeystone } from './remote-keystone.js';
import { CloudState, type TokenRecord } from './store.js';
import { CloudTracing, RequestTrace, type CloudService } from './tracing.js';
import { crossOriginReason, hostName, isJsonContentType } from '../viewer/security.js';

/** Options of {@link createCloudApp}. */
export interface CloudAppOptions {
  /** Shared state (default: a fresh seeded one). */
  state?: CloudState;
  /** Shared faults (default: none active). */
  faults?: Faults;
  /** Span processors for the cloud's own SERVER spans; none = no-op tracing. */
  spanProcessors?: SpanProcessor[];
  /** Nova's newest microversion, e.g. `'2.79'` (default `'2.104'`, Nova master). */
  maxMicroversion?: string;
  /** Base URL for catalogs and links (default: each request's own origin). */
  publicUrl?: string;
  /** Largest accepted request body in bytes (default 114688, oslo's default). */
  bodyLimit?: number;
  /** End the v3 catalog's compute URL with the project id, as seed-era catalogs did. */
  catalogProjectId?: boolean;
  /** Keystone API versions served: v2.0 and v3 (default, the seed era), or `['v3']`. */
  keystoneVersions?: KeystoneVersions;
  /** Host names (lower case) clients may reach the cloud by, besides loopback (`--name`). */
  hostNames?: readonly string[];
  /**
   * A real Keystone (its root or `/v3` URL): Nova then validates tokens there, as
   * keystonemiddleware does, instead of in the mock Keystone's store.
   */
  keystoneUrl?: string;
  /** A token for those validations instead of each caller's own (a service token). */
  keystoneServiceToken?: string;
}

/** What {@link createCloudApp} returns. */
export interface CloudApp {
  readonly app: Hono<CloudEnv>;
  readonly state: CloudState;
  readonly faults: Faults;
  readonly tracing: CloudTracing;
  /** Keystone's switches, read on every request (which API versions it serves). */
  readonly keystone: KeystoneSettings;
  /** Cancels pending delays and idle timers; flushes the span processors. */
  dispose(): Promise<void>;
}

/** oslo.middleware's default `max_request_body_size`. */
export const DEFAULT_BODY_LIMIT = 114_688;

const CONTROL_PREFIX = '/_novatrace';

/**
 * How long closing the cloud waits for requests still being served (their SERVER spans end when
 * the answer is ready, even when the client has gone), before it cuts pending delays short.
 */
export const DRAIN_LIMIT_MS = 5_000;

/** Retry-After (seconds) of a 429 status fault that names none. */
export const DEFAULT_RETRY_AFTER = 30;

/**
 * Builds the cloud app without binding a port, for `app.request()` tests and for embedding.
 * @example
 * const { app, state } = createCloudApp();
 * const res = await app.request('/v2.1');
 * (await res.json()).version.version; // '2.104'
 */
export function createCloudApp(opts: CloudAppOptions = {}): CloudApp {
  const state = opts.state ?? new CloudState();
  const faults = opts.faults ?? new Faults();
  const tracing = new CloudTracing(opts.spanProcessors ?? []);
  let maxVersion = DEFAULT_MAX_VERSION;
  if (opts.maxMicroversion !== undefined) {
    const parsed = parseVersion(opts.maxMicroversion);
    if (!parsed || parsed.major !== 2 || parsed.minor < 1) {
      throw new Error(
        `maxMicroversion must look like 2.N with N >= 1 (got ${opts.maxMicroversion})`
      );
    }
    maxVersion = parsed;
  }
  const deps: CloudDeps = {
    state,
    faults,
    tracing,
    maxVersion,
    publicUrl: opts.publicUrl,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routes: new RouteTable(),
  };
  const lifetime = new AbortController();
  const idleTimers = new Map<Socket, NodeJS.Timeout>();
  const inflight = new Set<Promise<unknown>>();

  const app = new Hono<CloudEnv>();
  app.use('*', cloudSecurityHeaders);
  app.use('*', hostGuard(opts.publicUrl, opts.hostNames ?? []));
  registerControl(app, deps);
  app.use('*', cloudRequest(deps, lifetime.signal, idleTimers, inflight));
  app.use('*', sizeLimit(deps));
  const remote = opts.keystoneUrl
    ? new RemoteKeystone(opts.keystoneUrl, opts.keystoneServiceToken)
    : undefined;
  app.use('/v2.1/*', keystonemiddleware(deps, remote));
  app.use('/v2.1/*', microversion(deps));
  app.use('*', injectedStatus(deps));
  const keystone: KeystoneSettings = { versions: opts.keystoneVersions ?? KEYSTONE_VERSIONS };
  registerKeystone(app, deps, {
    catalogProjectId: opts.catalogProjectId ?? false,
    settings: keystone,
  });
  registerNova(app, deps);

  app.notFound((c) => {
    c.set('unrouted', true);
    if (serviceOf(c.req.path) === 'keystone') {
      return new Response(FLASK_NOT_FOUND_HTML, {
        status: 404,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      });
    }
    return errorResponse(
      new CloudHttpError(404, 'Not Found', { style: 'webob' }),
      identityUrl(c, deps)
    );
  });

  app.onError((err, c) => {
    if (err instanceof CloudHttpError) return errorResponse(err, identityUrl(c, deps));
    // Never crash: anything unexpected is the service's 500, recorded on the span.
    const rt = c.get('rt') as RequestTrace | undefined;
    rt?.span.recordException(err);
    const style: ErrorStyle = serviceOf(c.req.path) === 'keystone' ? 'keystone' : 'nova';
    const message =
      style === 'nova'
        ? `${UNEXPECTED_API_ERROR}<class '${err.name}'>`
        : 'An unexpected error prevented the server from fulfilling your request.';
    return errorResponse(new CloudHttpError(500, message, { style }), identityUrl(c, deps));
  });

  return {
    app,
    state,
    faults,
    tracing,
    keystone,
    async dispose() {
      // Requests still being served (a client may have given up on them: read-timeout) end
      // their spans when they really finish; wait for that, bounded, before cutting delays.
      if (inflight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inflight]),
          new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_LIMIT_MS))),
        ]);
        clearTimeout(timer);
      }
      lifetime.abort();
      for (const timer of idleTimers.values()) clearTimeout(timer);
      idleTimers.clear();
      await tracing.forceFlush();
    },
  };
}

/**
 * Security headers on every answer of the cloud, errors and refusals included: JSON APIs that no
 * browser should sniff, frame or hand to another site.
 */
export const CLOUD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

const cloudSecurityHeaders: MiddlewareHandler<CloudEnv> = async function cloudSecurityHeaders(
  c,
  next
) {
  await next();
  for (const [name, value] of Object.entries(CLOUD_SECURITY_HEADERS)) {
    c.res.headers.set(name, value);
  }
};

/**
 * The Host check on every route: Keystone's catalog and Nova's links are built from the Host a
 * request names (unless a public URL is configured), so a page whose DNS name re-binds to this
 * machine must not get them. Allowed: a loopback name, the address the client connected to (a
 * cloud bound to a LAN address is reached by it), the configured public URL's host, and the
 * names given with `cloud --name` (a classroom's DNS name for this machine).
 */
function hostGuard(
  publicUrl: string | undefined,
  names: readonly string[]
): MiddlewareHandler<CloudEnv> {
  const named = new Set(names.map((n) => n.toLowerCase()));
  let publicHost: string | undefined;
  try {
    publicHost = publicUrl ? hostName(new URL(publicUrl).host) : undefined;
  } catch {
    publicHost = undefined;
  }
  return async function hostGuard(c, next) {
    const socket = c.env?.incoming?.socket;
    // app.request() in-process: no network, nothing to re-bind.
    if (!socket) return next();
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const name = hostName(host);
    const local = socket.localAddress?.replace(/^::ffff:/, '');
    const localName = local === undefined ? undefined : local.includes(':') ? `[${local}]` : local;
    if (isLoopbackHostName(host) || name === localName || name === publicHost) return next();
    if (named.has(name.toLowerCase())) return next();
    return json({ error: `unexpected Host header '${host.slice(0, 100)}'` }, 421);
  };
}

/** Which service a path belongs to. */
function serviceOf(path: string): CloudService {
  return path === '/identity' || path.startsWith('/identity/') ? 'keystone' : 'nova-api';
}

function errorStyleOf(service: CloudService): ErrorStyle {
  return service === 'keystone' ? 'keystone' : 'nova';
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return true; // app.request(): no socket at all
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** True for a Host name only this machine resolves to itself: localhost, 127.x, [::1]. */
function isLoopbackHostName(host: string): boolean {
  const name = hostName(host);
  return (
    name === 'localhost' ||
    name === '[::1]' ||
    name === '::1' ||
    name === '[::ffff:127.0.0.1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/**
 * The control routes: faults and state over HTTP. No spans. Guarded like the viewer's own
 * state-changing routes (src/viewer/security.ts), since any web page the user has open can
 * send requests to 127.0.0.1:
 *
 * - loopback clients only (403), and a loopback `Host` only (421), so a site whose DNS name
 *   re-binds to 127.0.0.1 cannot reach them;
 * - the changing ones (POST/PUT/DELETE) refuse a foreign `Origin` and `Sec-Fetch-Site:
 *   cross-site|same-site` (403);
 * - faults are set with `Content-Type: application/json` only (415), which a form or a
 *   no-preflight fetch cannot send; reset takes JSON too, or a bodiless POST without a
 *   Content-Type (`curl -X POST .../_novatrace/reset`), which a browser always sends with an
 *   `Origin`;
 * - bodies are read through the cloud's body limit (413).
 */
function registerControl(app: Hono<CloudEnv>, deps: CloudDeps): void {
  const { state, faults } = deps;
  app.use(`${CONTROL_PREFIX}/*`, async function loopbackOnly(c, next) {
    if (!isLoopback(c.env?.incoming?.socket?.remoteAddress)) {
      return json({ error: 'the control routes answer loopback clients only' }, 403);
    }
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!isLoopbackHostName(host)) {
      return json({ error: `unexpected Host header '${host.slice(0, 100)}'` }, 421);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const reason = crossOriginReason({
        origin: c.req.header('origin'),
        host: c.req.header('host'),
        secFetchSite: c.req.header('sec-fetch-site'),
        requestUrl: c.req.url,
      });
      if (reason) return json({ error: reason }, 403);
    }
    return next();
  });
  /** The body as text within the body limit, or the control route's 413/415 answer. */
  const readBody = async (
    c: Context<CloudEnv>,
    allowBodiless: boolean
  ): Promise<string | Response> => {
    const type = c.req.header('content-type');
    if (type !== undefined && !isJsonContentType(type)) {
      return json({ error: 'expected Content-Type: application/json' }, 415);
    }
    let text: string;
    try {
      text = await readBodyText(c, deps.bodyLimit, 'nova');
    } catch (err) {
      if (err instanceof CloudHttpError && err.status === 413) {
        return json({ error: `the body is larger than ${deps.bodyLimit} bytes` }, 413);
      }
      throw err;
    }
    if (type === undefined && !(allowBodiless && text === '')) {
      return json({ error: 'expected Content-Type: application/json' }, 415);
    }
    return text;
  };
  const readFaults = async (c: Context<CloudEnv>): Promise<Fault[] | Response> => {
    const text = await readBody(c, false);
    if (text instanceof Response) return text;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return json({ error: 'the body must be a JSON fault object or an array of them' }, 400);
    }
    try {
      return (Array.isArray(body) ? body : [body]).map(parseFault);
    } catch (err) {
      if (err instanceof FaultSpecError) return json({ error: err.message }, 400);
      throw err;
    }
  };
  const listing = () => json({ faults: faults.list() }, 200);
  app.get(`${CONTROL_PREFIX}/faults`, () => listing());
  app.put(`${CONTROL_PREFIX}/faults`, async (c) => {
    const parsed = await readFaults(c);
    if (parsed instanceof Response) return parsed;
    faults.clear();
    for (const fault of parsed) faults.set(fault);
    return listing();
  });
  app.post(`${CONTROL_PREFIX}/faults`, async (c) => {
    const parsed = await readFaults(c);
    if (parsed instanceof Response) return parsed;
    for (const fault of parsed) faults.set(fault);
    return listing();
  });
  app.delete(`${CONTROL_PREFIX}/faults`, () => {
    faults.clear();
    return listing();
  });
  app.get(`${CONTROL_PREFIX}/state`, () => json(state.snapshot(), 200));
  app.post(`${CONTROL_PREFIX}/reset`, async (c) => {
    // The body says nothing; it is read (within the limit) only to refuse what is not JSON.
    const text = await readBody(c, true);
    if (text instanceof Response) return text;
    state.reset();
    faults.clear();
    return json({ reset: true }, 200);
  });
  app.all(`${CONTROL_PREFIX}/*`, () => json({ error: 'no such control route' }, 404));
}

function requestInfo(c: Context<CloudEnv>): RequestInfo {
  return { method: c.req.method, path: c.req.path };
}

/** Host header -> server.address / server.port. */
function hostAttributes(host: string | undefined): Attributes {
  if (!host) return {};
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m) return {};
  const out: Attributes = { 'server.address': m[1]!.replace(/^\[|\]$/g, '') };
  if (m[2]) out['server.port'] = Number(m[2]);
  return out;
}

/**
 * Request id, SERVER span, and the faults that act before the services or on the connection.
 */
function cloudRequest(
  deps: CloudDeps,
  signal: AbortSignal,
  idleTimers: Map<Socket, NodeJS.Timeout>,
  inflight: Set<Promise<unknown>>
): MiddlewareHandler<CloudEnv> {
  return function cloudRequest(c, next) {
    const served = serve(c, next);
    inflight.add(served);
    const forget = () => inflight.delete(served);
    served.then(forget, forget);
    return served;
  };

  async function serve(c: Context<CloudEnv>, next: () => Promise<void>): Promise<Response> {
    const incoming = c.env?.incoming;
    const outgoing = c.env?.outgoing;
    const socket = incoming?.socket;
    if (socket) {
      // A new request on a kept-alive connection: it is no longer idle.
      const timer = idleTimers.get(socket);
      if (timer) clearTimeout(timer);
      idleTimers.delete(socket);
    }

    const service = serviceOf(c.req.path);
    const requestId = `req-${randomUUID()}`;
    const url = new URL(c.req.url);
    const attributes: Attributes = {
      'http.request.method': c.req.method,
      'url.path': c.req.path,
      'url.scheme': url.protocol.replace(':', ''),
      ...(url.search ? { 'url.query': url.search.slice(1) } : {}),
      ...hostAttributes(c.req.header('host')),
      ...(c.req.header('user-agent') ? { 'user_agent.original': c.req.header('user-agent') } : {}),
      ...(incoming?.httpVersion ? { 'network.protocol.version': incoming.httpVersion } : {}),
      ...(socket?.remoteAddress
        ? { 'client.address': socket.remoteAddress, 'network.peer.address': socket.remoteAddress }
        : {}),
      ...(socket?.remotePort
        ? { 'client.port': socket.remotePort, 'network.peer.port': socket.remotePort }
        : {}),
      'novatrace.cloud.request_id': requestId,
    };
    const tracer = deps.tracing.tracer(service);
    const parent = deps.tracing.extract(c.req.raw.headers);
    const span = tracer.startSpan(c.req.method, { kind: SpanKind.SERVER, attributes }, parent);
    const rt = new RequestTrace(tracer, span, parent);
    // The client may give up before the answer is ready (its read timeout): the response then
    // closes unfinished. The span still ends when the server is done, and says so.
    let clientGone = false;
    let dropped = false;
    outgoing?.once('close', () => {
      if (!outgoing.writableFinished && !dropped) clientGone = true;
    });
    c.set('rt', rt);
    c.set('requestId', requestId);
    c.set('service', service);

    try {
      const info = requestInfo(c);

      const drop = deps.faults.take('drop-request', info);
      if (drop) {
        rt.event('fault: drop request (connection destroyed, no response)', {
          'novatrace.fault': 'drop-request',
        });
        span.setAttribute('error.type', 'connection dropped');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection dropped by fault' });
        dropped = true;
        socket?.destroy();
        // Nobody reads this: the socket is gone. Under app.request() (no socket) it is the answer.
        return new Response(null, { status: 500 });
      }

      const delay = deps.faults.take('delay', info);
      if (delay) {
        rt.event(`fault: delay ${delay.ms} ms`, {
          'novatrace.fault': 'delay',
          'novatrace.fault.ms': delay.ms,
        });
        await sleep(delay.ms, undefined, { signal }).catch(() => undefined);
      }

      const redirect = deps.faults.take('redirect', info);
      if (redirect) {
        const target = new URL(redirect.to, url.origin);
        if (!redirect.to.includes('?') && url.search) target.search = url.search;
        rt.event(`fault: redirect ${redirect.status}`, {
          'novatrace.fault': 'redirect',
          'novatrace.fault.location': target.pathname,
        });
        c.res = new Response('', {
          status: redirect.status,
          headers: { Location: target.toString(), 'Content-Type': 'text/plain; charset=UTF-8' },
        });
      } else {
        await next();
      }

      const res = c.res;
      // Keystone varies every answer on the caller's token (measured on Keystone 22).
      if (service === 'keystone') res.headers.set('Vary', 'X-Auth-Token');
      res.headers.set('x-openstack-request-id', requestId);
      if (service === 'nova-api') res.headers.set('x-compute-request-id', requestId);

      const close = deps.faults.take('close-after-response', info);
      if (close) {
        if (close.announce) {
          res.headers.set('Connection', 'close');
          rt.event('fault: close after response (Connection: close)', {
            'novatrace.fault': 'close-after-response',
          });
        } else {
          rt.event('fault: close after response (FIN, unannounced)', {
            'novatrace.fault': 'close-after-response',
          });
          if (outgoing && incoming && socket) finWithLastByte(outgoing, incoming, socket);
        }
      } else {
        const idle = deps.faults.peek('close-idle');
        if (idle && socket && outgoing) {
          rt.event(`fault: close connection after ${idle.afterMs} ms idle`, {
            'novatrace.fault': 'close-idle',
          });
          outgoing.once('finish', () => armIdleClose(idleTimers, socket, idle.afterMs));
        }
      }

      const route =
        (c.get('route') as string | undefined) ??
        (c.get('unrouted') ? undefined : deps.routes.match(c.req.path));
      if (route) {
        span.setAttribute('http.route', route);
        span.updateName(`${c.req.method} ${route}`);
      }
      span.setAttribute('http.response.status_code', res.status);
      if (res.status >= 500) {
        span.setAttribute('error.type', String(res.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return res;
    } finally {
      if (clientGone) {
        span.setAttribute('novatrace.cloud.client_gone', true);
        rt.event('client gone: the connection closed before the answer was sent');
      }
      span.end();
    }
  }
}

const idleWatched = new WeakSet<Socket>();

/**
 * Closes a kept-alive connection once it has been idle for `ms` (a new request on it clears
 * the timer first). The client is not told: its pool still holds a connection that is gone.
 */
function armIdleClose(timers: Map<Socket, NodeJS.Timeout>, socket: Socket, ms: number): void {
  const previous = timers.get(socket);
  if (previous) clearTimeout(previous);
  const timer = setTimeout(() => {
    timers.delete(socket);
    socket.end();
  }, ms);
  timer.unref();
  timers.set(socket, timer);
  if (!idleWatched.has(socket)) {
    idleWatched.add(socket);
    socket.once('close', () => {
      const pending = timers.get(socket);
      if (pending) clearTimeout(pending);
      timers.delete(socket);
    });
  }
}

/**
 * Closes the connection right behind the last byte of the answer, without announcing it, so a
 * pooled client finds it dropped when it next looks. The close happens in the same tick as the
 * response's end(): when the answer already sits in the kernel (nothing queued in libuv) and
 * the request was read in full, the socket is destroyed at once, so the FIN leaves right behind
 * the data; otherwise it is ended after the queued bytes. (Ending it on 'finish' instead lets a
 * fast client, Python's over loopback, send its next request on the connection first: the real
 * keep-alive race, which is not the fault asked for.)
 */
function finWithLastByte(
  outgoing: ServerResponse,
  incoming: IncomingMessage,
  socket: Socket
): void {
  const end = outgoing.end.bind(outgoing) as (...args: unknown[]) => ServerResponse;
  outgoing.end = function endThenFin(...args: unknown[]) {
    const result = end(...args);
    // writeQueueSize: bytes libuv still holds for this socket (0 = all handed to the kernel).
    const handle = (socket as unknown as { _handle?: { writeQueueSize?: number } })._handle;
    if (handle?.writeQueueSize === 0 && incoming.complete && socket.readableLength === 0) {
      socket.destroy();
    } else {
      socket.end();
    }
    return result;
  } as ServerResponse['end'];
}

/** oslo's sizelimit: a declared Content-Length over the limit is refused before anything else. */
function sizeLimit(deps: CloudDeps): MiddlewareHandler<CloudEnv> {
  return async function sizeLimit(c, next) {
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > deps.bodyLimit) {
      throw new CloudHttpError(413, 'Request is too large.', {
        style: errorStyleOf(c.var.service),
      });
    }
    await next();
  };
}

/**
 * keystonemiddleware's auth_token in front of Nova: every call except the version document
 * needs a valid `X-Auth-Token`, checked in the mock Keystone's store or, with `--keystone URL`,
 * by asking that real Keystone (src/cloud/remote-keystone.ts); the token-expired fault rejects
 * (and revokes, here) valid ones.
 */
function keystonemiddleware(
  deps: CloudDeps,
  remote: RemoteKeystone | undefined
): MiddlewareHandler<CloudEnv> {
  return async function keystonemiddleware(c, next) {
    const path = c.req.path;
    if (path === '/v2.1' || path === '/v2.1/') return next();
    const rt = c.var.rt;
    const presented = c.req.header('x-auth-token');
    const token = await rt.step(
      'validate token',
      {
        'novatrace.cloud.token_present': Boolean(presented),
        ...(remote ? { 'novatrace.cloud.keystone': remote.url } : {}),
      },
      async (span) => {
        let valid: TokenRecord | undefined;
        if (remote) {
          const answer = await remote.validate(presented);
          span.setAttribute('novatrace.cloud.token_cached', answer.cached);
          if (answer.status !== undefined) {
            span.setAttribute('novatrace.cloud.keystone_status', answer.status);
          }
          valid = answer.token;
        } else {
          valid = deps.state.tokens.validate(presented);
        }
        if (!valid || !valid.projectId) {
          span.setAttribute('novatrace.cloud.token_valid', false);
          throw new CloudHttpError(401, AUTH_REQUIRED_MESSAGE, { style: 'keystonemiddleware' });
        }
        const fault = deps.faults.take('token-expired');
        if (fault) {
          if (remote) remote.revoke(valid.id);
          else deps.state.tokens.revoke(valid.id);
          const left = deps.faults.remaining('token-expired');
          rt.event('fault: token expired (401)', {
            'novatrace.fault': 'token-expired',
            'novatrace.fault.remaining': left === null ? 'all' : String(left ?? 0),
          });
          span.setAttribute('novatrace.cloud.token_valid', false);
          throw new CloudHttpError(401, AUTH_REQUIRED_MESSAGE, { style: 'keystonemiddleware' });
        }
        span.setAttribute('novatrace.cloud.token_valid', true);
        return valid;
      }
    );
    c.set('token', token);
    await next();
  };
}

/** Nova's microversion negotiation, and the echo headers on every versioned answer. */
function microversion(deps: CloudDeps): MiddlewareHandler<CloudEnv> {
  return async function microversion(c, next) {
    const version = negotiate(c.req.raw.headers, deps.maxVersion);
    c.set('version', version);
    c.var.rt.span.setAttribute('novatrace.nova.microversion', `${version.major}.${version.minor}`);
    await next();
    if (!c.get('unrouted')) echoVersion(c.res.headers, version);
  };
}

/** Default messages of the status fault, written for the volume-update PUT. */
function defaultFaultMessage(status: number, path: string): string {
  const ids = /\/servers\/([^/]+)(?:\/os-volume_attachments\/([^/]+))?/.exec(path);
  const server = ids?.[1] ?? 'unknown';
  const volume = ids?.[2];
  switch (status) {
    case 400:
      return 'Invalid volume: New volume must be detached in order to swap.';
    case 403:
      return "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed.";
    case 404:
      return volume
        ? `No volume Block Device Mapping with id ${volume}.`
        : ids
          ? `Instance ${server} could not be found.`
          : 'The resource could not be found.';
    case 409:
      return `Cannot 'swap_volume' instance ${server} while it is in task_state migrating`;
    case 429:
      return 'This request was rate-limited.';
    case 500:
      return `${UNEXPECTED_API_ERROR}<class 'oslo_messaging.exceptions.MessagingTimeout'>`;
    case 503:
      return 'Service temporarily unavailable';
    default:
      return 'Error';
  }
}

/** The status and legacy-400 faults, answered in the service's own error shape. */
function injectedStatus(deps: CloudDeps): MiddlewareHandler<CloudEnv> {
  return async function injectedStatus(c, next) {
    const info = requestInfo(c);
    const style = errorStyleOf(c.var.service);
    const status = deps.faults.take('status', info);
    if (status) {
      // Nova's rate limiting always said when to come back; keep that unless told otherwise.
      const retryAfter =
        status.retryAfter ?? (status.status === 429 ? DEFAULT_RETRY_AFTER : undefined);
      c.var.rt.event(`fault: status ${status.status}`, { 'novatrace.fault': 'status' });
      throw new CloudHttpError(
        status.status,
        status.message ?? defaultFaultMessage(status.status, info.path),
        {
          style,
          ...(retryAfter === undefined ? {} : { retryAfter }),
        }
      );
    }
    if (deps.faults.take('legacy-400-connection-refused', info)) {
      c.var.rt.event('fault: legacy 400 Connection refused', {
        'novatrace.fault': 'legacy-400-connection-refused',
      });
      throw new CloudHttpError(400, 'Connection refused by the volume service', { style });
    }
    await next();
  };
}
