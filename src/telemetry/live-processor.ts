/**
 * @module
 * A span processor that publishes span starts and ends to the live {@link SpanBus}. Its hooks
 * are synchronous and do no I/O: they build a record and hand it over.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { toSpanRecord } from './records.js';
import { spanBus, type SpanBus } from './span-bus.js';

export class LiveSpanProcessor implements SpanProcessor {
  readonly #bus: SpanBus;

  constructor(bus: SpanBus = spanBus) {
    this.#bus = bus;
  }

  onStart(span: Span, _parentContext: Context): void {
    if (this.#bus.size === 0) return;
    this.#bus.publish({ type: 'span-start', span: toSpanRecord(span, false) });
  }

  onEnd(span: ReadableSpan): void {
    if (this.#bus.size === 0) return;
    this.#bus.publish({ type: 'span-end', span: toSpanRecord(span, true) });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
