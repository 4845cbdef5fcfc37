/**
 * A CLI-like process (fixtures/cli-like.ts) exporting over real loopback sockets: to a live
 * OTLP receiver (protobuf by default, JSON on request) and to a collector that is not there.
 * No timing assertions: the shutdown cost of a dead collector is measured, not tested.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { readTraceFile } from '../../../src/telemetry/trace-file.js';
import { decodeTraceRequest } from './otlp-proto-reader.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/cli-like.ts', import.meta.url));
const PASSWORD = 'hunter2-Zq9';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the fixture with a clean OTEL_* environment plus `env`. */
function runCli(args: string[], env: Record<string, string>): Promise<Result> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && k !== 'NO_COLOR')
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server;
let endpoint: string;
const received: Received[] = [];
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const json = req.headers['content-type'] === 'application/json';
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'novatrace-export-'));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received.length = 0;
});

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('OTLP export from a CLI run', () => {
  it('sends http/protobuf by default with service.name novaclient and no command line', async () => {
    const result = await runCli(['--os-password', PASSWORD, '--exit', '0'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r.path).toBe('/v1/traces');
      expect(r.headers['content-type']).toBe('application/x-protobuf');
    }
    const spans = received.flatMap((r) => decodeTraceRequest(r.body));
    expect(spans.map((s) => s.name).sort()).toEqual([
      'HTTPClient._cs_request',
      'PUT',
      'nova volume-update',
    ]);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['novaclient']));
    const resourceKeys = spans[0]!.resourceKeys;
    expect(resourceKeys.filter((k) => k.startsWith('process.') || k.startsWith('host.'))).toEqual(
      []
    );
    const put = spans.find((s) => s.name === 'PUT')!;
    const cs = spans.find((s) => s.name === 'HTTPClient._cs_request')!;
    expect(put.parentSpanId).toBe(cs.spanId);
    expect(put.kind).toBe(3); // SPAN_KIND_CLIENT
    const raw = Buffer.concat(received.map((r) => r.body)).toString('latin1');
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain('command_args');
  });

  it('sends http/json when asked, parseable as OTLP/JSON, and no password anywhere', async () => {
    const result = await runCli(['--os-password', PASSWORD], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'my-nova',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(received.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
    const bodies = received.map(
      (r) => JSON.parse(r.body.toString()) as { resourceSpans: unknown[] }
    );
    const spans = bodies.flatMap((b) => fromOtlpJson(b));
    expect(spans.map((s) => s.name).sort()).toEqual([
      'HTTPClient._cs_request',
      'PUT',
      'nova volume-update',
    ]);
    expect(spans.every((s) => s.service === 'my-nova')).toBe(true);
    const text = received.map((r) => r.body.toString()).join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('process.command');
    // The leaked command line was scrubbed by the safety net, not dropped.
    const put = spans.find((s) => s.name === 'PUT')!;
    expect(put.attributes['debug.command_line']).toMatch(/--os-password \{SHA1\}[0-9a-f]{40}/);
  });

  it('sends nothing when OTEL_TRACES_EXPORTER=none', async () => {
    const result = await runCli(['--os-password', PASSWORD], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(received).toEqual([]);
  });
});

describe('a dead collector', () => {
  it('costs one warning line and leaves the exit code alone', async () => {
    const port = await closedPort();
    const traceFile = join(dir, 'dead.json');
    const result = await runCli(
      ['--os-password', PASSWORD, '--exit', '3', '--trace-file', traceFile],
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      }
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    // One line: the refusal, or (when the exporter is still retrying at exit) the bound of 1 s.
    expect(result.stderr).toMatch(
      new RegExp(
        `^novatrace: could not export spans to http://127\\.0\\.0\\.1:${port}/v1/traces: ` +
          `(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}|no answer within \\d+ ms at exit, spans dropped) ` +
          `\\(the run itself is unaffected\\)\n$`
      )
    );
    // The file is written regardless, and clean.
    const text = await readFile(traceFile, 'utf8');
    expect(readTraceFile(text)).toHaveLength(3);
    expect(text).not.toContain(PASSWORD);
  });

  it('keeps a successful exit code successful', async () => {
    const port = await closedPort();
    const result = await runCli(['--os-password', PASSWORD, '--exit', '0'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(result.code).toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^novatrace: could not export spans to /);
  });
});
