/**
 * @module
 * {@link SpanRecord}s to and from OTLP/JSON, the JSON encoding of the OTLP/HTTP
 * `ExportTraceServiceRequest` (what `POST /v1/traces` with `application/json` carries and what
 * `--trace-file` writes). Rules of that encoding (opentelemetry-proto, "JSON Protobuf Encoding"):
 * lowerCamelCase keys, hex trace and span ids, enums as integers, 64-bit integers and epoch
 * nanoseconds as decimal strings, unknown fields ignored.
 *
 * Reading is strict about shape and lenient where receivers are: `intValue` and times may be
 * numbers, enums may be given by name, the pre-1.0 `instrumentationLibrarySpans` is accepted.
 * Every problem becomes a {@link TraceFormatError} naming the path of the bad field. Strings are
 * data: they are kept as they are, whatever they contain (renderers escape them).
 */
import { formatError } from './error.js';
import {
  setOwn,
  type AttrValue,
  type ResourceTable,
  type SpanEventRecord,
  type SpanKindName,
  type SpanRecord,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// The JSON shapes (the subset novatrace writes; reading accepts more).

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** A decimal string when written; a number is accepted when read. */
  intValue?: string | number;
  /** A number, or `"NaN"`, `"Infinity"`, `"-Infinity"`. */
  doubleValue?: number | string;
  /** base64 */
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  /** Left out while the span is still running (novatrace's viewer shows running spans). */
  endTimeUnixNano?: string;
  attributes: OtlpKeyValue[];
  events: OtlpEvent[];
  links: never[];
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
}

export interface OtlpScopeSpans {
  scope: { name: string };
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: { attributes: OtlpKeyValue[] };
  scopeSpans: OtlpScopeSpans[];
}

/** `ExportTraceServiceRequest` in its JSON encoding. */
export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

// ---------------------------------------------------------------------------------------------
// Writing.

const KIND_TO_OTLP: Record<SpanKindName, number> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};

const OTLP_TO_KIND: Record<number, SpanKindName> = {
  0: 'internal', // SPAN_KIND_UNSPECIFIED: treated as internal, as the spec suggests
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};

function doubleValue(n: number): OtlpAnyValue {
  if (Number.isNaN(n)) return { doubleValue: 'NaN' };
  if (n === Infinity) return { doubleValue: 'Infinity' };
  if (n === -Infinity) return { doubleValue: '-Infinity' };
  return { doubleValue: n };
}

/** One attribute value as an OTLP `AnyValue`. Whole numbers become `intValue` (decimal string). */
export function attrToAnyValue(value: AttrValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { intValue: String(value) } : doubleValue(value);
  }
  // Arrays are homogeneous in OpenTelemetry: one number type for the whole array.
  const items: readonly (string | number | boolean)[] = value;
  const allInts = items.every((v) => typeof v !== 'number' || Number.isSafeInteger(v));
  return {
    arrayValue: {
      values: items.map((v) =>
        typeof v === 'number' && !allInts ? doubleValue(v) : attrToAnyValue(v)
      ),
    },
  };
}

function keyValues(attrs: Readonly<Record<string, AttrValue>>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: attrToAnyValue(value) }));
}

function spanToOtlp(r: SpanRecord): OtlpSpan {
  return {
    traceId: r.traceId,
    spanId: r.spanId,
    ...(r.parentSpanId ? { parentSpanId: r.parentSpanId } : {}),
    name: r.name,
    kind: KIND_TO_OTLP[r.kind] ?? 1,
    startTimeUnixNano: r.startTimeUnixNano,
    ...(r.endTimeUnixNano !== undefined ? { endTimeUnixNano: r.endTimeUnixNano } : {}),
    attributes: keyValues(r.attributes),
    events: r.events.map((e) => ({
      timeUnixNano: e.timeUnixNano,
      name: e.name,
      attributes: keyValues(e.attributes),
    })),
    links: [],
    status: { code: r.status.code, ...(r.status.message ? { message: r.status.message } : {}) },
  };
}

/**
 * Encodes records as one OTLP/JSON `ExportTraceServiceRequest`: one `resourceSpans` entry per
 * `service.name`, one `scopeSpans` entry per scope inside it, both in order of first appearance.
 * @param records finished (or running) spans, any number of traces
 * @returns the request object; `JSON.stringify` it for the wire or a file
 * @example
 * await fetch(`${viewer}/v1/traces`, { method: 'POST', body: JSON.stringify(toOtlpJson(spans)),
 *   headers: { 'content-type': 'application/json' } });
 */
