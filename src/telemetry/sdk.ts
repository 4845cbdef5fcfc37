/**
 * @module
 * The parts a telemetry session is built from: which exporters the standard `OTEL_*` variables
 * ask for, the resource (service name, never the command line), the exporters, and the
 * exporter guard that turns export failures into one warning line. The span processors in
 * front of them (redaction net, recorder, forwarder) are in processors.ts.
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
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { OTLPTraceExporter as OtlpHttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { toOtlpJson } from './otlp-json.js';
import { toSpanRecord } from './records.js';
import { scrubSecrets } from './redact.js';
import { terminalSafe } from './tree-render.js';
import { NOVATRACE_VERSION } from './layer-span.js';

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
