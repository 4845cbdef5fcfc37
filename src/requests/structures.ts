/**
 * @module
 * The case-insensitive dict requests keeps headers in.
 * @see requests/structures.py (requests 2.9.1) CaseInsensitiveDict, LookupDict
 *
 * Ported: CaseInsensitiveDict — a mapping whose keys compare case-insensitively, remembering
 * the case of the last key set, iterating in insertion order (an OrderedDict underneath, so
 * updating an existing key keeps its place: that is why a request's User-Agent stays first).
 * Left out: LookupDict (only `status_codes.codes` uses it; we use a plain object).
 */

/** Anything a CaseInsensitiveDict can be built from. */
export type HeaderSource =
  CaseInsensitiveDict | Iterable<readonly [string, string]> | Readonly<Record<string, string>>;

/** A case-insensitive, order-keeping string map (HTTP headers). */
export class CaseInsensitiveDict implements Iterable<string> {
  readonly #store = new Map<string, [string, string]>();

  constructor(data?: HeaderSource | null) {
    if (data) this.update(data);
  }

  /** Sets a value; the key keeps its position but takes the case given here. */
  set(key: string, value: string): void {
    this.#store.set(key.toLowerCase(), [key, value]);
  }

  /** The value of `key` in any case, or `fallback` (undefined by default). */
  get(key: string): string | undefined;
  get<T>(key: string, fallback: T): string | T;
  get<T>(key: string, fallback?: T): string | T | undefined {
    const entry = this.#store.get(key.toLowerCase());
    return entry ? entry[1] : fallback;
  }

  /** Python `key in d`. */
  has(key: string): boolean {
    return this.#store.has(key.toLowerCase());
  }

  /** Python `del d[key]`; returns whether it was there. */
  delete(key: string): boolean {
    return this.#store.delete(key.toLowerCase());
  }

  /** Python `dict.update`: each pair set in order. */
  update(data: HeaderSource): void {
    for (const [key, value] of pairsOf(data)) this.set(key, value);
  }

  /** Keys in their last-set case, in order. */
  keys(): string[] {
    return [...this.#store.values()].map(([key]) => key);
  }

  /** `[key, value]` pairs in order (Python `items()`). */
  items(): Array<[string, string]> {
    return [...this.#store.values()].map(([key, value]): [string, string] => [key, value]);
  }

  /** Same as {@link items}, under the JS name. */
  entries(): Array<[string, string]> {
    return this.items();
  }

  values(): string[] {
    return [...this.#store.values()].map(([, value]) => value);
  }

  /** `[lowercase key, value]` pairs. */
  lower_items(): Array<[string, string]> {
    return [...this.#store.entries()].map(([lower, [, value]]): [string, string] => [lower, value]);
  }

  /** Equality as in Python: same lower-cased items, order ignored. */
  equals(other: HeaderSource): boolean {
    const theirs = other instanceof CaseInsensitiveDict ? other : new CaseInsensitiveDict(other);
    if (theirs.size !== this.size) return false;
    return this.lower_items().every(([key, value]) => theirs.get(key) === value);
  }

  copy(): CaseInsensitiveDict {
    return new CaseInsensitiveDict(this.items());
  }

  get size(): number {
    return this.#store.size;
  }

  /** Iterates keys, as a Python mapping does. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  /** A plain object (for logging and JSON). */
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.items());
  }

  /** Python's repr: `{'User-Agent': 'python-requests/2.9.1', ...}`. */
  toString(): string {
    const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    return `{${this.items()
      .map(([k, v]) => `${quote(k)}: ${quote(v)}`)
      .join(', ')}}`;
  }
}

/** The `[key, value]` pairs of any header source. */
export function pairsOf(data: HeaderSource): Array<readonly [string, string]> {
  if (data instanceof CaseInsensitiveDict) return data.items();
  if (Symbol.iterator in Object(data)) return [...(data as Iterable<readonly [string, string]>)];
  return Object.entries(data as Record<string, string>);
}
