/**
 * @module
 * `novatrace volume-update [novatrace options] [nova options] SERVER ATTACHED_VOLUME NEW_VOLUME`:
 * the ported `nova volume-update` (src/novaclient/shell.ts) with telemetry around it.
 *
 * novatrace's own options ({@link VOLUME_UPDATE_OPTIONS}: `--tree`, the trace files, `--viewer`)
 * are taken out first; everything else is the nova shell's: `--os-*` options, `OS_*` variables,
 * exit codes 0/1/2. `--help` prints nova's help for the subcommand, then novatrace's options
 * and nova's global options (which novatrace also takes after the subcommand name).
 *
 * Ours, beyond nova: a trace file that cannot be written makes the exit code 1 (the command's
 * own output stays as it was); SIGINT/SIGTERM end the open spans as interrupted, write the
 * files and exit 130/143 (nova prints "... terminating nova client" and exits 130 on Ctrl-C).
 */
import { global_option_rows, main, type ShellIO } from '../novaclient/shell.js';
import { startTelemetry } from '../telemetry/session.js';
import { renderTree } from '../telemetry/tree-render.js';
import { TELEMETRY_EPILOG, TELEMETRY_OPTIONS, telemetryOptions } from './common-options.js';
import { runTraced } from './interrupt.js';
import {
  HELP_OPTION,
  optionDescription,
  optionLabel,
  parseCommandLine,
  switchOption,
  twoColumns,
  UsageError,
  wrapWords,
  type OptionTable,
} from './options.js';
import { invocation } from './invocation.js';

/** novatrace's options of `volume-update` (nova's own are the shell's). */
export const VOLUME_UPDATE_OPTIONS = {
  tree: switchOption('--tree', 'print the call tree to stderr when the command ends'),
  ...TELEMETRY_OPTIONS,
  help: HELP_OPTION,
} satisfies OptionTable;

const USAGE_HEAD =
  'usage: novatrace volume-update [--tree] [--trace-file FILE] [--jaeger-file FILE] [--viewer URL]\n' +
  '                               [nova options] <server> <attachment> <volume>\n';

/**
 * Rows laid out as argparse does on an 80-column terminal: help from column 30, wrapped at 78;
 * a long option name gets its own line, help below it.
 */
function argparseRows(rows: readonly [string, string][]): string {
  const column = 30;
  const indent = ' '.repeat(column);
  return rows
    .map(([label, help]) => {
      const lines = wrapWords(help, 78 - column);
      const head =
        label.length + 4 <= column
          ? `  ${label.padEnd(column - 2)}${lines.shift() ?? ''}`.trimEnd()
          : `  ${label}`;
      return [head, ...lines.map((line) => indent + line)].join('\n');
    })
    .join('\n');
}

/** The complete `--help`: nova's subcommand help, novatrace's options, nova's globals. */
export async function volumeUpdateHelp(): Promise<string> {
  let nova = '';
  await main(
    ['help', 'volume-update'],
    {},
    { stdout: { write: (t: string) => (nova += t) }, stderr: { write: () => true } },
    { prog: 'novatrace' }
  );
  const ours = Object.values(VOLUME_UPDATE_OPTIONS).map((spec): [string, string] => [
    optionLabel(spec),
    optionDescription(spec),
  ]);
  return (
    `${nova.trimEnd()}\n\n` +
    `novatrace options (anywhere before the positionals):\n${twoColumns(ours)}\n\n` +
    `nova global options (before or after volume-update; OS_* variables fill the gaps):\n` +
    `${argparseRows(global_option_rows())}\n\n${TELEMETRY_EPILOG}\n`
  );
}

/**
 * Runs `novatrace volume-update`.
 * @param args the arguments after `volume-update`
 * @returns the nova shell's exit code (0 ok, 1 error, 2 usage), 1 when a trace file could not
 *   be written, 130/143 after SIGINT/SIGTERM
 * @example
 * process.exitCode = await volumeUpdateCommand(['--trace-file', 't.json', 'vm-1', attached, spare]);
 */
export async function volumeUpdateCommand(
  args: string[],
  io: ShellIO & { env?: NodeJS.ProcessEnv; exit?: (code: number) => void } = {
    stdout: process.stdout,
    stderr: process.stderr,
  }
): Promise<number> {
  const env = io.env ?? process.env;
  let parsed;
  try {
    parsed = parseCommandLine(VOLUME_UPDATE_OPTIONS, args, { passUnknown: true });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(
      `${USAGE_HEAD}error: ${err.message}\nTry '${invocation()} volume-update --help' for more information.\n`
    );
    return 2;
  }
  const { options, rest } = parsed;
  if (options.help) {
    io.stdout.write(await volumeUpdateHelp());
    return 0;
  }
  const session = startTelemetry({ ...telemetryOptions(options), env });
  const outcome = await runTraced(
    session,
    () => main(['volume-update', ...rest], env, io, { prog: 'novatrace', hintProg: invocation() }),
    io.exit
  );
  if (options.tree) {
    const isTTY = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
    io.stderr.write(renderTree(session.records(), { color: isTTY && !env['NO_COLOR'] }));
  }
  if ('signal' in outcome) {
    // Python: except KeyboardInterrupt -> "... terminating nova client", exit 130
    if (outcome.signal === 'SIGINT') io.stderr.write('... terminating nova client\n');
    return outcome.finish();
  }
  return outcome.unwritten.length > 0 && outcome.code === 0 ? 1 : outcome.code;
}
