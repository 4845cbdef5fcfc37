/**
 * `npm run bench`: every benchmark in one run, printed as tables of figures and ratios measured
 * side by side. Numbers only; no pass/fail (speed targets never live in tests).
 */
import { benchClient } from './client.js';
import { printTable } from './stats.js';
import { benchViewer } from './viewer.js';

console.log(`novatrace benchmarks: node ${process.version}, ${new Date().toISOString()}`);
printTable(
  'client (warm update, tracing on/off, bare undici; CLI wall time against nova)',
  await benchClient()
);
printTable('viewer (live latency, 5,000-span render, store memory)', await benchViewer());
