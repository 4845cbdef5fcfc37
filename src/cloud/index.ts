/**
 * @module
 * The mock OpenStack cloud (Keystone + Nova) novatrace runs against: offline, in memory,
 * started in milliseconds, real enough for today's `nova` CLI, and able to misbehave on demand.
 *
 * @example
 * const cloud = await startCloud();
 * cloud.faults.set({ fault: 'token-expired', count: 1 });
 * // ... run a client against cloud.authUrlV3 ...
 * cloud.state.getAttachment(FIXTURES.servers.vm1.id, FIXTURES.volumes.spare.id);
 * await cloud.close();
 */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { createCloudApp, type CloudAppOptions } from './app.js';
import { guardSlowClients, timeoutServerOptions } from '../util/server-timeouts.js';
import type { Faults } from './faults.js';
import type { KeystoneSettings, KeystoneVersions } from './keystone.js';
import { isHeld } from './held-connections.js';
import type { CloudState } from './store.js';

export { createCloudApp, DEFAULT_BODY_LIMIT } from './app.js';
export type { CloudApp, CloudAppOptions } from './app.js';
export { FIXTURES } from './fixtures.js';
export {
  Faults,
  FaultSpecError,
  parseFault,
  pathMatches,
  FAULT_KINDS,
  FAULT_STATUSES,
  REDIRECT_STATUSES,
} from './faults.js';
export type {
  ActiveFault,
  Fault,
  FaultKind,
  FaultOf,
  FaultStatus,
  RedirectStatus,
} from './faults.js';
export { CloudState, TokenStore } from './store.js';
export type {
  AttachmentRecord,
  CloudSnapshot,
  ServerRecord,
  SwapResult,
  TokenRecord,
  VolumeRecord,
} from './store.js';
export { CLOUD_TRACER_SCOPE } from './tracing.js';
export { KEYSTONE_VERSIONS, parseKeystoneVersions } from './keystone.js';
export type { KeystoneSettings, KeystoneVersion, KeystoneVersions } from './keystone.js';
export { holdConnections, isHeld, onRelease, releaseConnections } from './held-connections.js';
export type { CloudService } from './tracing.js';

/** Options of {@link startCloud}. */
export interface StartCloudOptions {
  /** Port to bind (default 0: any free port). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Span processors for the cloud's SERVER spans (borrowed: flushed on close, not shut down). */
  spanProcessors?: SpanProcessor[];
  /** Nova's newest microversion (default `'2.104'`). */
  maxMicroversion?: string;
  /** End the v3 catalog's compute URL with the project id (seed-era catalogs). */
  catalogProjectId?: boolean;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Keystone API versions served: v2.0 and v3 (default), or `['v3']` as every Keystone since Queens. */
  keystoneVersions?: KeystoneVersions;
  /** Host names clients may reach the cloud by, besides loopback (`cloud --name`). */
  hostNames?: readonly string[];
  /** How long a client may take to send its request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept (default {@link KEEP_ALIVE_TIMEOUT_MS}). */
  keepAliveTimeoutMs?: number;
  /** A real Keystone whose tokens Nova accepts (validated there, as keystonemiddleware does). */
  keystoneUrl?: string;
}

/** A started cloud. */
export interface RunningCloud {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** `url + '/identity/v3'` */
  readonly authUrlV3: string;
  /** `url + '/identity/v2.0'` */
  readonly authUrlV2: string;
  /** `url + '/v2.1'` */
  readonly computeUrl: string;
  readonly state: CloudState;
  readonly faults: Faults;
  /** Keystone's switches: `cloud.keystone.versions = ['v3']` makes it v3-only from now on. */
  readonly keystone: KeystoneSettings;
  /** Closes every connection and the listener; flushes the span processors. */
  close(): Promise<void>;
}

/**
 * How long the server keeps an idle keep-alive connection. Well above the 2 s under which
 * undici drops every connection (it subtracts 1 s from the server's `Keep-Alive: timeout`
 * hint), and long enough that a learner stepping through a run does not lose the pooled
 * connection by accident: dropping it is what the `close-idle` fault is for.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000;

/**
 * Starts the cloud on a loopback port.
 * @param opts port (default 0), host (default 127.0.0.1), span processors
 * @returns the running cloud; `close()` it when done
 */
export async function startCloud(opts: StartCloudOptions = {}): Promise<RunningCloud> {
  const host = opts.host ?? '127.0.0.1';
  const appOptions: CloudAppOptions = {};
  if (opts.spanProcessors) appOptions.spanProcessors = opts.spanProcessors;
  if (opts.maxMicroversion !== undefined) appOptions.maxMicroversion = opts.maxMicroversion;
  if (opts.catalogProjectId !== undefined) appOptions.catalogProjectId = opts.catalogProjectId;
  if (opts.bodyLimit !== undefined) appOptions.bodyLimit = opts.bodyLimit;
  if (opts.keystoneVersions !== undefined) appOptions.keystoneVersions = opts.keystoneVersions;
  if (opts.hostNames !== undefined) appOptions.hostNames = opts.hostNames;
  if (opts.keystoneUrl !== undefined) appOptions.keystoneUrl = opts.keystoneUrl;
  const cloud = createCloudApp(appOptions);
  const server = createAdaptorServer({
    fetch: cloud.app.fetch,
    hostname: host,
    serverOptions: timeoutServerOptions(opts.headersTimeoutMs),
  }) as Server;
  const keepAlive = opts.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
  server.keepAliveTimeout = keepAlive;
  // Slow-header sockets are closed, except those of a run paused in step mode.
  guardSlowClients(server, {
    headersTimeoutMs: opts.headersTimeoutMs,
    exempt: (socket) => isHeld(socket.remotePort),
  });
  // Node closes an idle keep-alive socket from its 'timeout' unless someone listens: we do,
  // so a socket of a paused step-mode run waits another period instead (held-connections.ts).
  server.on('timeout', (socket: Socket) => {
    if (isHeld(socket.remotePort)) socket.setTimeout(keepAlive);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${hostForUrl}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    authUrlV3: `${url}/identity/v3`,
    authUrlV2: `${url}/identity/v2.0`,
    computeUrl: `${url}/v2.1`,
    state: cloud.state,
    faults: cloud.faults,
    keystone: cloud.keystone,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Requests in flight finish first (bounded), so their SERVER spans end and are exported.
        await cloud.dispose();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
