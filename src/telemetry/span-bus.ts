/**
 * @module
 * The in-process bus of span start and end events. Subscribers (the viewer's SSE stream, the
 * terminal tree) are called synchronously and must not block: a slow consumer buffers or drops
 * on its own side, never here.
 */
import type { BusEvent } from './types.js';

export type BusListener = (event: BusEvent) => void;

/** A minimal synchronous publish/subscribe channel for {@link BusEvent}s. */
export class SpanBus {
  #listeners = new Set<BusListener>();

  /**
   * Subscribes; returns the unsubscribe function.
   * @example
   * const off = bus.subscribe((e) => console.log(e.type, e.span.name)); off();
   */
  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Number of current subscribers (tests check that aborted streams unsubscribe). */
  get size(): number {
    return this.#listeners.size;
  }

  /** Delivers the event to every subscriber; a throwing subscriber does not stop the others. */
  publish(event: BusEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        // A subscriber's bug must never break the traced program.
        process.emitWarning(`span bus listener failed: ${String(err)}`);
      }
    }
  }
}

/** The process-wide bus that the SDK setup feeds. */
export const spanBus = new SpanBus();
