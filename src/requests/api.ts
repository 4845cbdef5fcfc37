/**
 * @module
 * The module-level `requests.request`.
 * @see requests/api.py (requests 2.9.1) request
 *
 * Ported: `request` — a throw-away Session made for this one call and closed after it (so its
 * connection pool, and the connection, go with it: the next call opens a new connection).
 * This is what seed-era novaclient uses when it holds no session. Left out: the `get`,
 * `post`, `put`... shortcuts.
 */
import { layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import type { Response } from './models.js';
import { Session, type RequestKwargs } from './sessions.js';

/**
 * Constructs and sends a Request through a new Session, then closes that Session.
 * @example
 * const r = await request('GET', 'http://127.0.0.1:8774/', { timeout: [3.05, 27] });
 */
export async function request(
  method: string,
  url: string,
  kwargs: RequestKwargs = {}
): Promise<Response> {
  return layerSpan(
    'api.request',
    { [ATTR.httpRequestMethod]: method.toUpperCase(), [ATTR.urlFull]: url },
    async () => {
      // Python: `with sessions.Session() as session:` — closing the session closes its pools,
      // so no socket outlives the call.
      const session = new Session();
      try {
        return await session.request(method, url, kwargs);
      } finally {
        await session.close();
      }
    }
  );
}
