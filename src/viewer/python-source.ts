/**
 * @module
 * The Python a layer ports, as text, read from a copy on this machine: nothing upstream is
 * vendored. Roots are searched in order: `novatrace serve --python-src DIR` (a folder holding
 * `novaclient/`, `requests/` and `urllib3/`, e.g. unpacked from `pip download
 * python-novaclient==3.3.0 requests==2.9.1`), the system Python's dist-packages (Debian's
 * python3-novaclient, python3-requests, python3-urllib3), then the first `python3` on PATH.
 * Every answer names the version it read and whether that is the seed's version; a function
 * the found version lacks is reported with the version that has it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The seed's versions, by upstream project. */
export const SEED_PYTHON_VERSIONS = {
  novaclient: '3.3.0',
  requests: '2.9.1',
  urllib3: '1.13.1',
} as const;

export type PythonProject = keyof typeof SEED_PYTHON_VERSIONS;

const DISTRIBUTION: Record<PythonProject, string> = {
  novaclient: 'python_novaclient',
  requests: 'requests',
  urllib3: 'urllib3',
};

/** What the pane shows for one layer. */
export type PythonSource =
  | {
      readonly found: true;
      readonly root: string;
      /** Path of the file, relative to the root. */
      readonly file: string;
      readonly version: string;
      readonly seedVersion: string;
      readonly isSeedVersion: boolean;
      /** 1-based line of the `def`. */
      readonly startLine: number;
      /** The function's lines, from its decorators or `def` to its last line. */
      readonly text: string;
    }
  | {
      readonly found: false;
      /** Why not, and what to do, in one or two sentences. */
      readonly reason: string;
      readonly version?: string;
      readonly seedVersion: string;
    };

export interface PythonRoots {
  /** `--python-src DIR`. */
  readonly pythonSrc?: string;
  /** System dist-packages folders (default: Debian's). */
  readonly system?: readonly string[];
  /** The first `python3` on PATH's purelib folder; `null` to skip (default: asks python3). */
  readonly pathPython?: string | null;
}

/** Where a known function moved: what to tell a reader of a version that lacks it. */
const GONE: Readonly<Record<string, string>> = {
  HTTPClient: 'HTTPClient was removed in python-novaclient 7.0.0',
};

function pathPythonPurelib(): string | null {
  try {
    return execFileSync(
      'python3',
      ['-c', 'import sysconfig;print(sysconfig.get_paths()["purelib"])'],
      {
        encoding: 'utf8',
        timeout: 5000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }
    ).trim();
  } catch {
    return null;
  }
}

/** The search roots, in order. */
export function pythonRoots(opts: PythonRoots = {}): string[] {
  const roots: string[] = [];
  if (opts.pythonSrc) roots.push(opts.pythonSrc);
  roots.push(...(opts.system ?? ['/usr/lib/python3/dist-packages']));
  const fromPath = opts.pathPython === undefined ? pathPythonPurelib() : opts.pathPython;
  if (fromPath) roots.push(fromPath);
  return roots;
}

/** The package folder of a project under a root (urllib3 may sit vendored inside requests). */
function packageDir(root: string, project: PythonProject): string | undefined {
  const direct = join(root, project);
  if (existsSync(join(direct, '__init__.py'))) return direct;
  if (project === 'urllib3') {
    const vendored = join(root, 'requests', 'packages', 'urllib3');
    if (existsSync(join(vendored, '__init__.py'))) return vendored;
  }
  return undefined;
}

/** The version of a package: its dist-info/egg-info name, else `__version__` in its sources. */
export function packageVersion(root: string, project: PythonProject, dir: string): string {
  const prefix = DISTRIBUTION[project].toLowerCase();
  try {
    for (const name of readdirSync(root)) {
      const m = /^(.+?)-([^-]+?)\.(dist-info|egg-info)$/.exec(name);
      if (m && m[1]?.toLowerCase().replace(/-/g, '_') === prefix && !dir.includes('packages')) {
        return m[2] ?? 'unknown';
      }
    }
  } catch {
    // no listing: fall through to the sources
  }
  for (const file of ['__version__.py', '_version.py', 'version.py', '__init__.py']) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const m = /__version__\s*=\s*['"]([^'"]+)['"]/.exec(readFileSync(path, 'utf8'));
    if (m?.[1]) return m[1];
  }
  return 'unknown';
}

