/**
 * @module
 * The response urllib3 hands back: status, headers, and a body read lazily from the
 * connection, decoded (gzip, deflate) on the way, with the connection returned to its pool when
 * the body has been read to the end.
 * @see urllib3/response.py (urllib3 1.13.1) HTTPResponse
 *
 * Ported: `from_httplib`, `get_redirect_location`, `release_conn`, `read` (whole body, with
 * `decode_content` and `cache_content`), `stream(amt)`, `close`, `closed`, and the decoders
 * (gzip; deflate trying zlib-wrapped first, then raw, as `DeflateDecoder` does).
 * Read errors become urllib3 exceptions through connection.ts's one translation table.
 * Left out: `preload_content=True` reading inside the constructor (a constructor cannot await;
 * `from_httplib` preloads instead), `tell()`, `fileno()`, the io.IOBase file-object interface.
 */
import { pipeline, Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { HTTPHeaderDict } from './_collections.js';
import { translate_undici_error, type HTTPConnection, type HTTPLibResponse } from './connection.js';
import { DecodeError } from './exceptions.js';

/** What a response needs of its pool: a place to put the connection back. */
export interface ConnectionReleaser {
  _put_conn(conn: HTTPConnection | null): Promise<void>;
}

export interface HTTPResponseOptions {
  body?: Uint8Array | null;
  headers?: HTTPHeaderDict | Iterable<readonly [string, string]>;
  status?: number;
  version?: number;
  reason?: string;
  strict?: number;
  decode_content?: boolean;
  original_response?: HTTPLibResponse | null;
  pool?: ConnectionReleaser | null;
  connection?: HTTPConnection | null;
}

/** An HTTP response whose body is read on demand. */
export class HTTPResponse {
  static readonly CONTENT_DECODERS = ['gzip', 'deflate'] as const;
  static readonly REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;

  readonly headers: HTTPHeaderDict;
  readonly status: number;
  readonly version: number;
  readonly reason: string;
  readonly strict: number;
  readonly decode_content: boolean;
  _body: Uint8Array | null;
  _fp: HTTPLibResponse | null;
  readonly _original_response: HTTPLibResponse | null;
  _fp_bytes_read = 0;
  _pool: ConnectionReleaser | null;
  _connection: HTTPConnection | null;
  #decoded: AsyncIterator<Buffer> | null = null;
  #leftover: Buffer | null = null;

  constructor(opts: HTTPResponseOptions = {}) {
    this.headers =
      opts.headers instanceof HTTPHeaderDict
        ? opts.headers
        : new HTTPHeaderDict(opts.headers ?? []);
    this.status = opts.status ?? 0;
    this.version = opts.version ?? 0;
    this.reason = opts.reason ?? '';
    this.strict = opts.strict ?? 0;
    this.decode_content = opts.decode_content ?? true;
    this._body = opts.body ?? null;
    this._fp = opts.original_response ?? null;
    this._original_response = opts.original_response ?? null;
    this._pool = opts.pool ?? null;
    this._connection = opts.connection ?? null;
  }

  /**
   * Wraps an httplib response; with `preload_content` (urllib3's default) the body is read at
   * once and the connection released.
   */
  static async from_httplib(
    r: HTTPLibResponse,
    opts: Omit<
      HTTPResponseOptions,
      'headers' | 'status' | 'version' | 'reason' | 'original_response'
    > & {
      preload_content?: boolean;
    } = {}
  ): Promise<HTTPResponse> {
    const response = new HTTPResponse({
      ...opts,
      headers: r.headers,
      status: r.status,
      version: r.version,
      reason: r.reason,
      original_response: r,
    });
    if (opts.preload_content ?? true) {
      response._body = await response.read(null, opts.decode_content ?? true);
    }
    return response;
  }

  /** The Location of a redirect response, `false` when the status is no redirect. */
  get_redirect_location(): string | null | false {
    if ((HTTPResponse.REDIRECT_STATUSES as readonly number[]).includes(this.status)) {
      return this.headers.get('location') ?? null;
    }
    return false;
  }

  /** Puts the connection back into its pool (once). */
  async release_conn(): Promise<void> {
    if (!this._pool || !this._connection) return;
    const conn = this._connection;
    this._connection = null;
    await this._pool._put_conn(conn);
  }

  /** The preloaded or cached body, if any. */
  get data(): Uint8Array | null {
    return this._body;
  }

  /** True once the body has been read to the end or the response closed. */
  get closed(): boolean {
    return this._fp === null || this._fp.isclosed();
  }

  /**
   * Reads up to `amt` bytes (all when null), decoded unless `decode_content` is false.
   * Returns the connection to the pool once the body is exhausted.
   */
  async read(
    amt: number | null = null,
    decode_content: boolean | null = null,
    cache_content = false
  ): Promise<Buffer> {
    const decode = decode_content ?? this.decode_content;
    if (this._fp === null) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    let size = 0;
    try {
      while (amt === null || size < amt) {
        const chunk = await this.#next(decode, amt === null ? null : amt - size);
        if (chunk === null) break;
        parts.push(chunk);
        size += chunk.length;
      }
      const data = Buffer.concat(parts);
      if (amt === null && cache_content) this._body = data;
      return data;
    } finally {
      if (this._original_response && this._original_response.isclosed()) await this.release_conn();
    }
  }

  /** Yields the body in pieces of at most `amt` bytes until it is exhausted. */
  async *stream(amt = 2 ** 16, decode_content: boolean | null = null): AsyncGenerator<Buffer> {
    while (!this.closed || this.#leftover) {
      const data = await this.read(amt, decode_content);
      if (data.length === 0) break;
      yield data;
    }
  }

  /** Closes the underlying response; an unread body goes away with its socket. */
  close(): void {
    this._fp?.close();
  }

  async #next(decode: boolean, max: number | null): Promise<Buffer | null> {
    if (this.#leftover) {
      const left = this.#leftover;
      if (max === null || left.length <= max) {
        this.#leftover = null;
        return left;
      }
      this.#leftover = left.subarray(max);
      return left.subarray(0, max);
    }
    this.#decoded ??= this.#decodedChunks(decode)[Symbol.asyncIterator]();
    const step = await this.#decoded.next();
    if (step.done) return null;
    const chunk = step.value;
    if (max !== null && chunk.length > max) {
      this.#leftover = chunk.subarray(max);
      return chunk.subarray(0, max);
    }
    return chunk;
  }

  /** The raw body chunks, undici errors translated (phase 'body'). */
  async *#rawChunks(): AsyncGenerator<Buffer> {
    const fp = this._fp;
    if (!fp) return;
    try {
      for await (const chunk of fp.chunks()) {
        this._fp_bytes_read += chunk.length;
        yield chunk;
      }
    } catch (err) {
      fp.close();
      throw translate_undici_error(err, { phase: 'body', pool: this._pool });
    }
  }

  #decodedChunks(decode: boolean): AsyncIterable<Buffer> {
    const encoding = (this.headers.get('content-encoding') ?? '').toLowerCase();
    if (!decode || !(HTTPResponse.CONTENT_DECODERS as readonly string[]).includes(encoding)) {
      return this.#rawChunks();
    }
    return decodeStream(this.#rawChunks(), encoding as 'gzip' | 'deflate');
  }
}

/** Decodes gzip or deflate as it arrives; a zlib failure becomes DecodeError. */
async function* decodeStream(
  source: AsyncIterable<Buffer>,
  encoding: 'gzip' | 'deflate'
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  // urllib3's DeflateDecoder tries zlib-wrapped data first, then raw deflate.
  const zlibWrapped =
    head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
  const decoder: Transform =
    encoding === 'gzip'
      ? zlib.createGunzip()
      : zlibWrapped
        ? zlib.createInflate()
        : zlib.createInflateRaw();
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let step = await iterator.next(); !step.done; step = await iterator.next())
      yield step.value;
  }
  // The callback form of pipeline returns the decoder and destroys it with any source error,
  // so iterating it surfaces both read errors (already translated) and zlib errors.
  const decoded = pipeline(Readable.from(all()), decoder, () => undefined);
  let failure: unknown = null;
  try {
    for await (const chunk of decoded) yield chunk as Buffer;
  } catch (err) {
    failure = err;
  }
  if (failure) {
    const code = (failure as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new DecodeError(
        [`Received response with content-encoding: ${encoding}, but failed to decode it.`, failure],
        { cause: failure }
      );
    }
    throw failure;
  }
}
