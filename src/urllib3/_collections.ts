/**
 * @module
 * The two containers urllib3 keeps its state in.
 * @see urllib3/_collections.py (urllib3 1.13.1) RecentlyUsedContainer, HTTPHeaderDict
 *
 * Ported: `RecentlyUsedContainer` (the PoolManager's pools, and requests' redirect cache: a
 * bounded map that evicts the least recently used entry and hands it to `dispose_func`), and
 * `HTTPHeaderDict` (case-insensitive, keeps every value of a repeated header; reading one
 * joins them with ", "). Left out: the thread lock (one event loop, no threads).
 */

/** A bounded map that drops (and disposes of) the least recently used entry when full. */
export class RecentlyUsedContainer<K, V> {
  readonly _maxsize: number;
  readonly dispose_func: ((value: V) => void) | null;
  readonly #container = new Map<K, V>();

  constructor(maxsize = 10, dispose_func: ((value: V) => void) | null = null) {
    this._maxsize = maxsize;
    this.dispose_func = dispose_func;
  }

  /** Reads an entry and marks it most recently used. */
  get(key: K): V | undefined {
    if (!this.#container.has(key)) return undefined;
    const value = this.#container.get(key) as V;
    this.#container.delete(key);
    this.#container.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.#container.has(key);
  }

  /** Stores an entry; evicts (and disposes of) the oldest one beyond `maxsize`. */
  set(key: K, value: V): void {
    let evicted: V | undefined;
    let hasEvicted = false;
    const previous = this.#container.get(key);
    if (this.#container.has(key)) {
      this.#container.delete(key);
      evicted = previous;
      hasEvicted = evicted !== value;
    }
    this.#container.set(key, value);
    if (this.#container.size > this._maxsize) {
      const oldest = this.#container.keys().next().value as K;
      evicted = this.#container.get(oldest);
      hasEvicted = true;
      this.#container.delete(oldest);
    }
    if (hasEvicted && this.dispose_func && evicted !== undefined) this.dispose_func(evicted);
  }

  delete(key: K): void {
    const value = this.#container.get(key);
    if (!this.#container.delete(key)) return;
    if (this.dispose_func && value !== undefined) this.dispose_func(value);
  }

  get size(): number {
    return this.#container.size;
  }

  keys(): K[] {
    return [...this.#container.keys()];
  }

  values(): V[] {
    return [...this.#container.values()];
  }

  /** Empties the container, disposing of every value. */
  clear(): void {
    const values = [...this.#container.values()];
    this.#container.clear();
    if (this.dispose_func) for (const value of values) this.dispose_func(value);
  }
}

/** Case-insensitive header map that keeps every value of a repeated header, in order. */
export class HTTPHeaderDict {
  readonly #container = new Map<string, [string, ...string[]]>();

  constructor(headers?: Iterable<readonly [string, string]> | Record<string, string>) {
    if (headers) this.extend(headers);
  }

  /** Adds a value, keeping earlier values of the same header. */
  add(key: string, value: string): void {
    const lower = key.toLowerCase();
    const existing = this.#container.get(lower);
    if (existing) existing.push(value);
    else this.#container.set(lower, [key, value]);
  }

  /** Adds every pair of `headers`. */
  extend(headers: Iterable<readonly [string, string]> | Record<string, string>): void {
    const pairs =
      Symbol.iterator in Object(headers)
        ? (headers as Iterable<readonly [string, string]>)
        : Object.entries(headers as Record<string, string>);
    for (const [key, value] of pairs) this.add(key, value);
  }

  /** Replaces all values of a header. */
  set(key: string, value: string): void {
    this.#container.set(key.toLowerCase(), [key, value]);
  }

  /** All values joined with ", " (Python `__getitem__`), or `fallback`. */
  get(key: string): string | undefined;
  get<T>(key: string, fallback: T): string | T;
  get<T>(key: string, fallback?: T): string | T | undefined {
    const entry = this.#container.get(key.toLowerCase());
    return entry ? entry.slice(1).join(', ') : fallback;
  }

  /** Every value of a header as a list. */
  getlist(key: string): string[] {
    return this.#container.get(key.toLowerCase())?.slice(1) ?? [];
  }

  has(key: string): boolean {
    return this.#container.has(key.toLowerCase());
  }

  delete(key: string): void {
    this.#container.delete(key.toLowerCase());
  }

  /** Header names as first seen. */
  keys(): string[] {
    return [...this.#container.values()].map((entry) => entry[0]);
  }

  /** `[name, joined value]` per header (Python `itermerged`, what requests copies). */
  itermerged(): Array<[string, string]> {
    return [...this.#container.values()].map((entry) => [entry[0], entry.slice(1).join(', ')]);
  }

  /** `[name, value]` per value, repeated headers repeated (Python `iteritems`). */
  iteritems(): Array<[string, string]> {
    return [...this.#container.values()].flatMap((entry) =>
      entry.slice(1).map((value): [string, string] => [entry[0], value])
    );
  }

  get size(): number {
    return this.#container.size;
  }
}
