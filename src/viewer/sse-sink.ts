/**
 * @module
 * Where an `/api/events` stream's bytes go: straight to the Node socket's `ServerResponse`
 * when the app runs under `@hono/node-server` (the viewer's own server), else into a web
 * `ReadableStream` (`app.request()` in tests, other runtimes). Both report backpressure the
 * same way: {@link SseSink.write} answers false once the buffer is full, and
 * {@link SseSink.onDrain} says when writing may go on.
 */
import type { ServerResponse } from 'node:http';

export interface SseSink {
  /** Writes bytes; false once the sink's buffer is full (the bytes are still taken). */
  write(chunk: Uint8Array): boolean;
  /** Calls `listener` once, when the buffer has room again. */
  onDrain(listener: () => void): void;
  /** Calls `listener` once, when the reader goes away or the sink is ended. */
  onClose(listener: () => void): void;
  readonly closed: boolean;
  end(): void;
}

/** Headers of an event stream (the security headers are added by the caller). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/**
 * A sink writing to a Node `ServerResponse`: one `res.write` per chunk, no web-stream layer
 * between, and `write()`'s own answer as the backpressure signal (false once the socket's
 * buffer passed its high-water mark; `'drain'` when it emptied).
 */
export function nodeSink(res: ServerResponse, headers: Record<string, string>): SseSink {
  res.writeHead(200, headers);
  res.on('error', () => undefined);
  const sink: SseSink = {
    write: (chunk) => (sink.closed ? false : res.write(chunk)),
    onDrain: (listener) => res.once('drain', listener),
    onClose: (listener) => {
      if (sink.closed) queueMicrotask(listener);
      else res.once('close', listener);
    },
    get closed() {
      return res.destroyed || res.writableEnded;
    },
    end: () => {
      if (!sink.closed) res.end();
    },
  };
  return sink;
}

/** A sink feeding a web `ReadableStream` of bytes, for the `Response` body of `app.request`. */
export function webSink(
  signal: AbortSignal | undefined,
  highWaterMark = 64 * 1024
): { sink: SseSink; body: ReadableStream<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const drains: (() => void)[] = [];
  const closes: (() => void)[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const listener of closes.splice(0)) listener();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        for (const listener of drains.splice(0)) listener();
      },
      cancel: close,
    },
    { highWaterMark, size: (chunk) => chunk.byteLength }
  );
  signal?.addEventListener('abort', close, { once: true });
  const sink: SseSink = {
    write(chunk) {
      if (closed) return false;
      controller.enqueue(chunk);
      return (controller.desiredSize ?? 0) > 0;
    },
    onDrain: (listener) => drains.push(listener),
    onClose: (listener) => (closed ? queueMicrotask(listener) : closes.push(listener)),
    get closed() {
      return closed;
    },
    end() {
      if (closed) return;
      close();
      controller.close();
    },
  };
  return { sink, body };
}
