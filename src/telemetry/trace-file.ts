/**
 * @module
 * Trace files: reading any of the formats novatrace meets (OTLP/JSON, OTLP JSON Lines as the
 * Collector's file exporter writes them, Jaeger UI JSON and its JSON Lines form), and writing
 * OTLP/JSON or Jaeger JSON atomically, so a failed write never leaves half a file behind.
 */
import { randomBytes } from 'node:crypto';
import { realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { TraceFormatError } from './error.js';
import { fromJaegerJson, toJaegerJson } from './jaeger.js';
import { fromOtlpJson, isObject, toOtlpJson } from './otlp-json.js';
import type { ResourceTable, SpanRecord } from './types.js';

export type TraceFileFormat = 'otlp' | 'jaeger';

/** Which format a parsed JSON document is in, or undefined when it is neither. */
export function detectFormat(doc: unknown): TraceFileFormat | undefined {
  if (isObject(doc)) {
    if ('resourceSpans' in doc || 'resource_spans' in doc) return 'otlp';
    if ('data' in doc || 'traceID' in doc) return 'jaeger';
    return undefined;
  }
  if (Array.isArray(doc) && doc.length > 0 && doc.every((t) => isObject(t) && 'traceID' in t)) {
    return 'jaeger';
  }
  return undefined;
}

const NOT_A_TRACE =
  'not a trace file: expected OTLP/JSON (an object with resourceSpans) or Jaeger JSON (an object with data)';

function decode(doc: unknown): SpanRecord[] {
  switch (detectFormat(doc)) {
    case 'otlp':
      return fromOtlpJson(doc);
    case 'jaeger':
      return fromJaegerJson(doc);
    case undefined:
      throw new TraceFormatError(NOT_A_TRACE);
  }
}

function syntaxProblem(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads a trace file's text, whatever its format.
 * @param text the whole file (a leading byte-order mark is ignored)
 * @returns every span in it, in file order
 * @throws TraceFormatError with a message naming the line (JSON Lines) and the path of the bad
 *   field, e.g. `line 2: resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 32 hex characters`
 * @example
 * const spans = readTraceFile(await readFile('traces/happy.json', 'utf8'));
 */
export function readTraceFile(text: string): SpanRecord[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new TraceFormatError('empty file: expected a JSON trace');
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = JSON.parse(body);
  } catch (err) {
    wholeError = err;
  }
  if (wholeError === undefined) return decode(whole);

  // Not one JSON document: JSON Lines, one OTLP request (or one Jaeger trace) per line.
  const lines = body.split(/\r?\n/);
  const nonEmpty = lines.filter((l) => l.trim() !== '').length;
  if (nonEmpty < 2) {
    throw new TraceFormatError(`not valid JSON: ${syntaxProblem(wholeError)}`, {
      cause: wholeError,
    });
  }
  const records: SpanRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      throw new TraceFormatError(`${where}: not valid JSON: ${syntaxProblem(err)}`, {
        path: where,
        cause: err,
      });
    }
    try {
      records.push(...decode(doc));
    } catch (err) {
      if (err instanceof TraceFormatError) {
        throw new TraceFormatError(`${where}: ${err.message}`, {
          path: err.path ? `${where}: ${err.path}` : where,
        });
      }
      throw err;
    }
  });
  return records;
}

/** The file text of `records` in `format` (indented JSON, newline at the end). */
export function formatTraceFile(
  records: readonly SpanRecord[],
  format: TraceFileFormat,
  resources?: ResourceTable
): string {
  const doc = format === 'otlp' ? toOtlpJson(records, resources) : toJaegerJson(records, resources);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Writes `records` to `path` as OTLP/JSON or Jaeger JSON. A regular file (or a new one) is
 * written through a temporary file in the same folder that is renamed over it once complete, so
 * a failed write leaves the previous file (or no file) untouched. A symbolic link is followed to
 * its target, and anything that is not a regular file (a device such as /dev/stdout, a FIFO) is
 * written to directly: renaming over it would replace it.
 * @throws the file system's error (after removing the temporary file)
 * @example
 * await writeTraceFile('run.jaeger.json', session.records(), 'jaeger');
 */
export async function writeTraceFile(
  path: string,
  records: readonly SpanRecord[],
  format: TraceFileFormat,
  resources?: ResourceTable
): Promise<void> {
  const text = formatTraceFile(records, format, resources);
  let target = path;
  try {
    target = await realpath(path);
    if (!(await stat(target)).isFile()) {
      await writeFile(target, text, { encoding: 'utf8' });
      return;
    }
  } catch (err) {
    // Not there yet (or a dangling link): a new regular file, written atomically below.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    target = path;
  }
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flush: true });
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
