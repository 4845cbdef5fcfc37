/** `novatrace show` through the real bin script, as a user runs it. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJaegerJson } from '../../../src/telemetry/jaeger.js';
import { sampleTrace } from '../../unit/telemetry/sample-trace.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function novatrace(
  args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/novatrace.js'), ...args], {
      cwd: ROOT,
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

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novatrace-show-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('novatrace show', () => {
  it('prints the tree of a Jaeger file, without colour when piped', async () => {
    const file = join(dir, 'trace.jaeger.json');
    await writeFile(file, JSON.stringify(toJaegerJson(sampleTrace())));
    const result = await novatrace(['show', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('\n      PUT (client) ');
    expect(result.stdout).toContain('✗ requests.exceptions.ConnectionError: Connection refused');
    expect(result.stdout).not.toContain('\u001b');
  });

  it('exits 1 with one line for a file that is not a trace', async () => {
    const file = join(dir, 'notes.json');
    await writeFile(file, '{"hello": "world"}');
    const result = await novatrace(['show', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `novatrace show: ${file}: not a trace file: expected OTLP/JSON (an object with resourceSpans) or Jaeger JSON (an object with data)`,
    ]);
  });

  it('exits 2 with usage when FILE is missing', async () => {
    const result = await novatrace(['show']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: novatrace show FILE');
  });
});
