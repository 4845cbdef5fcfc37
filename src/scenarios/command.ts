/**
 * @module
 * `novatrace run SCENARIO`, `novatrace scenarios` and `novatrace record-traces DIR`.
 *
 * `run` starts a telemetry session, runs the scenario against a fresh embedded mock cloud and
 * prints the call tree (client and cloud spans) on stdout. It exits 0 when the scenario ended
 * the way it is meant to (an error scenario ends with the shell's exit 1 on purpose; its
 * `ERROR (...)` line is printed below the tree), 1 when it did not, 2 for a usage error.
 * Each command's option table is the single source of what it accepts and of its `--help`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  TELEMETRY_EPILOG,
  TELEMETRY_OPTIONS,
  telemetryOptions,
} from '../commands/common-options.js';
import { runTraced } from '../commands/interrupt.js';
import { invocation } from '../commands/invocation.js';
import {
  HELP_OPTION,
  oneOf,
  parseCommandLine,
  renderHelp,
  switchOption,
  usageFailure,
  UsageError,
  valueOption,
  type HelpText,
  type OptionTable,
} from '../commands/options.js';
import { KEYSTONE_VERSIONS_OPTION } from '../cloud/keystone-options.js';
import { renderTree, terminalSafe } from '../telemetry/tree-render.js';
import { SCENARIOS } from './catalog.js';
import type { Road } from './types.js';

// `novatrace scenarios` only prints the list: what runs a scenario (telemetry, the cloud, the
// ported client) is loaded by the commands that run one.
const loadRunner = async () => {
  const [run, session, traceFile] = await Promise.all([
    import('./run.js'),
    import('../telemetry/session.js'),
    import('../telemetry/trace-file.js'),
  ]);
  return {
    runScenario: run.runScenario,
    startTelemetry: session.startTelemetry,
    writeTraceFile: traceFile.writeTraceFile,
  };
};

interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** How to leave the process after SIGINT/SIGTERM (default `process.exit`). */
  exit?: (code: number) => void;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** `run`'s options: the single source of what it accepts and of its help. */
export const RUN_OPTIONS = {
  road: valueOption(
    '--road',
    'note|nova',
    "note: the seed note's HTTPClient road; nova: the road the 3.3.0 nova command took (keystoneauth1 session, version discovery, one connection)",
    { default: 'note' as Road, parse: oneOf(['note', 'nova'] as const) }
  ),
  keystoneVersions: KEYSTONE_VERSIONS_OPTION,
  ...TELEMETRY_OPTIONS,
  noColor: switchOption(
    '--no-color',
    'plain tree (also when NO_COLOR is set or stdout is not a terminal)'
  ),
  color: switchOption('--color', 'colours even when stdout is not a terminal'),
  help: HELP_OPTION,
} satisfies OptionTable;

export const RUN_HELP: HelpText = {
  prog: 'novatrace run',
  synopsis: 'SCENARIO',
  description: `Runs one scenario in-process against a fresh embedded mock cloud and prints the call tree
(client and cloud spans), then the scenario's output. The root span is 'scenario SCENARIO'.
Exit 0 when the scenario ended as designed (error scenarios end with nova's exit 1 on purpose),
1 when it did not or a trace file could not be written, 2 for a usage error, 130/143 after
Ctrl-C/SIGTERM (the open spans end as interrupted and the trace files hold what happened).

SCENARIO is one of ('${invocation()} scenarios' says what each shows):
${wrap(SCENARIOS.map((s) => s.name).join(', '), 96, '  ')}`,
  sections: [['options', RUN_OPTIONS]],
  epilog: TELEMETRY_EPILOG,
};

/** Wraps words at `width`, each line indented. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

function useColor(io: Io, explicit: boolean | undefined): boolean {
  if (explicit !== undefined) return explicit;
  return Boolean(io.stdout.isTTY) && !io.env['NO_COLOR'];
}

/**
 * `novatrace run SCENARIO`.
 * @returns 0 the scenario ended as designed, 1 it did not (or a trace file could not be
 *   written), 2 usage error, 130/143 after SIGINT/SIGTERM
 */
export async function runCommand(args: string[], io: Io = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(RUN_OPTIONS, args);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(io.stderr, RUN_HELP, err);
    throw err;
  }
  const { options, rest } = parsed;
  if (options.help) {
    io.stdout.write(renderHelp(RUN_HELP));
    return 0;
  }
  const [name, ...extra] = rest;
  if (!name || extra.length > 0) {
    return usageFailure(io.stderr, RUN_HELP, new UsageError('expected exactly one SCENARIO'));
  }
  const info = SCENARIOS.find((s) => s.name === name);
  if (!info) {
    io.stderr.write(
      `novatrace run: unknown scenario '${terminalSafe(name)}'; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`
    );
    return 2;
  }
  const road = options.road;
  if (road === 'nova' && !info.nova) {
    io.stderr.write(
      `novatrace run: scenario '${name}' has no nova road: its fault exists only at the library level\n`
    );
    return 2;
  }
  const expectedExit = road === 'nova' && info.nova ? info.nova.expectedExit : info.expectedExit;
  const color = useColor(io, options.noColor ? false : options.color ? true : undefined);
  const width = io.stdout.columns ?? 100;
  const { runScenario, startTelemetry } = await loadRunner();
  const session = startTelemetry({ ...telemetryOptions(options), env: io.env });
  const outcome = await runTraced(
    session,
    async () => {
      const result = await runScenario(name, {
        cloudSpanProcessors: session.cloudSpanProcessors(),
        road,
        keystoneVersions: options.keystoneVersions,
      });
      const ok = result.exitCode === expectedExit;
      const records = session.records().filter((r) => r.traceId === result.traceId);
      io.stdout.write(renderTree(records, { color, width }));
      io.stdout.write(`\nscenario ${name}: ${info.summary}\n`);
      if (road === 'nova' && info.nova?.note) io.stdout.write(`nova road: ${info.nova.note}\n`);
      for (const line of result.stderr.trimEnd().split('\n')) {
        if (line) io.stdout.write(`${terminalSafe(line)}\n`);
      }
      io.stdout.write(
        ok
          ? `ended as designed (exit ${result.exitCode}); trace ${result.traceId}\n`
          : `did NOT end as designed: exit ${result.exitCode}, expected ${expectedExit}\n`
      );
      return ok ? 0 : 1;
    },
    io.exit
  );
  if ('signal' in outcome) {
    io.stdout.write(renderTree(session.records(), { color, width }));
    io.stderr.write(
      `novatrace run: interrupted by ${outcome.signal}; open spans ended as interrupted\n`
    );
    return outcome.finish();
  }
  return outcome.unwritten.length > 0 ? 1 : outcome.code;
}

