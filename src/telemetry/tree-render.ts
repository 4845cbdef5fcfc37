/**
 * @module
 * The call tree in a terminal: one line per span, indented by depth (children in start order),
 * a bar on the trace's shared time axis and the duration on the right; decision events and
 * errors inline under their span. Colours follow the layer (novaclient, requests, urllib3, the
 * wire, the cloud); with `color: false` the text has no escape sequence at all.
 *
 * Everything printed from a span (names, event names, messages) is data from a program or a
 * file and may be hostile: control characters (ESC included) and bidi overrides are shown as
 * visible escapes, never written raw.
 */
import { layerSgr, type LayerId } from './layer-colours.js';
import type { SpanRecord } from './types.js';

export interface RenderTreeOptions {
  /** ANSI colours (for a TTY). */
  color: boolean;
  /** Line width in columns; default 100. */
  width?: number;
}

/** What colours a span: the project its code belongs to, or the two sides of the wire. */
export type RenderLayer = LayerId | 'other';

/** The colour key (layer-colours.ts) as the nearest xterm-256 colours of a dark terminal. */
const LAYER_COLOR: Record<RenderLayer, string> = {
  novaclient: layerSgr('novaclient'),
  keystoneauth1: layerSgr('keystoneauth1'),
  requests: layerSgr('requests'),
  urllib3: layerSgr('urllib3'),
  wire: layerSgr('wire'),
  cloud: layerSgr('cloud'),
  other: '39', // the terminal's own colour
};

const PORTED: ReadonlySet<string> = new Set(['novaclient', 'keystoneauth1', 'requests', 'urllib3']);

/** The layer a span is drawn as: kind first (CLIENT = wire, SERVER = cloud), then `novatrace.layer`, then scope. */
export function layerOf(r: SpanRecord): RenderLayer {
  if (r.kind === 'client') return 'wire';
  if (r.kind === 'server' || r.scope === 'novatrace.cloud') return 'cloud';
  const attr = r.attributes['novatrace.layer'];
  if (typeof attr === 'string' && PORTED.has(attr)) return attr as RenderLayer;
  const scope = r.scope.startsWith('novatrace.') ? r.scope.slice('novatrace.'.length) : '';
  if (PORTED.has(scope)) return scope as RenderLayer;
  if (scope === 'cli') return 'novaclient';
  return 'other';
}

