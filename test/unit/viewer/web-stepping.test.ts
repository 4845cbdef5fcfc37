// Stepping in the page, the pure parts: the stops of a recorded trace (reconstructed from its
// spans, or read back from a stepped run's pause events), the trace as it stood at a stop, the
// active-time axis that leaves paused time out of the waterfall, the Python line lit at a stop,
// and the stepping labels in both languages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromOtlpJson } from '../../../src/telemetry/otlp-json.js';
import type { PausePoint } from '../../../src/viewer/types.js';
import { activeAxis, axisOf, mergePauses, treePauses } from '../../../web/active-axis.js';
import { notePauses, noteRunState } from '../../../web/run-pauses.js';
import { STEP_STRINGS } from '../../../web/i18n-step.js';
import { buildTree } from '../../../web/model.js';
import { highlightPython, pythonLineFor, pythonQuery } from '../../../web/python-pane.js';
import { playInterval, recordedStops, spansAt, traceStops } from '../../../web/stops.js';
import { nanos, span, spanId, traceId } from './spans.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const happy = fromOtlpJson(JSON.parse(readFileSync(join(ROOT, 'traces', 'happy.json'), 'utf8')));

describe('traceStops', () => {
  it("reconstructs happy's stops: entry and return of every client layer, in call order", () => {
    const stops = traceStops(happy);
    // The client's layers and wire; not the cloud's server spans, not the scenario's own span.
    const layers = happy.filter(
      (s) => s.kind !== 'server' && s.scope !== 'novatrace.cloud' && s.scope !== 'novatrace.cli'
    );
    expect(layers.length).toBeGreaterThan(20);
    expect(stops).toHaveLength(layers.length * 2);
    expect(stops.map((s) => s.index)).toEqual(stops.map((_, i) => i));
    expect(stops[0]).toMatchObject({ kind: 'entry', name: 'nova volume-update' });
    expect(stops[1]).toMatchObject({ kind: 'entry', name: 'do_volume_update' });
    expect(stops[stops.length - 1]).toMatchObject({ kind: 'return', name: 'nova volume-update' });
    // Every span's entry comes before its return, and its children nest inside.
    const at = new Map<string, { entry: number; ret: number }>();
    for (const s of stops) {
      const e = at.get(s.spanId) ?? { entry: -1, ret: -1 };
      if (s.kind === 'entry') e.entry = s.index;
      else e.ret = s.index;
      at.set(s.spanId, e);
    }
    for (const s of layers) {
      const me = at.get(s.spanId);
      expect(me && me.entry < me.ret, s.name).toBe(true);
      const parent = s.parentSpanId ? at.get(s.parentSpanId) : undefined;
      if (parent && me) {
        expect(parent.entry < me.entry && me.ret < parent.ret, s.name).toBe(true);
      }
    }
    const getConnReturn = stops.find(
      (s) => s.kind === 'return' && s.name === 'HTTPConnectionPool._get_conn'
    );
    expect(getConnReturn?.summary).toContain('HTTPConnection');
    // The wire's return carries the status.
    expect(stops.find((s) => s.kind === 'return' && s.name === 'PUT')?.summary).toBe('HTTP 202');
  });

  it('adds decision stops on request, at the events', () => {
    const plain = traceStops(happy);
    const fine = traceStops(happy, { decisions: true });
    const decisions = fine.filter((s) => s.kind === 'decision');
    expect(decisions.length).toBeGreaterThan(0);
    expect(fine.length).toBe(plain.length + decisions.length);
    expect(decisions.map((d) => d.event)).toContain('pool miss: new connection');
  });

  it('marks a failing span as a raise with its exception', () => {
    const t = traceId();
    const stops = traceStops([
      span(t, { id: 'r', name: 'nova volume-update', start: 0, end: 10 }),
      span(t, {
        id: 'c',
        parent: 'r',
        name: 'HTTPConnectionPool.urlopen',
        start: 1,
        end: 9,
        error: { type: 'requests.exceptions.ConnectionError', message: 'refused' },
      }),
    ]);
    expect(stops.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'entry nova volume-update',
      'entry HTTPConnectionPool.urlopen',
      'raise HTTPConnectionPool.urlopen',
      'return nova volume-update',
    ]);
    expect(stops[2]?.summary).toBe('requests.exceptions.ConnectionError: refused');
  });

  it("reads a stepped run's own stops back from its pause events", () => {
    const t = traceId();
    const paused = (at: number, index: number, kind: string, name: string) => ({
      name: 'novatrace.step.paused',
      at,
      attributes: {
        'novatrace.step.index': index,
        'novatrace.step.kind': kind,
        'novatrace.step.at': name,
        'code.file.path': 'src/novaclient/v2/shell.ts',
        'code.line.number': 30 + index,
        ...(kind === 'return' ? { 'novatrace.step.summary': 'None' } : {}),
      },
    });
    const spans = [
      span(t, {
        id: 'r',
        name: 'nova volume-update',
        start: 0,
        end: 50,
        events: [
          paused(0, 0, 'entry', 'nova volume-update'),
          paused(20, 1, 'entry', 'do_volume_update'),
        ],
      }),
      span(t, {
        id: 'd',
        parent: 'r',
        name: 'do_volume_update',
        start: 19,
        end: 40,
        events: [
          paused(20, 1, 'entry', 'do_volume_update'),
          paused(39, 2, 'return', 'do_volume_update'),
        ],
      }),
    ];
    const stops = recordedStops(spans);
    expect(stops.map((s) => [s.index, s.kind, s.name, s.spanId])).toEqual([
      [0, 'entry', 'nova volume-update', spanId('r')],
      [1, 'entry', 'do_volume_update', spanId('d')],
      [2, 'return', 'do_volume_update', spanId('d')],
    ]);
    // Each stop keeps its own line (the caller's), and a return what it handed back.
    expect(stops.map((s) => s.site?.line)).toEqual([30, 31, 32]);
    expect(stops[2]?.summary).toBe('None');
    expect(traceStops(spans)).toEqual(stops);
  });
});

