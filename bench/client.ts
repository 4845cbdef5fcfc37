/**
 * Client benchmark, measured side by side in one run and reported as ratios:
 * - a warm volume update (pooled connection, token held) with tracing on (the full telemetry
 *   session: redaction net, live bus, recorder) against the same with tracing off, and against a
 *   bare undici `Client` PUT of the same request to the same mock cloud;
 * - the wall time of `novatrace volume-update` against the real `nova volume-update` on the same
 *   cloud, when `nova` is installed.
 * Loops are bounded; all traffic goes to a loopback mock cloud started here.
 */
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client as UndiciClient } from 'undici';
import { FIXTURES, startCloud, type RunningCloud } from '../src/cloud/index.js';
import { Client } from '../src/novaclient/v2/client.js';
import { cloudEnv } from '../src/scenarios/catalog.js';
import { startTelemetry } from '../src/telemetry/session.js';
import { formatFigure, ratioFigure, type Figure } from './report.js';
import { median, msSince, timeCommand } from './stats.js';

const { servers, volumes, credentials } = FIXTURES;
const ROUNDS = 5;
const PER_ROUND = 60;
const CLI_RUNS = 7;
const HUNG_RUNS = 3;

function novaClient(cloud: RunningCloud): Client {
  return new Client({
    user: credentials.username,
    password: credentials.password,
    projectid: credentials.projectName,
    auth_url: cloud.authUrlV3,
    connection_pool: true,
  });
}

/**
 * Per-operation samples: wall time, and the process's CPU time (user + system), which a busy
 * machine disturbs less (time spent waiting for a core is not counted). Both sides of the call
 * (client and the mock cloud) run in this process, as they do in the bare undici PUT.
 */
interface Samples {
  wall: number[];
  cpu: number[];
}

function samples(): Samples {
  return { wall: [], cpu: [] };
}

function add(into: Samples, more: Samples): void {
  into.wall.push(...more.wall);
  into.cpu.push(...more.cpu);
}

/** Times one operation into `out`. */
async function timed(out: Samples, op: () => Promise<unknown>): Promise<void> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await op();
  out.wall.push(msSince(start));
  const used = process.cpuUsage(cpu);
  out.cpu.push((used.user + used.system) / 1000);
}

/** `count` swaps back and forth; returns per-operation times in ms. */
async function swaps(cs: Client, count: number, flip: { a: boolean }): Promise<Samples> {
  const out = samples();
  for (let i = 0; i < count; i++) {
    const [from, to] = flip.a
      ? [volumes.attached.id, volumes.spare.id]
      : [volumes.spare.id, volumes.attached.id];
    await timed(out, () => cs.volumes.update_server_volume(servers.vm1.id, from, to));
    flip.a = !flip.a;
  }
  return out;
}

