/**
 * @module
 * `novatrace cloud [--port N] [--host H]`: the mock cloud alone, until Ctrl-C. Prints
 * ready-to-paste `export OS_...=` lines and complete sample command lines (the ported client
 * and the real `nova`) with the seeded ids.
 *
 * The cloud's own SERVER spans go to a running viewer with `--viewer URL`, and to any OTLP
 * backend (Jaeger) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise they are not recorded.
 */
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { loadHttpExporter } from '../telemetry/sdk.js';
import { FIXTURES } from './fixtures.js';
import { startCloud, type RunningCloud } from './index.js';

/** Default port: the one of the reference captures, so their command lines work as printed. */
export const DEFAULT_CLOUD_PORT = 18774;

export interface CloudArgs {
  port: number;
  host: string;
  viewer: string | undefined;
  maxMicroversion: string | undefined;
  help: boolean;
}

/** A bad command line; the message is printed as is and the exit code is 2. */
export class CloudUsageError extends Error {
  readonly code = 'CLOUD_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'CloudUsageError';
  }
}

export const CLOUD_USAGE = `usage: novatrace cloud [--port N] [--host H] [--viewer URL] [--max-microversion 2.N]

Starts the mock OpenStack cloud (Keystone + Nova, in memory) and prints the export lines and
sample commands to use it. Runs until Ctrl-C.

options:
  --port N                port to listen on (default ${DEFAULT_CLOUD_PORT}; 0 = any free port)
  --host H                address to bind (default 127.0.0.1)
  --viewer URL            also send the cloud's spans to a running novatrace viewer
  --max-microversion 2.N  Nova's newest microversion (default 2.104)
  -h, --help              this text

The cloud's spans also go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set.
`;

/** Parses the arguments; throws {@link CloudUsageError} with a clear message. */
export function parseCloudArgs(args: readonly string[]): CloudArgs {
  const out: CloudArgs = {
    port: DEFAULT_CLOUD_PORT,
    host: '127.0.0.1',
    viewer: undefined,
    maxMicroversion: undefined,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new CloudUsageError(`novatrace cloud: ${name} needs a value`);
      }
      i += 1;
      return next;
    };
    switch (name) {
      case '-h':
      case '--help':
        out.help = true;
        break;
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) {
          throw new CloudUsageError(
            `novatrace cloud: --port must be a number from 0 to 65535 (got '${text}')`
          );
        }
        out.port = port;
        break;
      }
      case '--host': {
        const host = value();
        if (host.trim() === '')
          throw new CloudUsageError('novatrace cloud: --host must not be empty');
        out.host = host;
        break;
      }
      case '--viewer': {
        const url = value();
        if (!/^https?:\/\/[^/]/.test(url)) {
          throw new CloudUsageError(
            `novatrace cloud: --viewer must be an http(s) URL (got '${url}')`
          );
        }
        out.viewer = url.replace(/\/+$/, '');
        break;
      }
      case '--max-microversion': {
        const v = value();
        if (!/^2\.([1-9]\d*)$/.test(v)) {
          throw new CloudUsageError(
            `novatrace cloud: --max-microversion must look like 2.N with N >= 1 (got '${v}')`
          );
        }
        out.maxMicroversion = v;
        break;
      }
      default:
        throw new CloudUsageError(
          `novatrace cloud: unknown argument '${arg}'\n(see 'novatrace cloud --help')`
        );
    }
  }
  return out;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The text printed once the cloud listens: endpoints, export lines, sample commands. */
