/**
 * @module
 * The parts a telemetry session is built from: which exporters the standard `OTEL_*` variables
 * ask for, the resource (service name, never the command line), and the span processors that
 * sit in front of the exporters (a redaction safety net, the recorder behind `records()` and
 * the trace files, an exporter guard that turns export failures into one warning line).
 *
 * Rules chosen here (the integrator's and the user's view in `docs/` follows them):
 * - Nothing leaves the machine unless asked: OTLP export is on when an endpoint is configured
 *   (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or when
 *   `OTEL_TRACES_EXPORTER` names `otlp`; `none` turns it off.
 * - Protocol `http/protobuf` by default (what Jaeger takes on 4318), `http/json`, or `grpc`
 *   (through the gRPC exporter sdk-node brings along; if it cannot load, one warning and
 *   http/protobuf instead).
 * - The export timeout is 2 s unless `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` or
 *   `OTEL_EXPORTER_OTLP_TIMEOUT` says otherwise: an explicit value wins, since the user chose
 *   it; the SDK's own default (10 s) would make a CLI hang ~9 s on a dead collector.
 */
import { createRequire } from 'node:module';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AttributeValue, Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { OTLPTraceExporter as OtlpHttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { toOtlpJson } from './otlp-json.js';
import { toSpanRecord } from './records.js';
import { scrubSecrets } from './redact.js';
import { spanBus } from './span-bus.js';
import { terminalSafe } from './tree-render.js';
import { NOVATRACE_VERSION } from './layer-span.js';
import { setOwn, type AttrValue, type ResourceTable, type SpanRecord } from './types.js';

// ---------------------------------------------------------------------------------------------
// What the environment asks for.

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface OtlpPlan {
  readonly protocol: OtlpProtocol;
  /** Full URL the exporter posts to (`.../v1/traces` for HTTP; host:port for gRPC). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
}

export interface ExportPlan {
  /** Absent: no OTLP export. */
  readonly otlp?: OtlpPlan;
  /** `OTEL_TRACES_EXPORTER` includes `console`. */
  readonly console: boolean;
  /** Configuration problems, one line each, to print once. */
  readonly warnings: readonly string[];
}

/** Export timeout when the user sets none. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 2000;

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** `k1=v1,k2=v2` with percent-encoded values (the W3C Baggage-like format OTel env uses). */
export function parseKeyValueList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed percent-escape: skip this pair, as the SDK's parser does.
    }
  }
  return out;
}

function httpTracesUrl(base: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
}

/**
 * Reads the standard `OTEL_*` variables into an export plan.
 * @example
 * planExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).otlp?.url
 * // 'http://127.0.0.1:4318/v1/traces'
 */
export function planExport(env: NodeJS.ProcessEnv): ExportPlan {
  const warnings: string[] = [];
  const names = (envValue(env, 'OTEL_TRACES_EXPORTER') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const name of names) {
    if (!['otlp', 'console', 'none'].includes(name)) {
      warnings.push(
        `novatrace: OTEL_TRACES_EXPORTER=${terminalSafe(name)} is not supported (otlp, console, none); ignored`
      );
    }
  }
  if (names.includes('none')) return { console: false, warnings };

  const specific = envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const generic = envValue(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const wantOtlp =
    names.includes('otlp') || (names.length === 0 && (specific ?? generic) !== undefined);
  const consoleToo = names.includes('console');
  if (!wantOtlp) return { console: consoleToo, warnings };

  const asked =
    envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
    envValue(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  let protocol: OtlpProtocol = 'http/protobuf';
  if (asked === 'http/json' || asked === 'grpc' || asked === 'http/protobuf') protocol = asked;
  else if (asked !== undefined) {
    warnings.push(
      `novatrace: OTEL_EXPORTER_OTLP_PROTOCOL=${terminalSafe(asked)} is not supported (http/protobuf, http/json, grpc); using http/protobuf`
    );
  }

  let url: string;
  if (specific !== undefined)
    url = specific; // signal-specific: used as is
  else if (generic !== undefined) url = protocol === 'grpc' ? generic : httpTracesUrl(generic);
  else url = protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318/v1/traces';
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    warnings.push(
      `novatrace: OTLP endpoint ${terminalSafe(url)} is not an http(s) URL; spans are not exported`
    );
    return { console: consoleToo, warnings };
  }

  const timeoutText =
    envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ??
    envValue(env, 'OTEL_EXPORTER_OTLP_TIMEOUT');
  const timeout = timeoutText === undefined ? NaN : Number(timeoutText);
  const timeoutMillis =
    Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_EXPORT_TIMEOUT_MS;

  const compressionText =
    envValue(env, 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION') ??
    envValue(env, 'OTEL_EXPORTER_OTLP_COMPRESSION');
  return {
    otlp: {
      protocol,
      url,
      headers: {
        ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS),
        ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
      },
      timeoutMillis,
      compression: compressionText === 'gzip' ? 'gzip' : 'none',
    },
    console: consoleToo,
    warnings,
  };
}

/**
 * The resource: `service.name` (`OTEL_SERVICE_NAME`, else a `service.name` in
 * `OTEL_RESOURCE_ATTRIBUTES`, else `defaultServiceName`), the other `OTEL_RESOURCE_ATTRIBUTES`
 * and the SDK's `telemetry.sdk.*`. No process or host detector runs: they would put the full
 * command line (`--os-password ...` included) into every export. This is what sdk-node's
 * `envDetector` does, but reading the given `env` rather than always `process.env`.
 */
export function resourceFromEnv(env: NodeJS.ProcessEnv, defaultServiceName: string): Resource {
  const attrs = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName =
    envValue(env, 'OTEL_SERVICE_NAME') ?? attrs['service.name'] ?? defaultServiceName;
  return defaultResource().merge(
    resourceFromAttributes({
      'service.version': NOVATRACE_VERSION,
      ...attrs,
      'service.name': serviceName,
    })
  );
}

// ---------------------------------------------------------------------------------------------
// Warnings: one line per endpoint per process.

const warned = new Set<string>();

/** Writes a warning line to stderr once per `key` for the life of the process. */
export function warnOnce(key: string, line: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.stderr.write(`${line}\n`);
}

/** An endpoint URL fit for a message: no user name or password in it. */
export function displayEndpoint(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = 'REDACTED';
      u.password = 'REDACTED';
    }
    return terminalSafe(u.href);
  } catch {
    return terminalSafe(url);
  }
}

