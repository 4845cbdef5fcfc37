/**
 * @module
 * One short line for what a layer hands back, shown at its return stop: a status and a body
 * size for responses, host, port and local port for a connection, the class and message of an
 * exception. Duck-typed on purpose: the telemetry area knows no ported class, and a summary
 * must never throw or read a body that was not read yet.
 */
import { pythonName } from './layer-span.js';
import { scrubSecrets } from './redact.js';

const MAX = 160;

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX ? `${one.slice(0, MAX - 1)}…` : one;
}

function field(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/** The local port of an undici Client's open socket, if it has one. */
function localPortOf(client: unknown): number | undefined {
  if (client === null || typeof client !== 'object') return undefined;
  const key = Object.getOwnPropertySymbols(client).find((s) => s.description === 'socket');
  const socket = key ? (client as Record<symbol, unknown>)[key] : undefined;
  if (socket === null || typeof socket !== 'object') return undefined;
  const port = (socket as { localPort?: unknown }).localPort;
  return typeof port === 'number' ? port : undefined;
}

function sizeOf(body: unknown): string | undefined {
  if (typeof body === 'string') return `${Buffer.byteLength(body)} bytes`;
  if (body instanceof Uint8Array) return `${body.byteLength} bytes`;
  if (body !== null && typeof body === 'object') {
    return Array.isArray(body)
      ? `list of ${body.length}`
      : `dict (${Object.keys(body).length} keys)`;
  }
  return undefined;
}

function describeObject(value: object): string {
  const name = value.constructor?.name ?? 'object';
  const status = field(value, 'status_code');
  if (typeof status === 'number') {
    // requests.Response: the content, once read, tells the body size.
    const content = field(value, '_content');
    const size = content instanceof Uint8Array ? `, ${content.byteLength} bytes` : '';
    return `<Response [${status}]>${size}`;
  }
  const rawStatus = field(value, 'status');
  if (typeof rawStatus === 'number') {
    const body = field(value, '_body');
    const size = body instanceof Uint8Array ? `, ${body.byteLength} bytes read` : '';
    return `${name} ${rawStatus}${size}`;
  }
  const host = field(value, 'host');
  const port = field(value, 'port');
  if (typeof host === 'string' && typeof port === 'number' && 'sock' in value) {
    const sock = field(value, 'sock');
    const local = localPortOf(sock);
    const where =
      local !== undefined
        ? `, local port ${local}`
        : sock
          ? ', socket not connected yet'
          : ', no socket (connects on first request)';
    return `${name} to ${host}:${port}${where}`;
  }
  if (typeof host === 'string' && typeof port === 'number' && 'pool' in value) {
    return `${name}(host='${host}', port=${port})`;
  }
  if (name === 'Object') return sizeOf(value) ?? 'dict';
  return name;
}

/**
 * A short summary of a layer's return value.
 * @example
 * summarizeReturn([{ status_code: 200 }, { volumeAttachment: {} }]) // '(<Response [200]>, dict (1 keys))'
 */
export function summarizeReturn(value: unknown): string {
  try {
    if (value === undefined || value === null) return 'None';
    if (typeof value === 'string') return clip(`'${scrubSecrets(value)}'`);
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      return String(value);
    }
    if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
    if (Array.isArray(value)) {
      // Python tuples stay tuples: `(resp, body)`.
      if (value.length <= 3) {
        const parts = value.map((v) =>
          v !== null && typeof v === 'object' && !Array.isArray(v) && v.constructor === Object
            ? describeObject(v)
            : summarizeReturn(v)
        );
        return clip(`(${parts.join(', ')})`);
      }
      return `list of ${value.length}`;
    }
    if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
    return clip(scrubSecrets(describeObject(value)));
  } catch {
    return 'a value';
  }
}

/** A short summary of the exception a layer raises: `Class: message`. */
export function summarizeRaise(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return clip(`${pythonName(err)}: ${scrubSecrets(message)}`);
}
