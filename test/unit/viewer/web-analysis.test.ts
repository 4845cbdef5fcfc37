// The analysis modules of the page, on hand-built trees and on the recorded scenario traces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../../src/telemetry/trace-file.js';
import { connectionLanes } from '../../../web/conn-lanes.js';
import { criticalPath } from '../../../web/critical-path.js';
import { Finder, findMatches, NO_FILTERS, openAncestors, stepMatch } from '../../../web/find.js';
import { buildTree, TraceModel, type TraceTree } from '../../../web/model.js';
import { selfTimeMs } from '../../../web/self-time.js';
import { compareSummaries, SUMMARY_ROWS, traceStatistics } from '../../../web/trace-stats.js';
import { wireView } from '../../../web/wire-model.js';
import { axisTicks, labelWidth, panRange, rangeOfDrag, zoomRange } from '../../../web/zoom.js';
import { span, traceId } from './spans.js';

const TRACES = join(import.meta.dirname, '..', '..', '..', 'traces');
function scenario(name: string): TraceTree {
  return buildTree(readTraceFile(readFileSync(join(TRACES, `${name}.json`), 'utf8')));
}

describe('selfTimeMs', () => {
  it('takes the union of overlapping, unsorted children off the duration', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, { id: 'p', name: 'p', start: 0, end: 10 }),
      span(t, { id: 'c', parent: 'p', name: 'c', start: 4, end: 8 }),
      span(t, { id: 'a', parent: 'p', name: 'a', start: 2, end: 5 }),
      span(t, { id: 'z', parent: 'p', name: 'z', start: 9, end: 12 }),
    ]);
    const p = tree.roots[0]!;
    // [2,8] merged, [9,10] clipped: 10 - 6 - 1 = 3
    expect(selfTimeMs(p)).toBeCloseTo(3, 9);
    expect(selfTimeMs(p.children[0]!)).toBeCloseTo(3, 9);
  });

  it('takes the span own paused time off, not the pauses inside its children', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, { id: 'p', name: 'p', start: 0, end: 10, attributes: { 'novatrace.paused_ms': 5 } }),
      span(t, {
        id: 'c',
        parent: 'p',
        name: 'c',
        start: 2,
        end: 6,
        attributes: { 'novatrace.paused_ms': 3 },
      }),
    ]);
    expect(selfTimeMs(tree.roots[0]!)).toBeCloseTo(6 - 2, 9);
  });
});

describe('criticalPath', () => {
  it('walks back from the root end through the last-finishing child', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, { id: 'r', name: 'r', start: 0, end: 10 }),
      span(t, { id: 'a', parent: 'r', name: 'a', start: 1, end: 4 }),
      span(t, { id: 'b', parent: 'r', name: 'b', start: 3, end: 9 }),
      span(t, { id: 'b1', parent: 'b', name: 'b1', start: 5, end: 7 }),
    ]);
    const path = criticalPath(tree);
    expect(path.segments.map((s) => [s.node.span.name, s.startMs, s.endMs])).toEqual([
      ['r', 0, 1],
      ['a', 1, 3],
      ['b', 3, 5],
      ['b1', 5, 7],
      ['b', 7, 9],
      ['r', 9, 10],
    ]);
  });
});

