/**
 * The shape of a trace, for comparing recorded traces with fresh runs: span names by nesting
 * (children in start order), each span's decision events by key, and the exception class of
 * each failed span. Ids, times, ports and other run-specific values are left out.
 */
import type { SpanRecord } from '../../src/telemetry/types.js';
import { SpanTree } from './span-tree.js';

export function traceShape(records: readonly SpanRecord[]): string[] {
  const tree = new SpanTree(records);
  const lines: string[] = [];
  const walk = (span: SpanRecord, depth: number) => {
    const indent = '  '.repeat(depth);
    const error = span.status.code === 2 ? ` ✗ ${String(span.attributes['error.type'] ?? '')}` : '';
    lines.push(`${indent}${span.name} [${span.kind}]${error}`);
    for (const e of span.events) {
      const key = e.attributes['novatrace.event'];
      if (typeof key === 'string') lines.push(`${indent}  · ${key}`);
    }
    for (const child of tree.children(span)) walk(child, depth + 1);
  };
  for (const root of tree.roots()) walk(root, 0);
  return lines;
}
