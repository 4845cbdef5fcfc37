/**
 * @module
 * The LIFO queue urllib3's pool keeps its connections in (Python's `queue.LifoQueue`, which
 * `HTTPConnectionPool.QueueCls` names), with the blocking `get(block, timeout)` the pool relies
 * on: a blocked `get` resumes as soon as another task `put`s a connection back.
 *
 * Not a port of a urllib3 module (urllib3 1.13 imports the standard library's queue); written
 * for the event loop, where "blocking" means awaiting.
 */
import { PyException } from '../builtins.js';

/** Python's `queue.Empty`: `get` found nothing (non-blocking) or timed out (blocking). */
export class Empty extends PyException {
  static override readonly pythonName: string = 'queue.Empty';
}

/** Python's `queue.Full`: a non-blocking `put` found no free slot. */
export class Full extends PyException {
  static override readonly pythonName: string = 'queue.Full';
}

interface Waiter<T> {
  resolve(item: T): void;
  timer: NodeJS.Timeout | undefined;
}

/** A bounded last-in-first-out queue; `maxsize <= 0` means unbounded, as in Python. */
export class LifoQueue<T> {
  readonly maxsize: number;
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];

  constructor(maxsize = 0) {
    this.maxsize = maxsize;
  }

  /** Number of items held now. */
  qsize(): number {
    return this.#items.length;
  }

  /** Tasks currently waiting in a blocking `get`. */
  get waiting(): number {
    return this.#waiters.length;
  }

  full(): boolean {
    return this.maxsize > 0 && this.#items.length >= this.maxsize;
  }

  /** A copy of the items, bottom first (the next `get` returns the last one). */
  snapshot(): readonly T[] {
    return [...this.#items];
  }

  /** Puts an item without blocking; a waiting `get` receives it directly. Throws {@link Full}. */
  put(item: T, _block = false): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(item);
      return;
    }
    if (this.full()) throw new Full();
    this.#items.push(item);
  }

  /**
   * Takes the most recently put item. When empty: throws {@link Empty} at once if `block` is
   * false, else waits up to `timeout` seconds (`null` = forever) for a `put`.
   */
  async get(block = true, timeout: number | null = null): Promise<T> {
    if (this.#items.length > 0) return this.#items.pop() as T;
    if (!block) throw new Empty();
    if (timeout !== null && timeout < 0)
      throw new RangeError("'timeout' must be a non-negative number");
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, timer: undefined };
      // A wait longer than a Node timer can hold (~24.8 days) is a wait forever.
      if (timeout !== null && timeout * 1000 <= 2_147_483_647) {
        waiter.timer = setTimeout(() => {
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          reject(new Empty());
        }, timeout * 1000);
      }
      this.#waiters.push(waiter);
    });
  }
}
