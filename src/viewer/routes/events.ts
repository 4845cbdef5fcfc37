/**
 * @module
 * `GET /api/events`: the live Server-Sent Events stream each page subscribes to.
 */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { sseFrame } from '../event-hub.js';
import type { ViewerEvent } from '../types.js';
import type { ViewerParts } from './shared.js';

export function eventRoutes(
  app: Hono,
  { store, hub, runs }: ViewerParts,
  heartbeatMs: number
): void {
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const client = hub.connect();
      stream.onAbort(() => hub.disconnect(client));
      const resync = (reason: 'hello' | 'dropped'): ViewerEvent => ({
        type: 'resync',
        reason: reason === 'hello' ? 'hello' : client.dropped > 0 ? 'dropped' : 'bulk',
        traces: store.list(),
        runs: runs.list(),
      });
      await stream.writeSSE({
        event: 'resync',
        data: JSON.stringify(resync('hello')),
        retry: 2000,
      });
      for (;;) {
        const item = await client.next(heartbeatMs);
        if (item === undefined || stream.aborted) break;
        if (item === 'idle') await stream.write(': keep-alive\n\n');
        else if (item === 'resync') {
          await stream.writeSSE({ event: 'resync', data: JSON.stringify(resync('dropped')) });
        } else {
          // What is queued by the end of this turn of the loop goes out in the same write: one
          // write per burst (an OTLP batch, a run's step), not one per event and per page.
          await new Promise((resolve) => setImmediate(resolve));
          let text = sseFrame(item);
          for (let n = 1; n < 256; n++) {
            const more = client.take();
            if (!more) break;
            text += sseFrame(more);
          }
          await stream.write(text);
        }
      }
      hub.disconnect(client);
    })
  );
}
