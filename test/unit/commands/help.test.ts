// The help walk: every command's --help and `help COMMAND` exit 0 on stdout and name
// every flag the command's sources know, so an option added without its table entry fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from '../../../src/cli.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((t) => ((out += String(t)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((t) => ((err += String(t)), true));
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => vi.restoreAllMocks());

/** Every `'--flag'` literal in a command's sources. */
function flagsIn(files: readonly string[]): string[] {
  const flags = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*\*)/.test(line))
      .join('\n');
    for (const m of text.matchAll(/['"`](--[a-z][a-z0-9-]*)['"`=]/g)) flags.add(m[1] as string);
  }
  return [...flags];
}

describe('novatrace --help walk', () => {
  it.each(Object.keys(COMMANDS))('%s --help and help COMMAND list every flag', async (name) => {
    const entry = COMMANDS[name]!;
    const a = await capture([name, '--help']);
    const b = await capture(['help', name]);
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    expect(b.out).toBe(a.out);
    // A file shared by several commands, or a sample line naming another command's flag: the
    // flag must be in the help of one of the commands.
    const helps = [a.out];
    for (const other of Object.keys(COMMANDS)) {
      if (other !== name) helps.push((await capture([other, '--help'])).out);
    }
    for (const flag of flagsIn(entry.sources)) {
      expect(
        helps.some((h) => new RegExp(`(^|[\\s,\\[])${flag}\\b`, 'm').test(h)),
        `${flag} of ${name}`
      ).toBe(true);
    }
  });
});

describe('novatrace --version', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

  it('prints the version package.json holds, on stdout, exit 0', async () => {
    const r = await capture(['--version']);
    expect(r).toEqual({ code: 0, out: `novatrace ${pkg.version}\n`, err: '' });
  });

  it('stamps spans with that same version (the tracer and service.version)', async () => {
    const { NOVATRACE_VERSION } = await import('../../../src/telemetry/layer-span.js');
    expect(NOVATRACE_VERSION).toBe(pkg.version);
  });
});
