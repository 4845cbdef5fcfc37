/**
 * @module
 * Where each layer span is opened in our TypeScript: file and line of the `layerSpan('<name>'`
 * call (and of the wire span's `startActiveSpan`), read from the sources themselves. Static on
 * purpose: it costs nothing per call and cannot drift from the code (a test checks that every
 * layer has exactly one call site).
 *
 * Run from src/ (vitest, tsx) the sources are scanned once. The build (scripts/build.js) makes
 * the same scan and writes it to `dist/call-sites.json`; the built program reads that table
 * instead, so it points at the TypeScript lines without scanning src/ at run time.
 */
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerName } from './layers.js';

export interface CallSite {
  /** Repository-relative path, e.g. `src/novaclient/client.ts`. */
  readonly file: string;
  /** 1-based line of the `layerSpan(` call. */
  readonly line: number;
}

/** What the build writes to {@link CALL_SITE_TABLE}: every call site found in the sources. */
export interface CallSiteTable {
  readonly layerSpans: Record<string, CallSite[]>;
  /** The wire span (`HTTPConnection.request`), opened with `startActiveSpan`, not `layerSpan`. */
  readonly wire: CallSite;
}

/** The package root (the folder holding `src/`, and `dist/` at the same depth). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Folders that hold ported code. */
export const PORTED_DIRS = [
  'src/novaclient',
  'src/keystoneauth1',
  'src/requests',
  'src/urllib3',
] as const;

/** The table's file name, next to the built modules' root (`dist/call-sites.json`). */
export const CALL_SITE_TABLE = 'call-sites.json';

/** The file that opens the wire span, and the line prefix that marks the call. */
const WIRE_FILE = 'src/urllib3/connection.ts';
const WIRE_CALL = 'return tracerFor(';

const CALL = /layerSpan\(\s*\n?\s*'([^']+)'/g;

let table: CallSiteTable | undefined;
let index: Map<string, CallSite[]> | undefined;

function listTs(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  );
}

function wireSite(root: string): CallSite {
  try {
    const lines = readFileSync(join(root, WIRE_FILE), 'utf8').split('\n');
    return {
      file: WIRE_FILE,
      line: lines.findIndex((l) => l.trimStart().startsWith(WIRE_CALL)) + 1,
    };
  } catch {
    return { file: WIRE_FILE, line: 0 };
  }
}

/**
 * Scans the TypeScript sources under `root` for every call site (what the build writes out).
 * @example
 * writeFileSync('dist/call-sites.json', JSON.stringify(scanCallSites()));
 */
export function scanCallSites(root: string = PACKAGE_ROOT): CallSiteTable {
  const layerSpans: Record<string, CallSite[]> = {};
  for (const dir of PORTED_DIRS) {
    for (const path of listTs(join(root, dir))) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(CALL)) {
        const name = match[1] ?? '';
        const line = text.slice(0, match.index).split('\n').length;
        const site = { file: relative(root, path).split('\\').join('/'), line };
        (layerSpans[name] ??= []).push(site);
      }
    }
  }
  return { layerSpans, wire: wireSite(root) };
}

/** The built table when this module runs from dist/, else undefined. */
function readBuiltTable(): CallSiteTable | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  try {
    const path = fileURLToPath(new URL(`../${CALL_SITE_TABLE}`, import.meta.url));
    return JSON.parse(readFileSync(path, 'utf8')) as CallSiteTable;
  } catch {
    return undefined;
  }
}

function callSiteTable(): CallSiteTable {
  table ??= readBuiltTable() ?? scanCallSites();
  return table;
}

/** Every `layerSpan('<name>'` call in the ported folders, by name. */
export function callSiteIndex(): ReadonlyMap<string, readonly CallSite[]> {
  index ??= new Map(Object.entries(callSiteTable().layerSpans));
  return index;
}

/** The call site of a layer span, or a placeholder when the sources are not shipped. */
export function callSiteOf(name: LayerName): CallSite {
  return callSiteIndex().get(name)?.[0] ?? { file: 'unknown', line: 0 };
}

/** Where the wire span (`HTTPConnection.request`) is opened; line 0 if the source is absent. */
export function wireCallSite(): CallSite {
  return callSiteTable().wire;
}
