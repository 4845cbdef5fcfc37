/**
 * The viewer against hostile input (issue 14), through its routes: every trace the store
 * accepts (chains, stars, orphans, cycles, up to the per-trace cap) can be fetched and exported;
 * bodies that would build millions of objects or nest 50,000 deep are refused with the limit
 * named; valid traces sent meanwhile are stored and the server keeps answering.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toOtlpJson } from '../../../src/telemetry/otlp-json.js';
import { SpanBus } from '../../../src/telemetry/span-bus.js';
import type { SpanRecord } from '../../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp } from '../../../src/viewer/app.js';
import { DEFAULT_MAX_SPANS_PER_TRACE } from '../../../src/viewer/span-limits.js';
import { span, traceId } from '../../unit/viewer/spans.js';
import { emptySpansProto } from '../../helpers/otlp-proto-bytes.js';

const opened: ViewerApp[] = [];
afterEach(async () => {
  for (const v of opened.splice(0)) await v.close();
});

function viewer(): ViewerApp {
  const v = createViewerApp({ bus: new SpanBus() });
  opened.push(v);
  return v;
}

function post(v: ViewerApp, path: string, body: string | Uint8Array, type = 'application/json') {
  return v.app.request(path, {
    method: 'POST',
    headers: { 'content-type': type, origin: 'http://localhost' },
    body: body as BodyInit,
  });
}

const BASE = 1_795_000_000_000_000_000n;
const hexId = (i: number) => (i + 1).toString(16).padStart(16, '0');

/** A bare span with a hex id from `i` and the parent id from `parent` (undefined: a root). */
function bare(trace: string, i: number, parent: number | undefined): SpanRecord {
  const start = (BASE + BigInt(i) * 1000n).toString();
  return {
    traceId: trace,
    spanId: hexId(i),
    ...(parent === undefined ? {} : { parentSpanId: hexId(parent) }),
    name: 's',
    kind: 'internal',
    service: 'svc',
    scope: 'scope',
    startTimeUnixNano: start,
    endTimeUnixNano: start,
    attributes: {},
    events: [],
    status: { code: 0 },
  };
}

type Shape = (trace: string, n: number) => SpanRecord[];
const SHAPES: Record<string, Shape> = {
  chain: (t, n) => Array.from({ length: n }, (_, i) => bare(t, i, i === 0 ? undefined : i - 1)),
  star: (t, n) => Array.from({ length: n }, (_, i) => bare(t, i, i === 0 ? undefined : 0)),
  // Every parent is missing from the trace.
  orphans: (t, n) => Array.from({ length: n }, (_, i) => bare(t, i, n + i)),
  // A ring: each span's parent is the next one, the last one's is the first; and a self-parent.
  cycle: (t, n) => Array.from({ length: n }, (_, i) => bare(t, i, i === n - 1 ? 0 : i + 1)),
  self: (t, n) => Array.from({ length: n }, (_, i) => bare(t, i, i)),
};

async function expectExports(v: ViewerApp, trace: string, n: number): Promise<void> {
  const otlp = await v.app.request(`/api/traces/${trace}`);
  expect(otlp.status).toBe(200);
  const body = (await otlp.json()) as {
    resourceSpans: { scopeSpans: { spans: unknown[] }[] }[];
  };
  expect(body.resourceSpans[0]!.scopeSpans[0]!.spans).toHaveLength(n);
  const jaeger = await v.app.request(`/api/traces/${trace}/jaeger`);
  expect(jaeger.status).toBe(200);
  const j = (await jaeger.json()) as { data: { spans: unknown[] }[] };
  expect(j.data[0]!.spans).toHaveLength(n);
  const list = (await (await v.app.request('/api/traces')).json()) as { traceId: string }[];
  expect(list.map((s) => s.traceId)).toContain(trace);
}

describe('every trace the store accepts can be fetched and exported', () => {
  it.each(Object.keys(SHAPES))('%s of 3,000 spans', async (shape) => {
    const v = viewer();
    const t = traceId();
    v.ingest(SHAPES[shape]!(t, 3_000), 'otlp');
    await expectExports(v, t, 3_000);
  });

  it(`a parent chain at the per-trace cap (${DEFAULT_MAX_SPANS_PER_TRACE} spans)`, async () => {
    const v = viewer();
    const t = traceId();
    const put = v.store.putMany(SHAPES.chain!(t, DEFAULT_MAX_SPANS_PER_TRACE + 5), 'otlp');
    expect(put.refused).toBe(5);
    await expectExports(v, t, DEFAULT_MAX_SPANS_PER_TRACE);
  }, 120_000);
});

/** A valid one-span trace, as OTLP/JSON. */
function validBody(): { trace: string; body: string } {
  const trace = traceId();
  return {
    trace,
    body: JSON.stringify(toOtlpJson([span(trace, { id: 1, name: 'ok', start: 0, end: 1 })])),
  };
}

/** Sends `hostile`, and meanwhile a valid trace and a /healthz; checks all three answers. */
async function underAttack(
  v: ViewerApp,
  hostile: () => Response | Promise<Response>,
  status: number,
  message: RegExp
): Promise<void> {
  const valid = validBody();
  const [bad, good, health] = await Promise.all([
    hostile(),
    post(v, '/v1/traces', valid.body),
    v.app.request('/healthz'),
  ]);
  expect(bad.status).toBe(status);
  expect(await bad.text()).toMatch(message);
  expect(good.status).toBe(200);
  expect(health.status).toBe(200);
  expect(v.store.has(valid.trace)).toBe(true);
  expect((await v.app.request('/healthz')).status).toBe(200);
}

describe('hostile bodies are refused with the limit named, and the server keeps answering', () => {
  it('1.9 million empty protobuf spans (3.8 MB): 413 maxSpans', async () => {
    const v = viewer();
    const body = emptySpansProto(1_900_000);
    expect(body.length).toBeGreaterThan(3_800_000);
    await underAttack(
      v,
      () => post(v, '/v1/traces', body, 'application/x-protobuf'),
      413,
      /maxSpans/
    );
  });

  it('a small protobuf body of empty spans: a 400 from the converter, nothing stored', async () => {
    const v = viewer();
    await underAttack(
      v,
      () => post(v, '/v1/traces', emptySpansProto(1_000), 'application/x-protobuf'),
      400,
      /traceId/
    );
    expect(v.store.traceCount).toBe(1);
  });

  it('a file of 2 million {} spans: 413 maxSpans before parsing', async () => {
    const v = viewer();
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat(2_000_000)}{}]}]}]}`;
    await underAttack(v, () => post(v, '/api/traces', body), 413, /maxSpans/);
  });

  it('50,000 nested brackets: 400 maxDepth on /v1/traces and /api/traces', async () => {
    const v = viewer();
    const deep = `{"resourceSpans":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    await underAttack(v, () => post(v, '/v1/traces', deep), 400, /maxDepth/);
    await underAttack(v, () => post(v, '/api/traces', deep), 400, /maxDepth/);
  });

  it('a million empty attributes in one span: 413 maxItems', async () => {
    const v = viewer();
    const t = traceId();
    const one = toOtlpJson([span(t, { id: 1, name: 'x', start: 0, end: 1 })]);
    const text = JSON.stringify(one).replace(
      '"attributes":[]',
      `"attributes":[${'{},'.repeat(1_000_000)}{}]`
    );
    await underAttack(v, () => post(v, '/v1/traces', text), 413, /maxItems|maxContainers/);
    expect(v.store.has(t)).toBe(false);
  });
});
