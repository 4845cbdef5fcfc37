/**
 * @module
 * `GET /api/events`: the live Server-Sent Events stream each page subscribes to. Under the
 * viewer's own server (`@hono/node-server`) the stream is written straight to the Node
 * `ServerResponse` (`c.env.outgoing`), so a burst of events costs one `write` per browser and
 * a full socket is seen at once (`write()` answers false); elsewhere (`app.request()`) it is a
 * web stream with the same backpressure. The fan-out itself is {@link EventHub}'s.
 */
import { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import { SECURITY_HEADERS } from '../security.js';
import { nodeSink, SSE_HEADERS, webSink } from '../sse-sink.js';
import type { ViewerParts } from './shared.js';

export function eventRoutes(app: Hono, { hub }: ViewerParts): void {
  app.get('/api/events', (c) => {
    const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
    if (outgoing instanceof ServerResponse) {
      // The middleware cannot add headers to an answer written here: they go in now.
      hub.attach(nodeSink(outgoing, { ...SSE_HEADERS, ...SECURITY_HEADERS }));
      return RESPONSE_ALREADY_SENT;
    }
    const { sink, body } = webSink(c.req.raw.signal);
    hub.attach(sink);
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  });
}
