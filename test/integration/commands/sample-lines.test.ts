// The command lines novatrace prints for the user to paste (cloud's block, serve's sample runs,
// the "Try ... --help" hint of a usage error) work pasted as printed, from the repository root,
// with no `novatrace` on PATH (as right after `npm ci`). Real child processes on loopback; every
// wait is bounded. After a global install: test/interop/pack-install.test.ts.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join('bin', 'novatrace.js');

/** The environment of a fresh shell: no OS_* variables, nothing exported, no colours. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(OS_|OTEL_|npm_)/i.test(k)) env[k] = v;
  }
  return { ...env, NO_COLOR: '1', OTEL_TRACES_EXPORTER: 'none' };
}

/** Runs text pasted into bash at the repository root; each line must succeed. */
async function paste(lines: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const script = lines.map(
    (l) => `${l} || { echo "pasted line failed: ${l.replace(/["$`\\]/g, '')}" >&2; exit 1; }`
  );
  return run('bash', ['-c', script.join('\n')], {
    cwd: ROOT,
    env: shellEnv(),
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }
});

/** Starts `node bin/novatrace.js ARGS` at the root and returns its stdout once `until` shows. */
function startAndRead(args: string[], until: RegExp): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: shellEnv() });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const guard = setTimeout(
      () => reject(new Error(`nothing like ${until} in 60 s:\n${text}`)),
      60_000
    );
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      if (until.test(text)) {
        clearTimeout(guard);
        resolve(text);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} early:\n${text}`)));
  });
}

describe('printed command lines paste', () => {
  it("cloud's paste block: the exports, both swaps with the ported client, the fault curl", async () => {
    const out = await startAndRead(['cloud', '--port', '0'], /Press Ctrl-C to stop/);
    const block = out.slice(out.indexOf('# Paste into a shell:'), out.indexOf('\nSeeded servers'));
    const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const ours = lines.filter((l) => !l.startsWith('nova '));
    expect(ours.filter((l) => l.startsWith('export OS_')).length).toBe(6);
    const updates = ours.filter((l) => l.includes(' volume-update '));
    expect(updates.length).toBe(2);
    // In a clone after npm ci there is no `novatrace` on PATH: the lines say how to start it.
    for (const l of updates)
      expect(l.startsWith('node bin/novatrace.js volume-update ')).toBe(true);
    expect(ours.some((l) => l.startsWith('curl '))).toBe(true);
    // The swap, then the swap back, then a fault: each exits 0 as pasted.
    const r = await paste(ours);
    expect(r.stderr).not.toContain('pasted line failed');
    expect(r.stdout).toContain('"fault"');
  }, 180_000);

  it("serve's sample lines: a scenario run and the command, both reaching the viewer", async () => {
    const out = await startAndRead(
      ['serve', '--port', '0', '--no-startup-run'],
      /stop with Ctrl-C/
    );
    const url = /novatrace viewer: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
    const runLine = /^ {2}send a run: {5}(.+)$/m.exec(out)?.[1];
    const commandLine = /^ {4}(OS_AUTH_URL=.+)$/m.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(runLine).toMatch(/^node bin\/novatrace\.js run happy --viewer /);
    expect(commandLine).toMatch(/ node bin\/novatrace\.js volume-update --viewer /);
    await paste([runLine as string, commandLine as string]);
    // Both runs' spans arrived: the scenario's and the command's.
    const deadline = Date.now() + 30_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = ((await (await fetch(`${url}/api/traces`)).json()) as unknown[]).length;
      if (stored >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(stored).toBe(2);
  }, 180_000);

  it('the help command a usage error suggests, and the one help suggests', async () => {
    const bad = await run(process.execPath, [BIN, 'run', '--bogus'], {
      cwd: ROOT,
      env: shellEnv(),
    }).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err
    );
    expect(bad?.code).toBe(2);
    const hint = /^Try '(.+)' for the options\.$/m.exec(bad?.stderr ?? '')?.[1];
    expect(hint).toBe('node bin/novatrace.js run --help');
    const help = await paste([hint as string]);
    expect(help.stdout).toContain('usage: novatrace run SCENARIO');
    const listing = /\('(.+)' says what each shows\)/.exec(help.stdout)?.[1];
    expect(listing).toBe('node bin/novatrace.js scenarios');
    expect((await paste([listing as string])).stdout).toMatch(/^happy {2,}/m);
    // nova's own usage error inside volume-update names the command the same way.
    const nova = await run(process.execPath, [BIN, 'volume-update'], {
      cwd: ROOT,
      env: shellEnv(),
    }).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err
    );
    expect(nova?.code).toBe(2);
    const novaHint = /^Try '(.+)' for more information\.$/m.exec(nova?.stderr ?? '')?.[1];
    expect(novaHint).toBe('node bin/novatrace.js volume-update --help');
    expect((await paste([novaHint as string])).stdout).toContain('nova global options');
  }, 120_000);
});
