/**
 * @module
 * The request and response models.
 * @see requests/models.py (requests 2.9.1) Request, PreparedRequest, Response
 *
 * Ported: `Request` and `Request.prepare`; `PreparedRequest.prepare` in upstream order
 * (method, url with params, headers, cookies, body, auth, hooks) with `prepare_url`'s
 * errors (MissingSchema, InvalidURL), `prepare_body`'s stream / form / JSON branches and its
 * Content-Length or `Transfer-Encoding: chunked` decision, `path_url`, `copy`; `Response`
 * with `content` (read through urllib3's `stream`, translating its errors as upstream),
 * `iter_content`, `text`, `json`, `ok`, `raise_for_status`, `is_redirect`,
 * `is_permanent_redirect`, `close`.
 *
 * Async differences, ours: reading the body awaits, so `Response.content` is a getter over
 * bytes already read — `Session.send` reads them (as Python's `r.content` there does) unless
 * `stream=True`; then call `await r.load_content()` (what Python's first `r.content` does)
 * or iterate `r.iter_content()`. `elapsed` is milliseconds (a number), not a timedelta.
 * Left out: `files` (multipart upload), `iter_lines`, `links`, IDNA encoding of non-ASCII
 * host names (`host.encode('idna')`: such hosts are passed through unchanged), chardet's
 * `apparent_encoding` (we use UTF-8 when the bytes are valid UTF-8, else ISO-8859-1).
 */
import { ValueError, RuntimeError } from '../urllib3/builtins.js';
import {
  DecodeError,
  LocationParseError,
  ProtocolError,
  ReadTimeoutError,
} from '../urllib3/exceptions.js';
import type { HTTPResponse } from '../urllib3/response.js';
import { parse_url } from '../urllib3/util/url.js';
import { HTTPBasicAuth, AuthBase } from './auth.js';
import { cookiejar_from_dict, get_cookie_header, RequestsCookieJar } from './cookies.js';
import {
  ChunkedEncodingError,
  ConnectionError,
  ContentDecodingError,
  HTTPError,
  InvalidURL,
  MissingSchema,
  StreamConsumedError,
} from './exceptions.js';
import { default_hooks, type Hook, type HookEvent, type HooksArg } from './hooks.js';
import { CaseInsensitiveDict, type HeaderSource } from './structures.js';
import {
  get_auth_from_url,
  guess_json_utf,
  requote_uri,
  super_len,
  to_key_val_list,
  urlencode,
} from './utils.js';

/** Redirect status codes (`REDIRECT_STATI`): moved, found, other, temporary, permanent. */
export const REDIRECT_STATI = [301, 302, 303, 307, 308] as const;
/** Bytes per read when loading `content`. */
export const CONTENT_CHUNK_SIZE = 10 * 1024;
/** Bytes per read for `iter_lines` upstream (kept for reference). */
export const ITER_CHUNK_SIZE = 512;

/** The status codes the redirect logic names (`requests.codes`). */
export const codes = {
  ok: 200,
  moved: 301,
  moved_permanently: 301,
  found: 302,
  see_other: 303,
  temporary_redirect: 307,
  permanent_redirect: 308,
} as const;

/** A body chunk stream: sent with `Transfer-Encoding: chunked` when its length is unknown. */
export type BodyStream = Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** What `data=` accepts: bytes or text as is, a form (dict or pairs), or a chunk stream. */
export type RequestData =
  | string
  | Uint8Array
  | BodyStream
  | Readonly<Record<string, string | readonly string[]>>
  | ReadonlyArray<readonly [string, string]>
  | null;

/** The body a PreparedRequest carries to the adapter. */
export type PreparedBody = string | Uint8Array | BodyStream | null;

/** Query parameters: a dict (list values repeat the key), pairs, or a ready string. */
export type Params =
  | string
  | Readonly<Record<string, string | number | readonly (string | number)[] | null>>
  | ReadonlyArray<readonly [string, string]>
  | null;

/** An auth callable (requests calls `auth(r)`), a `[user, password]` pair, or an AuthBase. */
export type Auth =
  readonly [string, string] | AuthBase | ((r: PreparedRequest) => PreparedRequest) | null;

/** Request headers; a null value removes a session default (requests' `merge_setting`). */
export type HeadersArg = Readonly<Record<string, string | null | undefined>> | CaseInsensitiveDict;

export interface RequestOptions {
  method?: string | null;
  url?: string | null;
  headers?: HeadersArg | null;
  files?: null;
  data?: RequestData;
  json?: unknown;
  params?: Params;
  auth?: Auth;
  cookies?: RequestsCookieJar | Readonly<Record<string, string>> | null;
  hooks?: HooksArg<Response> | null;
}

