/**
 * @module
 * The library of recorded scenario traces: the `traces/*.json` files that `npm run traces`
 * writes (OTLP/JSON, one per scenario). Names are checked against the folder listing, never
 * joined blindly onto a path.
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LibraryEntry } from './types.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;
/** Largest library file served (bytes). */
const MAX_LIBRARY_BYTES = 64 * 1024 * 1024;

/** The trace files of one folder. */
export class TraceLibrary {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Every `*.json` file, by name without the extension. */
  list(summaries: ReadonlyMap<string, string> = new Map()): LibraryEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: LibraryEntry[] = [];
    for (const file of names.sort()) {
      if (!file.endsWith('.json')) continue;
      const name = file.slice(0, -'.json'.length);
      if (!NAME.test(name)) continue;
      try {
        const stat = statSync(join(this.dir, file));
        if (!stat.isFile()) continue;
        const summary = summaries.get(name);
        out.push({
          name,
          file: `traces/${file}`,
          bytes: stat.size,
          ...(summary ? { summary } : {}),
        });
      } catch {
        continue;
      }
    }
    return out;
  }

  /** The text of one library file, or undefined when there is no such entry. */
  async read(name: string): Promise<string | undefined> {
    const bare = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
    if (!NAME.test(bare)) return undefined;
    const entry = this.list().find((e) => e.name === bare);
    if (!entry || entry.bytes > MAX_LIBRARY_BYTES) return undefined;
    try {
      return await readFile(join(this.dir, `${bare}.json`), 'utf8');
    } catch {
      return undefined;
    }
  }
}
