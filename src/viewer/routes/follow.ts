/**
 * @module
 * Follow mode: a teacher's page, mirrored by the class (`/api/follow`).
 */
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { sameOriginJson } from '../security.js';
import {
  isRecord,
  MAX_OWNERS,
  OWNER_HEADER,
  OWNER_TOKEN,
  readJson,
  sameSecret,
  trimOldest,
  type ViewerParts,
} from './shared.js';

export function followRoutes(app: Hono, { hub, owners }: ViewerParts): void {
  /**
   * Followable pages: follow id → the leading page's owner token, the teacher key of the
   * teacher link (`#teach=<id>.<key>`, which moves the lead to the page that opens it), and
   * what the leading page shows.
   */
  const follows = new Map<
    string,
    { owner: string; key: string; traceId?: string; spanId?: string }
  >();
  app.post('/api/follow', sameOriginJson(), (c) => {
    const owner = c.req.header(OWNER_HEADER);
    if (!owner || !OWNER_TOKEN.test(owner)) {
      return c.json({ error: `a followable page sends its ${OWNER_HEADER} token` }, 400);
    }
    for (const [id, f] of follows)
      if (f.owner === owner) return c.json({ followId: id, teacherKey: f.key });
    const followId = randomUUID().replace(/-/g, '').slice(0, 16);
    const key = randomUUID().replace(/-/g, '');
    follows.set(followId, { owner, key });
    trimOldest(follows, MAX_OWNERS);
    return c.json({ followId, teacherKey: key }, 201);
  });
  app.get('/api/follow/:id', (c) => {
    const f = follows.get(c.req.param('id'));
    if (!f) return c.json({ error: 'no such follow link (the viewer may have restarted)' }, 404);
    return c.json({
      traceId: f.traceId ?? null,
      spanId: f.spanId ?? null,
      leading: c.req.header(OWNER_HEADER) === f.owner,
    });
  });
  // The teacher link: the page that opens it becomes the one page leading the class, with the
  // controls of the runs the previous leading page started; that page becomes a follower.
  app.post('/api/follow/:id/teach', sameOriginJson(), async (c) => {
    const followId = c.req.param('id');
    const f = follows.get(followId);
    if (!f) return c.json({ error: 'no such follow link (the viewer may have restarted)' }, 404);
    const owner = c.req.header(OWNER_HEADER);
    if (!owner || !OWNER_TOKEN.test(owner)) {
      return c.json({ error: `a teaching page sends its ${OWNER_HEADER} token` }, 400);
    }
    const body = await readJson(c, 1024);
    const key = isRecord(body) && typeof body.key === 'string' ? body.key : '';
    if (!sameSecret(key, f.key)) return c.json({ error: 'this teacher link is not valid' }, 403);
    const before = f.owner;
    const runIds: string[] = [];
    if (before !== owner) {
      f.owner = owner;
      for (const [runId, o] of owners) {
        if (o !== before) continue;
        owners.set(runId, owner);
        runIds.push(runId);
      }
    }
    hub.publish({
      type: 'follow',
      followId,
      traceId: f.traceId ?? '',
      ...(f.spanId ? { spanId: f.spanId } : {}),
      handover: true,
    });
    return c.json({
      followId,
      teacherKey: f.key,
      runIds,
      traceId: f.traceId ?? null,
      spanId: f.spanId ?? null,
    });
  });
  app.post('/api/follow/:id', sameOriginJson(), async (c) => {
    const followId = c.req.param('id');
    const f = follows.get(followId);
    if (!f) return c.json({ error: 'no such follow link' }, 404);
    if (c.req.header(OWNER_HEADER) !== f.owner) {
      return c.json({ error: 'only the page that made this follow link can lead it' }, 403);
    }
    const body = await readJson(c, 4 * 1024);
    const hex = (v: unknown, n: number) =>
      typeof v === 'string' && new RegExp(`^[0-9a-f]{${n}}$`).test(v);
    if (
      !isRecord(body) ||
      !hex(body.traceId, 32) ||
      (body.spanId !== undefined && !hex(body.spanId, 16))
    ) {
      return c.json({ error: 'expected {"traceId": "<32 hex>", "spanId": "<16 hex>"}' }, 400);
    }
    f.traceId = body.traceId as string;
    f.spanId = body.spanId as string | undefined;
    hub.publish({
      type: 'follow',
      followId,
      traceId: f.traceId,
      ...(f.spanId ? { spanId: f.spanId } : {}),
    });
    return c.json({ ok: true });
  });
}
