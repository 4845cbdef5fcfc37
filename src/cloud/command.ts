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
import {
  HELP_OPTION,
  hostNameList,
  httpUrl,
  intIn,
  parseCommandLine,
  printable,
  renderHelp,
  usageFailure,
  UsageError,
  valueOption,
  type HelpText,
  type OptionTable,
  type OptionValues,
} from '../commands/options.js';
import { invocation, shellWord } from '../commands/invocation.js';
import { FIXTURES } from './fixtures.js';
import {
  compareVersions,
  DEFAULT_MAX_VERSION,
  formatVersion,
  MIN_VERSION,
  parseVersion,
  type ApiVersion,
} from './microversion.js';
import { startCloud, type RunningCloud } from './index.js';
import { KEYSTONE_VERSIONS_OPTION, keystoneUrl } from './keystone-options.js';

/** Default port: the one of the reference captures, so their command lines work as printed. */
export const DEFAULT_CLOUD_PORT = 18774;

/** `cloud`'s options: the single source of what it accepts and of its help. */
export const CLOUD_OPTIONS = {
  port: valueOption('--port', 'N', 'port to listen on; 0 picks a free one', {
    default: DEFAULT_CLOUD_PORT,
    parse: intIn(0, 65535),
  }),
  host: valueOption('--host', 'H', 'address to bind; anything but loopback exposes the cloud', {
    default: '127.0.0.1',
    parse: (value, flag) => {
      if (value.trim() === '') throw new UsageError(`${flag} must not be empty`);
      return value;
    },
  }),
  names: valueOption(
    '--name',
    'HOST',
    'a DNS name clients reach this cloud by (e.g. lab-pc.local), repeatable; the Host guard answers it besides loopback and the bound address',
    { default: [] as readonly string[], defaultText: 'loopback names only', parse: hostNameList }
  ),
  viewer: valueOption(
    '--viewer',
    'URL',
    "also send the cloud's spans to a running novatrace viewer",
    {
      default: undefined as string | undefined,
      defaultText: 'not sent',
      parse: httpUrl,
    }
  ),
  maxMicroversion: valueOption(
    '--max-microversion',
    '2.N',
    "Nova's newest microversion, what GET / and 2.latest answer",
    {
      default: undefined as string | undefined,
      defaultText: formatVersion(DEFAULT_MAX_VERSION),
      parse: microversionIn(MIN_VERSION, DEFAULT_MAX_VERSION),
    }
  ),
  keystoneVersions: KEYSTONE_VERSIONS_OPTION,
  keystone: valueOption(
    '--keystone',
    'URL',
    'a real Keystone (its root or /v3 URL): the mock Nova validates every token there (GET /v3/auth/tokens, as keystonemiddleware does); sign in at that Keystone',
    {
      default: undefined as string | undefined,
      defaultText: 'the mock Keystone',
      parse: keystoneUrl,
    }
  ),
  help: HELP_OPTION,
} satisfies OptionTable;

export type CloudArgs = OptionValues<typeof CLOUD_OPTIONS>;

/** A microversion `2.N` from `min` to `max` (the ones the mock Nova implements). */
function microversionIn(min: ApiVersion, max: ApiVersion): (value: string, flag: string) => string {
  return (value, flag) => {
    const v = parseVersion(value);
    if (!v || v.major !== 2 || compareVersions(v, min) < 0 || compareVersions(v, max) > 0) {
      throw new UsageError(
        `${flag} must be a microversion from ${formatVersion(min)} to ${formatVersion(max)} (got '${printable(value)}')`
      );
    }
    return formatVersion(v);
  };
}

export const CLOUD_HELP: HelpText = {
  prog: 'novatrace cloud',
  synopsis: '',
  description: `Starts the mock OpenStack cloud (Keystone + Nova, in memory) and prints the export lines and
sample commands to use it. Runs until Ctrl-C.`,
  sections: [['options', CLOUD_OPTIONS]],
  epilog: "The cloud's spans also go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set.",
};