describe('find', () => {
  it('counts _get_conn spans as the trace file has them, and narrows while typing', () => {
    for (const [name, n] of [
      ['happy', 3],
      ['warm-pool', 5],
      ['dropped-connection', 5],
    ] as const) {
      const tree = scenario(name);
      expect(findMatches(tree, '_GET_CONN').length).toBe(n);
      const finder = new Finder();
      finder.run(tree, '_get');
      expect(finder.run(tree, '_get_conn')).toHaveLength(n);
    }
  });

  it('matches attribute values and event names, filters by layer and errors', () => {
    const tree = scenario('dropped-connection');
    expect(findMatches(tree, 'resetting dropped').length).toBe(1);
    expect(findMatches(tree, '', { layers: new Set(['wire']), errorsOnly: false })).toHaveLength(5);
    expect(findMatches(tree, 'put', { layers: new Set(['cloud']), errorsOnly: false }).length).toBe(
      2
    );
    expect(findMatches(tree, '', NO_FILTERS)).toEqual([]);
    expect(
      findMatches(scenario('server-not-found'), '', { layers: new Set(), errorsOnly: true }).length
    ).toBeGreaterThan(0);
  });

  it('never matches across two fields or two spans, and keeps positions past İ', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, { id: 'r', name: 'İstanbul', start: 0, end: 10, attributes: { k: 'ab' } }),
      span(t, { id: 'c', parent: 'r', name: 'cd', start: 1, end: 2, attributes: { x: 'İİ z' } }),
    ]);
    expect(findMatches(tree, 'bcd')).toEqual([]);
    expect(findMatches(tree, 'kab')).toEqual([]);
    expect(findMatches(tree, 'ab').map((n) => n.id)).toEqual([tree.roots[0]!.id]);
    expect(findMatches(tree, ' z').map((n) => n.span.name)).toEqual(['cd']);
    expect(findMatches(tree, 'cd').map((n) => n.span.name)).toEqual(['cd']);
  });

  it('sees what a live span says once it ends, even while narrowing', () => {
    const t = traceId();
    const model = new TraceModel(t, [
      span(t, { id: 'r', name: 'root', start: 0 }),
      span(t, { id: 'c', parent: 'r', name: 'child one', start: 1, end: 2 }),
    ]);
    const finder = new Finder();
    expect(finder.run(model.tree(), 'o')).toHaveLength(2);
    expect(finder.run(model.tree(), 'on')).toHaveLength(1);
    // The root ends and now carries an attribute that matches: same tree shape, new record.
    model.put(span(t, { id: 'r', name: 'root', start: 0, end: 5, attributes: { a: 'won' } }));
    expect(finder.run(model.tree(), 'on').map((n) => n.span.name)).toEqual(['root', 'child one']);
    expect(finder.run(model.tree(), 'won').map((n) => n.span.name)).toEqual(['root']);
  });

  it('opens collapsed ancestors and steps through matches, wrapping', () => {
    const tree = scenario('happy');
    const collapsed = new Set(tree.roots.map((r) => r.id));
    expect(openAncestors(findMatches(tree, 'PUT'), collapsed)).toBe(1);
    expect(stepMatch(3, 2)).toBe(0);
    expect(stepMatch(3, 0, true)).toBe(2);
    expect(stepMatch(0, 0)).toBe(-1);
  });
});

describe('traceStatistics', () => {
  it('says what each reference trace says', () => {
    const summary = (name: string) => traceStatistics(scenario(name)).summary;
    expect(summary('happy')).toMatchObject({
      httpRequests: 3,
      connectionsOpened: 3,
      connectionsReused: 0,
      connectionsReset: 0,
      authentications: 1,
    });
    expect(summary('warm-pool')).toMatchObject({
      httpRequests: 5,
      connectionsOpened: 1,
      connectionsReused: 4,
      connectionsReset: 0,
    });
    expect(summary('dropped-connection')).toMatchObject({
      httpRequests: 5,
      connectionsOpened: 2,
      connectionsReused: 3,
      connectionsReset: 1,
    });
    expect(summary('redirect').redirects).toBeGreaterThan(0);
    expect(SUMMARY_ROWS.map(([, label]) => label)).toEqual([
      'HTTP requests',
      'connections opened',
      'connections reused',
      'connections reset',
      'authentications',
      'retries',
      'redirects',
    ]);
  });

  it('shares self time out so the rows add up to the whole', () => {
    const stats = traceStatistics(scenario('happy'));
    const sum = stats.byLayer.reduce((s, r) => s + r.share, 0);
    expect(sum).toBeCloseTo(1, 9);
    expect(stats.byName.find((r) => r.key === 'HTTPConnectionPool._get_conn')?.count).toBe(3);
  });

  it('compares two summaries in one sentence', () => {
    const a = traceStatistics(scenario('happy')).summary;
    const b = traceStatistics(scenario('warm-pool')).summary;
    expect(compareSummaries(a, b)).toContain('connections opened: A 3, B 1');
  });
});

describe('connectionLanes', () => {
  it('puts warm-pool on one lane, the second request reused, with the pool state', () => {
    const lanes = connectionLanes(scenario('warm-pool'));
    expect(lanes).toHaveLength(1);
    expect(lanes[0]!.exchanges.map((x) => x.use)).toEqual([
      'opened',
      'reused',
      'reused',
      'reused',
      'reused',
    ]);
    expect(lanes[0]!.exchanges[1]!.pool).toMatchObject({ idle: 1, maxsize: 10, block: false });
  });

  it('marks the dropped connection reset and opens a second lane', () => {
    const lanes = connectionLanes(scenario('dropped-connection'));
    expect(lanes).toHaveLength(2);
    expect(lanes[0]!.marks.map((m) => m.kind)).toContain('reset');
    expect(lanes[1]!.exchanges[0]!.use).toBe('opened');
  });

  it('tells connections apart by local port alone in a foreign trace', () => {
    const t = traceId();
    const wire = (id: string, start: number, port: number) =>
      span(t, {
        id,
        name: 'GET',
        start,
        end: start + 1,
        kind: 'client',
        attributes: { 'network.local.port': port, 'server.address': 'h', 'server.port': 80 },
      });
    const lanes = connectionLanes(
      buildTree([wire('a', 0, 1000), wire('b', 2, 1000), wire('c', 3, 1001)])
    );
    expect(lanes.map((l) => l.exchanges.map((x) => x.use))).toEqual([
      ['opened', 'reused'],
      ['opened'],
    ]);
  });
});

