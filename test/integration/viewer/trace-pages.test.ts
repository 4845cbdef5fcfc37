// GET /api/traces/:traceId/records in pages: the page asks for a huge trace's first rows first.
import { afterEach, describe, expect, it } from 'vitest';
import { SpanBus } from '../../../src/telemetry/span-bus.js';
import type { SpanRecord } from '../../../src/telemetry/types.js';
import { createViewerApp, type ViewerApp } from '../../../src/viewer/app.js';
import { span, traceId } from '../../unit/viewer/spans.js';

const opened: ViewerApp[] = [];
afterEach(async () => {
  for (const v of opened.splice(0)) await v.close();
});

function viewer(): ViewerApp {
  const v = createViewerApp({ bus: new SpanBus(), scenarios: () => [] });
  opened.push(v);
  return v;
}

/** `n` spans under one root, arriving in reverse start order. */
function trace(t: string, n: number): SpanRecord[] {
  const out = [span(t, { id: 'root', name: 'root', start: 0, end: 10 * n })];
  for (let i = 1; i < n; i++)
    out.push(span(t, { id: i, name: `s${i}`, parent: 'root', start: i, end: i + 1 }));
  return out.reverse();
}

async function page(v: ViewerApp, t: string, query: string) {
  const res = await v.app.request(`/api/traces/${t}/records${query}`);
  return { res, records: res.ok ? ((await res.json()) as SpanRecord[]) : [] };
}

describe('GET /api/traces/:traceId/records', () => {
  it('answers pages in start order that add up to the whole trace, with its span count', async () => {
    const v = viewer();
    const t = traceId();
    v.ingest(trace(t, 25), 'file');
    const { records: whole } = await page(v, t, '');
    expect(whole).toHaveLength(25);
    const first = await page(v, t, '?from=0&limit=10');
    expect(first.res.headers.get('x-novatrace-total')).toBe('25');
    expect(first.records.map((r) => r.name)).toEqual(whole.slice(0, 10).map((r) => r.name));
    expect(first.records[0]?.name).toBe('root');
    const second = await page(v, t, '?from=10&limit=10');
    const rest = await page(v, t, '?from=20');
    expect(rest.records).toHaveLength(5);
    expect([...first.records, ...second.records, ...rest.records].map((r) => r.spanId)).toEqual(
      whole.map((r) => r.spanId)
    );
    expect((await page(v, t, '?from=30&limit=10')).records).toEqual([]);
  });

  it('refuses a range that is not whole numbers, and an unknown trace with 404', async () => {
    const v = viewer();
    const t = traceId();
    v.ingest(trace(t, 3), 'file');
    expect((await page(v, t, '?from=-1')).res.status).toBe(400);
    expect((await page(v, t, '?limit=1e3')).res.status).toBe(400);
    expect((await page(v, traceId(), '?from=0&limit=10')).res.status).toBe(404);
  });
});
