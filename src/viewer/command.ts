/**
 * @module
 * `novatrace serve` (what `npm start` runs): the viewer with the mock cloud embedded, in one
 * process, on 127.0.0.1:8787 unless told otherwise. At start it records the warm-pool scenario
 * (or loads `traces/warm-pool.json`) so the first page already shows a cold and a warm run.
 */
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { startCloud, type RunningCloud } from '../cloud/index.js';
import { runScenario, SCENARIOS } from '../scenarios/index.js';
import { PACKAGE_ROOT } from '../telemetry/call-sites.js';
import { startTelemetry } from '../telemetry/session.js';
import { readTraceFile } from '../telemetry/trace-file.js';
import { guardSlowClients, timeoutServerOptions } from '../util/server-timeouts.js';
import { createViewerApp, type ViewerApp } from './app.js';
import { DEFAULT_MAX_SPANS_PER_TRACE } from './span-limits.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SPANS, DEFAULT_MAX_TRACES } from './trace-store.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
/** The scenario recorded at start: one client, the same command twice, cold then warm pool. */
export const STARTUP_SCENARIO = 'warm-pool';

export interface ServeArgs {
  readonly port: number;
  readonly host: string;
  /** Host names a classroom uses to reach the viewer (`--name`, repeatable). */
  readonly names: readonly string[];
  readonly maxTraces: number;
  readonly maxSpans: number;
  /** The per-trace span cap (src/viewer/span-limits.ts). */
  readonly maxTraceSpans: number;
  /** The store's approximate byte budget, in MiB. */
  readonly maxStoreMb: number;
  readonly startup: boolean;
  readonly help: boolean;
  /** `--python-src DIR`: a local copy of the upstream Python packages for the Python pane. */
  readonly pythonSrc?: string;
}

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SERVE_USAGE = `usage: novatrace serve [--port N] [--host ADDR] [--name HOST]... [--max-traces N]
                      [--max-spans N] [--max-trace-spans N] [--max-store-mb N] [--python-src DIR]
                      [--no-startup-run]

Starts the viewer with the mock cloud embedded and prints its URL.

options:
  --port N          port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR       address to bind (default ${DEFAULT_HOST}). Anything but loopback exposes
                    the traces and the Run button to your network, without authentication.
  --name HOST       a host name students type to reach this viewer (e.g. lab-pc.local);
                    repeatable. With it the Host guard stays on and answers only these
                    names and loopback.
  --max-traces N    traces kept in memory, oldest dropped first (default ${DEFAULT_MAX_TRACES})
  --max-spans N     spans kept in memory across all traces (default ${DEFAULT_MAX_SPANS})
  --max-trace-spans N
                    spans one trace may hold; later ones are refused (default
                    ${DEFAULT_MAX_SPANS_PER_TRACE}, or --max-spans when smaller)
  --max-store-mb N  memory the stored traces may take, approximately, in MiB; the oldest
                    traces are dropped past it (default ${DEFAULT_MAX_BYTES / (1024 * 1024)})
  --python-src DIR  a local copy of the upstream Python packages (novaclient/, requests/,
                    urllib3) to show beside the port (default: the installed packages)
  --no-startup-run  do not record the ${STARTUP_SCENARIO} scenario at start
  -h, --help        this help
`;

function intArg(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new UsageError(
      `${flag} needs a whole number, got ${value === undefined ? 'nothing' : `'${value}'`}`
    );
  }
  const n = Number(value);
  if (n < min || n > max)
    throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * Parses `serve` arguments (`--port 8787` and `--port=8787` both work).
 * @throws UsageError with a message for the user
 */
export function parseServeArgs(args: readonly string[]): ServeArgs {
  let port = DEFAULT_PORT;
  let host = DEFAULT_HOST;
  const names: string[] = [];
  let maxTraces = DEFAULT_MAX_TRACES;
  let maxSpans = DEFAULT_MAX_SPANS;
  let maxTraceSpans: number | undefined;
  let maxStoreMb = DEFAULT_MAX_BYTES / (1024 * 1024);
  let startup = true;
  let pythonSrc: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const raw = args[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      i += 1;
      return args[i];
    };
    switch (flag) {
      case '--port':
        port = intArg('--port', value(), 0, 65535);
        break;
      case '--host': {
        const h = value();
        if (!h || h.startsWith('-') || /[\s/]/.test(h))
          throw new UsageError(`--host needs an address, got '${h ?? ''}'`);
        host = h;
        break;
      }
      case '--name': {
        const n = value();
        if (!n || !/^[a-z0-9.-]{1,253}$/i.test(n))
          throw new UsageError(`--name needs a host name, got '${n ?? ''}'`);
        names.push(n.toLowerCase());
        break;
      }
      case '--max-traces':
        maxTraces = intArg('--max-traces', value(), 1, 1_000_000);
        break;
      case '--max-spans':
        maxSpans = intArg('--max-spans', value(), 1, 100_000_000);
        break;
      case '--max-trace-spans':
        maxTraceSpans = intArg('--max-trace-spans', value(), 1, 10_000_000);
        break;
      case '--max-store-mb':
        maxStoreMb = intArg('--max-store-mb', value(), 1, 1_000_000);
        break;
      case '--no-startup-run':
        startup = false;
        break;
      case '--python-src': {
        const dir = value();
        if (!dir || dir.startsWith('-')) throw new UsageError('--python-src needs a folder');
        pythonSrc = dir;
        break;
      }
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new UsageError(`unknown option '${raw}'`);
    }
  }
  return {
    port,
    host,
    names,
    maxTraces,
    maxSpans,
    maxTraceSpans: maxTraceSpans ?? Math.min(DEFAULT_MAX_SPANS_PER_TRACE, maxSpans),
    maxStoreMb,
    startup,
    help,
    ...(pythonSrc ? { pythonSrc } : {}),
  };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Loads the recorded warm-pool trace, or runs the scenario once, so the page is useful before
 * the first Run. Never throws: a failure is a line on stderr and an empty start page.
 */