describe('wireView', () => {
  it('shows the request line, headers and timing phases of a wire span', () => {
    const tree = scenario('happy');
    const put = [...tree.byId.values()].find(
      (n) => n.span.kind === 'client' && n.span.name === 'PUT'
    )!;
    const view = wireView(tree, put);
    expect(view.requestLine).toMatch(/^PUT \/v2\.1\/servers\/.+ HTTP\/1\.1$/);
    expect(view.requestHeaders.some((h) => h.name === 'host')).toBe(true);
    // happy opens a connection for every request, so the PUT has a connect phase.
    expect(view.phases.map((p) => p.name)).toEqual(['connect', 'request sent', 'waiting', 'body']);
  });

  it('hides secret header values a foreign trace did not redact', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, {
        id: 'w',
        name: 'GET',
        start: 0,
        end: 1,
        kind: 'client',
        attributes: {
          'http.request.header.x-auth-token': ['secret'],
          'http.response.status_code': 200,
        },
      }),
    ]);
    const view = wireView(tree, tree.roots[0]!);
    expect(view.requestHeaders).toEqual([{ name: 'x-auth-token', value: '{redacted}' }]);
    expect(view.statusLine).toBe('HTTP/1.1 200');
    expect(view.missing).toEqual([
      'requestHeaders',
      'responseHeaders',
      'statusLine',
      'bodies',
      'timing',
    ]);
  });

  it('reads the wire record: heads in order, status line, bodies, body phase up to body done', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, {
        id: 'w',
        name: 'POST',
        start: 0,
        end: 10,
        kind: 'client',
        attributes: {
          'http.response.status_code': 201,
          'novatrace.wire.request_headers': 'host: h\nX-Auth-Token: {SHA1}ab\ncontent-length: 2',
          'novatrace.wire.response_headers': 'Content-Type: application/json\nX-Subject-Token: raw',
          'novatrace.wire.status_line': 'HTTP/1.1 201 Created',
          'novatrace.wire.request_body_preview': '{}',
          'http.request.body.size': 2,
        },
        events: [
          { name: 'headers sent', at: 1 },
          { name: 'body sent', at: 2 },
          { name: 'response headers', at: 6 },
          { name: 'response body done', at: 7 },
        ],
      }),
    ]);
    const view = wireView(tree, tree.roots[0]!);
    expect(view.requestHeaders.map((x) => x.name)).toEqual([
      'host',
      'X-Auth-Token',
      'content-length',
    ]);
    expect(view.responseHeaders[1]).toEqual({ name: 'X-Subject-Token', value: '{redacted}' });
    expect(view.statusLine).toBe('HTTP/1.1 201 Created');
    expect(view.source).toBe('wire');
    const body = view.phases.find((p) => p.name === 'body')!;
    expect(body.endMs - body.startMs).toBeCloseTo(1, 6);
    // The response body was not previewed or sized: still arriving when the span ended.
    expect(view.missing).toEqual(['responseBody']);
  });
});

describe('zoom', () => {
  it('re-ticks a zoomed range with labels that never overlap', () => {
    for (const range of [
      { startMs: 0, endMs: 267.1 },
      { startMs: 10.2, endMs: 10.9 },
      { startMs: 0.0011, endMs: 0.0019 },
      { startMs: 1000, endMs: 61_000 },
    ]) {
      for (const width of [200, 600, 1000]) {
        const ticks = axisTicks(range, width);
        expect(ticks.length).toBeGreaterThan(0);
        for (let i = 1; i < ticks.length; i++) {
          const prev = ticks[i - 1]!;
          const gap = (ticks[i]!.at - prev.at) * width;
          expect(gap).toBeGreaterThanOrEqual(labelWidth(prev.label) - 1e-6);
        }
      }
    }
  });

  it('zooms around a point, pans and drags inside the extent', () => {
    const z = zoomRange({ startMs: 0, endMs: 100 }, 0.5, 100, 0.5);
    expect(z).toEqual({ startMs: 25, endMs: 75 });
    expect(panRange(z, 1, 100)).toEqual({ startMs: 50, endMs: 100 });
    expect(rangeOfDrag(0.9, 0.1, 100)).toEqual({ startMs: 10, endMs: 90 });
  });
});
