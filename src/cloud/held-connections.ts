/**
 * @module
 * Connections that belong to a paused step-mode run, so that pausing never changes the branch
 * the program takes: while the learner reads, the embedded cloud must not time out the run's
 * pooled keep-alive sockets (a later `_get_conn` would then see a dropped connection that a
 * real, unpaused run never sees).
 *
 * The run manager holds the loopback client ports of its run's connections while the run is
 * paused, and releases them when it moves on. The cloud's timers consult {@link isHeld} with
 * the remote port of their socket before closing it; a held socket's timer is re-armed
 * instead. Only faults that are the point of a scenario (the `close-idle` fault of
 * `dropped-connection`) close a held connection anyway, and the page says so.
 *
 * Process-wide on purpose: the viewer embeds the cloud in the same process, and both sides
 * meet only here.
 */

const held = new Map<string, ReadonlySet<number>>();
const listeners = new Set<() => void>();

/**
 * Holds the connections of `owner` (a run id), named by their local (client-side) ports.
 * Replaces what `owner` held before.
 */
export function holdConnections(owner: string, localPorts: Iterable<number>): void {
  const ports = new Set([...localPorts].filter((p) => Number.isInteger(p) && p > 0));
  if (ports.size === 0) held.delete(owner);
  else held.set(owner, ports);
}

/** Releases what `owner` held, and tells the timers that waited for it. */
export function releaseConnections(owner: string): void {
  if (!held.delete(owner)) return;
  for (const listener of [...listeners]) listener();
}

/**
 * True while the client end at `remotePort` (as the server sees it) belongs to a paused run.
 * @example
 * if (isHeld(socket.remotePort)) rearm(); else socket.destroy();
 */
export function isHeld(remotePort: number | undefined): boolean {
  if (remotePort === undefined) return false;
  for (const ports of held.values()) if (ports.has(remotePort)) return true;
  return false;
}

/** Calls `listener` after each release (a timer that found its socket held may re-check). */
export function onRelease(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