export function toOtlpJson(
  records: readonly SpanRecord[],
  resources: ResourceTable = new Map()
): OtlpTraceRequest {
  const services = new Map<string, Map<string, OtlpSpan[]>>();
  for (const record of records) {
    let scopes = services.get(record.service);
    if (!scopes) {
      scopes = new Map();
      services.set(record.service, scopes);
    }
    let spans = scopes.get(record.scope);
    if (!spans) {
      spans = [];
      scopes.set(record.scope, spans);
    }
    spans.push(spanToOtlp(record));
  }
  return {
    resourceSpans: [...services].map(([service, scopes]) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: service } },
          ...Object.entries(resources.get(service) ?? {})
            .filter(([key]) => key !== 'service.name')
            .map(([key, value]) => ({ key, value: attrToAnyValue(value) })),
        ],
      },
      scopeSpans: [...scopes].map(([scope, spans]) => ({ scope: { name: scope }, spans })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading: small validators that know the path they are looking at.

/** @internal A value quoted for an error message: short, and safe to print on a terminal. */
export function quote(value: string): string {
  const short = value.length > 48 ? `${value.slice(0, 48)}…` : value;
  // JSON.stringify escapes C0 controls (ESC included); escape DEL, C1 and bidi overrides too.
  return JSON.stringify(short).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

/** @internal What a JSON value is, for "expected X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal The value as an object, or a {@link TraceFormatError} at `path`. */
export function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) formatError(path, `expected an object, got ${describeValue(value)}`);
  return value;
}

/** @internal The value as an array (absent = empty), or a {@link TraceFormatError} at `path`. */
export function optionalArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) formatError(path, `expected an array, got ${describeValue(value)}`);
  return value;
}

/** @internal An optional string field (absent = `fallback`). */
export function optionalString(value: unknown, path: string, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string')
    formatError(path, `expected a string, got ${describeValue(value)}`);
  return value;
}

/**
 * @internal A lower-case hex id of `length` characters. 16-character trace ids (Jaeger's
 * 64-bit ones) are widened to 32 when `widen` is set, as the OpenTelemetry Jaeger mapping does.
 */
export function hexId(value: unknown, length: 16 | 32, path: string, widen = false): string {
  if (value === undefined || value === null || value === '') {
    formatError(path, `missing; expected ${length} hex characters`);
  }
  if (typeof value !== 'string') {
    formatError(path, `expected ${length} hex characters, got ${describeValue(value)}`);
  }
  if (/^[0-9a-fA-F]+$/.test(value)) {
    let id = value.toLowerCase();
    if (widen && id.length === 16 && length === 32) id = id.padStart(32, '0');
    if (id.length === length) {
      if (/^0+$/.test(id)) formatError(path, 'all zeros is not a valid id');
      return id;
    }
  }
  const base64Length = Math.ceil(length / 2 / 3) * 4;
  const hint =
    value.length === base64Length && /^[A-Za-z0-9+/]+=*$/.test(value)
      ? ' (this looks like base64; OTLP/JSON carries ids as hex)'
      : '';
  return formatError(path, `expected ${length} hex characters, got ${quote(value)}${hint}`);
}

/** @internal Epoch nanoseconds as a canonical decimal string; accepts a string or a number. */
export function nanos(value: unknown, path: string): string {
  if (typeof value === 'string' && /^\d{1,25}$/.test(value)) return BigInt(value).toString();
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return BigInt(value).toString();
  }
  if (value === undefined || value === null) {
    return formatError(path, 'missing; expected epoch nanoseconds as a decimal string');
  }
  return formatError(
    path,
    `expected epoch nanoseconds as a decimal string, got ${describeValue(value)}`
  );
}

const ANY_VALUE_KEYS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'bytesValue',
  'arrayValue',
  'kvlistValue',
] as const;

const MAX_DEPTH = 16;

type JsValue = string | number | boolean | null | JsValue[] | { [key: string]: JsValue };

