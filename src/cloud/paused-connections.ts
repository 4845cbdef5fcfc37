/**
 * @module
 * The connections of runs paused in step mode, as the cloud's server sees them (the client's
 * address and port). The server's header timeout closes connections that take too long to send
 * their request; a paused run is not slow, it is waiting for the learner, and closing its
 * connection would change the branch the program takes. So the timeout leaves these alone.
 *
 * The step machinery registers a connection when its run pauses and releases it when the run
 * goes on; the key is the client socket's local address and port, which is the server socket's
 * remote address and port.
 */

/** The key of one connection: `address:port` of the client end. */
export function connectionKey(address: string | undefined, port: number | undefined): string {
  // An IPv4 client may appear as ::ffff:127.0.0.1 on a dual-stack server.
  return `${(address ?? '').replace(/^::ffff:/, '')}:${port ?? 0}`;
}

/**
 * A set of paused connections, counted so that two pauses of one connection need two releases.
 * @example
 * const release = pausedConnections.hold(socket.localAddress, socket.localPort);
 * // ... the learner presses Next ...
 * release();
 */
export class PausedConnections {
  #held = new Map<string, number>();

  /** Marks a connection as paused; returns the function that releases it (idempotent). */
  hold(address: string | undefined, port: number | undefined): () => void {
    const key = connectionKey(address, port);
    this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#held.get(key) ?? 1) - 1;
      if (n <= 0) this.#held.delete(key);
      else this.#held.set(key, n);
    };
  }

  /** Whether the connection from `address:port` belongs to a paused run. */
  isPaused(address: string | undefined, port: number | undefined): boolean {
    return this.#held.has(connectionKey(address, port));
  }

  get size(): number {
    return this.#held.size;
  }
}

/** The process-wide registry the cloud's servers consult. */
export const pausedConnections = new PausedConnections();