describe('spansAt', () => {
  it('shows the trace as it stood at a stop: later spans left out, open ones running', () => {
    const stops = traceStops(happy);
    const stop = stops.find((s) => s.kind === 'entry' && s.name === 'HTTPConnectionPool._get_conn');
    if (!stop) throw new Error('no _get_conn entry');
    const cut = spansAt(happy, stop);
    expect(cut.length).toBeLessThan(happy.length);
    const at = BigInt(stop.atUnixNano);
    for (const s of cut) {
      expect(BigInt(s.startTimeUnixNano) <= at).toBe(true);
      if (s.endTimeUnixNano) expect(BigInt(s.endTimeUnixNano) <= at).toBe(true);
      for (const e of s.events) expect(BigInt(e.timeUnixNano) <= at).toBe(true);
    }
    const root = cut.find((s) => s.name === 'nova volume-update');
    expect(root?.endTimeUnixNano).toBeUndefined();
    expect(cut.find((s) => s.spanId === stop.spanId)?.endTimeUnixNano).toBeUndefined();
  });

  it("keeps the stop's own span ended at its return", () => {
    const stop = traceStops(happy).find(
      (s) => s.kind === 'return' && s.name === 'do_volume_update'
    );
    if (!stop) throw new Error('no return');
    const cut = spansAt(happy, stop);
    expect(cut.find((s) => s.spanId === stop.spanId)?.endTimeUnixNano).toBe(stop.atUnixNano);
    expect(cut.find((s) => s.name === 'nova volume-update')?.endTimeUnixNano).toBeUndefined();
  });
});

