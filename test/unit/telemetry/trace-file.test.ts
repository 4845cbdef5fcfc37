import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceFormatError } from '../../../src/telemetry/error.js';
import { toJaegerJson } from '../../../src/telemetry/jaeger.js';
import { toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { detectFormat, readTraceFile, writeTraceFile } from '../../../src/telemetry/trace-file.js';
import { sampleTrace, span } from './sample-trace.js';

function errorOf(fn: () => unknown): TraceFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TraceFormatError);
    return err as TraceFormatError;
  }
  throw new Error('expected a TraceFormatError');
}

describe('readTraceFile', () => {
  it('reads OTLP/JSON', () => {
    const records = readTraceFile(JSON.stringify(toOtlpJson(sampleTrace())));
    expect(records).toHaveLength(7);
    expect(records.map((r) => r.service)).toContain('nova-api');
  });

  it('reads Jaeger JSON', () => {
    const records = readTraceFile(JSON.stringify(toJaegerJson(sampleTrace()), null, 2));
    expect(records).toHaveLength(7);
  });

  it('reads OTLP JSON Lines, one request per line, ignoring blank lines and a BOM', () => {
    const [a, b] = sampleTrace();
    const text = `\uFEFF${JSON.stringify(toOtlpJson([a!]))}\n\n${JSON.stringify(toOtlpJson([b!]))}\r\n`;
    expect(readTraceFile(text).map((r) => r.name)).toEqual([a!.name, b!.name]);
  });

  it('reads Jaeger JSON Lines, one trace per line', () => {
    const other = {
      ...span('c000000000000001', 'other', { start: 1, end: 2 }),
      traceId: 'f'.repeat(32),
    };
    const [t1, t2] = toJaegerJson([...sampleTrace(), other]).data;
    expect(readTraceFile(`${JSON.stringify(t1)}\n${JSON.stringify(t2)}\n`)).toHaveLength(8);
  });

  it('names the line and the field of a bad span in JSON Lines', () => {
    const good = JSON.stringify(toOtlpJson(sampleTrace()));
    const bad = good.replace('"a000000000000004"', '"nothex!!nothex!!"');
    const err = errorOf(() => readTraceFile(`${good}\n${bad}\n`));
    expect(err.message).toMatch(
      /^line 2: resourceSpans\[0\]\.scopeSpans\[2\]\.spans\[0\]\.spanId: expected 16 hex characters/
    );
  });

  it('names the line that is not JSON', () => {
    const good = JSON.stringify(toOtlpJson(sampleTrace()));
    expect(errorOf(() => readTraceFile(`${good}\n{oops\n`)).message).toMatch(
      /^line 2: not valid JSON/
    );
  });

  it.each([
    ['', /^empty file/],
    ['  \n', /^empty file/],
    ['{"resourceSpans": [', /^not valid JSON/],
    ['{"hello": "world"}', /^not a trace file/],
    ['[1, 2]', /^not a trace file/],
    ['"text"', /^not a trace file/],
  ])('rejects %j', (text, message) => {
    expect(errorOf(() => readTraceFile(text)).message).toMatch(message);
  });
});

describe('detectFormat', () => {
  it('tells OTLP from Jaeger', () => {
    expect(detectFormat({ resourceSpans: [] })).toBe('otlp');
    expect(detectFormat({ data: [] })).toBe('jaeger');
    expect(detectFormat([{ traceID: 'x' }])).toBe('jaeger');
    expect(detectFormat({})).toBeUndefined();
  });
});

describe('writeTraceFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novatrace-trace-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes OTLP/JSON and Jaeger JSON that read back to the same spans', async () => {
    const otlp = join(dir, 'trace.json');
    const jaeger = join(dir, 'trace.jaeger.json');
    await writeTraceFile(otlp, sampleTrace(), 'otlp');
    await writeTraceFile(jaeger, sampleTrace(), 'jaeger');
    const otlpText = await readFile(otlp, 'utf8');
    expect(JSON.parse(otlpText)).toHaveProperty('resourceSpans');
    expect(JSON.parse(await readFile(jaeger, 'utf8'))).toHaveProperty('data');
    expect(readTraceFile(otlpText)).toEqual(
      readTraceFile(JSON.stringify(toOtlpJson(sampleTrace())))
    );
    expect(
      readTraceFile(await readFile(jaeger, 'utf8'))
        .map((r) => r.name)
        .sort()
    ).toEqual(
      sampleTrace()
        .map((r) => r.name)
        .sort()
    );
    expect(await readdir(dir)).toEqual(['trace.jaeger.json', 'trace.json']);
  });

  it('leaves the previous file and no temporary file behind when the write fails', async () => {
    const path = join(dir, 'trace.json');
    await writeFile(path, 'previous');
    // A directory where the file should be renamed makes the final step fail.
    const blocked = join(dir, 'blocked.json');
    await writeFile(join(dir, 'keep'), '');
    await mkdir(blocked);
    await writeFile(join(blocked, 'inside'), 'x');
    await expect(writeTraceFile(blocked, sampleTrace(), 'otlp')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect((await readdir(dir)).sort()).toEqual(['blocked.json', 'keep', 'trace.json']);
  });

  it('fails without creating anything when the folder does not exist', async () => {
    await expect(
      writeTraceFile(join(dir, 'missing', 't.json'), sampleTrace(), 'otlp')
    ).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeTraceFile and what is already at the path', () => {
  it('follows a symbolic link and updates its target, leaving the link a link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'novatrace-link-'));
    try {
      await writeFile(join(dir, 'target.json'), 'old');
      await symlink(join(dir, 'target.json'), join(dir, 'link.json'));
      await writeTraceFile(join(dir, 'link.json'), [], 'otlp');
      expect((await lstat(join(dir, 'link.json'))).isSymbolicLink()).toBe(true);
      expect(JSON.parse(await readFile(join(dir, 'target.json'), 'utf8'))).toEqual({
        resourceSpans: [],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes into a device instead of renaming a file over it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'novatrace-dev-'));
    try {
      // a link to /dev/null: the old behaviour replaced the link, never /dev/null itself
      await symlink('/dev/null', join(dir, 'sink.json'));
      await writeTraceFile(join(dir, 'sink.json'), [], 'jaeger');
      expect((await lstat(join(dir, 'sink.json'))).isSymbolicLink()).toBe(true);
      expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
      expect(await readdir(dir)).toEqual(['sink.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
