/**
 * @module
 * The read-only source pane (`/api/source`) and the recorded-trace library (`/api/library`).
 */
import type { Hono } from 'hono';
import type { TraceLibrary } from '../library.js';
import type { SourceFiles } from '../source-files.js';
import type { ViewerParts } from './shared.js';

export function libraryRoutes(
  app: Hono,
  { scenarios }: ViewerParts,
  sources: SourceFiles,
  library: TraceLibrary
): void {
  app.get('/api/source', async (c) => {
    const file = c.req.query('file') ?? '';
    const source = await sources.read(file);
    if (!source)
      return c.json({ error: `not an allowed source file: '${file.slice(0, 200)}'` }, 404);
    return c.json(source, 200, { 'cache-control': 'no-cache' });
  });
  app.get('/api/library', (c) => {
    const summaries = new Map(scenarios().map((s) => [s.name, s.summary]));
    return c.json(library.list(summaries));
  });
  app.get('/api/library/:name', async (c) => {
    const text = await library.read(c.req.param('name'));
    if (text === undefined) return c.json({ error: 'no such recorded trace' }, 404);
    return c.body(text, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
}