/** An `AnyValue` as a plain JS value (null for an empty `AnyValue`). */
function anyValueToJs(value: unknown, path: string, depth: number): JsValue {
  if (value === undefined || value === null) return null;
  const v = expectObject(value, path);
  const present = ANY_VALUE_KEYS.filter((k) => v[k] !== undefined && v[k] !== null);
  if (present.length === 0) return null;
  if (present.length > 1) {
    formatError(
      path,
      `expected exactly one of ${ANY_VALUE_KEYS.join(', ')}; got ${present.join(' and ')}`
    );
  }
  const key = present[0]!;
  const inner = v[key];
  const at = `${path}.${key}`;
  switch (key) {
    case 'stringValue':
      if (typeof inner !== 'string')
        formatError(at, `expected a string, got ${describeValue(inner)}`);
      return inner;
    case 'boolValue':
      if (typeof inner !== 'boolean')
        formatError(at, `expected true or false, got ${describeValue(inner)}`);
      return inner;
    case 'intValue':
      return intValue(inner, at);
    case 'doubleValue':
      return doubleFrom(inner, at);
    case 'bytesValue':
      if (typeof inner !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(inner)) {
        formatError(at, `expected base64 text, got ${describeValue(inner)}`);
      }
      return inner;
    case 'arrayValue': {
      if (depth >= MAX_DEPTH) formatError(at, `nested deeper than ${MAX_DEPTH} levels`);
      const values = optionalArray(expectObject(inner, at).values, `${at}.values`);
      return values.map((item, i) => anyValueToJs(item, `${at}.values[${i}]`, depth + 1));
    }
    case 'kvlistValue': {
      if (depth >= MAX_DEPTH) formatError(at, `nested deeper than ${MAX_DEPTH} levels`);
      const values = optionalArray(expectObject(inner, at).values, `${at}.values`);
      const out: { [key: string]: JsValue } = {};
      values.forEach((item, i) => {
        const kv = expectObject(item, `${at}.values[${i}]`);
        const k = optionalString(kv.key, `${at}.values[${i}].key`);
        setOwn(out, k, anyValueToJs(kv.value, `${at}.values[${i}].value`, depth + 1));
      });
      return out;
    }
  }
}

function intValue(value: unknown, path: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) {
    const n = Number(value);
    // Beyond 2^53 a JS number would change the digits: keep them as text instead.
    return Number.isSafeInteger(n) ? n : BigInt(value).toString();
  }
  return formatError(
    path,
    `expected an integer (number or decimal string), got ${describeValue(value)}`
  );
}

function doubleFrom(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return formatError(path, `expected a number, got ${describeValue(value)}`);
}

/**
 * @internal A JS value as an attribute value: primitives as they are, homogeneous primitive
 * arrays as arrays, anything else (maps, mixed or nested arrays) as its JSON text, the way the
 * OpenTelemetry Jaeger and Zipkin mappings flatten them.
 */
export function jsToAttr(value: JsValue): AttrValue | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return value as string[];
    if (value.every((v) => typeof v === 'number')) return value as number[];
    if (value.every((v) => typeof v === 'boolean')) return value as boolean[];
  }
  return JSON.stringify(value);
}

function attributes(value: unknown, path: string): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  optionalArray(value, path).forEach((item, i) => {
    const kv = expectObject(item, `${path}[${i}]`);
    if (typeof kv.key !== 'string') {
      formatError(`${path}[${i}].key`, `expected a string, got ${describeValue(kv.key)}`);
    }
    const attr = jsToAttr(anyValueToJs(kv.value, `${path}[${i}].value`, 0));
    if (attr !== undefined) setOwn(out, kv.key, attr);
  });
  return out;
}

/** An enum given as its number or (as the protobuf JSON mapping also allows) its name. */
function enumValue<T>(
  value: unknown,
  path: string,
  byNumber: Readonly<Record<number, T>>,
  names: readonly string[],
  fallback: T
): T {
  if (value === undefined || value === null) return fallback;
  const index =
    typeof value === 'number' ? value : typeof value === 'string' ? names.indexOf(value) : -1;
  const found = Number.isInteger(index) ? byNumber[index] : undefined;
  if (found !== undefined) return found;
  const allowed = Object.keys(byNumber).join(', ');
  return formatError(path, `expected one of ${allowed}, got ${describeValue(value)}`);
}

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;

const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

const STATUS_CODES: Record<number, 0 | 1 | 2> = { 0: 0, 1: 1, 2: 2 };

function parseEvent(value: unknown, path: string): SpanEventRecord {
  const e = expectObject(value, path);
  return {
    name: optionalString(e.name, `${path}.name`),
    timeUnixNano: nanos(e.timeUnixNano, `${path}.timeUnixNano`),
    attributes: attributes(e.attributes, `${path}.attributes`),
  };
}

