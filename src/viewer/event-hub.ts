/**
 * @module
 * Fan-out of viewer events to the browsers connected to `/api/events`. Publishing is
 * synchronous and cheap: the events of one turn of the event loop are serialised once, turned
 * into bytes once, and the same buffer is written to every browser's socket in one flush
 * ({@link StreamClient}). A browser whose socket is full (write answered false) keeps a bounded
 * backlog until `'drain'`; past the bound the backlog is thrown away and the browser gets one
 * `resync` once its socket drains, so a slow or stalled browser never slows ingest, the traced
 * program or the other browsers, and never grows memory. In-process readers (tests) use a
 * pull queue instead ({@link ClientQueue}).
 */
import type { SseSink } from './sse-sink.js';
import type { RunState, TraceSummary, ViewerEvent } from './types.js';

/** Events a client queue carries (resync is produced by the client itself, on demand). */
export type StreamEvent = Exclude<ViewerEvent, { type: 'resync' }>;

export const DEFAULT_MAX_QUEUE = 2_000;
/** Bytes a browser with a full socket may have waiting before it is dropped to a resync. */
export const DEFAULT_MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Why a browser is told to reload its state. */
export type ResyncReason = 'hello' | 'dropped' | 'bulk';

/** What a resync carries: the stored traces and the runs, as they are now. */
export interface Snapshot {
  readonly traces: readonly TraceSummary[];
  readonly runs: readonly RunState[];
}

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
 * One browser on `/api/events`, written to through an {@link SseSink}. The hub hands it each
 * flush as one shared buffer; it writes that buffer at once while its sink has room, keeps it
 * in a bounded backlog while the sink is full, and past the bound drops the backlog and owes
 * the browser a resync, sent when the sink drains.
 */
export class StreamClient {
  readonly #hub: EventHub;
  readonly #sink: SseSink;
  #backlog: { readonly chunk: Uint8Array; readonly count: number }[] = [];
  #backlogEvents = 0;
  #backlogBytes = 0;
  #blocked = false;
  #resync: ResyncReason | undefined;
  #wrote = 0;
  /** Events thrown away because this browser was too slow. */
  dropped = 0;
  /** Resyncs sent after drops or bulk imports (not counting the hello). */
  resyncs = 0;

  constructor(hub: EventHub, sink: SseSink) {
    this.#hub = hub;
    this.#sink = sink;
    this.#resync = 'hello';
    this.#pump();
  }

  /** Waiting for the socket to drain. */
  get blocked(): boolean {
    return this.#blocked;
  }

  get closed(): boolean {
    return this.#sink.closed;
  }

  /** One flush of the hub: `count` events as one buffer shared by every browser. */
  deliver(chunk: Uint8Array, count: number): void {
    if (this.#resync !== undefined && this.#blocked) {
      this.dropped += count;
      return;
    }
    if (!this.#blocked) {
      this.#write(chunk);
      return;
    }
    if (
      this.#backlogEvents + count > this.#hub.maxQueue ||
      this.#backlogBytes + chunk.byteLength > this.#hub.maxBacklogBytes
    ) {
      this.dropped += this.#backlogEvents + count;
      this.#dropBacklog('dropped');
      return;
    }
    this.#backlog.push({ chunk, count });
    this.#backlogEvents += count;
    this.#backlogBytes += chunk.byteLength;
  }

  /** Owes the browser a resync (a bulk import, an eviction): sent now, or once it drains. */
  requestResync(): void {
    this.#dropBacklog('bulk');
    if (!this.#blocked) this.#pump();
  }

  /** Writes a comment line if nothing was written for a while (proxies drop idle streams). */
  heartbeat(now: number, idleMs: number): void {
    if (!this.#blocked && now - this.#wrote >= idleMs) this.#write(KEEP_ALIVE);
  }

  close(): void {
    this.#dropBacklog(undefined);
    this.#sink.end();
  }

  #dropBacklog(reason: ResyncReason | undefined): void {
    this.#backlog = [];
    this.#backlogEvents = 0;
    this.#backlogBytes = 0;
    if (reason !== undefined) this.#resync ??= reason;
  }

  #write(chunk: Uint8Array): void {
    if (this.#sink.closed) return;
    this.#wrote = performance.now();
    if (this.#sink.write(chunk)) return;
    this.#blocked = true;
    this.#sink.onDrain(() => {
      this.#blocked = false;
      this.#pump();
    });
  }

  /** Sends what is owed, in order: a resync if due, then the backlog, until the sink is full. */
  #pump(): void {
    if (this.#resync !== undefined) {
      const reason = this.#resync;
      this.#resync = undefined;
      if (reason !== 'hello') this.resyncs += 1;
      this.#write(this.#hub.resyncFrame(reason));
    }
    while (!this.#blocked && this.#backlog.length > 0) {
      const { chunk, count } = this.#backlog.shift()!;
      this.#backlogBytes -= chunk.byteLength;
      this.#backlogEvents -= count;
      this.#write(chunk);
    }
  }
}

