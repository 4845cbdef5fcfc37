/**
 * @module
 * `novatrace volume-update [common flags] [nova options] SERVER ATTACHED_VOLUME NEW_VOLUME`:
 * the ported `nova volume-update` (src/novaclient/shell.ts) with telemetry around it.
 *
 * Common flags (taken out before the nova options are read):
 * `--trace-file FILE` (OTLP/JSON), `--jaeger-file FILE` (Jaeger UI JSON), `--viewer URL` (send
 * the spans live to a running viewer), `--tree` (print the call tree to stderr afterwards).
 * Everything else is the nova shell's: `--os-*` options, `OS_*` variables, exit codes 0/1/2.
 */
import { startTelemetry, type TelemetryOptions } from '../telemetry/session.js';
import { renderTree } from '../telemetry/tree-render.js';
import { main, type ShellIO } from '../novaclient/shell.js';

/** The common flags with a value, and the telemetry option each sets. */
const VALUE_FLAGS = {
  '--trace-file': 'traceFile',
  '--jaeger-file': 'jaegerFile',
  '--viewer': 'viewerUrl',
} as const satisfies Record<string, keyof TelemetryOptions>;

/** What {@link splitCommonFlags} found. */
export interface CommonFlags {
  telemetry: TelemetryOptions;
  tree: boolean;
  rest: string[];
}

/**
 * Takes the common flags out of `args` (both `--flag value` and `--flag=value`); stops at `--`.
 * @returns the flags, or an error text for a flag without its value
 */
export function splitCommonFlags(args: readonly string[]): CommonFlags | { error: string } {
  const telemetry: TelemetryOptions = {};
  const rest: string[] = [];
  let tree = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--tree') {
      tree = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name in VALUE_FLAGS) {
      const key = VALUE_FLAGS[name as keyof typeof VALUE_FLAGS];
      const value = eq > 0 ? arg.slice(eq + 1) : args[i + 1];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
        return { error: `argument ${name}: expected one argument` };
      }
      if (eq < 0) i++;
      telemetry[key] = value;
      continue;
    }
    rest.push(arg);
  }
  return { telemetry, tree, rest };
}

/**
 * Runs `novatrace volume-update`.
 * @param args the arguments after `volume-update`
 * @returns the nova shell's exit code (0 ok, 1 error, 2 usage)
 * @example
 * process.exitCode = await volumeUpdateCommand(['--trace-file', 't.json', 'vm-1', attached, spare]);
 */
export async function volumeUpdateCommand(
  args: string[],
  io: ShellIO & { env?: NodeJS.ProcessEnv } = { stdout: process.stdout, stderr: process.stderr }
): Promise<number> {
  const env = io.env ?? process.env;
  const flags = splitCommonFlags(args);
  if ('error' in flags) {
    io.stderr.write(
      `usage: novatrace volume-update [--trace-file FILE] [--jaeger-file FILE] [--viewer URL] [--tree]\n` +
        `                               [nova options] <server> <attachment> <volume>\n` +
        `error: ${flags.error}\n`
    );
    return 2;
  }
  const session = startTelemetry({ ...flags.telemetry, env });
  try {
    return await main(['volume-update', ...flags.rest], env, io, { prog: 'novatrace' });
  } finally {
    await session.shutdown();
    if (flags.tree) {
      const isTTY = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
      io.stderr.write(renderTree(session.records(), { color: isTTY && !env['NO_COLOR'] }));
    }
  }
}
