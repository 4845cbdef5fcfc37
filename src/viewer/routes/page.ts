/**
 * @module
 * The page and its assets, and `/healthz`.
 */
import type { Context, Hono } from 'hono';
import type { WebAssets } from '../assets.js';
import type { ViewerParts } from './shared.js';

export function pageRoutes(app: Hono, loadAssets: () => Promise<WebAssets>): void {
  const page = async (c: Context) => {
    const a = await loadAssets();
    return c.html(a.html, 200, { 'cache-control': 'no-cache' });
  };
  app.get('/', page);
  app.get('/index.html', page);
  app.get('/assets/app.js', async (c) => {
    const a = await loadAssets();
    return c.body(a.js, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      etag: `"${a.version}"`,
    });
  });
  app.get('/assets/app.css', async (c) => {
    const a = await loadAssets();
    return c.body(a.css, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      etag: `"${a.version}"`,
    });
  });
  app.get('/assets/icon.svg', async (c) => {
    const a = await loadAssets();
    return c.body(a.icon, 200, {
      'content-type': 'image/svg+xml',
      'cache-control': 'max-age=3600',
    });
  });
  app.get('/favicon.ico', (c) => c.redirect('/assets/icon.svg', 301));
}

export function healthRoute(app: Hono, { store, hub, runs }: ViewerParts): void {
  app.get('/healthz', (c) =>
    c.json({
      ok: true,
      traces: store.traceCount,
      spans: store.spanCount,
      bytes: store.bytes,
      limits: {
        maxTraces: store.maxTraces,
        maxSpans: store.maxSpans,
        maxSpansPerTrace: store.maxSpansPerTrace,
        maxBytes: store.maxBytes,
        maxTraceBytes: store.maxTraceBytes,
        span: store.spanLimits,
      },
      ...store.stats,
      clients: hub.size,
      live: hub.stats,
      activeRun: runs.active()?.runId ?? null,
    })
  );
}
