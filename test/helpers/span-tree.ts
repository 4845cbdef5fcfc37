/**
 * Span-tree helpers for tests: walk SpanRecords by parent, list a span's ancestors, find events
 * by their decision key. Children are ordered by start time.
 */
import type { SpanRecord } from '../../src/telemetry/types.js';

export class SpanTree {
  readonly records: readonly SpanRecord[];
  readonly #byId: Map<string, SpanRecord>;
  readonly #children: Map<string, SpanRecord[]>;

  constructor(records: readonly SpanRecord[]) {
    this.records = records;
    this.#byId = new Map(records.map((r) => [r.spanId, r]));
    this.#children = new Map();
    for (const r of records) {
      if (!r.parentSpanId) continue;
      const list = this.#children.get(r.parentSpanId) ?? [];
      list.push(r);
      this.#children.set(r.parentSpanId, list);
    }
    for (const list of this.#children.values()) {
      list.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    }
  }

  roots(): SpanRecord[] {
    return this.records.filter((r) => !r.parentSpanId || !this.#byId.has(r.parentSpanId));
  }

  children(span: SpanRecord): SpanRecord[] {
    return this.#children.get(span.spanId) ?? [];
  }

  /** Every span below `span`, depth first, in start order. */
  descendants(span: SpanRecord): SpanRecord[] {
    return this.children(span).flatMap((c) => [c, ...this.descendants(c)]);
  }

  /** Spans with this name, in start order. */
  named(name: string, within?: SpanRecord): SpanRecord[] {
    const pool = within ? this.descendants(within) : this.records;
    return pool
      .filter((r) => r.name === name)
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  }

  /** Names from the root down to `span`. */
  path(span: SpanRecord): string[] {
    const names: string[] = [];
    for (
      let s: SpanRecord | undefined = span;
      s;
      s = s.parentSpanId ? this.#byId.get(s.parentSpanId) : undefined
    ) {
      names.unshift(s.name);
    }
    return names;
  }

  /** Decision events (by `novatrace.event` key) anywhere, or below `within`. */
  events(key: string, within?: SpanRecord): { span: SpanRecord; name: string }[] {
    const pool = within ? [within, ...this.descendants(within)] : this.records;
    return pool.flatMap((span) =>
      span.events
        .filter((e) => e.attributes['novatrace.event'] === key)
        .map((e) => ({ span, name: e.name }))
    );
  }

  /** `error.type` of every span with an error, in start order: where an exception travelled. */
  errorTypes(): { name: string; type: string }[] {
    return [...this.records]
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))
      .filter((r) => r.status.code === 2 && typeof r.attributes['error.type'] === 'string')
      .map((r) => ({ name: r.name, type: String(r.attributes['error.type']) }));
  }
}

/** True when `sub` appears in `seq` in order (not necessarily adjacent). */
export function isSubsequence(sub: readonly string[], seq: readonly string[]): boolean {
  let i = 0;
  for (const item of seq) if (item === sub[i]) i++;
  return i === sub.length;
}