function parseSpan(value: unknown, path: string, service: string, scope: string): SpanRecord {
  const s = expectObject(value, path);
  const traceId = hexId(s.traceId, 32, `${path}.traceId`);
  const spanId = hexId(s.spanId, 16, `${path}.spanId`);
  let parentSpanId: string | undefined;
  if (s.parentSpanId !== undefined && s.parentSpanId !== null && s.parentSpanId !== '') {
    // An all-zero parent (some writers use it for "none") means a root span.
    if (typeof s.parentSpanId === 'string' && /^0{16}$/.test(s.parentSpanId))
      parentSpanId = undefined;
    else parentSpanId = hexId(s.parentSpanId, 16, `${path}.parentSpanId`);
  }
  const start = nanos(s.startTimeUnixNano, `${path}.startTimeUnixNano`);
  let end: string | undefined;
  if (s.endTimeUnixNano !== undefined && s.endTimeUnixNano !== null) {
    end = nanos(s.endTimeUnixNano, `${path}.endTimeUnixNano`);
    if (end === '0') {
      end = undefined; // still running
    } else if (BigInt(end) < BigInt(start)) {
      formatError(`${path}.endTimeUnixNano`, 'earlier than startTimeUnixNano');
    }
  }
  const status =
    s.status === undefined || s.status === null ? {} : expectObject(s.status, `${path}.status`);
  const code = enumValue<0 | 1 | 2>(
    status.code,
    `${path}.status.code`,
    STATUS_CODES,
    STATUS_NAMES,
    0
  );
  const message = optionalString(status.message, `${path}.status.message`);
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: optionalString(s.name, `${path}.name`),
    kind: enumValue<SpanKindName>(s.kind, `${path}.kind`, OTLP_TO_KIND, KIND_NAMES, 'internal'),
    service,
    scope,
    startTimeUnixNano: start,
    ...(end !== undefined ? { endTimeUnixNano: end } : {}),
    attributes: attributes(s.attributes, `${path}.attributes`),
    events: optionalArray(s.events, `${path}.events`).map((e, i) =>
      parseEvent(e, `${path}.events[${i}]`)
    ),
    status: { code, ...(message ? { message } : {}) },
  };
}

/**
 * Decodes one OTLP/JSON `ExportTraceServiceRequest` into records.
 * @param body the parsed JSON
 * @returns the spans, in document order; `service` comes from the resource's `service.name`
 *   (`unknown_service` when missing), `scope` from the scope name
 * @throws TraceFormatError naming the path of the first bad field
 * @example
 * const spans = fromOtlpJson(await c.req.json());
 */
export function fromOtlpJson(body: unknown): SpanRecord[] {
  if (!isObject(body)) {
    formatError('', `expected an OTLP/JSON object with resourceSpans, got ${describeValue(body)}`);
  }
  if (body.resourceSpans === undefined && body.resource_spans !== undefined) {
    formatError('resource_spans', 'snake_case key; OTLP/JSON uses lowerCamelCase (resourceSpans)');
  }
  if (body.resourceSpans === undefined) formatError('resourceSpans', 'missing');
  const records: SpanRecord[] = [];
  optionalArray(body.resourceSpans, 'resourceSpans').forEach((rsValue, i) => {
    const rsPath = `resourceSpans[${i}]`;
    const rs = expectObject(rsValue, rsPath);
    const resource =
      rs.resource === undefined || rs.resource === null
        ? {}
        : expectObject(rs.resource, `${rsPath}.resource`);
    const resourceAttrs = attributes(resource.attributes, `${rsPath}.resource.attributes`);
    const serviceName = resourceAttrs['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : 'unknown_service';
    // `instrumentationLibrarySpans` / `instrumentationLibrary`: the names before OTLP 0.15.
    const scopeKey = rs.scopeSpans !== undefined ? 'scopeSpans' : 'instrumentationLibrarySpans';
    optionalArray(rs[scopeKey], `${rsPath}.${scopeKey}`).forEach((ssValue, j) => {
      const ssPath = `${rsPath}.${scopeKey}[${j}]`;
      const ss = expectObject(ssValue, ssPath);
      const scopeField = ss.scope !== undefined ? 'scope' : 'instrumentationLibrary';
      const scopeValue = ss[scopeField];
      const scopeObj =
        scopeValue === undefined || scopeValue === null
          ? {}
          : expectObject(scopeValue, `${ssPath}.${scopeField}`);
      const scope = optionalString(scopeObj.name, `${ssPath}.${scopeField}.name`);
      optionalArray(ss.spans, `${ssPath}.spans`).forEach((span, k) => {
        records.push(parseSpan(span, `${ssPath}.spans[${k}]`, service, scope));
      });
    });
  });
  return records;
}
