/**
 * @module
 * Python's text forms of plain values, so the port prints and sends what python-novaclient did:
 * `json.dumps` with its default separators (`", "` and `": "`, `ensure_ascii=True`: the bytes of
 * a request body, hence its Content-Length) and `repr()` of str/dict/list/None/bool (the
 * `RESP:` log line, `ConnectionRefused: '...'`). TypeScript-only helpers; no upstream module.
 */

function jsonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      // ensure_ascii: \uXXXX, astral characters as a surrogate pair
      for (let i = 0; i < ch.length; i++) {
        out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
      }
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * `json.dumps(value)` as CPython writes it by default.
 * @example
 * pyJsonDumps({ volumeAttachment: { volumeId: 'v' } }); // '{"volumeAttachment": {"volumeId": "v"}}'
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyJsonDumps(v)).join(', ')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${jsonString(k)}: ${pyJsonDumps(v)}`);
    return `{${parts.join(', ')}}`;
  }
  return jsonString(String(value));
}

/** `repr()` of a Python str. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === quote) out += `\\${ch}`;
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/**
 * `repr()` of a JSON-like value: dicts as `{'k': 'v'}`, lists, None, True/False, numbers.
 * Map entries (e.g. response headers) print like a dict.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  if (value instanceof Map) {
    const parts = [...value.entries()].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
    return `{${parts.join(', ')}}`;
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`
    );
    return `{${parts.join(', ')}}`;
  }
  return pyStrRepr(String(value));
}
