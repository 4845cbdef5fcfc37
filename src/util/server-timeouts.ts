/**
 * @module
 * Timeouts for the HTTP servers novatrace runs (the cloud, the viewer): a connection that does
 * not finish sending its request headers within `headersTimeoutMs` is closed, so sockets that
 * drip a header every few seconds (or send nothing) cannot pile up. Node checks every
 * `CHECK_INTERVAL_MS`; a connection that a caller says is exempt (a run paused in step mode)
 * is left open when its time is up.
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

/** How long a client may take to send its request headers (default). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node looks for connections past their time. */
export const CHECK_INTERVAL_MS = 1_000;

/** Server options that make Node enforce the header timeout promptly. */
export function timeoutServerOptions(headersTimeoutMs = HEADERS_TIMEOUT_MS): ServerOptions {
  return { headersTimeout: headersTimeoutMs, connectionsCheckingInterval: CHECK_INTERVAL_MS };
}

/**
 * Applies the header timeout to a server made elsewhere and handles the clients that pass it:
 * closed, unless `exempt(socket)` says otherwise. Every other client error closes the socket
 * too (a client that vanishes mid-request must not take the process down).
 */
export function guardSlowClients(
  server: Server,
  opts: { headersTimeoutMs?: number; exempt?: (socket: Socket) => boolean } = {}
): void {
  server.headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && opts.exempt?.(socket)) return;
    socket.destroy();
  });
}
