/**
 * @module
 * The Wire tab's model for one CLIENT span, as a browser's network panel shows an exchange: the
 * request line and headers as sent, the status line and headers as received, body previews, and
 * the timing phases. It reads the wire attributes the client records (`novatrace.wire.*`, the
 * raw header blocks and status line, and body previews) and falls back to what standard
 * attributes say (`http.request.header.<name>`, `http.request.method`, `url.full`,
 * `http.response.status_code`), so a foreign trace shows what it carries. Values of secret
 * headers that are not already redacted are hidden here too. Pure code.
 */
import type { AttrValue } from '../src/telemetry/types.js';
import type { SpanNode, TraceTree } from './model.js';
import { endOf, numberAttr, stringAttr } from './span-facts.js';

export interface WireHeader {
  readonly name: string;
  readonly value: string;
}

export type PhaseName = 'queued' | 'connect' | 'request sent' | 'waiting' | 'body';

export interface WirePhase {
  readonly name: PhaseName;
  readonly startMs: number;
  readonly endMs: number;
}

export interface WireView {
  readonly requestLine: string;
  readonly requestHeaders: readonly WireHeader[];
  readonly statusLine?: string;
  readonly responseHeaders: readonly WireHeader[];
  readonly requestBody?: string;
  readonly responseBody?: string;
  readonly phases: readonly WirePhase[];
  /** Body sizes in bytes (`http.request.body.size`, `http.response.body.size`), when recorded. */
  readonly requestBodySize?: number;
  readonly responseBodySize?: number;
  /** Where the numbers come from: the client's wire record, or standard attributes only. */
  readonly source: 'wire' | 'standard';
  /** What the span does not record, so the tab can say so (keys of {@link WireMissing}). */
  readonly missing: readonly WireMissing[];
}

/**
 * Parts of an exchange a span may lack: an older trace, or another program's, has only the
 * standard attributes (allow-listed headers, no order or case, no status text, no bodies).
 */
export type WireMissing =
  'requestHeaders' | 'responseHeaders' | 'statusLine' | 'bodies' | 'responseBody' | 'timing';

const SECRET = new Set([
  'authorization',
  'proxy-authorization',
  'x-auth-token',
  'x-subject-token',
  'cookie',
  'set-cookie',
]);

function safe(name: string, value: string): string {
  if (!SECRET.has(name.toLowerCase())) return value;
  return value.startsWith('{SHA1}') ? value : '{redacted}';
}

/** Headers from a raw block of `Name: value` lines (the first line may be a request/status line). */
export function parseHeaderBlock(block: string): WireHeader[] {
  const out: WireHeader[] = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^[A-Z]+ \S+ HTTP\//.test(line) || /^HTTP\/\S+ \d/.test(line)) continue;
    const name = line.slice(0, colon).trim();
    out.push({ name, value: safe(name, line.slice(colon + 1).trim()) });
  }
  return out;
}

function headersFromAttributes(
  attributes: Readonly<Record<string, AttrValue>>,
  prefix: string
): WireHeader[] {
  const out: WireHeader[] = [];
  for (const key in attributes) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const v = attributes[key];
    const values = Array.isArray(v) ? v.map(String) : [String(v)];
    for (const value of values) out.push({ name, value: safe(name, value) });
  }
  return out;
}

/** Whether the span is an HTTP exchange the Wire tab can show. */
export function isWireSpan(node: SpanNode): boolean {
  return node.span.kind === 'client';
}

/**
 * The Wire tab for one CLIENT span.
 * @example
 * wireView(tree, node).requestLine // 'PUT /v2.1/servers/…/os-volume_attachments/… HTTP/1.1'
 */
export function wireView(tree: TraceTree, node: SpanNode, nowMs = tree.endMs): WireView {
  const a = node.span.attributes;
  const at = (name: string): number | undefined => {
    const e = node.span.events.find((x) => x.name === name);
    return e ? tree.msAt(e.timeUnixNano) : undefined;
  };
  const sentEvent = node.span.events.find((e) => e.name === 'headers sent');
  const method = stringAttr(a, 'http.request.method') ?? node.span.name;
  const url = stringAttr(a, 'url.full') ?? '';
  let target = url;
  try {
    const u = new URL(url);
    target = `${u.pathname}${u.search}`;
  } catch {
    // not a URL: show it as given
  }
  const version = stringAttr(a, 'network.protocol.version') ?? '1.1';
  const requestLine =
    (sentEvent && stringAttr(sentEvent.attributes, 'novatrace.request.line')) ??
    `${method} ${target || '/'} HTTP/${version}`;
  const rawRequest = stringAttr(a, 'novatrace.wire.request_headers');
  const rawResponse = stringAttr(a, 'novatrace.wire.response_headers');
  const status = numberAttr(a, 'http.response.status_code');
  const statusLine =
    stringAttr(a, 'novatrace.wire.status_line') ??
    (status !== undefined ? `HTTP/${version} ${status}` : undefined);
  const requestBody = stringAttr(a, 'novatrace.wire.request_body_preview');
  const responseBody = stringAttr(a, 'novatrace.wire.response_body_preview');

  const start = node.startMs;
  const end = endOf(node, nowMs);
  const connected = at('connected');
  const headersSent = at('headers sent');
  const bodySent = at('body sent');
  const responseHeaders = at('response headers');
  const bodyDone = at('response body done');
  const phases: WirePhase[] = [];
  const push = (name: PhaseName, s: number | undefined, e: number | undefined) => {
    if (s === undefined || e === undefined || e < s) return;
    phases.push({ name, startMs: s, endMs: e });
  };
  const sentFrom = headersSent ?? connected ?? start;
  if (connected !== undefined) push('connect', start, connected);
  else if (headersSent !== undefined) push('queued', start, headersSent);
  push('request sent', sentFrom, bodySent ?? headersSent);
  push('waiting', bodySent ?? headersSent, responseHeaders);
  push('body', responseHeaders, responseHeaders !== undefined ? (bodyDone ?? end) : undefined);
  const requestBodySize = numberAttr(a, 'http.request.body.size');
  const responseBodySize = numberAttr(a, 'http.response.body.size');
  const missing: WireMissing[] = [];
  if (!rawRequest) missing.push('requestHeaders');
  if (!rawResponse && status !== undefined) missing.push('responseHeaders');
  if (stringAttr(a, 'novatrace.wire.status_line') === undefined && status !== undefined) {
    missing.push('statusLine');
  }
  if (!rawRequest && requestBody === undefined && responseBody === undefined)
    missing.push('bodies');
  else if (responseBody === undefined && responseBodySize === undefined && status !== undefined) {
    // The body was still arriving when the span ended (read later by the caller).
    missing.push('responseBody');
  }
  if (phases.length === 0) missing.push('timing');

  return {
    requestLine,
    requestHeaders: rawRequest
      ? parseHeaderBlock(rawRequest)
      : headersFromAttributes(a, 'http.request.header.'),
    ...(statusLine !== undefined ? { statusLine } : {}),
    responseHeaders: rawResponse
      ? parseHeaderBlock(rawResponse)
      : headersFromAttributes(a, 'http.response.header.'),
    ...(requestBody !== undefined ? { requestBody } : {}),
    ...(responseBody !== undefined ? { responseBody } : {}),
    phases,
    ...(requestBodySize !== undefined ? { requestBodySize } : {}),
    ...(responseBodySize !== undefined ? { responseBodySize } : {}),
    missing,
    source:
      rawRequest || rawResponse || stringAttr(a, 'novatrace.wire.status_line')
        ? 'wire'
        : 'standard',
  };
}