/** `scenarios` takes no option but `--help`. */
export const SCENARIOS_OPTIONS = { help: HELP_OPTION } satisfies OptionTable;

export const SCENARIOS_HELP: HelpText = {
  prog: 'novatrace scenarios',
  synopsis: '',
  description: `Lists the scenarios, one line each. Run one with '${invocation()} run SCENARIO'.`,
  sections: [['options', SCENARIOS_OPTIONS]],
};

/** `novatrace scenarios`: one line each. */
export async function scenariosCommand(args: string[], io: Io = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(SCENARIOS_OPTIONS, args);
    if (parsed.rest.length > 0) {
      throw new UsageError(`takes no arguments (got '${terminalSafe(parsed.rest[0] as string)}')`);
    }
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(io.stderr, SCENARIOS_HELP, err);
    throw err;
  }
  if (parsed.options.help) {
    io.stdout.write(renderHelp(SCENARIOS_HELP));
    return 0;
  }
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  for (const s of SCENARIOS) io.stdout.write(`${s.name.padEnd(width)}  ${s.summary}\n`);
  return 0;
}

/** `record-traces` takes no option but `--help`. */
export const RECORD_TRACES_OPTIONS = { help: HELP_OPTION } satisfies OptionTable;

export const RECORD_TRACES_HELP: HelpText = {
  prog: 'novatrace record-traces',
  synopsis: 'DIR',
  description: `Runs every scenario and writes DIR/<scenario>.json (the note's road) and, where the scenario
has a nova road, DIR/<scenario>.nova.json, as OTLP/JSON, creating DIR if needed (what
'npm run traces' runs, into traces/). Exit 0 when every scenario ended as designed and every
file was written, 1 otherwise, 2 for a usage error.`,
  sections: [['options', RECORD_TRACES_OPTIONS]],
};

/** The errno code of a file-system error, else its message. */
function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code) return code;
  return err instanceof Error ? err.message : String(err);
}

/** `DIR` as a folder to write into: created when missing; a one-line reason when it cannot be. */
async function prepareFolder(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      return 'not a folder (a file is in the way)';
    }
    return fsReason(err);
  }
}

/**
 * `novatrace record-traces DIR`: runs every scenario and writes `DIR/<scenario>.json` (OTLP/JSON)
 * and `DIR/<scenario>.nova.json` for the scenarios that have a nova road.
 * @returns 0 all written and every scenario ended as designed, 1 otherwise, 2 usage
 */
export async function recordTracesCommand(args: string[], io: Io = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(RECORD_TRACES_OPTIONS, args);
    if (parsed.rest.length !== 1 && !parsed.options.help) {
      throw new UsageError('expected exactly one DIR');
    }
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(io.stderr, RECORD_TRACES_HELP, err);
    throw err;
  }
  if (parsed.options.help) {
    io.stdout.write(renderHelp(RECORD_TRACES_HELP));
    return 0;
  }
  const dir = parsed.rest[0] as string;
  const problem = await prepareFolder(dir);
  if (problem !== undefined) {
    io.stderr.write(
      `novatrace record-traces: cannot write into ${terminalSafe(dir)}: ${problem}\n`
    );
    return 1;
  }
  const { runScenario, startTelemetry, writeTraceFile } = await loadRunner();
  let failures = 0;
  // The note's road to <scenario>.json, the nova road to <scenario>.nova.json (where it exists).
  const runs = SCENARIOS.flatMap((info) => [
    { info, road: 'note' as Road, expectedExit: info.expectedExit },
    ...(info.nova ? [{ info, road: 'nova' as Road, expectedExit: info.nova.expectedExit }] : []),
  ]);
  for (const { info, road, expectedExit } of runs) {
    const session = startTelemetry({ env: { ...io.env, OTEL_TRACES_EXPORTER: 'none' } });
    try {
      const result = await runScenario(info.name, {
        cloudSpanProcessors: session.cloudSpanProcessors(),
        road,
      });
      const records = session.records().filter((r) => r.traceId === result.traceId);
      const file = join(dir, road === 'nova' ? `${info.name}.nova.json` : `${info.name}.json`);
      try {
        await writeTraceFile(file, records, 'otlp');
      } catch (err) {
        io.stderr.write(
          `novatrace record-traces: cannot write ${terminalSafe(file)}: ${fsReason(err)}\n`
        );
        return 1;
      }
      const ok = result.exitCode === expectedExit;
      if (!ok) failures++;
      io.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${info.name} (${road}): ${records.length} spans\n`);
    } finally {
      await session.shutdown();
    }
  }
  return failures === 0 ? 0 : 1;
}
