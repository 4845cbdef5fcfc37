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
import { createHash } from 'node:crypto';
import { basename, join, relative, resolve } from 'node:path';

/** The seed's versions, by upstream project (keystoneauth1: the `nova` road's session). */
export const SEED_PYTHON_VERSIONS = {
  novaclient: '3.3.0',
  requests: '2.9.1',
  urllib3: '1.13.1',
  keystoneauth1: '2.3.0',
} as const;

export type PythonProject = keyof typeof SEED_PYTHON_VERSIONS;

/** The distribution (the name pip and package metadata use) of each project. */
const DISTRIBUTION: Record<PythonProject, string> = {
  novaclient: 'python-novaclient',
  requests: 'requests',
  urllib3: 'urllib3',
  keystoneauth1: 'keystoneauth1',
};

/**
 * The first 16 hex digits of the SHA-256 of each upstream file the layers port, as the seed's
 * releases ship it (python-novaclient 3.3.0, keystoneauth1 2.3.0, requests 2.9.1, and the urllib3
 * 1.13.1 vendored in it as requests/packages/urllib3). Fingerprints only, no upstream text: a
 * copy without package metadata (a git checkout, a source tree) is known as the seed's by its
 * text, and a file that differs from the seed's is said to differ. Checked against the seed-era
 * sources in test/unit/viewer/python-source.test.ts.
 */
export const SEED_FILE_SHA256: Readonly<Record<string, string>> = {
  'keystoneauth1/access/service_catalog.py': '7ee82d3d58d27929',
  'keystoneauth1/adapter.py': '7376a0736466f2e6',
  'keystoneauth1/discover.py': 'ac33fed83eeef0c7',
  'keystoneauth1/identity/base.py': '9815eda738d13ce6',
  'keystoneauth1/identity/generic/base.py': 'ff4e7dfd38974eff',
  'keystoneauth1/identity/v2.py': '5f1d8089170098c9',
  'keystoneauth1/identity/v3/base.py': '2730b1c7c3106e45',
  'keystoneauth1/session.py': 'f1573b67d77f21d0',
  'novaclient/api_versions.py': 'a923ec1ad812cf68',
  'novaclient/base.py': '18ef0a43b93ff7d7',
  'novaclient/client.py': '7ca1daf47097c2f1',
  'novaclient/shell.py': '8920ffd86210d77e',
  'novaclient/utils.py': '2a7f7cf760bb03b8',
  'novaclient/v2/servers.py': 'd80ed594753814f3',
  'novaclient/v2/shell.py': '232f8a50a54f395b',
  'novaclient/v2/versions.py': '9fdcee658557a105',
  'novaclient/v2/volumes.py': 'ef69d3ef66c5bbcd',
  'requests/adapters.py': '46a98e7e947de8b7',
  'requests/api.py': '99966d1f2c11d2a9',
  'requests/sessions.py': '3c1ff8440af932bf',
  'urllib3/connectionpool.py': '6739fce2a98984c6',
  'urllib3/poolmanager.py': 'dca69e2ffb49a4f3',
};

/** Where the version shown came from. */
export type VersionSource =
  /** a wheel's dist-info, an egg-info, or an unpacked sdist's PKG-INFO */
  | 'metadata'
  /** a `__version__ = '...'` in the package's own files */
  | 'source'
  /** the name of the unpacked folder (`python-novaclient-3.3.0/`) */
  | 'folder'
  /** no metadata: the file's text is byte for byte the seed release's */
  | 'text'
  /** nothing tells */
  | 'unknown';

