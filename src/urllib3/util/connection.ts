/**
 * @module
 * Is a pooled connection still usable?
 * @see urllib3/util/connection.py (urllib3 1.13.1) is_connection_dropped
 *
 * Python polls the socket with a zero timeout: readable on an idle keep-alive socket means the
 * server sent EOF (or garbage), so the connection is dropped. Our equivalent asks undici: its
 * Client emits `disconnect` and reports `stats.connected === false` once it has processed the
 * server's FIN. undici only processes the FIN when the event loop gets to the socket, so we
 * give it a few turns first; without that, reusing a socket in the same tick as the FIN fails
 * with `UND_ERR_SOCKET other side closed` (shared/reference/otel-notes.md 2(c)), which
 * requests' `Retry(0, read=False)` would surface as a ConnectionError.
 */
import type { HTTPConnection } from '../connection.js';

/** Lets pending socket events (a FIN already received) reach undici's handlers. */
function oneLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Loop turns to give undici. Measured on loopback right after the server closed an idle
 * socket: `stats.connected` turned false on the 2nd turn and `disconnect` fired on the 3rd
 * (libuv reads the FIN in a poll phase, undici destroys the socket, then 'close' follows).
 */
const TURNS = 3;

/**
 * True when the connection's socket was dropped by the other side, or is already closed
 * (`sock` null: after a `Connection: close` answer, or never opened). As in urllib3, the pool
 * then logs "Resetting dropped connection" and closes it; the same object reconnects on its next
 * request.
 */
export async function is_connection_dropped(conn: HTTPConnection): Promise<boolean> {
  if (conn.sock === null) return true; // Connection already closed (such as by httplib).
  for (let turn = 0; turn < TURNS; turn += 1) {
    if (conn.saw_disconnect()) return true;
    await oneLoopTurn();
  }
  return conn.saw_disconnect();
}
