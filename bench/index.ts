/**
 * `npm run bench`: every benchmark in one run, one line per figure with its goal and `met` or
 * `NOT MET` (bench/report.ts). Runs each `bench/*.ts` module that exports `measure()`, one after
 * another (never two at once, so they do not slow each other down). Speed goals live here,
 * never in tests.
 *
 * `npm run bench -- startup client` runs only the named modules.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { formatFigure, met, type Figure, type Measure } from './report.js';

/** Helpers, not benchmarks. */
const NOT_BENCHES = new Set(['index', 'page', 'report', 'stats']);
/** Measured first, in this order; any other module follows by name. */
const FIRST = ['client', 'startup', 'suite', 'viewer'];

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((n) => !NOT_BENCHES.has(n) && (only.length === 0 || only.includes(n)))
  .sort((a, b) => {
    const [ia, ib] = [FIRST.indexOf(a), FIRST.indexOf(b)];
    return (ia < 0 ? FIRST.length : ia) - (ib < 0 ? FIRST.length : ib) || a.localeCompare(b);
  });

console.log(`novatrace benchmarks: node ${process.version}, ${new Date().toISOString()}`);
const all: Figure[] = [];
for (const name of names) {
  const mod = (await import(`./${name}.ts`)) as { measure?: Measure };
  if (typeof mod.measure !== 'function') continue;
  try {
    all.push(...(await mod.measure()));
  } catch (err) {
    console.log(`bench/${name}.ts failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
const width = Math.max(0, ...all.map((f) => f.figure.length));
console.log('');
for (const f of all) console.log(formatFigure(f, width));
console.log(`\n${all.filter(met).length} of ${all.length} figures met their goal`);
