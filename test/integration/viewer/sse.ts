/**
 * Reads Server-Sent Events frames from a response body, for the viewer's route tests.
 */
import { expect } from 'vitest';

export interface Frame {
  readonly event: string;
  readonly data: string;
  json<T = unknown>(): T;
}

/** A reader of SSE frames with a bounded wait for each. */
export class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(res: Response) {
    if (!res.body) throw new Error('response has no body');
    this.#reader = res.body.getReader();
  }

  /** The next frame (comments and keep-alives skipped); fails after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length === 0) continue;
        const text = data.join('\n');
        return { event, data: text, json: <T>() => JSON.parse(text) as T };
      }
      const left = deadline - Date.now();
      expect(left, 'timed out waiting for an SSE frame').toBeGreaterThan(0);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.#reader.read(),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), left);
        }),
      ]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      if (chunk.done) throw new Error('event stream ended');
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Frames until one satisfies `match` (at most `max` frames). */
  async until(match: (f: Frame) => boolean, max = 200, timeoutMs = 3000): Promise<Frame> {
    for (let i = 0; i < max; i++) {
      const frame = await this.next(timeoutMs);
      if (match(frame)) return frame;
    }
    throw new Error(`no matching frame within ${max} frames`);
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}