const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A string made safe for a terminal: C0/C1 controls, DEL, ESC, zero-width characters and bidi
 * overrides become visible escapes (`\x1b`, `\u202e`).
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return (
      NAMED[c] ??
      (code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/** Milliseconds as a short duration: `0.42 ms`, `12.3 ms`, `1.25 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

function chars(text: string): string[] {
  return Array.from(text);
}

/** Cuts `text` to `width` columns (an ellipsis marks the cut) and pads it to exactly `width`. */
function fit(text: string, width: number): string {
  const cs = chars(text);
  if (cs.length > width) return `${cs.slice(0, Math.max(0, width - 1)).join('')}…`;
  return text + ' '.repeat(width - cs.length);
}

interface Node {
  readonly record: SpanRecord;
  readonly start: bigint;
  readonly end: bigint | undefined;
  readonly children: Node[];
}

/** Keeps one record per span: an ended one over a running one, else the last seen. */
function dedupe(records: readonly SpanRecord[]): SpanRecord[] {
  const byId = new Map<string, SpanRecord>();
  for (const r of records) {
    const key = `${r.traceId}/${r.spanId}`;
    const seen = byId.get(key);
    if (seen && seen.endTimeUnixNano !== undefined && r.endTimeUnixNano === undefined) continue;
    byId.set(key, r);
  }
  return [...byId.values()];
}

const byStart = (a: Node, b: Node) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);

/** The roots of one trace's forest; a span whose parent is missing is a root. */
function buildForest(records: readonly SpanRecord[]): Node[] {
  const nodes = new Map<string, Node>();
  for (const r of records) {
    nodes.set(r.spanId, {
      record: r,
      start: BigInt(r.startTimeUnixNano),
      end: r.endTimeUnixNano === undefined ? undefined : BigInt(r.endTimeUnixNano),
      children: [],
    });
  }
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parentId = node.record.parentSpanId;
    const parent = parentId && parentId !== node.record.spanId ? nodes.get(parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of nodes.values()) node.children.sort(byStart);
  roots.sort(byStart);
  // Spans caught in a parent cycle (only a corrupt file has them) hang off no root: the first
  // of each cycle becomes a root too (the renderer's seen-set stops the loop).
  const reached = new Set<Node>();
  const mark = (from: Node) => {
    const todo = [from];
    while (todo.length > 0) {
      const n = todo.pop()!;
      if (reached.has(n)) continue;
      reached.add(n);
      todo.push(...n.children);
    }
  };
  roots.forEach(mark);
  for (const node of [...nodes.values()].sort(byStart)) {
    if (reached.has(node)) continue;
    roots.push(node);
    mark(node);
  }
  return roots;
}

interface Style {
  paint(code: string, text: string): string;
}

const PLAIN: Style = { paint: (_code, text) => text };
const ANSI: Style = { paint: (code, text) => (text ? `\u001b[${code}m${text}\u001b[0m` : text) };

const MAX_INDENT_DEPTH = 30;

function errorLine(r: SpanRecord): string | undefined {
  const exception = r.events.find((e) => e.name === 'exception');
  if (exception) {
    const type = exception.attributes['exception.type'];
    const message = exception.attributes['exception.message'];
    const head = typeof type === 'string' ? type : 'exception';
    return typeof message === 'string' && message ? `${head}: ${message}` : head;
  }
  if (r.status.code !== 2) return undefined;
  const type = r.attributes['error.type'];
  const head = typeof type === 'string' ? type : 'error';
  return r.status.message ? `${head}: ${r.status.message}` : head;
}

function renderTrace(records: readonly SpanRecord[], style: Style, width: number): string[] {
  const roots = buildForest(records);
  let t0: bigint | undefined;
  let t1: bigint | undefined;
  for (const r of records) {
    const start = BigInt(r.startTimeUnixNano);
    const end = r.endTimeUnixNano === undefined ? start : BigInt(r.endTimeUnixNano);
    if (t0 === undefined || start < t0) t0 = start;
    if (t1 === undefined || end > t1) t1 = end;
  }
  const origin = t0 ?? 0n;
  const total = (t1 ?? origin) - origin;
  const barWidth = Math.min(40, Math.max(8, Math.round(width * 0.25)));
  const durWidth = 10;
  const nameWidth = Math.max(20, width - barWidth - durWidth - 2);
  const mainService = roots[0]?.record.service;

  const first = records[0]!;
  const services = [...new Set(records.map((r) => r.service))].map(terminalSafe).join(', ');
  const lines = [
    style.paint(
      '1',
      `trace ${terminalSafe(first.traceId)} · ${records.length} span${records.length === 1 ? '' : 's'} · ${formatDuration(nsToMs(total))} · ${services}`
    ),
  ];

  const bar = (node: Node, color: string): string => {
    const end = node.end ?? t1 ?? node.start;
    let offset: number;
    let length: number;
    if (total === 0n) {
      offset = 0;
      length = barWidth;
    } else {
      offset = Math.min(
        barWidth - 1,
        Math.floor((Number(node.start - origin) / Number(total)) * barWidth)
      );
      length = Math.max(1, Math.ceil((Number(end - node.start) / Number(total)) * barWidth));
      length = Math.min(length, barWidth - offset);
    }
    const fill = node.end === undefined ? '░' : '█';
    return (
      style.paint('90', '·'.repeat(offset)) +
      style.paint(color, fill.repeat(length)) +
      style.paint('90', '·'.repeat(barWidth - offset - length))
    );
  };

  const visit = (node: Node, depth: number): void => {
    const r = node.record;
    const layer = layerOf(r);
    const color = LAYER_COLOR[layer];
    const indent = '  '.repeat(Math.min(depth, MAX_INDENT_DEPTH));
    let suffix = r.kind === 'internal' ? '' : ` (${r.kind})`;
    if (r.service !== mainService) suffix += ` [${terminalSafe(r.service)}]`;
    // The name gives way first, so kind and service stay readable on a narrow terminal.
    const room = nameWidth - indent.length - chars(suffix).length;
    const base = terminalSafe(r.name) || '(unnamed)';
    const label = room >= 8 ? fit(base, room).trimEnd() + suffix : base + suffix;
    const padded = fit(indent + label, nameWidth);
    const visible = padded.trimEnd();
    const coloredName =
      indent +
      style.paint(r.status.code === 2 ? `${color};1` : color, visible.slice(indent.length)) +
      ' '.repeat(padded.length - visible.length);
    const duration =
      node.end === undefined
        ? style.paint('33', 'running'.padStart(durWidth))
        : formatDuration(nsToMs(node.end - node.start)).padStart(durWidth);
    lines.push(`${coloredName} ${bar(node, color)} ${duration}`);

    const detailIndent = `${indent}  `;
    for (const event of r.events) {
      if (event.name === 'exception') continue;
      const rel = formatDuration(nsToMs(BigInt(event.timeUnixNano) - node.start));
      const text = fit(`${detailIndent}· ${terminalSafe(event.name)}  +${rel}`, width).trimEnd();
      lines.push(style.paint('90', text));
    }
    const error = errorLine(r);
    if (error !== undefined) {
      lines.push(
        style.paint('31', fit(`${detailIndent}✗ ${terminalSafe(error)}`, width).trimEnd())
      );
    }
  };

  // Depth-first with an explicit stack (a deep chain cannot overflow the call stack) and a
  // seen-set (a parent cycle in a corrupt file cannot loop).
  const seen = new Set<Node>();
  const stack: [Node, number][] = roots.map((root) => [root, 0] as [Node, number]).reverse();
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    visit(node, depth);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, depth + 1]);
  }
  return lines;
}

/**
 * The terminal tree of one or more traces.
 * @param records spans in any order, finished or running; a span whose parent is absent is
 *   drawn as a root
 * @param opts `color` for ANSI colours; `width` in columns (default 100)
 * @returns the text, one line per span, event and error, ending with a newline
 * @example
 * process.stdout.write(renderTree(readTraceFile(text), { color: process.stdout.isTTY, width: process.stdout.columns }));
 */
export function renderTree(records: readonly SpanRecord[], opts: RenderTreeOptions): string {
  const width = Math.max(40, Math.floor(opts.width ?? 100));
  const style = opts.color ? ANSI : PLAIN;
  const spans = dedupe(records);
  if (spans.length === 0) return '(no spans)\n';
  const traces = new Map<string, SpanRecord[]>();
  for (const r of spans) {
    let list = traces.get(r.traceId);
    if (!list) {
      list = [];
      traces.set(r.traceId, list);
    }
    list.push(r);
  }
  const firstStart = (list: readonly SpanRecord[]) =>
    list.reduce((m, r) => {
      const t = BigInt(r.startTimeUnixNano);
      return t < m ? t : m;
    }, BigInt(list[0]!.startTimeUnixNano));
  const ordered = [...traces.values()]
    .map((list) => ({ list, start: firstStart(list) }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map((t) => t.list);
  return `${ordered.map((t) => renderTrace(t, style, width).join('\n')).join('\n\n')}\n`;
}