/** An error as a short single line with no secret in it. */
export function reasonOf(err: unknown): string {
  let text: string;
  if (err instanceof AggregateError && !err.message && err.errors.length > 0) {
    // Node's happy-eyeballs connect (IPv6 and IPv4 both refused) has no message of its own.
    return reasonOf(err.errors[0]);
  } else if (err instanceof Error) {
    text = err.message || (err as NodeJS.ErrnoException).code || err.name;
  } else {
    text = String(err ?? 'unknown error');
  }
  const line = scrubSecrets(text)
    .replace(/\s+/g, ' ')
    // grpc-js ends its connect errors with "Resolution note: " and an often empty note.
    .replace(/[.;,]?\s*Resolution note:\s*$/, '')
    .trim();
  return terminalSafe(line.length > 200 ? `${line.slice(0, 199)}…` : line || 'unknown error');
}

/** The one warning of a failed export (stderr, once per endpoint). */
export function warnExportFailure(endpoint: string, err: unknown): void {
  const shown = displayEndpoint(endpoint);
  warnOnce(
    `export:${shown}`,
    `novatrace: could not export spans to ${shown}: ${reasonOf(err)} (the run itself is unaffected)`
  );
}

// ---------------------------------------------------------------------------------------------
// Exporters.

/**
 * Wraps an exporter so a failure is reported once (a warning line) and then swallowed: the
 * batch processor sees success, so nothing rejects, nothing reaches the SDK's global error
 * handler, and no export problem can change how the traced program ends.
 */
export class GuardedExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #onFailure: (err: unknown) => void;

  constructor(inner: SpanExporter, onFailure: (err: unknown) => void) {
    this.#inner = inner;
    this.#onFailure = onFailure;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.#inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) {
          this.#onFailure(result.error ?? new Error('export failed'));
        }
        resultCallback({ code: ExportResultCode.SUCCESS });
      });
    } catch (err) {
      this.#onFailure(err);
      resultCallback({ code: ExportResultCode.SUCCESS });
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.#inner.shutdown();
    } catch (err) {
      this.#onFailure(err);
    }
  }

  async forceFlush(): Promise<void> {
    try {
      await this.#inner.forceFlush?.();
    } catch (err) {
      this.#onFailure(err);
    }
  }
}

type GrpcExporterClass = new (config: {
  url: string;
  timeoutMillis: number;
  compression?: 'gzip' | 'none';
}) => SpanExporter;

/** Loads the gRPC exporter (a dependency of sdk-node, loaded only when asked for). */
export function loadGrpcExporter(): GrpcExporterClass {
  const require = createRequire(import.meta.url);
  const mod = require('@opentelemetry/exporter-trace-otlp-grpc') as {
    OTLPTraceExporter: GrpcExporterClass;
  };
  return mod.OTLPTraceExporter;
}

