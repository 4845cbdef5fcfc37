/**
 * @module
 * `novatrace show FILE [--no-color]`: prints a saved trace (OTLP/JSON, OTLP JSON Lines or Jaeger
 * JSON) as the terminal call tree. Colour when stdout is a terminal and `NO_COLOR` is unset
 * (https://no-color.org); `--color` / `--no-color` decide explicitly.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TraceFormatError } from '../telemetry/error.js';
import {
  HELP_OPTION,
  parseCommandLine,
  renderHelp,
  switchOption,
  usageFailure,
  UsageError,
  type HelpText,
  type OptionTable,
} from './options.js';
import { readTraceFile } from '../telemetry/trace-file.js';
import { renderTree, terminalSafe } from '../telemetry/tree-render.js';

/** `show`'s options: the single source of what it accepts and of its help. */
export const SHOW_OPTIONS = {
  noColor: switchOption(
    '--no-color',
    'plain text, no ANSI colours (also when NO_COLOR is set or stdout is not a terminal)'
  ),
  color: switchOption('--color', 'colours even when stdout is not a terminal'),
  help: HELP_OPTION,
} satisfies OptionTable;

export const SHOW_HELP: HelpText = {
  prog: 'novatrace show',
  synopsis: 'FILE',
  description:
    'Prints a saved trace file (OTLP/JSON, OTLP JSON Lines, or Jaeger UI JSON) as a call tree.',
  sections: [['options', SHOW_OPTIONS]],
};

/** The largest trace file `show` reads (the viewer's upload limit is the same). */
export const MAX_TRACE_FILE_BYTES = 32 * 1024 * 1024;

class FileTooLarge extends Error {}

/** Reads a file (or a device or pipe) as UTF-8, giving up past `limit` bytes. */
async function readLimitedFile(path: string, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > limit) throw new FileTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** Where the command writes; the real process streams by default (tests pass their own). */
export interface ShowIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

function defaultIo(): ShowIo {
  // `novatrace show f.json | head`: a reader that goes away is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Runs `novatrace show`.
 * @param args the arguments after `show`
 * @returns 0 printed, 1 the file could not be read or is not a trace, 2 usage error
 * @example
 * process.exitCode = await showCommand(['traces/happy.json', '--no-color']);
 */
export async function showCommand(args: string[], io: ShowIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(SHOW_OPTIONS, args);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(io.stderr, SHOW_HELP, err);
    throw err;
  }
  const { options, rest } = parsed;
  if (options.help) {
    io.stdout.write(renderHelp(SHOW_HELP));
    return 0;
  }
  const [file, ...extra] = rest;
  if (file === undefined) {
    return usageFailure(io.stderr, SHOW_HELP, new UsageError('missing FILE'));
  }
  if (extra.length > 0) {
    return usageFailure(
      io.stderr,
      SHOW_HELP,
      new UsageError(`one FILE only (got also ${terminalSafe(extra[0] as string)})`)
    );
  }
  const color = options.noColor ? false : options.color ? true : undefined;

  const shown = terminalSafe(file);
  let text: string;
  try {
    const info = await stat(file);
    if (info.isFile() && info.size > MAX_TRACE_FILE_BYTES) {
      io.stderr.write(
        `novatrace show: ${shown} is ${info.size} bytes, over the ${MAX_TRACE_FILE_BYTES}-byte limit for a trace file\n`
      );
      return 1;
    }
    text = await readLimitedFile(file, MAX_TRACE_FILE_BYTES);
  } catch (err) {
    if (err instanceof FileTooLarge) {
      io.stderr.write(
        `novatrace show: ${shown} is over the ${MAX_TRACE_FILE_BYTES}-byte limit for a trace file\n`
      );
      return 1;
    }
    const reason =
      (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    io.stderr.write(`novatrace show: cannot read ${shown}: ${terminalSafe(String(reason))}\n`);
    return 1;
  }
  let records;
  try {
    records = readTraceFile(text);
  } catch (err) {
    if (!(err instanceof TraceFormatError)) throw err;
    io.stderr.write(`novatrace show: ${shown}: ${terminalSafe(err.message)}\n`);
    return 1;
  }
  const useColor = color ?? (io.stdout.isTTY === true && !io.env.NO_COLOR);
  io.stdout.write(renderTree(records, { color: useColor, width: io.stdout.columns || 100 }));
  return 0;
}
