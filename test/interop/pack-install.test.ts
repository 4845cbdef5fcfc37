// The package as someone else gets it: `npm pack`, then `npm install -g ./novatrace-*.tgz` into
// a temporary prefix, then `novatrace run happy`, `serve` (the page, an asset, the source pane)
// and `show` from there, outside the repository. npm asks a loopback registry that knows only
// the lockfile's runtime packages (tarballs from npm's cache, filled by `npm ci`): no network,
// and a dev dependency the package needed would be missing. Slow (a real install): its own file.
import { execFile, spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLockRegistry, type LockRegistry } from '../helpers/lock-registry.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** The environment without what a parent npm run (npm test) sets for its children. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k)) env[k] = v;
  }
  return { ...env, NO_COLOR: '1', OTEL_TRACES_EXPORTER: 'none', ...extra };
}

let dir: string;
let prefix: string;
let bin: string;
let registry: LockRegistry | undefined;
let installOutput = '';

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm ci does it) first');
  }
  dir = realpathSync(await mkdtemp(join(tmpdir(), 'novatrace-pack-')));
  prefix = join(dir, 'prefix');
  const env = cleanEnv();
  const npmRoot = join((await run('npm', ['root', '-g'], { env })).stdout.trim(), 'npm');
  const cache = (await run('npm', ['config', 'get', 'cache'], { env })).stdout.trim();
  registry = await startLockRegistry(ROOT, npmRoot, cache);
  // --ignore-scripts: pack what the build made (prepare would rebuild dist/ under running tests).
  const packed = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }
  );
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const installed = await run(
    'npm',
    [
      'install',
      '-g',
      join(dir, filename),
      '--prefix',
      prefix,
      '--registry',
      registry.url,
      '--cache',
      join(dir, 'npm-cache'),
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
    ],
    { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 }
  );
  installOutput = installed.stdout + installed.stderr;
  bin = join(prefix, 'bin', 'novatrace');
}, 600_000);

afterAll(async () => {
  await registry?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm pack, then npm install -g of the tarball', () => {
  it('installs the bin with the runtime dependencies only, from the lockfile', () => {
    expect(existsSync(bin), installOutput).toBe(true);
    expect(registry?.unknown).toEqual([]);
    expect(registry?.served.some((s) => s.startsWith('hono@'))).toBe(true);
    // The dependencies' install scripts are covered by the package's allowScripts (denied: not
    // needed). npm still lists novatrace's own `prepare` as skipped for a tarball: the build it
    // runs is already in dist/ (README, "Install the package"). Nothing else may be skipped.
    const skipped = [...installOutput.matchAll(/^npm warn install-scripts +(\S+)@\S+ \(/gm)].map(
      (m) => m[1]
    );
    expect(skipped.filter((name) => name !== 'novatrace')).toEqual([]);
    const modules = join(prefix, 'lib', 'node_modules', 'novatrace', 'node_modules');
    for (const dev of ['vitest', 'typescript', 'eslint', 'tsx', 'playwright-core']) {
      expect(existsSync(join(modules, dev)), dev).toBe(false);
    }
    expect(existsSync(join(modules, '@opentelemetry', 'sdk-trace'))).toBe(true);
  });

  it('runs a scenario from outside the repository', async () => {
    const r = await run(bin, ['run', 'happy'], { cwd: dir, env: cleanEnv() });
    expect(r.stdout).toContain('scenario happy');
    expect(r.stdout).toMatch(/ended as designed \(exit 0\)/);
  }, 120_000);

  it("pastes cloud's exports and swap line, which name plain novatrace", async () => {
    const env = cleanEnv({ PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}` });
    const child = spawn(bin, ['cloud', '--port', '0'], { cwd: dir, env });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        const guard = setTimeout(
          () => reject(new Error(`no sample lines in 60 s:\n${text}`)),
          60_000
        );
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          if (/Press Ctrl-C to stop/.test(text)) {
            clearTimeout(guard);
            resolve(text);
          }
        });
        child.on('exit', (code) => reject(new Error(`cloud exited ${code}:\n${text}`)));
      });
      const lines = out.split('\n');
      const exports = lines.filter((l) => l.startsWith('export OS_'));
      const swap = lines.find((l) => l.startsWith('novatrace volume-update '));
      expect(exports).toHaveLength(6);
      expect(swap).toBeDefined();
      const pasted = await run('bash', ['-c', [...exports, swap as string].join('\n')], {
        cwd: dir,
        env,
      });
      expect(pasted.stderr).toBe('');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000);

  it('shows a recorded trace that ships in the package', async () => {
    const file = join(prefix, 'lib', 'node_modules', 'novatrace', 'traces', 'happy.json');
    const r = await run(bin, ['show', file], { cwd: dir, env: cleanEnv() });
    expect(r.stdout).toContain('scenario happy');
    expect(r.stdout).toContain('HTTPConnectionPool._get_conn');
  }, 120_000);

  it('serves the page, its assets and the source pane, and prints lines that paste', async () => {
    const env = cleanEnv({ PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}` });
    const child = spawn(bin, ['serve', '--port', '0'], { cwd: dir, env });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        const guard = setTimeout(() => reject(new Error(`no URL in 60 s:\n${text}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          if (/stop with Ctrl-C/.test(text)) {
            clearTimeout(guard);
            resolve(text);
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${text}`)));
      });
      const url = /novatrace viewer: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      expect(url).toBeDefined();
      // On PATH after the install, the sample lines start with plain `novatrace`.
      const runLine = /^ {2}send a run: {5}(novatrace run happy --viewer \S+)$/m.exec(out)?.[1];
      expect(runLine).toBeDefined();
      // Pasted as printed, in a shell where the install put novatrace on PATH.
      const pasted = await run('bash', ['-c', runLine as string], { cwd: dir, env });
      expect(pasted.stdout).toMatch(/ended as designed \(exit 0\)/);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      const js = await fetch(`${url}/assets/app.js`);
      expect(js.status).toBe(200);
      expect((await js.text()).length).toBeGreaterThan(1000);
      const source = await fetch(`${url}/api/source?file=src/urllib3/connectionpool.ts`);
      expect(source.status).toBe(200);
      expect(JSON.stringify(await source.json())).toContain('_get_conn');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000);
});
