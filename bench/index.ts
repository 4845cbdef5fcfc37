/**
 * `npm run bench`: every benchmark in one run, one line per figure with its goal and `met` or
 * `NOT MET` (bench/report.ts). Runs each `bench/*.ts` module that exports `measure()`, one after
 * another (never two at once, so they do not slow each other down), each in a process of its
 * own: a module's memory figures (RSS peak, heap per span) and its ingest rates must not carry
 * what an earlier module left in the heap. Speed goals live here, never in tests.
 *
 * `npm run bench -- startup client` runs only the named modules.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatFigure, met, type Figure, type Measure } from './report.js';

/** The line a child process prints its figures on (JSON after the marker). */
const FIGURES = 'novatrace-bench-figures ';

/** Helpers, not benchmarks. */
const NOT_BENCHES = new Set(['index', 'page', 'report', 'stats']);
/** Measured first, in this order; any other module follows by name. */
const FIRST = ['client', 'startup', 'suite', 'viewer'];

const dir = import.meta.dirname;
const argv = process.argv.slice(2);

if (argv[0] === '--child') {
  // One module, in this process: its figures go to the parent on one marked line.
  const name = argv[1] as string;
  const mod = (await import(`./${name}.ts`)) as { measure?: Measure };
  const figures = typeof mod.measure === 'function' ? await mod.measure() : [];
  // NaN (a figure not measured) does not survive JSON: send it as null.
  console.log(FIGURES + JSON.stringify(figures, (_k, v: unknown) => (Number.isNaN(v) ? null : v)));
  process.exit(0);
}

const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((n) => !NOT_BENCHES.has(n) && (argv.length === 0 || argv.includes(n)))
  .sort((a, b) => {
    const [ia, ib] = [FIRST.indexOf(a), FIRST.indexOf(b)];
    return (ia < 0 ? FIRST.length : ia) - (ib < 0 ? FIRST.length : ib) || a.localeCompare(b);
  });

/** Runs one module in a child process; its own output passes through, its figures come back. */
function runModule(name: string): Promise<Figure[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(dir, '..', 'bin', 'run-ts.js'), join(dir, 'index.ts'), '--child', name],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    );
    let figures: Figure[] | undefined;
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        if (line.startsWith(FIGURES)) {
          figures = (JSON.parse(line.slice(FIGURES.length)) as Figure[]).map((f) => ({
            ...f,
            value: f.value ?? Number.NaN,
          }));
        } else process.stdout.write(`${line}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (figures) resolve(figures);
      else reject(new Error(`exited with code ${code} before printing its figures`));
    });
  });
}

console.log(`novatrace benchmarks: node ${process.version}, ${new Date().toISOString()}`);
const all: Figure[] = [];
for (const name of names) {
  try {
    all.push(...(await runModule(name)));
  } catch (err) {
    console.log(`bench/${name}.ts failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
const width = Math.max(0, ...all.map((f) => f.figure.length));
console.log('');
for (const f of all) console.log(formatFigure(f, width));
console.log(`\n${all.filter(met).length} of ${all.length} figures met their goal`);