const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

export interface EventHubOptions {
  /** Events a slow client may have waiting before it is dropped to a resync. */
  readonly maxQueue?: number;
  /** Bytes a browser with a full socket may have waiting (default 4 MiB). */
  readonly maxBacklogBytes?: number;
  /** What a resync carries (default: nothing stored, no runs). */
  readonly snapshot?: () => Snapshot;
  /** Interval of the keep-alive comment on an idle stream (default 15 s). */
  readonly heartbeatMs?: number;
}

/**
 * The set of connected clients.
 * @example
 * const q = hub.connect(); hub.publish({ type: 'span-end', span }); await q.next(15000);
 */
export class EventHub {
  readonly maxQueue: number;
  readonly maxBacklogBytes: number;
  readonly heartbeatMs: number;
  readonly #snapshot: () => Snapshot;
  #clients = new Set<ClientQueue>();
  #streams = new Set<StreamClient>();
  #batch: StreamEvent[] = [];
  #flushing = false;
  #resyncFrames: Map<ResyncReason, Uint8Array> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #dropped = 0;
  #resyncs = 0;

  constructor(opts: EventHubOptions = {}) {
    this.maxQueue = opts.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.maxBacklogBytes = opts.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#snapshot = opts.snapshot ?? (() => ({ traces: [], runs: [] }));
  }

  /** Clients connected, pull queues and browser streams together. */
  get size(): number {
    return this.#clients.size + this.#streams.size;
  }

  /** Events dropped for slow browsers and resyncs sent to them, over the hub's life. */
  get stats(): { droppedEvents: number; resyncs: number; blockedStreams: number } {
    let droppedEvents = this.#dropped;
    let resyncs = this.#resyncs;
    let blockedStreams = 0;
    for (const s of this.#streams) {
      droppedEvents += s.dropped;
      resyncs += s.resyncs;
      if (s.blocked) blockedStreams += 1;
    }
    return { droppedEvents, resyncs, blockedStreams };
  }

  /** A pull queue for an in-process reader. */
  connect(): ClientQueue {
    const client = new ClientQueue(this.maxQueue);
    this.#clients.add(client);
    return client;
  }

  disconnect(client: ClientQueue): void {
    client.close();
    this.#clients.delete(client);
  }

  /** A browser stream writing to `sink`; it starts with a hello resync and ends with the sink. */
  attach(sink: SseSink): StreamClient {
    const stream = new StreamClient(this, sink);
    this.#streams.add(stream);
    sink.onClose(() => this.#forget(stream));
    this.#heartbeat ??= setInterval(() => this.#beat(), Math.max(10, this.heartbeatMs / 2));
    this.#heartbeat.unref();
    return stream;
  }

  publish(event: StreamEvent): void {
    for (const client of this.#clients) client.push(event);
    if (this.#streams.size === 0) return;
    this.#batch.push(event);
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Tells every client to reload its state (after a bulk import or an eviction). */
  resyncAll(): void {
    for (const client of this.#clients) client.requestResync();
    // One snapshot for all: the store does not change while this loop runs.
    this.#resyncFrames = new Map();
    try {
      for (const stream of this.#streams) stream.requestResync();
    } finally {
      this.#resyncFrames = undefined;
    }
  }

  /** The resync frame for `reason`: the store's state now (shared during {@link resyncAll}). */
  resyncFrame(reason: ResyncReason): Uint8Array {
    let frame = this.#resyncFrames?.get(reason);
    if (frame === undefined) {
      const event: ViewerEvent = { type: 'resync', reason, ...this.#snapshot() };
      const retry = reason === 'hello' ? 'retry: 2000\n' : '';
      frame = Buffer.from(`event: resync\n${retry}data: ${JSON.stringify(event)}\n\n`);
      this.#resyncFrames?.set(reason, frame);
    }
    return frame;
  }

  closeAll(): void {
    for (const client of this.#clients) client.close();
    this.#clients.clear();
    for (const stream of [...this.#streams]) stream.close();
    this.#streams.clear();
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** Writes the events of this turn: one string, one buffer, the same bytes to every browser. */
  #flush(): void {
    this.#flushing = false;
    const events = this.#batch;
    this.#batch = [];
    if (events.length === 0 || this.#streams.size === 0) return;
    let text = '';
    for (const event of events) text += sseFrame(event);
    const chunk = Buffer.from(text);
    for (const stream of this.#streams) stream.deliver(chunk, events.length);
  }

  #forget(stream: StreamClient): void {
    if (!this.#streams.delete(stream)) return;
    this.#dropped += stream.dropped;
    this.#resyncs += stream.resyncs;
    if (this.#streams.size === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  #beat(): void {
    const now = performance.now();
    for (const stream of this.#streams) stream.heartbeat(now, this.heartbeatMs);
  }
}
