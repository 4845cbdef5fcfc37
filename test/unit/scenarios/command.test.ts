import { describe, expect, it } from 'vitest';
import { runCommand, scenariosCommand } from '../../../src/scenarios/command.js';
import { SCENARIOS } from '../../../src/scenarios/index.js';

function io(env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => ((out += t), true), isTTY: false, columns: 120 },
      stderr: { write: (t: string) => ((err += t), true) },
      env: { OTEL_TRACES_EXPORTER: 'none', ...env },
    },
    out: () => out,
    err: () => err,
  };
}

describe('scenariosCommand', () => {
  it('prints one line per scenario', async () => {
    const t = io();
    expect(await scenariosCommand([], t.io)).toBe(0);
    const lines = t.out().trimEnd().split('\n');
    expect(lines).toHaveLength(SCENARIOS.length);
    expect(lines[0]).toMatch(/^happy\s+Cold start/);
  });

  it('refuses arguments with a usage line (exit 2)', async () => {
    const t = io();
    expect(await scenariosCommand(['extra'], t.io)).toBe(2);
    expect(t.err()).toContain('usage: novatrace scenarios');
  });
});

describe('runCommand', () => {
  it('rejects an unknown scenario with the list of known ones (exit 2)', async () => {
    const t = io();
    expect(await runCommand(['no-such'], t.io)).toBe(2);
    expect(t.err()).toContain("unknown scenario 'no-such'; known: happy, warm-pool");
  });

  it('rejects a missing scenario and an unknown flag (exit 2)', async () => {
    expect(await runCommand([], io().io)).toBe(2);
    const t = io();
    expect(await runCommand(['happy', '--frobnicate'], t.io)).toBe(2);
    expect(t.err()).toContain("unknown option '--frobnicate'");
  });

  it('prints the tree in plain text and each ERROR line on its own line', async () => {
    const t = io();
    expect(await runCommand(['api-error', '--no-color'], t.io)).toBe(0);
    const out = t.out();
    expect(out).not.toMatch(/\x1b\[/);
    expect(out).toContain('scenario api-error');
    expect(out).toMatch(/^ERROR \(NotFound\): .*$/m);
    expect(out).toMatch(/^ERROR \(Conflict\): .*$/m);
    expect(out).toMatch(/^ERROR \(ClientException\): .*$/m);
    expect(out).toContain('ended as designed (exit 1)');
  });

  it("--keystone-versions v3 makes the run's Keystone v3-only; a seed-era v2.0 scenario then fails", async () => {
    const happy = io();
    expect(await runCommand(['happy', '--no-color', '--keystone-versions', 'v3'], happy.io)).toBe(
      0
    );
    const seedEra = io();
    expect(
      await runCommand(['token-expired', '--no-color', '--keystone-versions=v3'], seedEra.io)
    ).toBe(1);
    expect(seedEra.out()).toMatch(/^ERROR \(NotFound\): Not found \(HTTP 404\)$/m);
    expect(seedEra.out()).toContain('did NOT end as designed: exit 1, expected 0');
    const bad = io();
    expect(await runCommand(['happy', '--keystone-versions', 'v2.0'], bad.io)).toBe(2);
    expect(bad.err()).toBe(
      "novatrace run: --keystone-versions: expected v3 or v2.0,v3 (got 'v2.0')\n" +
        'usage: novatrace run SCENARIO [options]\n' +
        "Try 'novatrace run --help' for the options.\n"
    );
  });
});