describe('active axis', () => {
  it('merges the pauses every open span recorded and leaves them out of the axis', () => {
    const t = traceId();
    const pause = (from: number, to: number) => [
      { name: 'novatrace.step.paused', at: from },
      { name: 'novatrace.step.resumed', at: to },
    ];
    const tree = buildTree([
      span(t, {
        id: 'r',
        name: 'root',
        start: 0,
        end: 3010,
        events: [...pause(10, 1010), ...pause(2000, 4000 - 1000)],
      }),
      span(t, {
        id: 'c',
        parent: 'r',
        name: 'child',
        start: 5,
        end: 2500,
        events: [...pause(10.01, 1010), ...pause(2000, 2400)],
      }),
    ]);
    const pauses = treePauses(tree, tree.endMs);
    expect(pauses.map((p) => [Math.round(p.startMs), Math.round(p.endMs)])).toEqual([
      [10, 1010],
      [2000, 3000],
    ]);
    const axis = activeAxis(pauses);
    expect(axis.at(5)).toBe(5);
    expect(axis.at(500)).toBeCloseTo(10, 6);
    expect(axis.at(1010)).toBeCloseTo(10, 6);
    expect(axis.at(1500)).toBeCloseTo(500, 6);
    // The root: 3010 ms of wall time, 2000 of them paused.
    expect(axis.at(3010) - axis.at(0)).toBeCloseTo(1010, 6);
  });

  it("keeps a still-open span's time active with the run's live pauses (it sent none itself)", () => {
    const t = traceId();
    // As the page holds a live stepped run: spans started, none ended, so no pause events yet.
    const tree = buildTree([
      span(t, { id: 'r', name: 'nova volume-update', start: 0 }),
      span(t, { id: 'c', parent: 'r', name: 'do_volume_update', start: 2 }),
    ]);
    const at = (ms: number) => nanos(ms);
    const stop = (index: number, from: number, to?: number): PausePoint => ({
      name: 'do_volume_update',
      traceId: t,
      spanId: spanId('c'),
      kind: 'entry',
      index,
      atUnixNano: at(from),
      ...(to === undefined ? {} : { resumedAtUnixNano: at(to) }),
    });
    // Stop 0 paused 1 s and was left; stop 1 waits since 1,510 ms.
    notePauses([stop(0, 5, 1005), stop(1, 1510)]);
    const nowMs = 9000;
    const axis = axisOf(tree, nowMs);
    const active = (id: string) => {
      const node = tree.byId.get(spanId(id));
      return node ? axis.at(nowMs) - axis.at(node.startMs) : NaN;
    };
    // Wall 9,000 ms, of which 1,000 + 7,490 paused: 510 ms of program time.
    expect(active('r')).toBeCloseTo(510, 3);
    expect(active('c')).toBeCloseTo(508, 3);
    // While the program waits, the shown time stands still.
    expect(axisOf(tree, 12_000).at(12_000)).toBeCloseTo(axis.at(nowMs), 3);
    // The run state's `resumed` ends the open pause; the program runs on from 1,600 ms.
    noteRunState({
      runId: 'run-1',
      seq: 3,
      scenario: 'happy',
      road: 'note',
      step: true,
      phase: 'running',
      traceIds: [t],
      steps: 2,
      stops: 2,
      detail: 'layers',
      resumed: { index: 1, atUnixNano: at(1600) },
    });
    const later = axisOf(tree, 2000);
    expect(later.at(2000) - later.at(0)).toBeCloseTo(2000 - 1000 - 90, 3);
  });

  it('is the identity without pauses, and merges overlapping ones', () => {
    expect(activeAxis([]).at(123)).toBe(123);
    expect(
      mergePauses([
        { startMs: 5, endMs: 9 },
        { startMs: 1, endMs: 6 },
        { startMs: 20, endMs: 20 },
      ])
    ).toEqual([{ startMs: 1, endMs: 9 }]);
  });
});

