/**
 * @module
 * The `novatrace` command line: picks the subcommand and hands over the rest of the arguments.
 * Each subcommand lives with its area and is loaded only when used, so `novatrace cloud` does
 * not pay for the viewer and `volume-update` starts fast.
 */

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'the viewer with the mock cloud embedded (what npm start runs)',
    load: async () => (await import('./viewer/command.js')).serveCommand,
  },
  cloud: {
    summary: 'the mock Keystone + Nova alone, with export lines and sample commands',
    load: async () => (await import('./cloud/command.js')).cloudCommand,
  },
  'volume-update': {
    summary: 'the ported nova volume-update, reading OS_* variables or --os-* flags',
    load: async () => (await import('./commands/volume-update.js')).volumeUpdateCommand,
  },
  run: {
    summary: 'run one scenario against a fresh embedded mock cloud and print the call tree',
    load: async () => (await import('./scenarios/command.js')).runCommand,
  },
  scenarios: {
    summary: 'list the scenarios, one line each',
    load: async () => (await import('./scenarios/command.js')).scenariosCommand,
  },
  show: {
    summary: 'print a saved trace file (OTLP/JSON or Jaeger JSON) as a tree',
    load: async () => (await import('./commands/show.js')).showCommand,
  },
  'record-traces': {
    summary: 'record one trace per scenario into a folder (what npm run traces runs)',
    load: async () => (await import('./scenarios/command.js')).recordTracesCommand,
  },
};

/** Usage text listing every subcommand. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`
  );
  return `usage: novatrace <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'novatrace <command> --help' for a command's options.\n`;
}

/**
 * Runs the CLI and returns the exit code (0 ok, 1 error, 2 usage).
 * @example
 * process.exitCode = await main(['run', 'happy']);
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write('novatrace 0.1.0\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`novatrace: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}
