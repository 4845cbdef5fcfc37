/**
 * @module
 * What the store's span tables share: one copy of each repeated string, attribute key list and
 * span head ({@link SharedStrings}), and the test of which spans have the record's usual shape
 * ({@link isPackable}) and so can be packed; others are kept as they came.
 */
import type { AttrValue, SpanEventRecord, SpanRecord } from '../telemetry/types.js';

export const NO_KEYS: readonly string[] = Object.freeze([]);

/** What one span shares with many: its name, kind, service, scope and status. */
export interface SpanHead {
  readonly name: string;
  readonly kind: SpanRecord['kind'];
  readonly service: string;
  readonly scope: string;
  readonly status: SpanRecord['status'];
}

/**
 * One copy of each repeated string (names, services, scopes, attribute keys and values), of each
 * attribute key list and of each span head, for every trace that has it. Bounded: each table
 * forgets everything once it holds `MAX_ENTRIES` (the traces keep theirs).
 */
export class SharedStrings {
  static readonly MAX_ENTRIES = 65_536;
  static readonly MAX_LENGTH = 256;
  /**
   * Longest text a key list or head is remembered by (its keys or strings joined): past it the
   * list or head is made for its span alone, so long keys cannot fill the tables with megabytes
   * that no byte bound counts.
   */
  static readonly MAX_ID_LENGTH = 2048;
  #table = new Map<string, string>();
  #keyTree: KeyNode = {};
  #keyNodes = 0;
  #heads = new Map<string, SpanHead[]>();
  #headCount = 0;

  /** Entries remembered across the three tables. */
  get size(): number {
    return this.#table.size + this.#keyNodes + this.#headCount;
  }

  clear(): void {
    this.#table.clear();
    this.#keyTree = {};
    this.#keyNodes = 0;
    this.#heads.clear();
    this.#headCount = 0;
  }

  str(s: string): string {
    if (s.length > SharedStrings.MAX_LENGTH) return s;
    const known = this.#table.get(s);
    if (known !== undefined) return known;
    if (this.#table.size >= SharedStrings.MAX_ENTRIES) this.#table.clear();
    this.#table.set(s, s);
    return s;
  }

  keys(keys: string[]): readonly string[] {
    if (keys.length === 0) return NO_KEYS;
    let length = keys.length;
    for (const k of keys) length += k.length;
    if (length > SharedStrings.MAX_ID_LENGTH) return Object.freeze(keys.map((k) => this.str(k)));
    // A walk down a tree of keys: no text joined per span, each key's hash already known.
    let node = this.#keyTree;
    for (const k of keys) {
      let next = node.next?.get(k);
      if (next === undefined) {
        if (this.#keyNodes >= SharedStrings.MAX_ENTRIES) {
          this.#keyTree = {};
          this.#keyNodes = 0;
          return this.keys(keys);
        }
        next = {};
        (node.next ??= new Map()).set(k, next);
        this.#keyNodes += 1;
      }
      node = next;
    }
    node.list ??= Object.freeze(keys.map((k) => this.str(k)));
    return node.list;
  }

  /** The span's head, or undefined when name, kind, service, scope or status is unusual. */
  head(span: SpanRecord): SpanHead | undefined {
    const { name, kind, service, scope, status } = span;
    if (typeof name !== 'string' || typeof kind !== 'string') return undefined;
    if (typeof service !== 'string' || typeof scope !== 'string') return undefined;
    if (!isPlainStatus(status)) return undefined;
    const message = status.message;
    const length = name.length + kind.length + service.length + scope.length;
    if (
      (message !== undefined && message.length > SharedStrings.MAX_LENGTH) ||
      length > SharedStrings.MAX_ID_LENGTH
    ) {
      return { name: this.str(name), kind, service, scope, status };
    }
    // By name, then a look along the few heads that share it.
    const named = this.#heads.get(name);
    if (named !== undefined) {
      for (const known of named) {
        if (
          known.kind === kind &&
          known.service === service &&
          known.scope === scope &&
          known.status.code === status.code &&
          known.status.message === message
        ) {
          return known;
        }
      }
    }
    if (named !== undefined && named.length >= 64) {
      // One name with many statuses (messages): start its list again.
      this.#heads.delete(name);
      this.#headCount -= named.length;
    }
    if (this.#headCount >= SharedStrings.MAX_ENTRIES) {
      this.#heads.clear();
      this.#headCount = 0;
    }
    const head: SpanHead = Object.freeze({
      name: this.str(name),
      kind: this.str(kind) as SpanRecord['kind'],
      service: this.str(service),
      scope: this.str(scope),
      status: Object.freeze(
        message === undefined ? { code: status.code } : { code: status.code, message }
      ),
    });
    const list = this.#heads.get(name);
    if (list === undefined) this.#heads.set(head.name, [head]);
    else list.push(head);
    this.#headCount += 1;
    return head;
  }
}

/** One key of a shared key list's tree: the list that ends here, and the keys that follow. */
interface KeyNode {
  list?: readonly string[];
  next?: Map<string, KeyNode>;
}

/** The keys of a record the table reproduces, in order (`?` optional). */
const RECORD_KEYS = [
  'traceId',
  'spanId',
  'parentSpanId?',
  'name',
  'kind',
  'service',
  'scope',
  'startTimeUnixNano',
  'endTimeUnixNano?',
  'attributes',
  'events',
  'status',
] as const;

function hasRecordKeys(span: SpanRecord): boolean {
  let i = 0;
  for (const key in span) {
    for (;;) {
      const want = RECORD_KEYS[i++];
      if (want === undefined) return false;
      if (want === key) break;
      if (want !== `${key}?`) {
        if (!want.endsWith('?')) return false;
        continue;
      }
      break;
    }
  }
  for (; i < RECORD_KEYS.length; i++) if (!RECORD_KEYS[i]!.endsWith('?')) return false;
  return true;
}

function isPlainEvent(e: SpanEventRecord): boolean {
  const keys = Object.keys(e);
  return (
    keys.length === 3 &&
    keys[0] === 'name' &&
    keys[1] === 'timeUnixNano' &&
    keys[2] === 'attributes' &&
    typeof e.name === 'string' &&
    typeof e.timeUnixNano === 'string' &&
    isObjectRecord(e.attributes)
  );
}

function isObjectRecord(v: unknown): v is Record<string, AttrValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlainStatus(st: SpanRecord['status']): boolean {
  if (!isObjectRecord(st)) return false;
  const keys = Object.keys(st);
  if (keys[0] !== 'code' || typeof st.code !== 'number') return false;
  if (keys.length === 1) return true;
  return keys.length === 2 && keys[1] === 'message' && typeof st.message === 'string';
}

/** A span the table can pack: the record's usual keys and value types. */
export function isPackable(span: SpanRecord): boolean {
  if (!hasRecordKeys(span) || typeof span.spanId !== 'string') return false;
  if (typeof span.traceId !== 'string') return false;
  if (typeof span.startTimeUnixNano !== 'string') return false;
  if (span.endTimeUnixNano !== undefined && typeof span.endTimeUnixNano !== 'string') return false;
  if (span.parentSpanId !== undefined && typeof span.parentSpanId !== 'string') return false;
  if (!isObjectRecord(span.attributes) || !Array.isArray(span.events)) return false;
  return span.events.every(isPlainEvent);
}