function isBodyStream(data: unknown): data is BodyStream {
  if (data === null || typeof data !== 'object') return false;
  if (data instanceof Uint8Array || Array.isArray(data)) return false;
  return Symbol.iterator in data || Symbol.asyncIterator in data;
}

/** Form-encodes a dict or pair list; strings and bytes pass through (`_encode_params`). */
export function _encode_params(data: unknown): string | Uint8Array | unknown {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (isBodyStream(data)) return data;
  if (data !== null && typeof data === 'object') {
    const result: Array<[string, string]> = [];
    for (const [k, vs] of to_key_val_list(data as Record<string, unknown>)) {
      const values = Array.isArray(vs) ? vs : [vs];
      for (const v of values) {
        if (v !== null && v !== undefined) result.push([String(k), String(v)]);
      }
    }
    return urlencode(result);
  }
  return data;
}

/** A request as the caller describes it, before preparation. */
export class Request {
  method: string | null;
  url: string | null;
  headers: HeadersArg;
  files: null;
  data: RequestData;
  json: unknown;
  params: Params;
  auth: Auth;
  cookies: RequestsCookieJar | Readonly<Record<string, string>> | null;
  hooks: Record<HookEvent, Array<Hook<Response>>>;

  constructor(opts: RequestOptions = {}) {
    this.method = opts.method ?? null;
    this.url = opts.url ?? null;
    this.headers = opts.headers ?? {};
    this.files = null;
    this.data = opts.data ?? [];
    this.json = opts.json;
    this.params = opts.params ?? {};
    this.auth = opts.auth ?? null;
    this.cookies = opts.cookies ?? null;
    this.hooks = default_hooks<Response>();
    for (const [event, hook] of Object.entries(opts.hooks ?? {})) {
      if (hook) this.register_hook(event as HookEvent, hook);
    }
  }

  register_hook(event: HookEvent, hook: Hook<Response> | ReadonlyArray<Hook<Response>>): void {
    if (!(event in this.hooks))
      throw new ValueError([`Unsupported event specified, with event name "${event}"`]);
    if (typeof hook === 'function') this.hooks[event].push(hook);
    else this.hooks[event].push(...hook.filter((h) => typeof h === 'function'));
  }

  /** A PreparedRequest for transmission. */
  prepare(): PreparedRequest {
    const p = new PreparedRequest();
    p.prepare({
      method: this.method,
      url: this.url,
      headers: this.headers,
      files: this.files,
      data: this.data,
      json: this.json,
      params: this.params,
      auth: this.auth,
      cookies: this.cookies,
      hooks: this.hooks,
    });
    return p;
  }
}

/** The request as it will be sent: final method, URL, headers and body. */
export class PreparedRequest {
  method: string | null = null;
  url: string | null = null;
  headers: CaseInsensitiveDict = new CaseInsensitiveDict();
  _cookies: RequestsCookieJar | null = null;
  body: PreparedBody = null;
  hooks: Record<HookEvent, Array<Hook<Response>>> = default_hooks<Response>();

  /** Prepares everything, in upstream order (auth must come last but hooks). */
  prepare(opts: RequestOptions = {}): void {
    this.prepare_method(opts.method ?? null);
    this.prepare_url(opts.url ?? null, opts.params ?? null);
    this.prepare_headers(opts.headers ?? null);
    this.prepare_cookies(opts.cookies ?? null);
    this.prepare_body(opts.data ?? null, opts.files ?? null, opts.json);
    this.prepare_auth(opts.auth ?? null, opts.url ?? '');
    // Python order: auth after everything it may sign (method, URL, headers, body); hooks
    // after auth, because an auth handler may register one.
    this.prepare_hooks(opts.hooks ?? null);
  }

  toString(): string {
    return `<PreparedRequest [${this.method}]>`;
  }

  copy(): PreparedRequest {
    const p = new PreparedRequest();
    p.method = this.method;
    p.url = this.url;
    p.headers = this.headers.copy();
    p._cookies = this._cookies ? this._cookies.copy() : null;
    p.body = this.body;
    p.hooks = { response: [...this.hooks.response] };
    return p;
  }

  prepare_method(method: string | null): void {
    this.method = method === null ? null : method.toUpperCase();
  }

