/**
 * The installed command runs the JavaScript the build wrote into dist/ (vitest's global setup
 * builds it from the current sources): no TypeScript loader or compiler at run time, each
 * command loading only its own modules, and every `code.*` attribute and stack frame still
 * naming the TypeScript line in src/.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../src/cloud/index.js';
import { useCloud } from '../../helpers/start-cloud.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'novatrace.js');
const MODULE_LOG = fileURLToPath(new URL('./fixtures/module-log.mjs', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every module the process loaded (URLs and paths). */
  modules: string[];
}

let dir: string;
let runs = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novatrace-built-bin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bin with a deadline of its own, logging the modules it loads. */
function novatrace(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const log = join(dir, `modules-${runs++}.log`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', MODULE_LOG, BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env, NOVATRACE_MODULE_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      const modules = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      resolve({ code, stdout, stderr, modules });
    });
  });
}

/** The packages (by node_modules folder) among loaded modules. */
function packages(modules: string[]): Set<string> {
  const found = new Set<string>();
  for (const m of modules) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m);
    if (match?.[1]) found.add(match[1]);
  }
  return found;
}

const COMPILERS = ['tsx', 'typescript', 'esbuild'];
const SERVER = ['hono', '@hono/node-server'];
const EXPORT = [
  '@opentelemetry/sdk-node',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-trace-otlp-proto',
];

function expectNone(loaded: Set<string>, names: string[]): void {
  expect(names.filter((n) => loaded.has(n))).toEqual([]);
}

/** Our own modules the process loaded: must all be dist/ JavaScript. */
function ownModules(modules: string[]): string[] {
  return modules.filter((m) => !m.includes('/node_modules/') && m.includes(ROOT.slice(0, -1)));
}

interface OtlpSpan {
  name: string;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  events?: OtlpSpan['attributes'] extends infer A ? { name: string; attributes?: A }[] : never;
}

async function spansOf(file: string): Promise<OtlpSpan[]> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as {
    resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
  };
  return doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

function attr(attrs: OtlpSpan['attributes'], key: string): string | undefined {
  const v = attrs?.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : String(v.stringValue ?? v.intValue);
}

describe('the built bin', () => {
  it('lists the scenarios from dist/ without a compiler, the server or the SDK', async () => {
    const ran = await novatrace(['scenarios']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^happy\s/m);
    const loaded = packages(ran.modules);
    expectNone(loaded, [...COMPILERS, ...SERVER, ...EXPORT, 'undici', '@opentelemetry/sdk-trace']);
    const own = ownModules(ran.modules);
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((m) => !m.includes('/dist/') && !m.includes('/bin/'))).toEqual([]);
  });

  it('runs a scenario whose code.* attributes name the TypeScript line of each span', async () => {
    const file = join(dir, 'happy.json');
    const ran = await novatrace(['run', 'happy', '--no-color', '--trace-file', file]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expectNone(packages(ran.modules), [...COMPILERS, ...EXPORT]);
    const spans = await spansOf(file);
    const located = spans.filter((s) => attr(s.attributes, 'code.file.path') !== undefined);
    expect(located.length).toBeGreaterThan(10);
    for (const span of located) {
      const path = attr(span.attributes, 'code.file.path') ?? '';
      const line = Number(attr(span.attributes, 'code.line.number'));
      expect(path, span.name).toMatch(/^src\/.+\.ts$/);
      const text = readFileSync(join(ROOT, path), 'utf8').split('\n');
      const here = text.slice(line - 1, line + 1).join('\n');
      const fn = attr(span.attributes, 'code.function.name') ?? '';
      // A layer span names itself at its call; the wire span (named by method) opens there.
      const call = fn === 'HTTPConnection.request' ? 'tracerFor(' : `'${fn}'`;
      expect(here, `${span.name} at ${path}:${line}`).toContain(call);
    }
  });

  it('records exception stack frames at the TypeScript lines, not at dist/', async () => {
    const file = join(dir, 'refused.json');
    const ran = await novatrace(['run', 'connection-refused', '--no-color', '--trace-file', file]);
    expect(ran.code, ran.stderr).toBe(0);
    const stacks = (await spansOf(file)).flatMap((s) =>
      (s.events ?? [])
        .filter((e) => e.name === 'exception')
        .map((e) => attr(e.attributes, 'exception.stacktrace') ?? '')
    );
    expect(stacks.length).toBeGreaterThan(0);
    const frames = stacks.flatMap((s) => s.split('\n').filter((l) => l.includes(ROOT)));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => f.includes('/dist/'))).toEqual([]);
    // Each frame's line holds code: a file:line:column that exists in the TypeScript.
    for (const frame of frames) {
      const [, path, line] = /(\/[^\s()]+\.ts):(\d+):\d+/.exec(frame) ?? [];
      expect(path, frame).toBeDefined();
      const text = readFileSync(path ?? '', 'utf8').split('\n');
      expect(text[Number(line) - 1]?.trim(), frame).not.toBe('');
    }
  });

  describe('volume-update against a cloud', () => {
    const cloud = useCloud();
    const env = (): NodeJS.ProcessEnv => ({
      OS_AUTH_URL: cloud().authUrlV3,
      OS_USERNAME: FIXTURES.credentials.username,
      OS_PASSWORD: FIXTURES.credentials.password,
      OS_PROJECT_NAME: FIXTURES.credentials.projectName,
      OS_USER_DOMAIN_NAME: FIXTURES.credentials.domain,
      OS_PROJECT_DOMAIN_NAME: FIXTURES.credentials.domain,
    });
    const argv = (): string[] => [
      'volume-update',
      FIXTURES.servers.vm1.name,
      FIXTURES.volumes.attached.id,
      FIXTURES.volumes.spare.id,
    ];

    it('loads undici but neither the server nor an exporter when no OTEL_* variable asks', async () => {
      const ran = await novatrace(argv(), env());
      expect(ran.code, ran.stderr).toBe(0);
      const loaded = packages(ran.modules);
      expect(loaded.has('undici')).toBe(true);
      expectNone(loaded, [...COMPILERS, ...SERVER, ...EXPORT]);
    });

    it('loads the OTLP exporter when OTEL_EXPORTER_OTLP_ENDPOINT asks, and exports', async () => {
      const posts: string[] = [];
      const collector = createServer((req, res) => {
        posts.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
      });
      await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = collector.address() as AddressInfo;
        const ran = await novatrace(argv(), {
          ...env(),
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        });
        expect(ran.code, ran.stderr).toBe(0);
        const loaded = packages(ran.modules);
        expect(loaded.has('@opentelemetry/exporter-trace-otlp-proto')).toBe(true);
        expectNone(loaded, [...COMPILERS, ...SERVER, '@opentelemetry/sdk-node']);
        expect(posts).toContain('POST /v1/traces application/x-protobuf');
      } finally {
        await new Promise((resolve) => collector.close(resolve));
      }
    });
  });

  it('serves the page built into dist/web without bundling it at start', async () => {
    const log = join(dir, 'modules-serve.log');
    const child = spawn(process.execPath, ['--import', MODULE_LOG, BIN, 'serve', '--port', '0'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NOVATRACE_MODULE_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const found = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (found) resolve(found[0]);
        });
        child.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      const page = await fetch(`${url}/assets/app.js`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(readFileSync(join(ROOT, 'dist', 'web', 'app.js'), 'utf8'));
    } finally {
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      await closed;
      clearTimeout(deadline);
    }
    const loaded = packages(readFileSync(log, 'utf8').split('\n'));
    expect(loaded.has('hono')).toBe(true);
    expectNone(loaded, [...COMPILERS, ...EXPORT]);
  });
});
