/**
 * @module
 * {@link SpanRecord}s to and from the JSON that Jaeger UI's "Upload" reads (the shape of the
 * Jaeger query API: `{"data":[trace, ...]}`), following the OpenTelemetry → Jaeger mapping:
 * microsecond times, one process per service, the parent as a `CHILD_OF` reference, typed tags,
 * `span.kind`, `otel.scope.name` (and the older `otel.library.name`, which Jaeger UI reads),
 * `otel.status_code` / `otel.status_description` and `error`, span events as logs whose `event`
 * field is the event name.
 *
 * What Jaeger cannot keep: nanoseconds (times become microseconds) and array attributes (they
 * become their JSON text, as the Jaeger exporter writes them).
 * @see jaegertracing/jaeger-ui packages/jaeger-ui/src/model/OtelSpanFacade.ts (how it reads back)
 */
import { formatError } from './error.js';
import {
  describeValue,
  expectObject,
  hexId,
  isObject,
  optionalArray,
  optionalString,
} from './otlp-json.js';
import {
  setOwn,
  type ResourceTable,
  type AttrValue,
  type SpanEventRecord,
  type SpanKindName,
  type SpanRecord,
} from './types.js';

export type JaegerTagType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

export interface JaegerTag {
  key: string;
  type: JaegerTagType;
  value: string | number | boolean;
}

export interface JaegerLog {
  /** Epoch microseconds. */
  timestamp: number;
  fields: JaegerTag[];
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  flags: number;
  /** Epoch microseconds. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerTag[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerTag[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

/** The query API's response shape, which Jaeger UI's Upload accepts as is. */
export interface JaegerFile {
  data: JaegerTrace[];
  total: number;
  limit: number;
  offset: number;
  errors: null;
}

/** Tags that carry span fields rather than attributes; consumed when reading back. */
const TAG = {
  kind: 'span.kind',
  scope: 'otel.scope.name',
  library: 'otel.library.name',
  statusCode: 'otel.status_code',
  statusDescription: 'otel.status_description',
  error: 'error',
  running: 'novatrace.running',
} as const;

const SPECIAL_TAGS: ReadonlySet<string> = new Set(Object.values(TAG));

// ---------------------------------------------------------------------------------------------
// Writing.

function micros(nanos: string): number {
  return Number(BigInt(nanos) / 1000n);
}

function tag(key: string, value: AttrValue): JaegerTag {
  if (typeof value === 'string') return { key, type: 'string', value };
  if (typeof value === 'boolean') return { key, type: 'bool', value };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { key, type: 'int64', value };
    // JSON has no NaN or Infinity; Jaeger's own encoder writes them as text as well.
    return Number.isFinite(value)
      ? { key, type: 'float64', value }
      : { key, type: 'string', value: String(value) };
  }
  return { key, type: 'string', value: JSON.stringify(value) };
}

function tagsOf(attrs: Readonly<Record<string, AttrValue>>): JaegerTag[] {
  return Object.entries(attrs).map(([key, value]) => tag(key, value));
}

function logOf(event: SpanEventRecord): JaegerLog {
  return {
    timestamp: micros(event.timeUnixNano),
    fields: [{ key: 'event', type: 'string', value: event.name }, ...tagsOf(event.attributes)],
  };
}

function spanToJaeger(r: SpanRecord, processID: string): JaegerSpan {
  const tags = tagsOf(r.attributes);
  tags.push({ key: TAG.kind, type: 'string', value: r.kind });
  if (r.scope) {
    tags.push({ key: TAG.scope, type: 'string', value: r.scope });
    tags.push({ key: TAG.library, type: 'string', value: r.scope });
  }
  if (r.status.code !== 0) {
    tags.push({ key: TAG.statusCode, type: 'string', value: r.status.code === 2 ? 'ERROR' : 'OK' });
  }
  if (r.status.message) {
    tags.push({ key: TAG.statusDescription, type: 'string', value: r.status.message });
  }
  if (r.status.code === 2) tags.push({ key: TAG.error, type: 'bool', value: true });
  if (r.endTimeUnixNano === undefined) tags.push({ key: TAG.running, type: 'bool', value: true });
  const start = micros(r.startTimeUnixNano);
  const end = r.endTimeUnixNano === undefined ? start : micros(r.endTimeUnixNano);
  return {
    traceID: r.traceId,
    spanID: r.spanId,
    operationName: r.name,
    references: r.parentSpanId
      ? [{ refType: 'CHILD_OF', traceID: r.traceId, spanID: r.parentSpanId }]
      : [],
    flags: 1,
    startTime: start,
    duration: Math.max(0, end - start),
    tags,
    logs: r.events.map(logOf),
    processID,
    warnings: null,
  };
}

