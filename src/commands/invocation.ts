/**
 * @module
 * How to call novatrace again, for the command lines the program prints (sample commands,
 * "try …" hints): they must work pasted as printed. Installed (`npm install -g`, `npm link`)
 * the bin is `novatrace` on PATH; in a clone after `npm ci` there is no `novatrace` on PATH,
 * so the line is `node bin/novatrace.js`, relative to the current folder when it is inside it.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, relative, resolve } from 'node:path';

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The first `name` on PATH that is a file, or undefined. */
function onPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** What {@link invocation} looks at; the running process unless a test says otherwise. */
export interface InvocationContext {
  /** The script as Node was given it (`process.argv[1]`); symlinks are not resolved. */
  readonly script: string | undefined;
  readonly cwd: string;
  readonly path: string | undefined;
}

/**
 * The words that start novatrace the way it was started now, ready to paste: `novatrace` when
 * the bin on PATH is this program, else `node bin/novatrace.js` (relative to `cwd` when the
 * script is under it, else absolute).
 * @example
 * `${invocation()} volume-update vm-1 …` // 'node bin/novatrace.js volume-update vm-1 …' in a clone
 */
export function invocation(
  ctx: InvocationContext = {
    script: process.argv[1],
    cwd: process.cwd(),
    path: process.env.PATH,
  }
): string {
  const script = ctx.script ? resolve(ctx.cwd, ctx.script) : undefined;
  if (script === undefined) return 'novatrace';
  const real = realpathOrUndefined(script);
  const installed = onPath('novatrace', ctx.path);
  if (installed && real && realpathOrUndefined(installed) === real) return 'novatrace';
  if (basename(script) !== 'novatrace.js' && basename(script) !== 'novatrace') {
    // Not started through the bin (a test runner, a bundler): the bin next to the sources.
    return 'novatrace';
  }
  const rel = relative(ctx.cwd, script);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script;
  return basename(script) === 'novatrace' ? shellWord(shown) : `node ${shellWord(shown)}`;
}
