/**
 * @module
 * The `novatrace` command line: picks the subcommand and hands over the rest of the arguments.
 * Each subcommand lives with its area and is loaded only when used, so `novatrace cloud` does
 * not pay for the viewer and `volume-update` starts fast.
 */

import { readFileSync } from 'node:fs';
import { invocation } from './commands/invocation.js';
import { printable } from './commands/options.js';

type Command = (args: string[]) => Promise<number>;

/** One subcommand: its one-line summary, where its code and option table live, its loader. */
export interface CommandEntry {
  readonly summary: string;
  /**
   * The files holding the command's option table and parser, for the help walk
   * (test/unit/commands/help.test.ts), which fails when a flag in them is missing from `--help`.
   */
  readonly sources: readonly string[];
  readonly load: () => Promise<Command>;
}

/**
 * Every subcommand. Each command's options are the table next to its parser (`SERVE_OPTIONS`,
 * `RUN_OPTIONS`, …, see src/commands/options.ts); `--help` and `help COMMAND` print it whole.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  serve: {
    summary: 'the viewer with the mock cloud embedded (what npm start runs)',
    sources: ['src/viewer/command.ts'],
    load: async () => (await import('./viewer/command.js')).serveCommand,
  },
  cloud: {
    summary: 'the mock Keystone + Nova alone, with export lines and sample commands',
    sources: ['src/cloud/command.ts'],
    load: async () => (await import('./cloud/command.js')).cloudCommand,
  },
  'volume-update': {
    summary: 'the ported nova volume-update, reading OS_* variables or --os-* flags',
    sources: [
      'src/commands/volume-update.ts',
      'src/commands/common-options.ts',
      'src/novaclient/shell.ts',
    ],
    load: async () => (await import('./commands/volume-update.js')).volumeUpdateCommand,
  },
  run: {
    summary: 'run one scenario against a fresh embedded mock cloud and print the call tree',
    sources: ['src/scenarios/command.ts', 'src/commands/common-options.ts'],
    load: async () => (await import('./scenarios/command.js')).runCommand,
  },
  scenarios: {
    summary: 'list the scenarios, one line each',
    sources: ['src/scenarios/command.ts'],
    load: async () => (await import('./scenarios/command.js')).scenariosCommand,
  },
  show: {
    summary: 'print a saved trace file (OTLP/JSON or Jaeger JSON) as a tree',
    sources: ['src/commands/show.ts'],
    load: async () => (await import('./commands/show.js')).showCommand,
  },
  'record-traces': {
    summary: 'record one trace per scenario into a folder (what npm run traces runs)',
    sources: ['src/scenarios/command.ts'],
    load: async () => (await import('./scenarios/command.js')).recordTracesCommand,
  },
};

/** Usage text listing every subcommand. */
/**
 * The version in package.json, read when asked: src/cli.ts and the built dist/cli.js both sit one
 * folder below it, in a clone and in an installed package alike.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`
  );
  return `usage: novatrace <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun '${invocation()} <command> --help' (or '${invocation()} help <command>') for a command's options.\n`;
}

/**
 * Runs the CLI and returns the exit code (0 ok, 1 error, 2 usage).
 * @example
 * process.exitCode = await main(['run', 'happy']);
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) {
    // `novatrace help run` is `novatrace run --help`.
    const topic = rest[0] as string;
    const command = COMMANDS[topic];
    if (!command) return unknownCommand(topic);
    return (await command.load())(['--help']);
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`novatrace ${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) return unknownCommand(name);
  return (await command.load())(rest);
}

function unknownCommand(name: string): number {
  process.stderr.write(`novatrace: unknown command '${printable(name)}'\n\n${usage()}`);
  return 2;
}