/**
 * Lines of `def name` (inside `class cls` when given) in a Python file's text.
 * @returns 1-based first line and the text, or undefined
 */
export function findFunction(
  source: string,
  cls: string | undefined,
  name: string
): { startLine: number; text: string } | undefined {
  const lines = source.split('\n');
  let from = 0;
  let minIndent = 0;
  if (cls) {
    const at = lines.findIndex((l) => new RegExp(`^class ${cls}\\b`).test(l));
    if (at < 0) return undefined;
    from = at + 1;
    minIndent = 1;
  }
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (cls && /^\S/.test(line) && line.trim() !== '') break; // left the class
    const m = new RegExp(`^(\\s*)def ${name}\\(`).exec(line);
    if (!m || (m[1]?.length ?? 0) < minIndent) continue;
    const indent = m[1]?.length ?? 0;
    let start = i;
    while (start > 0 && /^\s*@/.test(lines[start - 1] ?? '')) start -= 1;
    let end = i + 1;
    while (end < lines.length) {
      const l = lines[end] ?? '';
      if (l.trim() !== '' && l.search(/\S/) <= indent) break;
      end += 1;
    }
    while (end > i + 1 && (lines[end - 1] ?? '').trim() === '') end -= 1;
    return { startLine: start + 1, text: lines.slice(start, end).join('\n') };
  }
  return undefined;
}

/**
 * The line of a function's text that logs `message` (a span event's display name): each
 * `log...(` call's format string, `%s`/`%d`/`%r` as wildcards.
 * @returns 0-based line index within `text`, or -1
 */
export function logLineFor(text: string, message: string): number {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!/\blog(ger)?\.\w+\(|_logger\.\w+\(|\blog\.\w+\(/.test(line)) continue;
    const literal =
      /(['"])(.*?)\1/.exec(line)?.[2] ?? /(['"])(.*?)\1/.exec(lines[i + 1] ?? '')?.[2];
    if (!literal) continue;
    const pattern = literal
      .split(/%[-\d.]*[sdrif]/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*?');
    if (pattern.replace(/\.\*\?/g, '').trim().length < 4) continue;
    if (new RegExp(`^${pattern}`).test(message)) return i;
  }
  return -1;
}

/**
 * Finds the Python function a layer ports.
 * @param project the upstream project (`novatrace.layer`)
 * @param file the upstream file (`novaclient/client.py`, `urllib3/connectionpool.py`)
 * @param qualname the span name (`HTTPClient._cs_request`, `utils.find_resource`)
 * @example
 * locatePython('urllib3', 'urllib3/connectionpool.py', 'HTTPConnectionPool._get_conn', roots)
 */
export function locatePython(
  project: PythonProject,
  file: string,
  qualname: string,
  roots: readonly string[]
): PythonSource {
  const seedVersion = SEED_PYTHON_VERSIONS[project];
  const parts = qualname.split('.');
  const name = parts[parts.length - 1] ?? qualname;
  const first = parts.length > 1 ? parts[0] : undefined;
  // `utils.find_resource` names a module, `HTTPClient._cs_request` a class.
  const cls = first && /^[A-Z]/.test(first) ? first : undefined;
  const inPackage = file.split('/').slice(1).join('/');
  let lacking: { version: string; reason: string } | undefined;
  for (const root of roots) {
    const dir = packageDir(root, project);
    if (!dir) continue;
    const version = packageVersion(root, project, dir);
    const path = join(dir, inPackage);
    const source = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const hit = source ? findFunction(source, cls, name) : undefined;
    if (hit) {
      return {
        found: true,
        root,
        file: join(dir.slice(root.length + 1), inPackage),
        version,
        seedVersion,
        isSeedVersion: version === seedVersion,
        ...hit,
      };
    }
    lacking ??= {
      version,
      reason:
        `${project} ${version} (in ${root}) has no ${qualname} in ${file}` +
        `${cls && GONE[cls] ? `: ${GONE[cls]}` : ''}. The seed's version, ${seedVersion}, has it.`,
    };
  }
  if (lacking) return { found: false, seedVersion, ...lacking };
  return {
    found: false,
    seedVersion,
    reason:
      `No copy of ${project} found. Get the seed's: pip download python-novaclient==3.3.0 ` +
      'requests==2.9.1, unpack the wheels into one folder, and start novatrace serve --python-src DIR.',
  };
}
