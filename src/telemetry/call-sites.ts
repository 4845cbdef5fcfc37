/**
 * @module
 * Where each layer span is opened in our TypeScript: file and line of the `layerSpan('<name>'`
 * call, read once from the sources themselves. Static on purpose: it costs nothing per call,
 * works the same under tsx, vitest and compiled output, and cannot drift from the code (a test
 * checks that every layer has exactly one call site).
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

/** The package root (the folder holding `src/`). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Folders that hold ported code. */
export const PORTED_DIRS = [
  'src/novaclient',
  'src/keystoneauth1',
  'src/requests',
  'src/urllib3',
] as const;

const CALL = /layerSpan\(\s*\n?\s*'([^']+)'/g;

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

/** Every `layerSpan('<name>'` call in the ported folders, by name. */
export function callSiteIndex(): ReadonlyMap<string, readonly CallSite[]> {
  if (index) return index;
  const found = new Map<string, CallSite[]>();
  for (const dir of PORTED_DIRS) {
    for (const path of listTs(join(PACKAGE_ROOT, dir))) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(CALL)) {
        const name = match[1] ?? '';
        const line = text.slice(0, match.index).split('\n').length;
        const site = { file: relative(PACKAGE_ROOT, path).split('\\').join('/'), line };
        found.set(name, [...(found.get(name) ?? []), site]);
      }
    }
  }
  index = found;
  return found;
}

/** The call site of a layer span, or a placeholder when the sources are not shipped. */
export function callSiteOf(name: LayerName): CallSite {
  return callSiteIndex().get(name)?.[0] ?? { file: 'unknown', line: 0 };
}
