import { layerSgr } from '../../../src/telemetry/layer-colours.js';
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  layerOf,
  renderTree,
  terminalSafe,
} from '../../../src/telemetry/tree-render.js';
import { sampleTrace, span } from './sample-trace.js';

// Any C0 control (ESC included), DEL or C1 control.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const SPAN_LINE = /^(.*?) [·█░]+ +(?:\d+\.\d+ m?s|running)$/;

/** The name column of each span line, without the bar and duration. */
function spanLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => SPAN_LINE.exec(l)?.[1]?.trimEnd())
    .filter((name): name is string => name !== undefined);
}

describe('renderTree', () => {
  it('indents children under their parent, in start order', () => {
    const out = renderTree(sampleTrace(), { color: false, width: 100 });
    expect(spanLines(out)).toEqual([
      'nova volume-update',
      '  HTTPClient._cs_request',
      '    Session.request',
      '      HTTPConnectionPool._get_conn',
      '      PUT (client)',
      '        PUT /v2.1/servers/{server_id}/os-v… (server) [nova-api]',
      '      HTTPAdapter.send',
    ]);
  });

  it('orders siblings by start time whatever the input order', () => {
    const out = renderTree([...sampleTrace()].reverse(), { color: false });
    expect(spanLines(out)).toEqual(spanLines(renderTree(sampleTrace(), { color: false })));
  });

  it('right-aligns durations at the given width and draws bars on one time axis', () => {
    const out = renderTree(sampleTrace(), { color: false, width: 100 });
    const lines = out.split('\n').filter((l) => SPAN_LINE.test(l));
    for (const line of lines) expect(Array.from(line)).toHaveLength(100);
    const root = lines[0]!;
    const pool = lines.find((l) => l.includes('_get_conn'))!;
    expect(root).toMatch(/ {4}40\.0 ms$/);
    expect(pool).toMatch(/1\.00 ms$/);
    // The root fills the axis; the 1 ms pool span is one cell, 4 ms (2.5 cells) in.
    expect(root).toContain('█'.repeat(25));
    expect(pool).toContain('··█·····');
  });

  it('shows decision events with their time relative to the span start', () => {
    const out = renderTree(sampleTrace(), { color: false });
    expect(out).toContain('        · Starting new HTTP connection (1): 127.0.0.1:8774  +0.50 ms\n');
    expect(out).toContain('    · token held: skip authenticate  +0.50 ms\n');
  });

  it('shows an error under the span it crossed, with the Python class', () => {
    const out = renderTree(sampleTrace(), { color: false });
    expect(out).toMatch(
      /HTTPAdapter\.send .*\n {8}✗ requests\.exceptions\.ConnectionError: Connection refused\n/
    );
  });

  it('shows error.type and the status message when there is no exception event', () => {
    const out = renderTree(
      [
        span('b000000000000001', 'PUT', {
          kind: 'client',
          start: 0,
          end: 1,
          attributes: { 'error.type': '404' },
          status: { code: 2, message: 'Not Found' },
        }),
      ],
      { color: false }
    );
    expect(out).toContain('  ✗ 404: Not Found\n');
  });

  it('draws a span whose parent is missing as a root', () => {
    const orphan = span('b000000000000001', 'orphan', {
      parent: 'ffffffffffffffff',
      start: 5,
      end: 6,
    });
    const out = renderTree([...sampleTrace(), orphan], { color: false });
    expect(spanLines(out)).toContain('orphan');
  });

  it('shows a running span as running, with an open bar', () => {
    const out = renderTree(
      [
        span('b000000000000001', 'root', { start: 0, end: 10 }),
        span('b000000000000002', 'busy', { parent: 'b000000000000001', start: 5 }),
      ],
      { color: false, width: 80 }
    );
    const busy = out.split('\n').find((l) => l.includes('busy'))!;
    expect(busy).toMatch(/░+ +running$/);
  });

  it('renders each trace under its own header, earliest first', () => {
    const late = {
      ...span('c000000000000001', 'later', { start: 100, end: 101 }),
      traceId: 'e'.repeat(32),
    };
    const out = renderTree([late, ...sampleTrace()], { color: false });
    const headers = out.split('\n').filter((l) => l.startsWith('trace '));
    expect(headers).toEqual([
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 · 7 spans · 40.0 ms · novaclient, nova-api',
      `trace ${'e'.repeat(32)} · 1 span · 1.00 ms · novaclient`,
    ]);
  });

  it('survives a parent cycle and shows every span once', () => {
    const a = span('d000000000000001', 'a', { parent: 'd000000000000002', start: 0, end: 2 });
    const b = span('d000000000000002', 'b', { parent: 'd000000000000001', start: 1, end: 2 });
    expect(spanLines(renderTree([a, b], { color: false }))).toEqual(['a', '  b']);
  });

  it('handles a very deep chain without overflowing', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) =>
      span((i + 1).toString(16).padStart(16, '0'), `s${i}`, {
        ...(i > 0 ? { parent: i.toString(16).padStart(16, '0') } : {}),
        start: i / 1000,
        end: 30,
      })
    );
    const out = renderTree(chain, { color: false });
    expect(spanLines(out)).toHaveLength(20_000);
  });

  it('keeps the ended record when a span is given both running and ended', () => {
    const running = span('b000000000000001', 'x', { start: 0 });
    const ended = span('b000000000000001', 'x', { start: 0, end: 3 });
    expect(renderTree([ended, running], { color: false })).toMatch(/3\.00 ms\n$/);
  });

  it('writes no escape sequence without color, and colours layers with it', () => {
    const plain = renderTree(sampleTrace(), { color: false });
    expect(plain).not.toContain('\u001b');
    const colored = renderTree(sampleTrace(), { color: true });
    // The colour key's nearest xterm-256 colours (layer-colours.ts), one per layer.
    const sgr = (layer: Parameters<typeof layerSgr>[0]) => `\u001b[${layerSgr(layer)}m`;
    expect(colored).toContain(`${sgr('novaclient')}nova volume-update\u001b[0m`);
    expect(colored).toContain(`${sgr('requests')}Session.request\u001b[0m`);
    expect(colored).toContain(`${sgr('urllib3')}HTTPConnectionPool._get_conn\u001b[0m`);
    expect(colored).toContain(`${sgr('wire')}PUT (client)\u001b[0m`);
    expect(colored).toContain(`${sgr('cloud')}PUT /v2.1`);
  });

  it('neutralises control characters and bidi overrides from span strings', () => {
    const hostile = 'evil\u001b[2J\u001b]0;title\u0007\r\n\u009b31m\u202eexe.txt';
    const out = renderTree(
      [
        span('b000000000000001', hostile, {
          start: 0,
          end: 1,
          service: hostile,
          events: [{ name: hostile, timeUnixNano: '1732500000000000500', attributes: {} }],
          attributes: { 'error.type': hostile },
          status: { code: 2, message: hostile },
        }),
      ],
      { color: false, width: 200 }
    );
    expect(out.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(out).not.toContain('\u202e');
    expect(out).toContain('evil\\x1b[2J\\x1b]0;title\\x07\\r\\n\\x9b31m\\u202eexe.txt');
    // With colour on, the only escapes are our own SGR sequences.
    const colored = renderTree([span('b000000000000001', hostile, { start: 0, end: 1 })], {
      color: true,
      width: 200,
    });
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '').replace(/\n/g, '')).not.toMatch(CONTROL);
  });

  it('says so when there is nothing to draw', () => {
    expect(renderTree([], { color: false })).toBe('(no spans)\n');
  });
});