/**
 * Encodes records as a Jaeger UI JSON file: one trace per trace id (in order of first
 * appearance), processes `p1`, `p2`, ... one per service. A process's tags are its resource's
 * attributes but `service.name` (which is the `serviceName`), as Jaeger's own OTLP translator
 * writes them (`telemetry.sdk.*`, `service.version`, …); none when `resources` does not know
 * the service.
 * @example
 * await writeFile('trace.jaeger.json', JSON.stringify(toJaegerJson(session.records())));
 */
export function toJaegerJson(
  records: readonly SpanRecord[],
  resources: ResourceTable = new Map()
): JaegerFile {
  const traces = new Map<string, SpanRecord[]>();
  for (const record of records) {
    let spans = traces.get(record.traceId);
    if (!spans) {
      spans = [];
      traces.set(record.traceId, spans);
    }
    spans.push(record);
  }
  const data: JaegerTrace[] = [];
  for (const [traceID, spans] of traces) {
    const processIds = new Map<string, string>();
    const processes: Record<string, JaegerProcess> = {};
    const jaegerSpans = spans.map((span) => {
      let id = processIds.get(span.service);
      if (!id) {
        id = `p${processIds.size + 1}`;
        processIds.set(span.service, id);
        const attrs = resources.get(span.service) ?? {};
        processes[id] = {
          serviceName: span.service,
          tags: tagsOf(attrs).filter((t) => t.key !== 'service.name'),
        };
      }
      return spanToJaeger(span, id);
    });
    data.push({ traceID, spans: jaegerSpans, processes, warnings: null });
  }
  return { data, total: 0, limit: 0, offset: 0, errors: null };
}

// ---------------------------------------------------------------------------------------------
// Reading.

function micro(value: unknown, path: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  return formatError(path, `expected microseconds as an integer, got ${describeValue(value)}`);
}

function tagValue(value: unknown, path: string): AttrValue {
  const t = expectObject(value, path);
  if (typeof t.key !== 'string') {
    formatError(`${path}.key`, `expected a string, got ${describeValue(t.key)}`);
  }
  const v = t.value;
  const at = `${path}.value`;
  switch (t.type) {
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return formatError(at, `expected true or false, got ${describeValue(v)}`);
    case 'int64':
    case 'float64': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && !Number.isNaN(n)) return n;
      return formatError(at, `expected a number, got ${describeValue(v)}`);
    }
    case 'string':
    case 'binary':
      if (typeof v === 'string') return v;
      return formatError(at, `expected a string, got ${describeValue(v)}`);
    case undefined:
    case null:
      // Untyped tags (hand-written files): take the JSON type.
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return formatError(at, `expected a string, number or boolean, got ${describeValue(v)}`);
    default:
      return formatError(
        `${path}.type`,
        `expected string, bool, int64, float64 or binary, got ${describeValue(t.type)}`
      );
  }
}

function tagMap(value: unknown, path: string): Map<string, AttrValue> {
  const out = new Map<string, AttrValue>();
  optionalArray(value, path).forEach((item, i) => {
    const v = tagValue(item, `${path}[${i}]`);
    out.set((item as { key: string }).key, v);
  });
  return out;
}

const KINDS: ReadonlySet<string> = new Set([
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
]);

function parseLog(value: unknown, path: string): SpanEventRecord {
  const log = expectObject(value, path);
  const time = micro(log.timestamp, `${path}.timestamp`);
  let name: string | undefined;
  const attributes: Record<string, AttrValue> = {};
  optionalArray(log.fields, `${path}.fields`).forEach((item, i) => {
    const v = tagValue(item, `${path}.fields[${i}]`);
    const key = (item as { key: string }).key;
    // The first `event` field is the name; anything else is an attribute.
    if (key === 'event' && name === undefined) name = String(v);
    else setOwn(attributes, key, v);
  });
  return { name: name ?? 'log', timeUnixNano: (time * 1000n).toString(), attributes };
}