/** What the pane shows for one layer. */
export type PythonSource =
  | {
      readonly found: true;
      readonly root: string;
      /** Path of the file, relative to the root. */
      readonly file: string;
      /** The version found (`unknown` when nothing tells). */
      readonly version: string;
      readonly versionFrom: VersionSource;
      readonly seedVersion: string;
      readonly isSeedVersion: boolean;
      /** Whether the file is byte for byte the seed release's (undefined: no fingerprint). */
      readonly seedText?: boolean;
      /** 1-based line of the `def`. */
      readonly startLine: number;
      /** The base class that defines the method, when not the span's own class. */
      readonly definedIn?: string;
      /** The function's lines, from its decorators or `def` to its last line. */
      readonly text: string;
    }
  | {
      readonly found: false;
      /** Why not, and what to do, in one or two sentences (English; the page words its own). */
      readonly reason: string;
      readonly version?: string;
      readonly seedVersion: string;
      /** When a copy was found without the function: where, and (if known) the release it left in. */
      readonly lacking?: {
        readonly project: string;
        readonly base: string;
        readonly qualname: string;
        readonly file: string;
        readonly goneIn?: string;
      };
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
const GONE: Readonly<Record<string, { readonly text: string; readonly release: string }>> = {
  HTTPClient: {
    text: 'HTTPClient was removed in python-novaclient 7.0.0',
    release: 'python-novaclient 7.0.0',
  },
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
  if (opts.pythonSrc) roots.push(resolve(opts.pythonSrc));
  roots.push(...(opts.system ?? ['/usr/lib/python3/dist-packages']));
  const fromPath = opts.pathPython === undefined ? pathPythonPurelib() : opts.pathPython;
  if (fromPath) roots.push(fromPath);
  return roots;
}

/** One place a project's package sits under a root. */
interface PackageAt {
  /** The package folder (`…/novaclient`). */
  readonly dir: string;
  /** The folder that holds it, where its metadata sits (dist-info, egg-info, PKG-INFO). */
  readonly base: string;
  /** urllib3 inside requests (requests/packages/urllib3): its metadata is requests'. */
  readonly vendored: boolean;
}

const isPackage = (dir: string) => existsSync(join(dir, '__init__.py'));

/** Sub-folders of a root, at most 200, names sorted (an unpacked sdist, a git checkout). */
function childDirs(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort()
      .slice(0, 200);
  } catch {
    return [];
  }
}

/**
 * The places a project's package may sit under a root, in the order they are tried: the root
 * itself (site-packages, unpacked wheels), urllib3 vendored in requests, then one folder down
 * (source trees as `git clone` or an unpacked sdist leave them: `novaclient/novaclient/`,
 * `requests-2.9.1/requests/packages/urllib3/`).
 */
function packagePlaces(root: string, project: PythonProject): PackageAt[] {
  const out: PackageAt[] = [];
  const at = (base: string) => {
    if (isPackage(join(base, project)))
      out.push({ dir: join(base, project), base, vendored: false });
    const vendored = join(base, 'requests', 'packages', 'urllib3');
    if (project === 'urllib3' && isPackage(vendored))
      out.push({ dir: vendored, base, vendored: true });
  };
  at(root);
  if (out.length === 0) for (const name of childDirs(root)) at(join(root, name));
  return out;
}

/** A distribution name as metadata file names spell it (PEP 503-ish, `-` and `.` as `_`). */
const normal = (name: string) => name.toLowerCase().replace(/[-.]+/g, '_');

/** `Version:` of a PKG-INFO / METADATA text whose `Name:` is the distribution. */
function metadataVersion(path: string, dist: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8').slice(0, 4000);
  const name = /^Name:\s*(\S+)/m.exec(text)?.[1];
  const version = /^Version:\s*(\S+)/m.exec(text)?.[1];
  return name && version && normal(name) === normal(dist) ? version : undefined;
}

/**
 * The version of a package and where it was read: metadata beside it (a wheel's dist-info, an
 * egg-info, an sdist's PKG-INFO), a `__version__` literal in its files, or the unpacked folder's
 * name. Vendored urllib3 has only its own `__version__`. Undefined when nothing tells.
 */
