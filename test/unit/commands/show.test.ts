import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showCommand, type ShowIo } from '../../../src/commands/show.js';
import { toJaegerJson } from '../../../src/telemetry/jaeger.js';
import { toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { sampleTrace } from '../telemetry/sample-trace.js';

interface Captured extends ShowIo {
  out: string;
  err: string;
}

function io(opts: { tty?: boolean; env?: NodeJS.ProcessEnv; columns?: number } = {}): Captured {
  const captured: Captured = {
    out: '',
    err: '',
    stdout: {
      isTTY: opts.tty ?? false,
      ...(opts.columns ? { columns: opts.columns } : {}),
      write: (text: string) => (captured.out += text),
    },
    stderr: { write: (text: string) => (captured.err += text) },
    env: opts.env ?? {},
  };
  return captured;
}

let dir: string;
let otlpFile: string;
let jaegerFile: string;
let badFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novatrace-show-'));
  otlpFile = join(dir, 'trace.json');
  jaegerFile = join(dir, 'trace.jaeger.json');
  badFile = join(dir, 'bad.json');
  await writeFile(otlpFile, JSON.stringify(toOtlpJson(sampleTrace())));
  await writeFile(jaegerFile, JSON.stringify(toJaegerJson(sampleTrace())));
  const bad = JSON.stringify(toOtlpJson(sampleTrace())).replace('"a000000000000001"', '"oops"');
  await writeFile(badFile, bad);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('showCommand', () => {
  it('prints the tree of an OTLP/JSON file in plain text when stdout is not a terminal', async () => {
    const c = io();
    expect(await showCommand([otlpFile], c)).toBe(0);
    expect(c.out).toMatch(/^trace 4bf92f3577b34da6a3ce929d0e0e4736 · 7 spans/);
    expect(c.out).toContain('\n      HTTPConnectionPool._get_conn ');
    expect(c.out).not.toContain('\u001b');
    expect(c.err).toBe('');
  });

  it('prints the same tree from a Jaeger file', async () => {
    const a = io();
    const b = io();
    await showCommand([otlpFile], a);
    await showCommand([jaegerFile], b);
    expect(b.out).toBe(a.out);
  });

  it('colours on a terminal, but not with NO_COLOR or --no-color', async () => {
    const tty = io({ tty: true });
    await showCommand([otlpFile], tty);
    expect(tty.out).toContain('\u001b[');
    const noColorEnv = io({ tty: true, env: { NO_COLOR: '1' } });
    await showCommand([otlpFile], noColorEnv);
    expect(noColorEnv.out).not.toContain('\u001b');
    const flag = io({ tty: true });
    await showCommand([otlpFile, '--no-color'], flag);
    expect(flag.out).not.toContain('\u001b');
    const forced = io();
    await showCommand(['--color', otlpFile], forced);
    expect(forced.out).toContain('\u001b[');
  });

  it('uses the terminal width', async () => {
    const c = io({ columns: 72 });
    await showCommand([otlpFile], c);
    const spanLine = c.out.split('\n')[1]!;
    expect(Array.from(spanLine)).toHaveLength(72);
  });

  it('reports a malformed file in one line on stderr and exits 1', async () => {
    const c = io();
    expect(await showCommand([badFile], c)).toBe(1);
    expect(c.out).toBe('');
    expect(c.err).toBe(
      `novatrace show: ${badFile}: resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 16 hex characters, got "oops"\n`
    );
  });

  it('reports a missing file in one line and exits 1', async () => {
    const c = io();
    expect(await showCommand([join(dir, 'nope.json')], c)).toBe(1);
    expect(c.err).toMatch(/^novatrace show: cannot read .*nope\.json: ENOENT\n$/);
  });

  it.each([[[]], [['--bogus', 'x.json']], [['a.json', 'b.json']]])(
    'prints usage and exits 2 for %j',
    async (args) => {
      const c = io();
      expect(await showCommand(args, c)).toBe(2);
      expect(c.err).toContain('usage: novatrace show FILE');
      expect(c.out).toBe('');
    }
  );

  it('prints help and exits 0', async () => {
    const c = io();
    expect(await showCommand(['--help'], c)).toBe(0);
    expect(c.out).toContain('usage: novatrace show FILE');
  });

  it('takes a file named like an option after --', async () => {
    const c = io();
    expect(await showCommand(['--', '--no-such-file'], c)).toBe(1);
    expect(c.err).toMatch(/cannot read --no-such-file: ENOENT/);
  });
});

describe('showCommand on endless input', () => {
  it('stops reading past the trace-file limit with one clear line (exit 1)', async () => {
    const c = io();
    expect(await showCommand(['/dev/zero'], c)).toBe(1);
    expect(c.err).toBe(
      'novatrace show: /dev/zero is over the 33554432-byte limit for a trace file\n'
    );
  });
});
