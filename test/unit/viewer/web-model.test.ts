import { describe, expect, it } from 'vitest';
import { compareTrees, lcsPairs } from '../../../web/compare-model.js';
import { formatDelta, formatMs } from '../../../web/format.js';
import { highlight } from '../../../web/highlight.js';
import {
  buildTree,
  collapseOneLevel,
  errorOf,
  expandOneLevel,
  flatten,
  laneOf,
  parentsOf,
  TraceModel,
} from '../../../web/model.js';
import { readHash, writeHash } from '../../../web/permalink.js';
import { niceStep } from '../../../web/tree-view.js';
import { seedTrace, span, spanId, traceId } from './spans.js';

describe('buildTree', () => {
  it('nests spans under their parents, children by start time', () => {
    const t = traceId();
    const tree = buildTree(seedTrace(t).reverse());
    expect(tree.roots.map((r) => r.span.name)).toEqual(['nova volume-update']);
    const cs = tree.roots[0]?.children[0];
    expect(cs?.children.map((c) => c.span.name)).toEqual([
      'HTTPClient.authenticate',
      'HTTPConnectionPool.urlopen',
    ]);
    expect(tree.byId.get(spanId('put'))?.depth).toBe(3);
    expect(tree.endMs).toBeCloseTo(20);
  });

  it('shows a child that arrives before its parent at the top, then under the parent once it comes', () => {
    const t = traceId();
    const model = new TraceModel(t);
    const [root, cs] = seedTrace(t);
    model.put(cs!);
    let tree = model.tree();
    expect(tree.roots.map((r) => [r.span.name, r.orphan])).toEqual([
      ['HTTPClient._cs_request', true],
    ]);
    model.put(root!);
    tree = model.tree();
    expect(tree.roots.map((r) => r.span.name)).toEqual(['nova volume-update']);
    expect(tree.byId.get(cs!.spanId)?.parent?.span.name).toBe('nova volume-update');
    expect(tree.byId.get(cs!.spanId)?.orphan).toBe(false);
  });

  it('survives a parent cycle in malformed input', () => {
    const t = traceId();
    const tree = buildTree([
      span(t, { id: 'a', parent: 'b', name: 'a', start: 0, end: 1 }),
      span(t, { id: 'b', parent: 'a', name: 'b', start: 0, end: 1 }),
    ]);
    expect(tree.roots.length).toBeGreaterThan(0);
    expect(flatten(tree, new Set())).toHaveLength(2);
  });

  it('keeps a finished span when a late start event for it arrives', () => {
    const t = traceId();
    const model = new TraceModel(t, [span(t, { id: 'a', name: 'a', start: 0, end: 3 })]);
    expect(model.put(span(t, { id: 'a', name: 'a', start: 0 }))).toBe(false);
    expect(model.tree().running).toBe(0);
  });
});

describe('flatten and collapse', () => {
  const t = traceId();
  const tree = buildTree(seedTrace(t));

  it('hides the children of collapsed spans', () => {
    expect(flatten(tree, new Set())).toHaveLength(6);
    expect(flatten(tree, new Set([spanId('cs')])).map((r) => r.node.span.name)).toEqual([
      'nova volume-update',
      'HTTPClient._cs_request',
    ]);
    expect(flatten(tree, new Set(parentsOf(tree)))).toHaveLength(1);
  });

  it('opens and closes one level at a time', () => {
    const collapsed = new Set(parentsOf(tree));
    expandOneLevel(flatten(tree, collapsed), collapsed);
    expect(flatten(tree, collapsed)).toHaveLength(2);
    expandOneLevel(flatten(tree, collapsed), collapsed);
    expect(flatten(tree, collapsed)).toHaveLength(4);
    collapseOneLevel(flatten(tree, collapsed), collapsed);
    expect(flatten(tree, collapsed)).toHaveLength(2);
  });
});

describe('laneOf and errorOf', () => {
  it('puts spans in lanes by layer, wire and cloud', () => {
    const t = traceId();
    expect(
      laneOf(span(t, { id: 1, name: 'x', start: 0, attributes: { 'novatrace.layer': 'requests' } }))
    ).toBe('requests');
    expect(laneOf(span(t, { id: 2, name: 'PUT', start: 0, kind: 'client' }))).toBe('wire');
    expect(laneOf(span(t, { id: 3, name: 'PUT', start: 0, kind: 'server' }))).toBe('cloud');
    expect(laneOf(span(t, { id: 4, name: 'other', start: 0 }))).toBe('other');
  });

  it('reads the Python class and message of the exception event', () => {
    const [, cs] = seedTrace(traceId(), { error: true });
    expect(errorOf(cs!)).toEqual({
      type: 'novaclient.exceptions.Unauthorized',
      message: 'Unauthorized (HTTP 401)',
    });
  });
});