/** Parses the arguments; throws {@link UsageError} with a clear message. */
export function parseCloudArgs(args: readonly string[]): CloudArgs {
  const { options, rest } = parseCommandLine(CLOUD_OPTIONS, args);
  if (rest.length > 0) {
    throw new UsageError(`takes no arguments (got '${printable(rest[0] as string)}')`);
  }
  return options;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * One line that swaps vm-1's data volume on `cloud` with the ported client, credentials in
 * front as variables so it pastes on its own (what `serve` prints).
 * @param extra novatrace options put before the positionals (`--viewer URL`)
 */
export function sampleVolumeUpdate(
  cloud: RunningCloud,
  start: string = invocation(),
  extra: readonly string[] = []
): string {
  const { credentials: cred, servers, volumes } = FIXTURES;
  const vars = [
    `OS_AUTH_URL=${cloud.authUrlV3}`,
    `OS_USERNAME=${cred.username}`,
    `OS_PASSWORD=${cred.password}`,
    `OS_PROJECT_NAME=${cred.projectName}`,
    `OS_USER_DOMAIN_NAME=${cred.domain}`,
    `OS_PROJECT_DOMAIN_NAME=${cred.domain}`,
  ];
  return [
    ...vars,
    start,
    'volume-update',
    ...extra.map(shellWord),
    servers.vm1.name,
    volumes.attached.id,
    volumes.spare.id,
  ].join(' ');
}

/**
 * The text printed once the cloud listens: endpoints, export lines, sample commands.
 * @param start how to call novatrace so the sample lines paste as printed (`novatrace` when
 *   installed, `node bin/novatrace.js` in a clone; see {@link invocation})
 */
export function readyText(
  cloud: RunningCloud,
  start: string = invocation(),
  keystone?: string
): string {
  const { credentials: cred, servers, volumes } = FIXTURES;
  const faultsUrl = `${cloud.url}/_novatrace/faults`;
  const v2 = cloud.keystone.versions.includes('v2.0');
  const keystoneLines = keystone
    ? `  Keystone   ${keystone}/v3   (a real Keystone: Nova validates tokens there; its catalog's
             compute endpoint must be ${cloud.computeUrl})
`
    : `  Keystone   ${cloud.authUrlV3}   ${v2 ? `(seed-era v2.0: ${cloud.authUrlV2})` : '(v3 only, as every Keystone since Queens)'}
`;
  return `novatrace cloud: ${keystone ? 'mock Nova' : 'mock Keystone + Nova'} listening on ${cloud.url}
${keystoneLines}  Nova       ${cloud.computeUrl}
  faults     ${faultsUrl}   (GET lists; POST adds, PUT replaces, DELETE clears; JSON)
  state      ${cloud.url}/_novatrace/state   (POST ${cloud.url}/_novatrace/reset restores the seed)

# Paste into a shell:
export OS_AUTH_URL=${keystone ? `${keystone}/v3` : cloud.authUrlV3}
export OS_USERNAME=${keystone ? '<your Keystone user>' : cred.username}
export OS_PASSWORD=${keystone ? '<its password>' : cred.password}
export OS_PROJECT_NAME=${keystone ? '<its project>' : cred.projectName}
export OS_USER_DOMAIN_NAME=${cred.domain}
export OS_PROJECT_DOMAIN_NAME=${cred.domain}

# Swap vm-1's data volume for a spare one, with the ported client or with the real nova CLI:
${start} volume-update ${servers.vm1.name} ${volumes.attached.id} ${volumes.spare.id}
nova volume-update ${servers.vm1.id} ${volumes.attached.id} ${volumes.spare.id}

# The swap really happens. To run it again, swap back (or reset the state):
${start} volume-update ${servers.vm1.name} ${volumes.spare.id} ${volumes.attached.id}

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

/**
 * Why `url` is not a Keystone we can use, or undefined when its `/v3` version document answers
 * (checked once at start, so a typo is reported before any client runs).
 */
export async function keystoneProblem(
  url: string,
  timeoutMs = 15_000
): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(`${url}/v3`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    return `no answer (${why})`;
  }
  const text = await res.text();
  let id: unknown;
  try {
    id = (JSON.parse(text) as { version?: { id?: unknown } }).version?.id;
  } catch {
    id = undefined;
  }
  if (res.status !== 200 || typeof id !== 'string' || !id.startsWith('v3')) {
    return `GET /v3 answered ${res.status} without a Keystone v3 version document`;
  }
  return undefined;
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
    if (err instanceof UsageError) return usageFailure(io.stderr, CLOUD_HELP, err);
    throw err;
  }
  if (parsed.help) {
    io.stdout.write(renderHelp(CLOUD_HELP));
    return 0;
  }
  if (!isLoopbackHost(parsed.host)) {
    io.stderr.write(
      `novatrace cloud: warning: --host ${parsed.host} makes the mock cloud reachable from other machines; ` +
        `it accepts the demo password and has no TLS (the /_novatrace control routes still answer loopback only)` +
        (parsed.names.length > 0
          ? `; it answers the Host names ${parsed.names.join(', ')}\n`
          : `; clients that reach it by a DNS name need --name NAME (else 421)\n`)
    );
  }
  const processors = exportProcessors(parsed.viewer, io.env);
  if (parsed.keystone) {
    const problem = await keystoneProblem(parsed.keystone);
    if (problem) {
      io.stderr.write(`novatrace cloud: --keystone ${parsed.keystone}: ${problem}\n`);
      await Promise.all(processors.map((p) => p.shutdown().catch(() => undefined)));
      return 1;
    }
  }
  let cloud: RunningCloud;
  try {
    cloud = await startCloud({
      port: parsed.port,
      host: parsed.host,
      spanProcessors: processors,
      hostNames: parsed.names,
      keystoneVersions: parsed.keystoneVersions,
      ...(parsed.keystone ? { keystoneUrl: parsed.keystone } : {}),
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
  io.stdout.write(readyText(cloud, invocation(), parsed.keystone));
  await (io.stopped ?? untilSignal());
  io.stdout.write('novatrace cloud: stopping\n');
  await cloud.close();
  await Promise.all(processors.map((p) => p.shutdown().catch(() => undefined)));
  return 0;
}