function parseSpan(
  value: unknown,
  path: string,
  traceID: string,
  processes: Map<string, string>
): SpanRecord {
  const s = expectObject(value, path);
  const spanTrace =
    s.traceID === undefined ? traceID : hexId(s.traceID, 32, `${path}.traceID`, true);
  const spanId = hexId(s.spanID, 16, `${path}.spanID`);
  let parent: string | undefined;
  let follows: string | undefined;
  optionalArray(s.references, `${path}.references`).forEach((item, i) => {
    const at = `${path}.references[${i}]`;
    const ref = expectObject(item, at);
    const refTrace = hexId(ref.traceID, 32, `${at}.traceID`, true);
    const refSpan = hexId(ref.spanID, 16, `${at}.spanID`);
    if (refTrace !== spanTrace) return; // a link to another trace, not a parent
    if (ref.refType === 'CHILD_OF') parent ??= refSpan;
    else if (ref.refType === 'FOLLOWS_FROM') follows ??= refSpan;
    else
      formatError(
        `${at}.refType`,
        `expected CHILD_OF or FOLLOWS_FROM, got ${describeValue(ref.refType)}`
      );
  });
  // Older Jaeger JSON has a plain `parentSpanID`.
  if (parent === undefined && follows === undefined && s.parentSpanID) {
    parent = hexId(s.parentSpanID, 16, `${path}.parentSpanID`);
  }
  const parentSpanId = parent ?? follows;

  let service: string | undefined;
  if (s.processID !== undefined && s.processID !== null) {
    const id = optionalString(s.processID, `${path}.processID`);
    service = processes.get(id);
    if (service === undefined)
      formatError(`${path}.processID`, `no process ${JSON.stringify(id)} in processes`);
  } else if (isObject(s.process)) {
    service = optionalString(s.process.serviceName, `${path}.process.serviceName`);
  } else {
    formatError(`${path}.processID`, 'missing');
  }

  const start = micro(s.startTime, `${path}.startTime`);
  const duration = s.duration === undefined ? 0n : micro(s.duration, `${path}.duration`);
  const tags = tagMap(s.tags, `${path}.tags`);
  const kindTag = tags.get(TAG.kind);
  const kind: SpanKindName =
    typeof kindTag === 'string' && KINDS.has(kindTag.toLowerCase())
      ? (kindTag.toLowerCase() as SpanKindName)
      : 'internal';
  const scopeTag = tags.get(TAG.scope) ?? tags.get(TAG.library);
  const statusTag = tags.get(TAG.statusCode);
  const errorTag = tags.get(TAG.error);
  const code: 0 | 1 | 2 =
    statusTag === 'ERROR'
      ? 2
      : statusTag === 'OK'
        ? 1
        : errorTag === true || errorTag === 'true'
          ? 2
          : 0;
  const description = tags.get(TAG.statusDescription);
  const running = tags.get(TAG.running) === true;
  const attributes: Record<string, AttrValue> = {};
  for (const [key, v] of tags) if (!SPECIAL_TAGS.has(key)) setOwn(attributes, key, v);

  return {
    traceId: spanTrace,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: optionalString(s.operationName, `${path}.operationName`),
    kind,
    service: service || 'unknown_service',
    scope: typeof scopeTag === 'string' ? scopeTag : '',
    startTimeUnixNano: (start * 1000n).toString(),
    ...(running ? {} : { endTimeUnixNano: ((start + duration) * 1000n).toString() }),
    attributes,
    events: optionalArray(s.logs, `${path}.logs`).map((l, i) => parseLog(l, `${path}.logs[${i}]`)),
    status: {
      code,
      ...(typeof description === 'string' && description ? { message: description } : {}),
    },
  };
}

function parseTrace(value: unknown, path: string): SpanRecord[] {
  const t = expectObject(value, path);
  const traceID = hexId(t.traceID, 32, `${path}.traceID`, true);
  if (t.processes === undefined || t.processes === null)
    formatError(`${path}.processes`, 'missing');
  const processes = new Map<string, string>();
  for (const [id, p] of Object.entries(expectObject(t.processes, `${path}.processes`))) {
    const at = `${path}.processes.${id}`;
    processes.set(id, optionalString(expectObject(p, at).serviceName, `${at}.serviceName`));
  }
  return optionalArray(t.spans, `${path}.spans`).map((s, i) =>
    parseSpan(s, `${path}.spans[${i}]`, traceID, processes)
  );
}

/**
 * Decodes Jaeger JSON as Jaeger UI's Upload accepts it: `{"data":[trace...]}`, `{"data":trace}`,
 * `[trace...]` or one bare trace.
 * @throws TraceFormatError naming the path of the first bad field (`data[0].spans[2].spanID: ...`)
 */
export function fromJaegerJson(body: unknown): SpanRecord[] {
  if (Array.isArray(body)) return body.flatMap((t, i) => parseTrace(t, `[${i}]`));
  if (!isObject(body)) {
    return formatError('', `expected Jaeger JSON ({"data":[...]}), got ${describeValue(body)}`);
  }
  if ('data' in body) {
    if (Array.isArray(body.data)) return body.data.flatMap((t, i) => parseTrace(t, `data[${i}]`));
    return parseTrace(body.data, 'data');
  }
  if ('traceID' in body) return parseTrace(body, '');
  return formatError('data', 'missing; expected Jaeger JSON ({"data":[trace...]})');
}
