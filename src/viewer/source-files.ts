/**
 * @module
 * Read-only access to the package's own TypeScript sources for the page's source pane. The
 * allow-list is every `.ts` file found under `src/` when the viewer starts; a request names a
 * file by its repository-relative path and is served only when that exact string is on the
 * list, so no path the client sends is ever joined onto the file system.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Largest source file served (bytes). */
const MAX_SOURCE_BYTES = 512 * 1024;

export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly lines: number;
}

/** The allow-listed sources of one package root. */
export class SourceFiles {
  readonly root: string;
  #allowed: Set<string>;

  constructor(root: string) {
    this.root = root;
    this.#allowed = new Set(listTs(root, join(root, 'src')));
  }

  /** Repository-relative paths that may be served, sorted. */
  list(): string[] {
    return [...this.#allowed].sort();
  }

  allowed(file: string): boolean {
    return this.#allowed.has(file);
  }

  /** The text of an allow-listed file, or undefined when it is not on the list or unreadable. */
  async read(file: string): Promise<SourceFile | undefined> {
    if (!this.#allowed.has(file)) return undefined;
    try {
      const path = join(this.root, ...file.split('/'));
      const stat = statSync(path);
      if (!stat.isFile() || stat.size > MAX_SOURCE_BYTES) return undefined;
      const text = await readFile(path, 'utf8');
      return { file, text, lines: text.split('\n').length };
    } catch {
      return undefined;
    }
  }
}

function listTs(root: string, dir: string, depth = 0): string[] {
  if (depth > 8) return [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const full = join(dir, e.name);
    if (e.isDirectory()) return listTs(root, full, depth + 1);
    if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      return [relative(root, full).split(sep).join('/')];
    }
    return [];
  });
}