export async function recordStartupTraces(
  viewer: ViewerApp,
  cloud: RunningCloud,
  root = PACKAGE_ROOT
): Promise<string[]> {
  try {
    const text = await readFile(join(root, 'traces', `${STARTUP_SCENARIO}.json`), 'utf8');
    return viewer.ingest(readTraceFile(text), 'startup', STARTUP_SCENARIO);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      process.stderr.write(
        `novatrace serve: traces/${STARTUP_SCENARIO}.json unreadable (${(err as Error).message}); recording it instead\n`
      );
    }
  }
  try {
    const result = await runScenario(STARTUP_SCENARIO, { cloud });
    viewer.store.annotate(result.traceId, { label: STARTUP_SCENARIO, source: 'startup' });
    viewer.hub.resyncAll();
    return [result.traceId];
  } catch (err) {
    process.stderr.write(
      `novatrace serve: could not record the ${STARTUP_SCENARIO} scenario: ${(err as Error).message}\n`
    );
    return [];
  }
}

/**
 * Runs the viewer until SIGINT or SIGTERM; returns the exit code.
 * @example
 * process.exitCode = await serveCommand(['--port', '8787']);
 */
export async function serveCommand(args: string[]): Promise<number> {
  let opts: ServeArgs;
  try {
    opts = parseServeArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`novatrace serve: ${err.message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const loopback = isLoopback(opts.host);
  if (!loopback) {
    process.stderr.write(
      `novatrace serve: WARNING: listening on ${opts.host}, not loopback. Anyone who can reach this address can read every trace and start runs; there is no authentication.\n` +
        (opts.names.length > 0
          ? `novatrace serve: answering only Host ${opts.names.join(', ')} (and loopback)\n`
          : `novatrace serve: any Host name is answered; give the name students type with --name NAME to keep the DNS-rebinding guard on\n`)
    );
  }

  const session = startTelemetry({ serviceName: 'novaclient' });
  const cloud = await startCloud({ spanProcessors: session.cloudSpanProcessors() });
  const viewer = createViewerApp({
    scenarios: () => SCENARIOS,
    runScenario: (name, road) => runScenario(name, { cloud, road }),
    store: {
      maxTraces: opts.maxTraces,
      maxSpans: opts.maxSpans,
      maxSpansPerTrace: Math.min(opts.maxTraceSpans, opts.maxSpans),
      maxBytes: opts.maxStoreMb * 1024 * 1024,
    },
    loopbackOnly: loopback,
    ...(opts.pythonSrc ? { pythonSrc: opts.pythonSrc } : {}),
    hostNames: opts.names,
  });
  const shutdown = async () => {
    await viewer.close();
    await cloud.close();
    await session.shutdown();
  };

  try {
    await viewer.ready();
  } catch (err) {
    process.stderr.write(
      `novatrace serve: could not build the page from web/: ${(err as Error).message}\n`
    );
    await shutdown();
    return 1;
  }
  if (opts.startup) await recordStartupTraces(viewer, cloud);

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({
        fetch: viewer.app.fetch,
        port: opts.port,
        hostname: opts.host,
        serverOptions: timeoutServerOptions(),
      }) as Server;
      guardSlowClients(s);
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${opts.port} is already in use (another viewer?); try --port 0 or another port`
        : code === 'EADDRNOTAVAIL'
          ? `address ${opts.host} is not on this machine`
          : (err as Error).message;
    process.stderr.write(`novatrace serve: cannot listen on ${opts.host}:${opts.port}: ${why}\n`);
    await shutdown();
    return 1;
  }
  // Listen for the signals before printing the URL: whoever reads the URL may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host)}:${port}`;
  process.stdout.write(
    `novatrace viewer: ${url}/\n` +
      `  mock cloud:     ${cloud.url} (Keystone ${cloud.authUrlV3})\n` +
      `  send a CLI run: novatrace volume-update ... --viewer ${url}   (or OTEL_EXPORTER_OTLP_ENDPOINT=${url})\n` +
      `  stop with Ctrl-C\n`
  );

  await stopped;
  process.stdout.write('novatrace viewer: stopping\n');
  viewer.hub.closeAll();
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await shutdown();
  return 0;
}
