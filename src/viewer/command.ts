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
import { sampleVolumeUpdate } from '../cloud/command.js';
import { startCloud, type KeystoneVersions, type RunningCloud } from '../cloud/index.js';
import { KEYSTONE_VERSIONS_OPTION } from '../cloud/keystone-options.js';
import { invocation } from '../commands/invocation.js';
import {
  HELP_OPTION,
  hostNameList,
  intIn,
  parseCommandLine,
  printable,
  renderHelp,
  switchOption,
  text,
  usageFailure,
  UsageError,
  valueOption,
  type HelpText,
  type OptionTable,
} from '../commands/options.js';
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

/** `serve`'s options: the single source of what it accepts and of its help. */
export const SERVE_OPTIONS = {
  port: valueOption('--port', 'N', 'port to listen on; 0 picks a free one', {
    default: DEFAULT_PORT,
    parse: intIn(0, 65535),
  }),
  host: valueOption(
    '--host',
    'ADDR',
    'address to bind; anything but loopback exposes the traces and the Run button, unauthenticated',
    {
      default: DEFAULT_HOST,
      parse: (value, flag) => {
        if (value === '' || /[\s/]/.test(value)) {
          throw new UsageError(`${flag} needs an address, got '${printable(value)}'`);
        }
        return value;
      },
    }
  ),
  names: valueOption(
    '--name',
    'HOST',
    'a host name students type to reach this viewer (e.g. lab-pc.local), repeatable; the Host guard then answers only these names and loopback',
    { default: [] as readonly string[], defaultText: 'loopback names only', parse: hostNameList }
  ),
  maxTraces: valueOption('--max-traces', 'N', 'traces kept in memory, oldest dropped first', {
    default: DEFAULT_MAX_TRACES,
    parse: intIn(1, 1_000_000),
  }),
  maxSpans: valueOption('--max-spans', 'N', 'spans kept in memory across all traces', {
    default: DEFAULT_MAX_SPANS,
    parse: intIn(1, 100_000_000),
  }),
  maxTraceSpans: valueOption(
    '--max-trace-spans',
    'N',
    'spans one trace may hold; later ones are refused',
    {
      default: undefined as number | undefined,
      defaultText: `${DEFAULT_MAX_SPANS_PER_TRACE}, or --max-spans when smaller`,
      parse: intIn(1, 10_000_000),
    }
  ),
  maxStoreMb: valueOption(
    '--max-store-mb',
    'N',
    'memory the stored traces may take, approximately, in MiB; the oldest traces are dropped past it',
    { default: DEFAULT_MAX_BYTES / (1024 * 1024), parse: intIn(1, 1_000_000) }
  ),
  pythonSrc: valueOption(
    '--python-src',
    'DIR',
    'a local copy of the upstream Python packages (novaclient/, requests/, urllib3/) to show beside the port',
    { default: undefined as string | undefined, defaultText: 'the installed packages', parse: text }
  ),
  keystoneVersions: KEYSTONE_VERSIONS_OPTION,
  noStartupRun: switchOption(
    '--no-startup-run',
    `do not record the ${STARTUP_SCENARIO} scenario at start`
  ),
  help: HELP_OPTION,
} satisfies OptionTable;

export const SERVE_HELP: HelpText = {
  prog: 'novatrace serve',
  synopsis: '',
  description: `Starts the viewer with the mock cloud embedded and prints its URL (what npm start runs).
Stops on Ctrl-C.`,
  sections: [['options', SERVE_OPTIONS]],
};

/** What `serve` runs with, from {@link SERVE_OPTIONS}. */
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
  /** Keystone API versions of the embedded cloud (`--keystone-versions v3`). */
  readonly keystoneVersions: KeystoneVersions;
  readonly help: boolean;
  /** `--python-src DIR`: a local copy of the upstream Python packages for the Python pane. */
  readonly pythonSrc?: string;
}

export { UsageError };

/**
 * Parses `serve` arguments (`--port 8787` and `--port=8787` both work).
 * @throws UsageError with a message for the user
 */
export function parseServeArgs(args: readonly string[]): ServeArgs {
  const { options, rest } = parseCommandLine(SERVE_OPTIONS, args);
  if (rest.length > 0) throw new UsageError(`unknown option '${printable(rest[0] as string)}'`);
  return {
    port: options.port,
    host: options.host,
    names: options.names,
    maxTraces: options.maxTraces,
    maxSpans: options.maxSpans,
    maxTraceSpans: options.maxTraceSpans ?? Math.min(DEFAULT_MAX_SPANS_PER_TRACE, options.maxSpans),
    maxStoreMb: options.maxStoreMb,
    startup: !options.noStartupRun,
    keystoneVersions: options.keystoneVersions,
    help: options.help,
    ...(options.pythonSrc ? { pythonSrc: options.pythonSrc } : {}),
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
    return usageFailure(process.stderr, SERVE_HELP, err);
  }
  if (opts.help) {
    process.stdout.write(renderHelp(SERVE_HELP));
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
  const cloud = await startCloud({
    spanProcessors: session.cloudSpanProcessors(),
    keystoneVersions: opts.keystoneVersions,
  });
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
  const start = invocation();
  const url = `http://${urlHost(opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host)}:${port}`;
  process.stdout.write(
    `novatrace viewer: ${url}/\n` +
      `  mock cloud:     ${cloud.url} (Keystone ${cloud.authUrlV3})\n` +
      `  send a run:     ${start} run happy --viewer ${url}\n` +
      `  or the command against the embedded cloud (OTEL_EXPORTER_OTLP_ENDPOINT=${url} works too):\n` +
      `    ${sampleVolumeUpdate(cloud, start, ['--viewer', url])}\n` +
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
