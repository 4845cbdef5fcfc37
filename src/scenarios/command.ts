/**
 * @module
 * `novatrace run SCENARIO`, `novatrace scenarios` and `novatrace record-traces DIR`.
 *
 * `run` starts a telemetry session, runs the scenario against a fresh embedded mock cloud and
 * prints the call tree (client and cloud spans) on stdout. It exits 0 when the scenario ended
 * the way it is meant to (an error scenario ends with the shell's exit 1 on purpose; its
 * `ERROR (...)` line is printed below the tree), 1 when it did not, 2 for a usage error.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTree, terminalSafe } from '../telemetry/tree-render.js';
import { SCENARIOS } from './catalog.js';

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
import type { Road } from './types.js';

interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

export const RUN_USAGE = `usage: novatrace run SCENARIO [--road note|nova] [--trace-file FILE] [--jaeger-file FILE] [--viewer URL] [--no-color | --color]

Runs one scenario in-process against a fresh embedded mock cloud and prints the call tree.
--road note (default) takes the seed note's HTTPClient road; --road nova the road the 3.3.0
nova command took (keystoneauth1 session, version discovery, one connection).
'novatrace scenarios' lists them.
`;

function useColor(io: Io, explicit: boolean | undefined): boolean {
  if (explicit !== undefined) return explicit;
  return Boolean(io.stdout.isTTY) && !io.env['NO_COLOR'];
}

/**
 * `novatrace run SCENARIO`.
 * @returns 0 the scenario ended as designed, 1 it did not, 2 usage error
 */
export async function runCommand(args: string[], io: Io = defaultIo()): Promise<number> {
  const { splitCommonFlags } = await import('../commands/volume-update.js');
  const flags = splitCommonFlags(args);
  if ('error' in flags) {
    io.stderr.write(`novatrace run: ${flags.error}\n\n${RUN_USAGE}`);
    return 2;
  }
  let color: boolean | undefined;
  let road: Road = 'note';
  const positional: string[] = [];
  for (let i = 0; i < flags.rest.length; i++) {
    const arg = flags.rest[i] as string;
    if (arg === '--road' || arg.startsWith('--road=')) {
      const value = arg === '--road' ? flags.rest[++i] : arg.slice('--road='.length);
      if (value !== 'note' && value !== 'nova') {
        io.stderr.write(`novatrace run: argument --road: choose note or nova\n\n${RUN_USAGE}`);
        return 2;
      }
      road = value;
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      io.stdout.write(RUN_USAGE);
      return 0;
    } else if (arg === '--no-color') color = false;
    else if (arg === '--color') color = true;
    else if (arg.startsWith('-')) {
      io.stderr.write(`novatrace run: unknown option ${terminalSafe(arg)}\n\n${RUN_USAGE}`);
      return 2;
    } else positional.push(arg);
  }
  const [name, ...extra] = positional;
  if (!name || extra.length > 0) {
    io.stderr.write(`novatrace run: expected exactly one SCENARIO\n\n${RUN_USAGE}`);
    return 2;
  }
  const info = SCENARIOS.find((s) => s.name === name);
  if (!info) {
    io.stderr.write(
      `novatrace run: unknown scenario '${terminalSafe(name)}'; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`
    );
    return 2;
  }
  if (road === 'nova' && !info.nova) {
    io.stderr.write(
      `novatrace run: scenario '${name}' has no nova road: its fault exists only at the library level\n`
    );
    return 2;
  }
  const expectedExit = road === 'nova' && info.nova ? info.nova.expectedExit : info.expectedExit;
  const { runScenario, startTelemetry } = await loadRunner();
  const session = startTelemetry({ ...flags.telemetry, env: io.env });
  let ok = false;
  try {
    const result = await runScenario(name, {
      cloudSpanProcessors: session.cloudSpanProcessors(),
      road,
    });
    const records = session.records().filter((r) => r.traceId === result.traceId);
    io.stdout.write(
      renderTree(records, { color: useColor(io, color), width: io.stdout.columns ?? 100 })
    );
    io.stdout.write(`\nscenario ${name}: ${info.summary}\n`);
    if (road === 'nova' && info.nova?.note) io.stdout.write(`nova road: ${info.nova.note}\n`);
    for (const line of result.stderr.trimEnd().split('\n')) {
      if (line) io.stdout.write(`${terminalSafe(line)}\n`);
    }
    ok = result.exitCode === expectedExit;
    io.stdout.write(
      ok
        ? `ended as designed (exit ${result.exitCode}); trace ${result.traceId}\n`
        : `did NOT end as designed: exit ${result.exitCode}, expected ${expectedExit}\n`
    );
  } finally {
    await session.shutdown();
  }
  return ok ? 0 : 1;
}

/** `novatrace scenarios`: one line each. */
export async function scenariosCommand(args: string[], io: Io = defaultIo()): Promise<number> {
  if (args.length > 0 && !['-h', '--help'].includes(args[0] ?? '')) {
    io.stderr.write('usage: novatrace scenarios\n');
    return 2;
  }
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  for (const s of SCENARIOS) io.stdout.write(`${s.name.padEnd(width)}  ${s.summary}\n`);
  return 0;
}

/**
 * `novatrace record-traces DIR`: runs every scenario and writes `DIR/<scenario>.json` (OTLP/JSON).
 * @returns 0 all written and every scenario ended as designed, 1 otherwise, 2 usage
 */
export async function recordTracesCommand(args: string[], io: Io = defaultIo()): Promise<number> {
  const [dir, ...extra] = args;
  if (!dir || dir.startsWith('-') || extra.length > 0) {
    io.stderr.write('usage: novatrace record-traces DIR\n');
    return 2;
  }
  await mkdir(dir, { recursive: true });
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
      const file = road === 'nova' ? `${info.name}.nova.json` : `${info.name}.json`;
      await writeTraceFile(join(dir, file), records, 'otlp');
      const ok = result.exitCode === expectedExit;
      if (!ok) failures++;
      io.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${info.name} (${road}): ${records.length} spans\n`);
    } finally {
      await session.shutdown();
    }
  }
  return failures === 0 ? 0 : 1;
}
