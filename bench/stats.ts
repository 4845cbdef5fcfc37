/**
 * Small statistics for the benchmarks: medians and percentiles of samples, a table printer, and
 * the wall time of a command.
 */
import { spawn } from 'node:child_process';

/** The p-th percentile (0..100) of `samples` (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Prints `rows` as an aligned two-column table. */
export function printTable(title: string, rows: Record<string, number | string>): void {
  const width = Math.max(...Object.keys(rows).map((k) => k.length));
  console.log(`\n${title}`);
  for (const [key, value] of Object.entries(rows)) {
    const shown =
      typeof value === 'number'
        ? Number.isInteger(value)
          ? String(value)
          : value.toFixed(3)
        : value;
    console.log(`  ${key.padEnd(width)}  ${shown}`);
  }
}

/** Wall time (ms) of one command run to its end; rejects on a non-zero exit. */
export function timeCommand(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000
): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${stderr.trim()}`));
      else resolve(msSince(start));
    });
  });
}
