/**
 * Test-suite wall times. `npm run test:fast` runs once here. The README's test command (the
 * whole suite, browsers and real servers included) is not run by the bench: `.ci/run` writes
 * its wall time to test-artifacts/npm-test-wall.txt and this quotes it;
 * `NOVATRACE_BENCH_FULL_SUITE=1 npm run bench` runs it once instead.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Figure } from './report.js';
import { timeCommand } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WALL_FILE = fileURLToPath(new URL('../test-artifacts/npm-test-wall.txt', import.meta.url));

function npm(script: string[]): Promise<number> {
  const env = { ...process.env, NO_COLOR: '1' };
  return timeCommand('npm', ['--prefix', ROOT, ...script], env, 600_000);
}

async function fullSuite(): Promise<Figure> {
  const figure = { figure: 'README test command (npm test) wall', unit: 's', goal: 300 };
  if (process.env['NOVATRACE_BENCH_FULL_SUITE'] === '1') {
    const ms = await npm(['test', '--', '--reporter=dot']).catch(() => Number.NaN);
    return { ...figure, value: ms / 1000, better: 'lower', note: 'run once here' };
  }
  try {
    const seconds = Number((await readFile(WALL_FILE, 'utf8')).trim());
    const when = (await stat(WALL_FILE)).mtime.toISOString().slice(0, 16);
    return { ...figure, value: seconds, better: 'lower', note: `quoted from .ci/run, ${when}Z` };
  } catch {
    return {
      ...figure,
      value: Number.NaN,
      better: 'lower',
      note: 'not measured: run bash .ci/run or NOVATRACE_BENCH_FULL_SUITE=1 npm run bench',
    };
  }
}

export async function measure(): Promise<Figure[]> {
  const fast = await npm(['run', '-s', 'test:fast', '--', '--reporter=dot']).catch(
    () => Number.NaN
  );
  return [
    await fullSuite(),
    { figure: 'npm run test:fast wall', value: fast / 1000, unit: 's', goal: 60, better: 'lower' },
  ];
}