/** The OTLP/HTTP exporter classes, loaded only when a plan asks for one (CommonJS packages). */
export function loadHttpExporter(
  protocol: 'http/protobuf' | 'http/json'
): typeof OtlpHttpProtoExporter {
  const require = createRequire(import.meta.url);
  const mod = require(
    protocol === 'http/json'
      ? '@opentelemetry/exporter-trace-otlp-http'
      : '@opentelemetry/exporter-trace-otlp-proto'
  ) as { OTLPTraceExporter: typeof OtlpHttpProtoExporter | typeof OtlpHttpJsonExporter };
  return mod.OTLPTraceExporter;
}

/**
 * The OTLP exporter a plan asks for. A gRPC plan falls back to http/protobuf (with one warning
 * through `warn`) when the gRPC exporter cannot be loaded.
 * @returns the exporter and the URL it really posts to
 */
export function createOtlpExporter(
  plan: OtlpPlan,
  warn: (line: string) => void,
  loadGrpc: () => GrpcExporterClass = loadGrpcExporter
): { exporter: SpanExporter; url: string } {
  const common = {
    timeoutMillis: plan.timeoutMillis,
    headers: { ...plan.headers },
    compression: plan.compression as never,
  };
  if (plan.protocol === 'grpc') {
    try {
      const Grpc = loadGrpc();
      return {
        exporter: new Grpc({
          url: plan.url,
          timeoutMillis: plan.timeoutMillis,
          compression: plan.compression,
        }),
        url: plan.url,
      };
    } catch (err) {
      const url = httpTracesUrl(new URL(plan.url).origin.replace(/:4317$/, ':4318'));
      warn(
        `novatrace: OTLP over gRPC is not available here (${reasonOf(err)}); sending http/protobuf to ${displayEndpoint(url)} instead`
      );
      const Proto = loadHttpExporter('http/protobuf');
      return { exporter: new Proto({ ...common, url }), url };
    }
  }
  const Http = loadHttpExporter(plan.protocol);
  return { exporter: new Http({ ...common, url: plan.url }), url: plan.url };
}

/**
 * Sends spans to a running novatrace viewer as OTLP/HTTP JSON (`POST <viewer>/v1/traces`).
 * Written on `node:http` on purpose: the OTLP exporters merge in `OTEL_EXPORTER_OTLP_HEADERS`
 * (a collector's API key, say), which must not go to the viewer; and undici's diagnostics
 * channels belong to the ported wire layer, which must not see our own export traffic.
 */
export class ViewerSpanExporter implements SpanExporter {
  readonly url: string;
  readonly #timeoutMillis: number;
  readonly #agent = new Agent({ keepAlive: true });
  readonly #pending = new Set<Promise<void>>();
  #closed = false;

  constructor(url: string, timeoutMillis = DEFAULT_EXPORT_TIMEOUT_MS) {
    this.url = url;
    this.#timeoutMillis = timeoutMillis;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter shut down') });
      return;
    }
    const body = JSON.stringify(toOtlpJson(spans.map((s) => toSpanRecord(s, true))));
    const done = this.#post(body).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error })
    );
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done));
  }

  #post(body: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const target = new URL(this.url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: this.#timeoutMillis,
          ...(target.protocol === 'https:' ? {} : { agent: this.#agent }),
        },
        (res: IncomingMessage) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`HTTP ${status}`));
          });
          res.on('error', reject);
        }
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#timeoutMillis} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async shutdown(): Promise<void> {
    this.#closed = true;
    await this.forceFlush();
    this.#agent.destroy();
  }
}

/**
 * The `/v1/traces` URL of a viewer given as `--viewer URL`; `localhost:8787` (no scheme) means
 * `http://localhost:8787`. Undefined when it is not an http(s) URL.
 */
export function viewerTracesUrl(viewer: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(viewer) ? viewer : `http://${viewer}`;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.search = '';
    u.hash = '';
    return httpTracesUrl(u.href);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Processors.

function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? scrubSecrets(v) : v));
  return value;
}

function changed(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.some((v, i) => v !== b[i]);
  return a !== b;
}

/**
 * The safety net in front of every other processor: replaces remembered secrets
 * ({@link rememberSecret}) in span names, attributes, event names and attributes and status
 * messages, with their `{SHA1}` form. The ported code redacts at the source; this catches what
 * slips through. Runs in `onEnding` (sdk-trace 2.x, experimental; the span is still writable
 * there), so every later processor and exporter sees the scrubbed span; and at start only while
 * the live bus has a listener, since a running span is seen by no one else (the recorder and
 * the exporters take ended spans only), and `onEnding` scrubs what was set at start anyway.
 */
export class RedactionSpanProcessor implements SpanProcessor {
  readonly #bus: { readonly size: number };

  constructor(bus: { readonly size: number } = spanBus) {
    this.#bus = bus;
  }

