// `novatrace serve` as a user starts it: a real process that prints its URL, answers, records
// the warm-pool pair before the first page, warns when not on loopback, and stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'novatrace.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

async function serve(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /novatrace viewer: (http:\/\/\S+?)\/\n/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err, exit };
}

describe('serveCommand', () => {
  it('prints its URL, serves the page with the startup trace, and stops on SIGTERM', async () => {
    const s = await serve(['--port', '0']);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${s.url}/healthz`)).json()) as {
      ok: boolean;
      traces: number;
    };
    expect(health.ok).toBe(true);
    expect(health.traces).toBeGreaterThanOrEqual(1);
    const list = (await (await fetch(`${s.url}/api/traces`)).json()) as {
      label?: string;
      source: string;
    }[];
    expect(list).toContainEqual(expect.objectContaining({ label: 'warm-pool', source: 'startup' }));
    expect(await (await fetch(`${s.url}/`)).text()).toContain('/assets/app.js');
    expect(s.stderr()).not.toMatch(/WARNING/);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('warns when asked to listen beyond loopback', async () => {
    const s = await serve(['--port', '0', '--host', '0.0.0.0', '--no-startup-run']);
    expect(s.stderr()).toMatch(/WARNING: listening on 0\.0\.0\.0/);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
  });

  it('exits 2 with a message and the usage for a bad argument', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/--port must be a whole number from 0 to 65535 \(got 'eighty'\)/);
    expect(err).toMatch(/usage: novatrace serve/);
  });
});