describe('Python pane', () => {
  const text = [
    'def _get_conn(self, timeout=None):',
    '    conn = None',
    '    try:',
    '        conn = self.pool.get(block=self.block, timeout=timeout)',
    '    except Empty:',
    '        raise EmptyPoolError(self, "Pool reached maximum size")',
    '    if conn and is_connection_dropped(conn):',
    '        log.debug("Resetting dropped connection: %s", self.host)',
    '        conn.close()',
    '    return conn or self._new_conn()',
  ].join('\n');

  it('lights the def at an entry, the last return, a raise, and the log line of a decision', () => {
    expect(pythonLineFor(text, { kind: 'entry' })).toBe(0);
    expect(pythonLineFor(text, { kind: 'return' })).toBe(9);
    expect(pythonLineFor(text, { kind: 'raise' })).toBe(5);
    expect(
      pythonLineFor(text, {
        kind: 'decision',
        message: 'Resetting dropped connection: 127.0.0.1',
        event: 'connection dropped: reset',
      })
    ).toBe(7);
    // A decision that logs nothing: the code line naming its words (not the docstring).
    expect(pythonLineFor(text, { kind: 'decision', message: 'pool hit', event: 'pool hit' })).toBe(
      3
    );
    const cs = [
      'def _cs_request(self, url, method, **kwargs):',
      '    """Authenticate first when there is no management_url."""',
      '    if not self.management_url:',
      '        self.authenticate()',
      '    return resp, body',
    ].join('\n');
    expect(
      pythonLineFor(cs, {
        kind: 'decision',
        event: 'no management_url: authenticate',
        message: 'no management_url: authenticate',
      })
    ).toBe(2);
  });

  it('asks for the layers it ports, not for the wire or the cloud', () => {
    const getConn = happy.find((s) => s.name === 'HTTPConnectionPool._get_conn');
    expect(getConn && pythonQuery(getConn)).toEqual({
      project: 'urllib3',
      file: 'urllib3/connectionpool.py',
      name: 'HTTPConnectionPool._get_conn',
    });
    const wire = happy.find((s) => s.kind === 'client');
    expect(wire && pythonQuery(wire)).toBeUndefined();
    // The command line's span: the shell's main, which it ports.
    const root = happy.find((s) => s.name === 'nova volume-update');
    expect(root && pythonQuery(root)).toEqual({
      project: 'novaclient',
      file: 'novaclient/shell.py',
      name: 'OpenStackComputeShell.main',
    });
  });

  it('highlights Python strings, comments and keywords, docstrings across lines', () => {
    const lines = highlightPython('def f(x):  # note\n    """doc\n    more"""\n    return "a#b"');
    expect(lines[0]?.map((t) => t.kind)).toEqual(['keyword', 'plain', 'call', 'plain', 'comment']);
    expect(lines[1]?.find((t) => t.kind === 'string')?.text).toBe('"""doc');
    expect(lines[2]?.[0]).toEqual({ kind: 'string', text: '    more"""' });
    expect(lines[3]?.find((t) => t.kind === 'string')?.text).toBe('"a#b"');
    expect(lines.map((l) => l.map((t) => t.text).join(''))).toEqual([
      'def f(x):  # note',
      '    """doc',
      '    more"""',
      '    return "a#b"',
    ]);
  });
});

describe('stepping labels', () => {
  it('have an English and a translated Japanese text each', () => {
    const missing: string[] = [];
    for (const [key, text] of Object.entries(STEP_STRINGS)) {
      const { en, ja }: { en: string; ja: string } = text;
      if (!en.trim()) missing.push(`${key}: en`);
      if (ja === en || !/[\u3000-\u30ff\u4e00-\u9fff]/.test(ja)) missing.push(`${key}: ja`);
    }
    expect(missing).toEqual([]);
  });

  it('play one stop a second at 1×', () => {
    expect([0.5, 1, 2, 4].map(playInterval)).toEqual([2000, 1000, 500, 250]);
  });
});