  /** Builds the final URL: checks scheme and host, appends params, requotes. */
  prepare_url(input: string | null, params: Params): void {
    const url = input === null ? '' : String(input).trimStart();
    // Python: a URL with a non-http scheme (mailto:, data:) is kept verbatim.
    if (url.includes(':') && !url.toLowerCase().startsWith('http')) {
      this.url = url;
      return;
    }
    let parts;
    try {
      parts = parse_url(url);
    } catch (err) {
      if (err instanceof LocationParseError) throw new InvalidURL(err.args, { cause: err });
      throw err;
    }
    const { scheme, auth, host, port, query: q, fragment } = parts;
    if (!scheme) {
      throw new MissingSchema(
        `Invalid URL ${pyQuote(url)}: No schema supplied. Perhaps you meant http://${url}?`
      );
    }
    if (!host) throw new InvalidURL(`Invalid URL ${pyQuote(url)}: No host supplied`);
    // netloc = [auth@]host[:port], rebuilt from the parts.
    let netloc = auth ?? '';
    if (netloc) netloc += '@';
    netloc += host;
    if (port) netloc += `:${port}`;
    // Python: an empty path becomes '/'.
    const path = parts.path || '/';
    let query = q;
    const enc_params = params === null ? '' : _encode_params(params);
    if (typeof enc_params === 'string' && enc_params) {
      query = query ? `${query}&${enc_params}` : enc_params;
    }
    let out = `${scheme}://${netloc}${path}`;
    if (query) out += `?${query}`;
    if (fragment) out += `#${fragment}`;
    this.url = requote_uri(out);
  }

  prepare_headers(headers: HeadersArg | null): void {
    this.headers = new CaseInsensitiveDict();
    if (!headers) return;
    const pairs =
      headers instanceof CaseInsensitiveDict ? headers.items() : Object.entries(headers);
    for (const [name, value] of pairs) {
      if (value !== null && value !== undefined) this.headers.set(name, value);
    }
  }

  /**
   * Prepares the body: a chunk stream goes as is (Content-Length if known, else
   * `Transfer-Encoding: chunked`); a dict is form-encoded; `json` is serialised when no data.
   */
  prepare_body(data: RequestData, files: null, json?: unknown): void {
    let body: PreparedBody = null;
    let content_type: string | null = null;
    const hasData = isTruthyData(data);
    if (!hasData && json !== undefined && json !== null) {
      content_type = 'application/json';
      body = pythonJsonDumps(json);
    }
    const is_stream = isBodyStream(data);
    const length = super_len(data);
    if (is_stream) {
      body = data;
      if (files) throw new Error('Streamed bodies and files are mutually exclusive.');
      if (length) this.headers.set('Content-Length', String(length));
      else this.headers.set('Transfer-Encoding', 'chunked');
    } else {
      // Multi-part file uploads are left out (files is always null here).
      if (hasData) {
        body = _encode_params(data) as PreparedBody;
        if (typeof data === 'string' || data instanceof Uint8Array) content_type = null;
        else content_type = 'application/x-www-form-urlencoded';
      }
      this.prepare_content_length(body);
      // The form content type only when the caller set none.
      if (content_type && !this.headers.has('content-type'))
        this.headers.set('Content-Type', content_type);
    }
    this.body = body;
  }

  prepare_content_length(body: PreparedBody): void {
    if (body !== null) {
      const l = super_len(body);
      if (l) this.headers.set('Content-Length', String(l));
    } else if (
      this.method !== 'GET' &&
      this.method !== 'HEAD' &&
      this.headers.get('Content-Length') === undefined
    ) {
      this.headers.set('Content-Length', '0');
    }
  }

  /** Applies auth: a pair becomes HTTPBasicAuth; credentials in the URL are used otherwise. */
  prepare_auth(auth: Auth, _url = ''): void {
    let chosen = auth;
    // Python: no auth given → user:password from the URL, if any.
    if (chosen === null) {
      const url_auth = get_auth_from_url(this.url ?? '');
      chosen = url_auth[0] || url_auth[1] ? url_auth : null;
    }
    if (chosen) {
      let handler: AuthBase | ((r: PreparedRequest) => PreparedRequest);
      if (Array.isArray(chosen) && chosen.length === 2) {
        // Python: a 2-tuple means HTTPBasicAuth(user, password).
        handler = new HTTPBasicAuth(chosen[0] as string, chosen[1] as string);
      } else {
        handler = chosen as AuthBase | ((r: PreparedRequest) => PreparedRequest);
      }
      // Python: r = auth(self); self.__dict__.update(r.__dict__).
      const r = handler instanceof AuthBase ? handler.call(this) : handler(this);
      if (r !== this) Object.assign(this, r);
      // Python: prepare_content_length(self.body) again after auth.
      this.prepare_content_length(this.body);
    }
  }

