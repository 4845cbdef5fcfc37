// Prints the N slowest tests of a vitest JSON report: `node .ci/slowest.js REPORT.json [N]`.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, n = '10'] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`ci: no slowest tests (${err.message})`);
  process.exit(0);
}
const tests = (report.testResults ?? []).flatMap((f) =>
  (f.assertionResults ?? []).map((t) => ({
    ms: t.duration ?? 0,
    name: `${relative(process.cwd(), f.name)} > ${t.fullName ?? t.title}`,
  }))
);
tests.sort((a, b) => b.ms - a.ms);
console.log(`ci: the ${Math.min(Number(n), tests.length)} slowest tests`);
for (const t of tests.slice(0, Number(n))) {
  console.log(`${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name}`);
}
