/**
 * @module
 * Redaction at the source, the way novaclient's request log does it: a secret is replaced by
 * `{SHA1}<hex digest>` so two runs can still be compared without revealing the value.
 * @see novaclient/client.py HTTPClient._redact / http_log_req (3.3.0)
 */
import { createHash } from 'node:crypto';
import { setOwn } from './types.js';

/** Header names whose values are secrets (lower-case). */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'x-auth-token',
  'x-subject-token',
  'x-service-token',
  'authorization',
  'x-auth-key',
]);

/** JSON keys whose values are secrets anywhere in a body. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'secret', 'token_id']);

/**
 * Digests by value: one token is redacted several times per request (the request headers, the
 * curl line of the request log, the wire record), and again on every request that carries it.
 * Bounded; the values are secrets the process holds anyway.
 */
const digests = new Map<string, string>();
const MAX_DIGESTS = 256;

/** `{SHA1}<40 hex>` of the value, as novaclient 3.3.0 logs tokens and passwords. */
export function sha1Redact(value: string): string {
  let digest = digests.get(value);
  if (digest === undefined) {
    digest = `{SHA1}${createHash('sha1').update(value, 'utf8').digest('hex')}`;
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digests.set(value, digest);
  }
  return digest;
}

/** True when a header of this name carries a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of the headers with every secret value redacted. */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : value.join(', ');
    out[name] = isSecretHeader(name) ? sha1Redact(text) : text;
  }
  return out;
}

/**
 * A deep copy of a JSON value with secrets redacted: any `password`/`secret` key, the v2.0
 * `access.token.id`, and the v3/v2.0 `token.id` of token-method auth bodies.
 */
export function redactJson(value: unknown, path: readonly string[] = []): unknown {
  // Iterative: a body nested 50,000 deep (from a hostile server, say) is redacted, not a crash.
  // Only the last key of the path matters (`token.id`), so each item carries just that.
  const root: { value: unknown } = { value: undefined };
  const stack: { from: unknown; parentKey: string | undefined; put: (v: unknown) => void }[] = [
    { from: value, parentKey: path[path.length - 1], put: (v) => (root.value = v) },
  ];
  while (stack.length > 0) {
    const { from, parentKey, put } = stack.pop()!;
    if (Array.isArray(from)) {
      const out: unknown[] = new Array<unknown>(from.length);
      put(out);
      from.forEach((item, i) => stack.push({ from: item, parentKey, put: (v) => (out[i] = v) }));
    } else if (from === null || typeof from !== 'object') {
      put(from);
    } else {
      const out: Record<string, unknown> = {};
      put(out);
      for (const [key, inner] of Object.entries(from)) {
        const secret =
          SECRET_KEYS.has(key.toLowerCase()) || (key === 'id' && parentKey === 'token');
        if (secret && typeof inner === 'string') setOwn(out, key, sha1Redact(inner));
        else {
          setOwn(out, key, undefined);
          stack.push({ from: inner, parentKey: key, put: (v) => setOwn(out, key, v) });
        }
      }
    }
  }
  return root.value;
}

/** Redacts a JSON text; a text that is not JSON is returned unchanged only if it holds no known secret. */
export function redactBodyText(text: string, secrets: readonly string[] = []): string {
  try {
    return JSON.stringify(redactJson(JSON.parse(text)));
  } catch {
    let out = text;
    for (const secret of secrets) if (secret) out = out.split(secret).join(sha1Redact(secret));
    return out;
  }
}

const knownSecrets = new Set<string>();

/** How many remembered secrets are kept (oldest forgotten first): a long-running viewer sees a
 * new token per run, and every scrub walks the whole set. */
const MAX_KNOWN_SECRETS = 256;

/**
 * Remembers a secret seen at run time (a token from Keystone, a password from the CLI), so
 * {@link scrubSecrets} can replace it wherever it might still show up. Short values are
 * ignored: they would match ordinary text.
 */
export function rememberSecret(value: string | null | undefined): void {
  if (!value || value.length < 4) return;
  if (!knownSecrets.has(value)) {
    anySecret = undefined;
    scrubbed.clear();
  }
  knownSecrets.delete(value);
  knownSecrets.add(value);
  if (knownSecrets.size > MAX_KNOWN_SECRETS) {
    const oldest = knownSecrets.values().next().value;
    if (oldest !== undefined) knownSecrets.delete(oldest);
  }
  shortestSecret = Infinity;
  for (const secret of knownSecrets) shortestSecret = Math.min(shortestSecret, secret.length);
}

/** Length of the shortest remembered secret: a shorter text cannot hold one. */
let shortestSecret = Infinity;

/**
 * One pattern matching any remembered secret, rebuilt when the set changes: one scan tells
 * whether a text holds any of them, instead of one search per secret (a long-lived viewer
 * remembers a token per run, and this runs on every attribute of every span).
 */
let anySecret: RegExp | undefined;

function anySecretPattern(): RegExp {
  anySecret ??= new RegExp(
    [...knownSecrets].map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')
  );
  return anySecret;
}

/** `scheme://user:password@` in any text: the credentials part of a URL. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@?#'"]+@/gi;

/**
 * What {@link scrubSecrets} gave for a text, for the set of secrets remembered now (cleared when
 * one is added): a traced request scrubs the same values over and over (URLs, header values,
 * names, at the source and again in the redaction net), and one lookup replaces a scan with
 * the pattern of every secret. Only short texts are kept, and a bounded number of them.
 */