export function readyText(cloud: RunningCloud): string {
  const { credentials: cred, servers, volumes } = FIXTURES;
  const faultsUrl = `${cloud.url}/_novatrace/faults`;
  return `novatrace cloud: mock Keystone + Nova listening on ${cloud.url}
  Keystone   ${cloud.authUrlV3}   (seed-era v2.0: ${cloud.authUrlV2})
  Nova       ${cloud.computeUrl}
  faults     ${faultsUrl}   (GET lists; POST adds, PUT replaces, DELETE clears; JSON)
  state      ${cloud.url}/_novatrace/state   (POST ${cloud.url}/_novatrace/reset restores the seed)

# Paste into a shell:
export OS_AUTH_URL=${cloud.authUrlV3}
export OS_USERNAME=${cred.username}
export OS_PASSWORD=${cred.password}
export OS_PROJECT_NAME=${cred.projectName}
export OS_USER_DOMAIN_NAME=${cred.domain}
export OS_PROJECT_DOMAIN_NAME=${cred.domain}

# Swap vm-1's data volume for a spare one, with the ported client or with the real nova CLI:
novatrace volume-update ${servers.vm1.name} ${volumes.attached.id} ${volumes.spare.id}
nova volume-update ${servers.vm1.id} ${volumes.attached.id} ${volumes.spare.id}

# The swap really happens. To run it again, swap back (or reset the state):
novatrace volume-update ${servers.vm1.name} ${volumes.spare.id} ${volumes.attached.id}

# Make the cloud misbehave, e.g. expire the next token (the client re-authenticates):
curl -X POST ${faultsUrl} -H 'Content-Type: application/json' -d '{"fault":"token-expired","count":1}'

Seeded servers: vm-1 ${servers.vm1.id}, vm-10, dup (two of them), vm-locked, vm-stopped
Spare volumes:  ${volumes.spare.id}, ${volumes.spare2.id} (larger), ${volumes.small.id} (too small)
Press Ctrl-C to stop.
`;
}

/** Span processors for the cloud's own spans from `--viewer` and the OTEL_* environment. */
function exportProcessors(viewer: string | undefined, env: NodeJS.ProcessEnv): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  const timeoutMillis = 2000;
  if (viewer) {
    const OtlpJsonExporter = loadHttpExporter('http/json');
    processors.push(
      new BatchSpanProcessor({
        exporter: new OtlpJsonExporter({ url: `${viewer}/v1/traces`, timeoutMillis }),
        scheduledDelayMillis: 200,
      })
    );
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim());
  if (endpoint && !exporters.includes('none')) {
    const protocol =
      env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
    processors.push(
      new BatchSpanProcessor({
        // Loaded only when asked for: `cloud` without export does not pay for them.
        exporter: new (loadHttpExporter(
          protocol.trim() === 'http/json' ? 'http/json' : 'http/protobuf'
        ))({ timeoutMillis }),
      })
    );
  }
  return processors;
}

/** I/O of {@link cloudCommand}, replaceable in tests. */
export interface CloudCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Resolves when the command should stop (default: SIGINT or SIGTERM). */
  stopped?: Promise<unknown>;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Runs `novatrace cloud`. Returns 0 after a clean stop, 1 when the cloud cannot start (port in
 * use), 2 for a bad command line.
 * @example
 * process.exitCode = await cloudCommand(['--port', '18774']);
 */
export async function cloudCommand(
  args: string[],
  io: CloudCommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }
): Promise<number> {
  let parsed: CloudArgs;
  try {
    parsed = parseCloudArgs(args);
  } catch (err) {
    if (err instanceof CloudUsageError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    io.stdout.write(CLOUD_USAGE);
    return 0;
  }
  if (!isLoopbackHost(parsed.host)) {
    io.stderr.write(
      `novatrace cloud: warning: --host ${parsed.host} makes the mock cloud reachable from other machines; ` +
        `it accepts the demo password and has no TLS (the /_novatrace control routes still answer loopback only)\n`
    );
  }
  const processors = exportProcessors(parsed.viewer, io.env);
  let cloud: RunningCloud;
  try {
    cloud = await startCloud({
      port: parsed.port,
      host: parsed.host,
      spanProcessors: processors,
      ...(parsed.maxMicroversion ? { maxMicroversion: parsed.maxMicroversion } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${parsed.port} is already in use (try --port 0 for any free port)`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `cannot bind to ${parsed.host}`
          : err instanceof Error
            ? err.message
            : String(err);
    io.stderr.write(`novatrace cloud: ${reason}\n`);
    await Promise.all(processors.map((p) => p.shutdown().catch(() => undefined)));
    return 1;
  }
  io.stdout.write(readyText(cloud));
  await (io.stopped ?? untilSignal());
  io.stdout.write('novatrace cloud: stopping\n');
  await cloud.close();
  await Promise.all(processors.map((p) => p.shutdown().catch(() => undefined)));
  return 0;
}
