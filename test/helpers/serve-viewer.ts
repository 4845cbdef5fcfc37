/**
 * The viewer app on a real HTTP server for the browser tests: listening on 127.0.0.1 (port 0,
 * so tests never collide), and taken down with its live streams ended first so that
 * `server.close()` does not wait for open `/api/events` connections.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { ViewerApp } from '../../src/viewer/app.js';

/** Serves `viewer` on 127.0.0.1 at a free port; resolves once it listens. */
export function serveViewer(viewer: ViewerApp): Promise<Server> {
  return new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
  });
}

/** Ends the live streams, closes the server and the viewer (either may be missing). */
export async function closeViewer(viewer?: ViewerApp, server?: Server): Promise<void> {
  viewer?.hub.closeAll();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await viewer?.close();
}
