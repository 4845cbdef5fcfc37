#!/usr/bin/env node
// `npm run build` (and npm's `prepare`, so `npm ci` and `npm pack` run it): turns src/ into
// plain JavaScript in dist/, one file per module at the same path (dist/urllib3/connection.js
// for src/urllib3/connection.ts), so the lazy import() of each command still loads only its
// own modules and `new URL('../../', import.meta.url)` still finds the package root.
//
// Besides the modules it writes:
// - a linked source map per module (no sources inlined: src/ ships beside dist/), so stack
//   frames point at the TypeScript lines once bin/novatrace.js enables source maps;
// - dist/call-sites.json, the line table of every layer span's call site, made here from the
//   TypeScript so the built program never scans src/ at run time (and works without it);
// - dist/web/, the page the viewer serves, so `serve` compiles nothing when it starts.
//
// Usage: node scripts/build.js [--quiet]
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');
const out = join(root, 'dist');
const quiet = process.argv.includes('--quiet');
const started = performance.now();

function listTs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listTs(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : []
  );
}

rmSync(out, { recursive: true, force: true });
const entryPoints = listTs(src);
await build({
  entryPoints,
  outdir: out,
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  charset: 'utf8',
});

// The line table and the page come from the freshly built modules themselves, so they are
// made by the same code that reads them.
const load = (path) => import(pathToFileURL(join(out, path)).href);
const { scanCallSites, CALL_SITE_TABLE } = await load('telemetry/call-sites.js');
await writeFile(join(out, CALL_SITE_TABLE), JSON.stringify(scanCallSites()) + '\n');

const { buildWebAssets, PREBUILT_WEB_FILES } = await load('viewer/assets.js');
const assets = await buildWebAssets(join(root, 'web'));
const webOut = join(out, 'web');
await mkdir(webOut, { recursive: true });
await Promise.all(
  Object.entries(PREBUILT_WEB_FILES).map(([key, name]) =>
    writeFile(join(webOut, name), assets[key])
  )
);

if (!quiet) {
  const ms = Math.round(performance.now() - started);
  console.log(`build: ${entryPoints.length} modules -> ${relative(root, out)}/ in ${ms} ms`);
}