  prepare_cookies(cookies: RequestsCookieJar | Readonly<Record<string, string>> | null): void {
    this._cookies = cookies instanceof RequestsCookieJar ? cookies : cookiejar_from_dict(cookies);
    const cookie_header = get_cookie_header(this._cookies, this);
    if (cookie_header !== null) this.headers.set('Cookie', cookie_header);
  }

  prepare_hooks(hooks: HooksArg<Response> | null): void {
    this.hooks = default_hooks<Response>();
    for (const [event, hook] of Object.entries(hooks ?? {})) {
      if (!hook) continue;
      if (typeof hook === 'function') this.hooks[event as HookEvent].push(hook);
      else this.hooks[event as HookEvent].push(...hook);
    }
  }

  /** The path and query of the URL (what goes on the request line). */
  get path_url(): string {
    const raw = this.url ?? '';
    // Python: urlsplit(url), then path (or '/') and '?query' when there is one.
    const afterNetloc = raw.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
    const hash = afterNetloc.indexOf('#');
    const noFrag = hash >= 0 ? afterNetloc.slice(0, hash) : afterNetloc;
    const q = noFrag.indexOf('?');
    let path = q >= 0 ? noFrag.slice(0, q) : noFrag;
    const query = q >= 0 ? noFrag.slice(q + 1) : '';
    if (!path) path = '/';
    return query ? `${path}?${query}` : path;
  }
}

function isTruthyData(data: RequestData | undefined): boolean {
  if (data === null || data === undefined) return false;
  if (typeof data === 'string') return data.length > 0;
  if (data instanceof Uint8Array) return data.length > 0;
  if (Array.isArray(data)) return data.length > 0;
  if (isBodyStream(data)) return true;
  return Object.keys(data).length > 0;
}

function pyQuote(text: string): string {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/'/g, "\\'")}'`;
}

/** Python's `json.dumps` default separators: `", "` and `": "`, ASCII-escaped. */
export function pythonJsonDumps(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => v, 0);
  if (text === undefined) return 'null';
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (inString) {
      if (c === '\\') {
        out += c + (text[i + 1] ?? '');
        i += 1;
        continue;
      }
      if (c === '"') inString = false;
      const code = c.charCodeAt(0);
      out += code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : c;
      continue;
    }
    if (c === '"') inString = true;
    out += c === ',' ? ', ' : c === ':' ? ': ' : c;
  }
  return out;
}

/** Decodes bytes the way Python's `str(bytes, encoding, errors='replace')` would. */
export function decodeText(content: Uint8Array, encoding: string): string {
  const label = encoding.toLowerCase().replace(/_/g, '-');
  if (label === 'iso-8859-1' || label === 'latin-1' || label === 'latin1') {
    return Buffer.from(content).toString('latin1');
  }
  try {
    return new TextDecoder(label === 'utf-8-sig' ? 'utf-8' : label, { fatal: false }).decode(
      content
    );
  } catch {
    return new TextDecoder('utf-8', { fatal: false }).decode(content);
  }
}

/** What came back: status, headers, body, and where it came from. */
export class Response {
  /** Bytes read so far; `false` = not read yet (Python's sentinel). */
  _content: Uint8Array | false | null = false;
  _content_consumed = false;
  /** The HTTP status, e.g. 202. */
  status_code = 0;
  /** Case-insensitive response headers. */
  headers = new CaseInsensitiveDict();
  /** The urllib3 response (the file-like object of Python). */
  raw: HTTPResponse | null = null;
  /** The URL that answered (after redirects). */
  url = '';
  /** Encoding to decode with when accessing `text`. */
  encoding: string | null = null;
  /** Earlier responses of this request (its redirects), oldest first. */
  history: Response[] = [];
  /** The status line's reason phrase, e.g. "Accepted". */
  reason = '';
  /** Cookies the server sent back. */
  cookies = new RequestsCookieJar();
  /** Time between sending the request and the arrival of the response, milliseconds. */
  elapsed = 0;
  /** The PreparedRequest this is a response to. */
  request!: PreparedRequest;
  /** The adapter that produced it (Python: `response.connection`). */
  connection: unknown = null;

  toString(): string {
    return `<Response [${this.status_code}]>`;
  }

  /** True when the status is below 400. */
  get ok(): boolean {
    try {
      this.raise_for_status();
    } catch (err) {
      if (err instanceof HTTPError) return false;
      throw err;
    }
    return true;
  }

  /** True if this response is one of the permitted versions of redirect. */
  get is_redirect(): boolean {
    return (
      this.headers.has('location') &&
      (REDIRECT_STATI as readonly number[]).includes(this.status_code)
    );
  }

