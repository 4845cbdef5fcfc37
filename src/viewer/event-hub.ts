/**
 * @module
 * Fan-out of viewer events to the browsers connected to `/api/events`. Publishing is
 * synchronous and O(1) per client: each client has a bounded queue that its own writer drains
 * at the pace of its socket. A client that falls too far behind loses its queue and gets one
 * `resync` instead, so a slow browser never slows the traced program or grows memory. Each
 * event is serialised once ({@link sseFrame}) and the same string written to every client.
 */
import type { ViewerEvent } from './types.js';

/** Events a client queue carries (resync is produced by the client itself, on demand). */
export type StreamEvent = Exclude<ViewerEvent, { type: 'resync' }>;

export const DEFAULT_MAX_QUEUE = 2_000;

const frames = new WeakMap<StreamEvent, string>();

/**
 * The SSE frame of an event (`event:` its type, `data:` its JSON), made once per event and
 * shared by every client that sends it: with 50 pages open, an event is serialised once, not 50
 * times. The frame is a single `data:` line (JSON.stringify never writes a raw line break).
 */
export function sseFrame(event: StreamEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/** One connected client: a bounded queue plus a wake-up for its writer. */
export class ClientQueue {
  readonly maxQueue: number;
  #items: StreamEvent[] = [];
  #head = 0;
  #needsResync = false;
  #wake: (() => void) | undefined;
  #closed = false;
  /** Events thrown away because this client was too slow. */
  dropped = 0;

  constructor(maxQueue: number) {
    this.maxQueue = maxQueue;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues an event; on overflow empties the queue and marks the client for a resync. */
  push(event: StreamEvent): void {
    if (this.#closed) return;
    if (this.#needsResync) {
      this.dropped += 1;
      return;
    }
    if (this.length >= this.maxQueue) {
      this.dropped += this.length + 1;
      this.#items = [];
      this.#head = 0;
      this.#needsResync = true;
    } else {
      this.#items.push(event);
    }
    this.#notify();
  }

  /** Asks for a resync (e.g. after a bulk import) without counting drops. */
  requestResync(): void {
    if (this.#closed) return;
    this.#items = [];
    this.#head = 0;
    this.#needsResync = true;
    this.#notify();
  }

  /** The next queued event without waiting, or undefined (none queued, or a resync is due). */
  take(): StreamEvent | undefined {
    if (this.#closed || this.#needsResync || this.length === 0) return undefined;
    const item = this.#items[this.#head] as StreamEvent;
    this.#head += 1;
    this.#compact();
    return item;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * Waits for the next thing to send: an event, `'resync'`, or `undefined` once closed.
   * @param timeoutMs resolves with `'idle'` after this long without news (for heartbeats)
   */
  async next(timeoutMs: number): Promise<StreamEvent | 'resync' | 'idle' | undefined> {
    for (;;) {
      if (this.#closed) return undefined;
      if (this.#needsResync) {
        this.#needsResync = false;
        return 'resync';
      }
      if (this.length > 0) {
        const item = this.#items[this.#head] as StreamEvent;
        this.#head += 1;
        this.#compact();
        return item;
      }
      const woke = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.#wake = undefined;
      if (!woke && !this.#closed && this.length === 0 && !this.#needsResync) return 'idle';
    }
  }

  close(): void {
    this.#closed = true;
    this.#items = [];
    this.#head = 0;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * The set of connected clients.
 * @example
 * const q = hub.connect(); hub.publish({ type: 'span-end', span }); await q.next(15000);
 */
export class EventHub {
  readonly maxQueue: number;
  #clients = new Set<ClientQueue>();

  constructor(opts: { maxQueue?: number } = {}) {
    this.maxQueue = opts.maxQueue ?? DEFAULT_MAX_QUEUE;
  }

  get size(): number {
    return this.#clients.size;
  }

  connect(): ClientQueue {
    const client = new ClientQueue(this.maxQueue);
    this.#clients.add(client);
    return client;
  }

  disconnect(client: ClientQueue): void {
    client.close();
    this.#clients.delete(client);
  }

  publish(event: StreamEvent): void {
    for (const client of this.#clients) client.push(event);
  }

  /** Tells every client to reload its state (after a bulk import or an eviction). */
  resyncAll(): void {
    for (const client of this.#clients) client.requestResync();
  }

  closeAll(): void {
    for (const client of this.#clients) client.close();
    this.#clients.clear();
  }
}