  onStart(span: Span, _parentContext: Context): void {
    if (this.#bus.size > 0) this.#scrub(span);
  }

  onEnding(span: Span): void {
    this.#scrub(span);
    for (const event of span.events) {
      event.name = scrubSecrets(event.name);
      const attrs = event.attributes;
      if (!attrs) continue;
      for (const key in attrs) {
        const value = attrs[key];
        const clean = scrubValue(value);
        if (changed(clean, value)) attrs[key] = clean as AttributeValue;
      }
    }
    if (span.status.message) {
      const message = scrubSecrets(span.status.message);
      if (message !== span.status.message) span.setStatus({ code: span.status.code, message });
    }
  }

  #scrub(span: Span): void {
    const name = scrubSecrets(span.name);
    if (name !== span.name) span.updateName(name);
    const attrs = span.attributes;
    for (const key in attrs) {
      const value = attrs[key];
      const clean = scrubValue(value);
      if (changed(clean, value)) span.setAttribute(key, clean as AttributeValue);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Most records a session keeps (oldest dropped first), so a long-lived viewer cannot grow without end. */
export const MAX_RECORDS = 50_000;

/**
 * Keeps every finished span, for `records()` and the trace files. The conversion to
 * {@link SpanRecord} waits until someone asks (ended spans no longer change), so the traced
 * call does not pay for it.
 */
export class RecordingSpanProcessor implements SpanProcessor {
  #records: SpanRecord[] = [];
  /** Each service's resource attributes, from its first finished span. */
  readonly #resources = new Map<string, Readonly<Record<string, AttrValue>>>();
  #pending: ReadableSpan[] = [];
  readonly #max: number;

  constructor(max = MAX_RECORDS) {
    this.#max = max;
  }

  /** A copy of the finished spans so far, in end order. */
  records(): SpanRecord[] {
    if (this.#pending.length > this.#max) {
      this.#pending.splice(0, this.#pending.length - this.#max);
    }
    if (this.#pending.length > 0) {
      for (const span of this.#pending) this.#records.push(toSpanRecord(span, true));
      this.#pending = [];
      this.#trim();
    }
    return [...this.#records];
  }

  onStart(_span: Span, _parentContext: Context): void {}

  /** Resource attributes by `service.name`, for the trace files' resource and process tags. */
  resources(): ResourceTable {
    return new Map(this.#resources);
  }

  onEnd(span: ReadableSpan): void {
    const service = span.resource.attributes['service.name'];
    if (typeof service === 'string' && !this.#resources.has(service)) {
      const attrs: Record<string, AttrValue> = {};
      for (const [key, value] of Object.entries(span.resource.attributes)) {
        if (value !== undefined && value !== null) setOwn(attrs, key, value as AttrValue);
      }
      this.#resources.set(service, attrs);
    }
    this.#pending.push(span);
    // Trimmed in steps of a tenth of the bound, not one span at a time: a splice per span on a
    // full list of 50,000 would cost every later span a copy of the whole list.
    if (this.#records.length + this.#pending.length > this.#max + this.#slack) {
      if (this.#pending.length > this.#max) {
        this.#pending.splice(0, this.#pending.length - this.#max);
      }
      this.#trim();
    }
  }

  /** How far past the bound the lists may grow before they are cut back to it. */
  get #slack(): number {
    return Math.ceil(this.#max / 10);
  }

  #trim(): void {
    const over = this.#records.length + this.#pending.length - this.#max;
    if (over > 0) this.#records.splice(0, Math.min(over, this.#records.length));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Lends a session's processors to another TracerProvider (the mock cloud's): forwards every
 * hook while the session is open; `shutdown()` only flushes, since the processors belong to
 * the session and the borrower's shutdown must not end them.
 */
export class ForwardingSpanProcessor implements SpanProcessor {
  readonly #targets: readonly SpanProcessor[];
  readonly #isOpen: () => boolean;

  constructor(targets: readonly SpanProcessor[], isOpen: () => boolean) {
    this.#targets = targets;
    this.#isOpen = isOpen;
  }

  onStart(span: Span, parentContext: Context): void {
    if (!this.#isOpen()) return;
    for (const p of this.#targets) p.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    if (!this.#isOpen()) return;
    for (const p of this.#targets) p.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    if (!this.#isOpen()) return;
    for (const p of this.#targets) p.onEnd(span);
  }

  /**
   * Flushes the targets that hold spans in the process (recorder, live bus), not the batch
   * exporters: those send over the network, and the session's own bounded shutdown flushes
   * them. A collector that never answers must not stall the borrower (the cloud's dispose).
   */
  async forceFlush(): Promise<void> {
    if (!this.#isOpen()) return;
    await Promise.all(
      this.#targets
        .filter((p) => !(p instanceof BatchSpanProcessor))
        .map((p) => p.forceFlush().catch(() => undefined))
    );
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}