  /** True if this response is one of the permanent versions of redirect. */
  get is_permanent_redirect(): boolean {
    return this.headers.has('location') && (this.status_code === 301 || this.status_code === 308);
  }

  /** Our stand-in for chardet: UTF-8 when the bytes are valid UTF-8, else ISO-8859-1. */
  get apparent_encoding(): string {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(this.content);
      return 'utf-8';
    } catch {
      return 'ISO-8859-1';
    }
  }

  /**
   * Yields the body in chunks, decoded (gzip/deflate). urllib3 errors become requests ones:
   * ProtocolError → ChunkedEncodingError, DecodeError → ContentDecodingError,
   * ReadTimeoutError → ConnectionError. Once read, re-yields the cached content.
   */
  async *iter_content(chunk_size = 1): AsyncGenerator<Uint8Array> {
    if (this._content_consumed && this._content === false) throw new StreamConsumedError();
    if (this._content_consumed && this._content) {
      // Python: iter_slices(self._content, chunk_size) once the content is cached.
      for (let i = 0; i < this._content.length; i += chunk_size) {
        yield this._content.subarray(i, i + chunk_size);
      }
      return;
    }
    if (this.raw) {
      try {
        for await (const chunk of this.raw.stream(chunk_size, true)) yield chunk;
      } catch (err) {
        if (err instanceof ProtocolError) throw new ChunkedEncodingError(err);
        if (err instanceof DecodeError) throw new ContentDecodingError(err);
        if (err instanceof ReadTimeoutError) throw new ConnectionError(err);
        throw err;
      }
    }
    this._content_consumed = true;
  }

  /**
   * Reads the whole body, once: what Python's first access of `r.content` does.
   * @example
   * const r = await session.request('GET', url, { stream: true });
   * const bytes = await r.load_content();
   */
  async load_content(): Promise<Uint8Array> {
    if (this._content === false) {
      // Python: first access of .content reads the body through iter_content.
      if (this._content_consumed) {
        throw new RuntimeError(['The content for this response was already consumed']);
      }
      if (this.status_code === 0 || !this.raw) {
        this._content = null;
      } else {
        const parts: Uint8Array[] = [];
        for await (const chunk of this.iter_content(CONTENT_CHUNK_SIZE)) parts.push(chunk);
        this._content = Buffer.concat(parts);
      }
    }
    this._content_consumed = true;
    return this._content ?? new Uint8Array();
  }

  /** Content of the response, in bytes (read by `Session.send` unless `stream=True`). */
  get content(): Uint8Array {
    if (this._content === false) {
      throw new RuntimeError([
        'The content has not been read yet (stream=True): await response.load_content() first',
      ]);
    }
    return this._content ?? new Uint8Array();
  }

  /** Content of the response, in unicode, per `encoding` (or the apparent encoding). */
  get text(): string {
    const content = this.content;
    if (content.length === 0) return '';
    const encoding = this.encoding ?? this.apparent_encoding;
    return decodeText(content, encoding);
  }

  /** The JSON-decoded body; ValueError when it is not JSON. */
  json(): unknown {
    const content = this.content;
    let text: string | null = null;
    if (!this.encoding && content.length > 3) {
      // Python: without a declared charset, guess UTF-8/16/32 from the first bytes (RFC 4627 §3).
      const encoding = guess_json_utf(content);
      if (encoding !== null)
        text = decodeText(content, encoding === 'utf-8-sig' ? 'utf-8' : encoding);
    }
    try {
      return JSON.parse(text ?? this.text);
    } catch (err) {
      throw new ValueError([err instanceof Error ? err.message : String(err)], { cause: err });
    }
  }

  /** Raises HTTPError for a 4xx or 5xx status. */
  raise_for_status(): void {
    let http_error_msg = '';
    if (this.status_code >= 400 && this.status_code < 500) {
      http_error_msg = `${this.status_code} Client Error: ${this.reason} for url: ${this.url}`;
    } else if (this.status_code >= 500 && this.status_code < 600) {
      http_error_msg = `${this.status_code} Server Error: ${this.reason} for url: ${this.url}`;
    }
    if (http_error_msg) throw new HTTPError(http_error_msg, { response: this });
  }

  /** Releases the connection back to the pool (or closes it if the body was not read). */
  async close(): Promise<void> {
    if (!this.raw) return;
    if (!this._content_consumed) {
      this.raw.close();
      return;
    }
    await this.raw.release_conn();
  }
}

/** A header source from anything header-like (for structures). */
export type { HeaderSource };