describe('layerOf', () => {
  it('takes kind first, then novatrace.layer, then the scope', () => {
    expect(
      layerOf(
        span('b000000000000001', 'PUT', {
          kind: 'client',
          start: 0,
          attributes: { 'novatrace.layer': 'urllib3' },
        })
      )
    ).toBe('wire');
    expect(layerOf(span('b000000000000001', 'GET', { kind: 'server', start: 0 }))).toBe('cloud');
    expect(
      layerOf(
        span('b000000000000001', 'x', {
          scope: 'other',
          start: 0,
          attributes: { 'novatrace.layer': 'requests' },
        })
      )
    ).toBe('requests');
    expect(layerOf(span('b000000000000001', 'x', { scope: 'novatrace.urllib3', start: 0 }))).toBe(
      'urllib3'
    );
    expect(layerOf(span('b000000000000001', 'x', { scope: 'novatrace.cli', start: 0 }))).toBe(
      'novaclient'
    );
    expect(layerOf(span('b000000000000001', 'x', { scope: 'somebody.else', start: 0 }))).toBe(
      'other'
    );
  });
});

describe('terminalSafe', () => {
  it('keeps printable text, including non-ASCII, as it is', () => {
    expect(terminalSafe('ボリューム更新 — ok ✓')).toBe('ボリューム更新 — ok ✓');
  });
  it('escapes controls visibly', () => {
    expect(terminalSafe('a\u0000b\u007fc\u200bd')).toBe('a\\x00b\\x7fc\\u200bd');
    expect(terminalSafe('a\u0000b')).not.toMatch(CONTROL);
  });
});

describe('formatDuration', () => {
  it('picks a precision by size', () => {
    expect(formatDuration(0.04)).toBe('0.04 ms');
    expect(formatDuration(12.345)).toBe('12.3 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
  });
});