describe('compareTrees', () => {
  it('finds the spans only the cold run has and the decisions that differ', () => {
    const cold = buildTree(seedTrace(traceId()));
    const warm = buildTree(seedTrace(traceId(), { warm: true }));
    const result = compareTrees(cold, warm);
    expect(result.onlyA).toBe(1);
    expect(result.onlyB).toBe(0);
    const auth = result.rows.find((r) => r.kind === 'only-a');
    expect(auth?.a?.span.name).toBe('HTTPClient.authenticate');
    const getConn = result.rows.find((r) => r.a?.span.name === 'HTTPConnectionPool._get_conn');
    expect(getConn).toMatchObject({
      kind: 'changed',
      eventsOnlyA: ['pool miss: new connection'],
      eventsOnlyB: ['pool hit'],
    });
    expect(result.rows.find((r) => r.a?.span.name === 'PUT')?.kind).toBe('same');
  });

  it('pairs two single roots whatever their names and marks a status change', () => {
    const a = buildTree([
      span('a'.repeat(32), { id: 'r', name: 'scenario happy', start: 0, end: 1 }),
    ]);
    const b = buildTree([
      span('b'.repeat(32), {
        id: 'r',
        name: 'scenario token-expired',
        start: 0,
        end: 2,
        error: { type: 'X', message: 'y' },
      }),
    ]);
    const result = compareTrees(a, b);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ kind: 'changed', statusDiffers: true });
    expect(result.rows[0]?.deltaMs).toBeCloseTo(1);
  });

  it('aligns lists by longest common subsequence', () => {
    expect(lcsPairs(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual([
      [0, 0],
      [2, 2],
    ]);
    expect(lcsPairs([], ['a'])).toEqual([]);
  });
});

describe('permalink', () => {
  it('round-trips a trace and a span, and a compare pair', () => {
    const link = { trace: 'a'.repeat(32), span: 'b'.repeat(16) };
    expect(readHash(writeHash(link))).toEqual(link);
    const pair = { compare: [`${'c'.repeat(32)}:${'d'.repeat(16)}`, 'e'.repeat(32)] as const };
    expect(readHash(writeHash(pair))).toEqual(pair);
  });

  it('keeps the Find text, any characters, at most 200 of them', () => {
    const link = { trace: 'a'.repeat(32), find: '_get_conn & #1 =?' };
    expect(readHash(writeHash(link))).toEqual(link);
    expect(readHash(writeHash({ trace: 'a'.repeat(32), find: 'x'.repeat(500) })).find).toHaveLength(
      200
    );
  });

  it('ignores anything that is not an id', () => {
    expect(readHash('#trace=<script>&span=x')).toEqual({});
    expect(readHash('#compare=a,b,c')).toEqual({});
  });
});

describe('highlight', () => {
  it('classifies keywords, strings, comments and carries block comments across lines', () => {
    const lines = highlight("const a = 'x'; // note\n/* one\ntwo */ return Foo(1);");
    expect(lines[0]).toEqual([
      { kind: 'keyword', text: 'const' },
      { kind: 'plain', text: ' a = ' },
      { kind: 'string', text: "'x'" },
      { kind: 'plain', text: '; ' },
      { kind: 'comment', text: '// note' },
    ]);
    expect(lines[1]).toEqual([{ kind: 'comment', text: '/* one' }]);
    expect(lines[2]?.[0]).toEqual({ kind: 'comment', text: 'two */' });
    expect(lines[2]?.map((t) => t.kind)).toContain('type');
    expect(lines[2]?.map((t) => t.text).join('')).toBe('two */ return Foo(1);');
  });
});

describe('format', () => {
  it('picks a unit by size', () => {
    expect(formatMs(0.25)).toBe('250 µs');
    expect(formatMs(3.14159)).toBe('3.14 ms');
    expect(formatMs(45.67)).toBe('45.7 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatDelta(-2)).toBe('−2.00 ms');
    expect(niceStep(147, 5)).toBe(20);
    expect(niceStep(0.9, 4)).toBe(0.2);
  });
});

describe('compareTrees with concurrent siblings', () => {
  it('pairs siblings that started in the other order, and keeps B-only spans in place', () => {
    const ta = 'a'.repeat(32);
    const tb = 'b'.repeat(32);
    const a = buildTree([
      span(ta, { id: 'r', name: 'GET', start: 0, end: 5 }),
      span(ta, { id: 1, parent: 'r', name: 'validate token', start: 1, end: 2 }),
      span(ta, { id: 2, parent: 'r', name: 'validate body', start: 2, end: 3 }),
      span(ta, { id: 3, parent: 'r', name: 'lookup', start: 3, end: 4 }),
    ]);
    const b = buildTree([
      span(tb, { id: 'r', name: 'GET', start: 0, end: 5 }),
      span(tb, { id: 2, parent: 'r', name: 'validate body', start: 1, end: 2 }),
      span(tb, { id: 1, parent: 'r', name: 'validate token', start: 2, end: 3 }),
      span(tb, { id: 4, parent: 'r', name: 'retry', start: 3, end: 3.5 }),
      span(tb, { id: 3, parent: 'r', name: 'lookup', start: 4, end: 5 }),
    ]);
    const result = compareTrees(a, b);
    expect(result.rows.map((r) => [r.kind, (r.a ?? r.b)?.span.name])).toEqual([
      ['same', 'GET'],
      ['same', 'validate token'],
      ['same', 'validate body'],
      ['only-b', 'retry'],
      ['same', 'lookup'],
    ]);
  });
});
