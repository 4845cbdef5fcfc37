/**
 * A package registry on 127.0.0.1 that knows exactly the runtime packages of this repository's
 * package-lock.json, serving their tarballs from npm's own cache (filled by `npm ci`). It lets a
 * test run a real `npm install -g ./novatrace-*.tgz` with no network: npm asks it for each
 * package's metadata (which `npm ci` never caches) and gets the locked version only.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  engines?: Record<string, string>;
}

export interface LockRegistry {
  readonly url: string;
  /** Tarballs served (package@version), for the test to assert on. */
  readonly served: readonly string[];
  /** Metadata asked for and not known (would have needed the network). */
  readonly unknown: readonly string[];
  close(): Promise<void>;
}

interface CacacheGet {
  byDigest(cache: string, integrity: string): Promise<Buffer>;
}

/** npm's bundled cacache, to read tarballs by their lockfile integrity. */
function loadCacache(npmRoot: string): { get: CacacheGet } {
  const require = createRequire(join(npmRoot, 'package.json'));
  return require('cacache') as { get: CacacheGet };
}

/**
 * Starts the registry.
 * @param root the repository root (its package-lock.json)
 * @param npmRoot where npm itself is installed (its node_modules has cacache)
 * @param cacheDir npm's cache folder (`npm config get cache`), whose `_cacache` holds tarballs
 */
export async function startLockRegistry(
  root: string,
  npmRoot: string,
  cacheDir: string
): Promise<LockRegistry> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const byName = new Map<string, LockEntry & { version: string }>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link || !entry.version) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // One version per name in this tree (checked by the test that uses it).
    byName.set(name, { ...entry, version: entry.version });
  }
  const cacache = loadCacache(npmRoot);
  const served: string[] = [];
  const unknown: string[] = [];
  let base = '';

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
      const tarball = /^\/-\/tarball\/(.+)\/([^/]+)\.tgz$/.exec(path);
      if (tarball) {
        const entry = byName.get(tarball[1] as string);
        if (!entry?.integrity || entry.version !== tarball[2]) {
          res.writeHead(404).end();
          return;
        }
        try {
          const bytes = await cacache.get.byDigest(join(cacheDir, '_cacache'), entry.integrity);
          served.push(`${tarball[1]}@${entry.version}`);
          res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
        } catch {
          res.writeHead(404).end();
        }
        return;
      }
      const name = path.slice(1);
      const entry = byName.get(name);
      if (!entry) {
        unknown.push(name);
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const version = {
        name,
        version: entry.version,
        ...(entry.dependencies ? { dependencies: entry.dependencies } : {}),
        ...(entry.optionalDependencies ? { optionalDependencies: entry.optionalDependencies } : {}),
        ...(entry.peerDependencies ? { peerDependencies: entry.peerDependencies } : {}),
        ...(entry.os ? { os: entry.os } : {}),
        ...(entry.cpu ? { cpu: entry.cpu } : {}),
        ...(entry.engines ? { engines: entry.engines } : {}),
        dist: {
          tarball: `${base}/-/tarball/${name}/${entry.version}.tgz`,
          ...(entry.integrity ? { integrity: entry.integrity } : {}),
        },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          name,
          'dist-tags': { latest: entry.version },
          versions: { [entry.version]: version },
        })
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    served,
    unknown,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
