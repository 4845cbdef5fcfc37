/**
 * Start-up benchmark: `novatrace scenarios` (the built bin) against `node -e 0`, median wall
 * time of alternating runs, so the ratio is the cost of our own start on top of Node's.
 */
import { fileURLToPath } from 'node:url';
import { ratioFigure, type Figure } from './report.js';
import { median, timeCommand } from './stats.js';

const RUNS = 11;

export async function measure(): Promise<Figure[]> {
  const bin = fileURLToPath(new URL('../bin/novatrace.js', import.meta.url));
  const env = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  const ours: number[] = [];
  const bare: number[] = [];
  await timeCommand(process.execPath, [bin, 'scenarios'], env); // fills the compile cache
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timeCommand(process.execPath, [bin, 'scenarios'], env));
    bare.push(await timeCommand(process.execPath, ['-e', '0'], env));
  }
  return [
    ratioFigure('novatrace scenarios / node -e 0, median wall', median(ours), median(bare), 2),
  ];
}