export function packageVersion(
  project: PythonProject,
  place: PackageAt
): { version: string; from: VersionSource } | undefined {
  const dist = normal(DISTRIBUTION[project]);
  if (!place.vendored) {
    let names: string[] = [];
    try {
      names = readdirSync(place.base);
    } catch {
      // no listing: the package's own files may still tell
    }
    for (const name of names) {
      const m = /^(.+?)-([^-]+?)\.(dist-info|egg-info)$/.exec(name);
      if (m?.[1] && m[2] && normal(m[1]) === dist) return { version: m[2], from: 'metadata' };
    }
    const sdist = metadataVersion(join(place.base, 'PKG-INFO'), DISTRIBUTION[project]);
    if (sdist) return { version: sdist, from: 'metadata' };
  }
  for (const file of ['__version__.py', '_version.py', 'version.py', '__init__.py']) {
    const path = join(place.dir, file);
    if (!existsSync(path)) continue;
    const m = /^__version__\s*=\s*['"]([^'"]+)['"]/m.exec(readFileSync(path, 'utf8'));
    if (m?.[1]) return { version: m[1], from: 'source' };
  }
  if (!place.vendored) {
    const folder = new RegExp(`^(?:python[-_])?${project}-(\\d[\\w.]*)$`, 'i').exec(
      basename(place.base)
    );
    if (folder?.[1]) return { version: folder[1], from: 'folder' };
  }
  return undefined;
}

/** Whether a file's text is the seed release's (undefined when no fingerprint is known). */
export function isSeedText(file: string, text: string): boolean | undefined {
  const want = SEED_FILE_SHA256[file];
  if (!want) return undefined;
  return createHash('sha256').update(text).digest('hex').slice(0, 16) === want;
}

/**
 * Lines of `def name` (inside `class cls` when given) in a Python file's text. A method the class
 * inherits from a base in the same file (requests' `Session.resolve_redirects` is
 * `SessionRedirectMixin`'s) is found there, and `definedIn` names that class.
 * @returns 1-based first line and the text, or undefined
 */
export function findFunction(
  source: string,
  cls: string | undefined,
  name: string
): { startLine: number; text: string; definedIn?: string } | undefined {
  const lines = source.split('\n');
  if (!cls) return defIn(lines, 0, 0, false, name);
  const seen = new Set<string>();
  const queue = [cls];
  while (queue.length > 0 && seen.size < 8) {
    const c = queue.shift() as string;
    if (seen.has(c)) continue;
    seen.add(c);
    const at = lines.findIndex((l) => new RegExp(`^class ${c}\\b`).test(l));
    if (at < 0) continue;
    const hit = defIn(lines, at + 1, 1, true, name);
    if (hit) return c === cls ? hit : { ...hit, definedIn: c };
    // class Session(SessionRedirectMixin): its bases, in order
    const bases = /^class \w+\(([^)]*)\)/.exec(lines[at] ?? '')?.[1] ?? '';
    for (const b of bases.split(',')) {
      const base = b.trim().split('.').pop() ?? '';
      if (/^[A-Za-z_]\w*$/.test(base) && base !== 'object') queue.push(base);
    }
  }
  return undefined;
}

/** The `def name` from line `from` on, at least `minIndent` deep (inside a class: until it ends). */
function defIn(
  lines: readonly string[],
  from: number,
  minIndent: number,
  inClass: boolean,
  name: string
): { startLine: number; text: string } | undefined {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (inClass && /^\S/.test(line) && line.trim() !== '') break; // left the class
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
  let lacking: Omit<Extract<PythonSource, { found: false }>, 'found' | 'seedVersion'> | undefined;
  for (const root of roots) {
    for (const place of packagePlaces(root, project)) {
      const path = join(place.dir, inPackage);
      const source = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      const seedText = source === undefined ? undefined : isSeedText(file, source);
      const told = packageVersion(project, place);
      // No metadata, but the seed's very text: that is the seed's version.
      const { version, from } =
        told ??
        (seedText
          ? { version: seedVersion, from: 'text' as const }
          : { version: 'unknown', from: 'unknown' as const });
      const hit = source ? findFunction(source, cls, name) : undefined;
      if (hit) {
        return {
          found: true,
          root,
          file: relative(root, path),
          version,
          versionFrom: from,
          seedVersion,
          isSeedVersion: version === seedVersion,
          ...(seedText === undefined ? {} : { seedText }),
          ...hit,
        };
      }
      const gone = cls ? GONE[cls] : undefined;
      lacking ??= {
        version,
        reason:
          `${project} ${version} (in ${place.base}) has no ${qualname} in ${file}` +
          `${gone ? `: ${gone.text}` : ''}. The seed's version, ${seedVersion}, has it.`,
        lacking: {
          project,
          base: place.base,
          qualname,
          file,
          ...(gone ? { goneIn: gone.release } : {}),
        },
      };
    }
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