async function bareUndici(
  cloud: RunningCloud,
  token: string,
  count: number,
  flip: { a: boolean }
): Promise<Samples> {
  const client = new UndiciClient(cloud.url, { pipelining: 1 });
  const out = samples();
  try {
    for (let i = 0; i < count; i++) {
      const [from, to] = flip.a
        ? [volumes.attached.id, volumes.spare.id]
        : [volumes.spare.id, volumes.attached.id];
      await timed(out, async () => {
        const res = await client.request({
          method: 'PUT',
          path: `/v2.1/servers/${servers.vm1.id}/os-volume_attachments/${from}`,
          headers: {
            'x-auth-token': token,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({ volumeAttachment: { volumeId: to } }),
        });
        await res.body.dump();
        if (res.statusCode !== 202) throw new Error(`bare PUT answered ${res.statusCode}`);
      });
      flip.a = !flip.a;
    }
  } finally {
    await client.close();
  }
  return out;
}

/** Wall time (ms) and stderr of one command; rejects on a non-zero exit. */
function runCommand(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${stderr.trim()}`));
      else resolve({ ms: msSince(start), stderr });
    });
  });
}

/**
 * What a collector that accepts the connection and never answers adds to a CLI run's exit:
 * median wall of `novatrace volume-update` exporting to such a collector, minus the same run
 * with no export. Also checks that the run says so in exactly one stderr line.
 */
async function hungCollectorCost(cloud: RunningCloud, bin: string): Promise<Figure> {
  const held = new Set<Socket>();
  const hung = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // read the request, never answer
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const address = hung.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...cloudEnv(cloud) };
  const plain: number[] = [];
  const withHung: number[] = [];
  const warnings: number[] = [];
  try {
    for (let i = 0; i < HUNG_RUNS; i++) {
      for (const exporting of [false, true]) {
        const onAttached =
          cloud.state.getAttachment(servers.vm1.id, volumes.attached.id) !== undefined;
        const [from, to] = onAttached
          ? [volumes.attached.id, volumes.spare.id]
          : [volumes.spare.id, volumes.attached.id];
        const env = exporting
          ? { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }
          : base;
        const run = await runCommand(
          process.execPath,
          [bin, 'volume-update', servers.vm1.id, from, to],
          env
        );
        if (exporting) {
          withHung.push(run.ms);
          warnings.push(run.stderr.split('\n').filter((l) => l.includes('export')).length);
        } else plain.push(run.ms);
      }
    }
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  }
  const cost = median(withHung) - median(plain);
  const oneLine = warnings.every((n) => n === 1);
  return {
    figure: 'hung collector: added exit time of volume-update, median',
    value: oneLine ? cost : Number.NaN,
    unit: 'ms',
    goal: 1000,
    better: 'lower',
    note: oneLine
      ? `${Math.round(median(withHung))} - ${Math.round(median(plain))} ms; one warning line each run`
      : `export warning lines per run: ${warnings.join(', ')} (expected 1)`,
  };
}

async function hasNova(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('nova', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** The client figures: warm call traced / untraced / bare undici, and both CLIs' wall time. */
export async function measure(): Promise<Figure[]> {
  const cloud = await startCloud();
  const results: Figure[] = [];
  try {
    const off = samples();
    const on = samples();
    const bare = samples();
    const flip = { a: true };
    // tracing off: no SDK registered, the API is a no-op
    const csOff = novaClient(cloud);
    await swaps(csOff, 20, flip); // warm: authenticate, open the pooled connection, JIT
    const token = csOff.client.auth_token ?? '';
    await bareUndici(cloud, token, 20, flip);
    for (let round = 0; round < ROUNDS; round++) {
      // interleaved rounds, so drift on the machine hits all three alike
      add(off, await swaps(csOff, PER_ROUND, flip));
      add(bare, await bareUndici(cloud, token, PER_ROUND, flip));
      const session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
      try {
        const csOn = novaClient(cloud);
        await swaps(csOn, 10, flip);
        add(on, await swaps(csOn, PER_ROUND, flip));
        await csOn.client.close();
      } finally {
        await session.shutdown();
      }
    }
    await csOff.client.close();
    const traced = ratioFigure(
      'warm call traced / untraced, median',
      median(on.wall),
      median(off.wall),
      1.1
    );
    const untraced = ratioFigure(
      'warm call untraced / bare undici PUT, median',
      median(off.wall),
      median(bare.wall),
      1.3
    );
    untraced.note += `; ${off.wall.length} samples each`;
    const tracedCpu = ratioFigure(
      'warm call traced / untraced, median CPU time',
      median(on.cpu),
      median(off.cpu),
      1.1
    );
    const untracedCpu = ratioFigure(
      'warm call untraced / bare undici PUT, median CPU time',
      median(off.cpu),
      median(bare.cpu),
      1.3
    );
    for (const f of [tracedCpu, untracedCpu]) {
      f.note += ' of the process, client and mock cloud; steadier than wall time under load';
    }
    results.push(traced, untraced, tracedCpu, untracedCpu);

    const bin = fileURLToPath(new URL('../bin/novatrace.js', import.meta.url));
    results.push(await hungCollectorCost(cloud, bin));

    if (await hasNova()) {
      const env = {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        ...cloudEnv(cloud),
        NOVACLIENT_ISHOULDNTBEDOINGTHIS: '1',
      };
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let i = 0; i < CLI_RUNS; i++) {
        const onAttached =
          cloud.state.getAttachment(servers.vm1.id, volumes.attached.id) !== undefined;
        const [from, to] = onAttached
          ? [volumes.attached.id, volumes.spare.id]
          : [volumes.spare.id, volumes.attached.id];
        ours.push(
          await timeCommand(process.execPath, [bin, 'volume-update', servers.vm1.id, from, to], env)
        );
        theirs.push(await timeCommand('nova', ['volume-update', servers.vm1.id, to, from], env));
      }
      results.push(
        ratioFigure(
          'novatrace volume-update / nova volume-update, median wall',
          median(ours),
          median(theirs),
          0.5
        )
      );
    } else {
      results.push({
        figure: 'novatrace volume-update / nova volume-update, median wall',
        value: Number.NaN,
        unit: '×',
        goal: 0.5,
        better: 'lower',
        note: 'SKIPPED: nova not installed (apt-get install python3-novaclient)',
      });
    }
  } finally {
    await cloud.close();
  }
  return results;
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('bench/client.ts')
) {
  for (const f of await measure()) console.log(formatFigure(f));
}