const scrubbed = new Map<string, string>();
const MAX_SCRUBBED = 2048;
const MAX_SCRUBBED_LENGTH = 1024;

/**
 * Replaces every remembered secret inside `text` with its `{SHA1}` form, and the credentials of
 * any URL in it with `REDACTED:REDACTED` (the HTTP semantic conventions' form for `url.full`).
 */
export function scrubSecrets(text: string): string {
  if (text.length < shortestSecret && !text.includes('@')) return text;
  const keep = text.length <= MAX_SCRUBBED_LENGTH;
  if (keep) {
    const known = scrubbed.get(text);
    if (known !== undefined) return known;
  }
  let out = text.includes('@') ? text.replace(URL_USERINFO, '$1REDACTED:REDACTED@') : text;
  if (knownSecrets.size > 0 && anySecretPattern().test(out)) {
    for (const secret of knownSecrets) {
      if (out.includes(secret)) out = out.split(secret).join(sha1Redact(secret));
    }
  }
  if (keep) {
    if (scrubbed.size >= MAX_SCRUBBED) scrubbed.clear();
    scrubbed.set(text, out);
  }
  return out;
}

/** Bytes of a body shown in a wire span's preview (`novatrace.wire.*_body_preview`). */
export const BODY_PREVIEW_BYTES = 2048;

/** Secret-looking `"key": "value"` pairs and `key=value` form fields, for text that is not JSON. */
const SECRET_PAIR = /("(?:password|secret|token_id)"\s*:\s*)"((?:[^"\\]|\\.)*)"/gi;
const SECRET_FIELD = /(\b(?:password|secret|token_id)=)([^&\s]*)/gi;

/** The secret string values of a JSON value, by {@link redactJson}'s rule (iterative). */
function secretStrings(value: unknown): string[] {
  const out: string[] = [];
  const stack: { v: unknown; parentKey: string | undefined }[] = [
    { v: value, parentKey: undefined },
  ];
  while (stack.length > 0) {
    const { v, parentKey } = stack.pop()!;
    if (Array.isArray(v)) v.forEach((item) => stack.push({ v: item, parentKey }));
    else if (v !== null && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        const secret =
          SECRET_KEYS.has(key.toLowerCase()) || (key === 'id' && parentKey === 'token');
        if (secret && typeof inner === 'string') out.push(inner);
        else stack.push({ v: inner, parentKey: key });
      }
    }
  }
  return out;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LOOSE_UTF8 = new TextDecoder('utf-8');
/** A body without one of these words holds no secret {@link redactJson} would redact. */
const SECRET_WORD = /password|secret|token/i;

export interface BodyPreviewOptions {
  /** The body's `Content-Encoding`; anything but identity is not decoded. */
  readonly contentEncoding?: string;
  /** False when only part of the body was seen: JSON that does not parse is then not shown. */
  readonly complete?: boolean;
  /** The whole body's size in bytes, when more was sent than `body` holds. */
  readonly totalBytes?: number;
}

/**
 * A bounded, redacted preview of a body as it went over the wire: its text as sent (not
 * re-serialised), with every secret a JSON body holds (`password`, `secret`, `token.id`…)
 * replaced by its `{SHA1}` form, remembered secrets scrubbed, and cut at
 * {@link BODY_PREVIEW_BYTES}. A body that cannot be checked (binary, compressed, a JSON body
 * cut short) is described instead of shown.
 * @example
 * bodyPreview(Buffer.from('{"auth": {"password": "pw"}}')) // '{"auth": {"password": "{SHA1}…"}}'
 */
export function bodyPreview(body: Uint8Array, opts: BodyPreviewOptions = {}): string {
  const total = opts.totalBytes ?? body.length;
  const encoding = opts.contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return `[${total} bytes, ${encoding}-encoded]`;
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    if (opts.complete !== false) return `[${total} bytes, binary]`;
    // A multi-byte character may be cut at the end of what was seen.
    text = LOOSE_UTF8.decode(body);
  }
  // Most bodies name no secret key at all: then there is nothing to parse for.
  if (!SECRET_WORD.test(text)) return cut(scrubSecrets(text), total, body.length);
  let parsed: unknown;
  let isJson = false;
  try {
    parsed = JSON.parse(text);
    isJson = true;
  } catch {
    // not JSON (or cut short)
  }
  if (isJson) {
    for (const secret of secretStrings(parsed)) {
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped) text = text.split(escaped).join(sha1Redact(secret));
    }
  } else {
    const looksJson = /^\s*[[{]/.test(text);
    if (looksJson && opts.complete === false) {
      return `[${total} bytes of JSON, not shown: only part of it was seen, so it could not be checked for secrets]`;
    }
    text = text
      .replace(SECRET_PAIR, (_m, head: string, value: string) => `${head}"${sha1Redact(value)}"`)
      .replace(SECRET_FIELD, (_m, head: string, value: string) => `${head}${sha1Redact(value)}`);
  }
  return cut(scrubSecrets(text), total, body.length);
}

/** The preview cut at {@link BODY_PREVIEW_BYTES}, saying the whole size when cut. */
function cut(text: string, total: number, seen: number): string {
  if (text.length * 3 <= BODY_PREVIEW_BYTES && total <= seen) return text;
  if (Buffer.byteLength(text, 'utf8') > BODY_PREVIEW_BYTES || total > seen) {
    const head = Buffer.from(text, 'utf8').subarray(0, BODY_PREVIEW_BYTES).toString('utf8');
    return `${head.replace(/\uFFFD$/, '')}… [${total} bytes in all]`;
  }
  return text;
}
