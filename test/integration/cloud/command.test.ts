// `novatrace cloud` for real: in-process with a stop promise, and as a child process stopped by SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cloudCommand } from '../../../src/cloud/command.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';

function sink(): { write(text: string): void; text(): string } {
  let out = '';
  return {
    write(text: string) {
      out += text;
    },
    text: () => out,
  };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('waitFor: condition never became true');
}

const BIN = fileURLToPath(new URL('../../../bin/novatrace.js', import.meta.url));

describe('cloudCommand', () => {
  it('serves until stopped, then closes the port and exits 0', async () => {
    const stdout = sink();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const done = cloudCommand(['--port', '0'], { stdout, stderr: sink(), env: {}, stopped });
    await waitFor(() => stdout.text().includes('Press Ctrl-C'));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text())![1]!;
    expect(stdout.text()).toContain(`export OS_AUTH_URL=${url}/identity/v3\n`);
    const res = await fetch(`${url}/v2.1/servers?name=vm-1`);
    expect(res.status).toBe(401); // the cloud is up, and Nova wants a token
    stop();
    expect(await done).toBe(0);
    expect(stdout.text()).toMatch(/stopping\n$/);
    await expect(fetch(`${url}/v2.1`)).rejects.toThrow();
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const stdout = sink();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const first = cloudCommand(['--port', '0'], { stdout, stderr: sink(), env: {}, stopped });
    await waitFor(() => stdout.text().includes('Press Ctrl-C'));
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout.text())![1]!;
    const stderr = sink();
    expect(await cloudCommand(['--port', port], { stdout: sink(), stderr, env: {} })).toBe(1);
    expect(stderr.text()).toBe(
      `novatrace cloud: port ${port} is already in use (try --port 0 for any free port)\n`
    );
    stop();
    expect(await first).toBe(0);
  });

  it('warns before binding beyond loopback, and reports an address it cannot bind', async () => {
    const stderr = sink();
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: nothing is bound at all.
    expect(
      await cloudCommand(['--port', '0', '--host', '192.0.2.1'], {
        stdout: sink(),
        stderr,
        env: {},
      })
    ).toBe(1);
    const lines = stderr.text().split('\n');
    expect(lines[0]).toMatch(
      /^novatrace cloud: warning: --host 192\.0\.2\.1 makes the mock cloud reachable from other machines/
    );
    expect(lines[1]).toBe('novatrace cloud: cannot bind to 192.0.2.1');
  });
});

describe('novatrace cloud (child process)', () => {
  it('prints the sample commands, answers version discovery, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'cloud', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code))
    );
    try {
      await waitFor(() => out.includes('Press Ctrl-C') || child.exitCode !== null);
      expect(err).toBe('');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(out).toContain(
        `nova volume-update ${FIXTURES.servers.vm1.id} ${FIXTURES.volumes.attached.id} ${FIXTURES.volumes.spare.id}`
      );
      const versions = await fetch(`${url}/`);
      expect(versions.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopping\n$/);
  });
});
