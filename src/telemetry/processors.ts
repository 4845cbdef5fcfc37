/**
 * @module
 * The span processors a telemetry session puts in front of its exporters, besides the live bus
 * (live-processor.ts) and the precise clock (precise-clock.ts): the redaction safety net, the
 * recorder behind `records()` and the trace files, and the forwarder that lends a session's
 * processors to the mock cloud's own providers. What the `OTEL_*` variables ask for, and the
 * exporters, are in sdk.ts.
 */
import type { AttributeValue, Context } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { toSpanRecord } from './records.js';
import { scrubSecrets } from './redact.js';
import { spanBus } from './span-bus.js';
import { setOwn, type AttrValue, type ResourceTable, type SpanRecord } from './types.js';
/**
 * The value with remembered secrets scrubbed, or the very same value when there was nothing to
 * scrub: most values are clean, and an array is copied only when one of its items changes.
 */
function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (!Array.isArray(value)) return value;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string') continue;
    const clean = scrubSecrets(item);
    if (clean === item) continue;
    const out: unknown[] = value.slice();
    out[i] = clean;
    for (let j = i + 1; j < out.length; j++) {
      const rest = out[j];
      if (typeof rest === 'string') out[j] = scrubSecrets(rest);
    }
    return out;
  }
  return value;
}

/**
 * The safety net in front of every other processor: replaces remembered secrets
 * ({@link rememberSecret}) in span names, attributes, event names and attributes and status
 * messages, with their `{SHA1}` form. The ported code redacts at the source; this catches what
 * slips through. Runs in `onEnding` (sdk-trace 2.x, experimental; the span is still writable
 * there), so every later processor and exporter sees the scrubbed span; and at start only while
 * the live bus has a listener, since a running span is seen by no one else (the recorder and
 * the exporters take ended spans only), and `onEnding` scrubs what was set at start anyway.
 */
export class RedactionSpanProcessor implements SpanProcessor {
  readonly #bus: { readonly size: number };

  constructor(bus: { readonly size: number } = spanBus) {
    this.#bus = bus;
  }

  onStart(span: Span, _parentContext: Context): void {
    if (this.#bus.size > 0) this.#scrub(span);
  }

  onEnding(span: Span): void {
    this.#scrub(span);
    for (const event of span.events) {
      event.name = scrubSecrets(event.name);
      const attrs = event.attributes;
      if (!attrs) continue;
      for (const key in attrs) {
        const value = attrs[key];
        const clean = scrubValue(value);
        if (clean !== value) attrs[key] = clean as AttributeValue;
      }
    }
    if (span.status.message) {
      const message = scrubSecrets(span.status.message);
      if (message !== span.status.message) span.setStatus({ code: span.status.code, message });
    }
  }

  #scrub(span: Span): void {
    const name = scrubSecrets(span.name);
    if (name !== span.name) span.updateName(name);
    const attrs = span.attributes;
    for (const key in attrs) {
      const value = attrs[key];
      const clean = scrubValue(value);
      if (clean !== value) span.setAttribute(key, clean as AttributeValue);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Most records a session keeps (oldest dropped first), so a long-lived viewer cannot grow without end. */
export const MAX_RECORDS = 50_000;

/**
 * Keeps every finished span, for `records()` and the trace files. The conversion to
 * {@link SpanRecord} waits until someone asks (ended spans no longer change), so the traced
 * call does not pay for it.
 */
export class RecordingSpanProcessor implements SpanProcessor {
  #records: SpanRecord[] = [];
  /** Each service's resource attributes, from its first finished span. */
  readonly #resources = new Map<string, Readonly<Record<string, AttrValue>>>();
  #pending: ReadableSpan[] = [];
  readonly #max: number;

  constructor(max = MAX_RECORDS) {
    this.#max = max;
  }

  /** A copy of the finished spans so far, in end order. */
  records(): SpanRecord[] {
    if (this.#pending.length > this.#max) {
      this.#pending.splice(0, this.#pending.length - this.#max);
    }
    if (this.#pending.length > 0) {
      for (const span of this.#pending) this.#records.push(toSpanRecord(span, true));
      this.#pending = [];
      this.#trim();
    }
    return [...this.#records];
  }

  onStart(_span: Span, _parentContext: Context): void {}

  /** Resource attributes by `service.name`, for the trace files' resource and process tags. */
  resources(): ResourceTable {
    return new Map(this.#resources);
  }

  onEnd(span: ReadableSpan): void {
    const service = span.resource.attributes['service.name'];
    if (typeof service === 'string' && !this.#resources.has(service)) {
      const attrs: Record<string, AttrValue> = {};
      for (const [key, value] of Object.entries(span.resource.attributes)) {
        if (value !== undefined && value !== null) setOwn(attrs, key, value as AttrValue);
      }
      this.#resources.set(service, attrs);
    }
    this.#pending.push(span);
    // Trimmed in steps of a tenth of the bound, not one span at a time: a splice per span on a
    // full list of 50,000 would cost every later span a copy of the whole list.
    if (this.#records.length + this.#pending.length > this.#max + this.#slack) {
      if (this.#pending.length > this.#max) {
        this.#pending.splice(0, this.#pending.length - this.#max);
      }
      this.#trim();
    }
  }

  /** How far past the bound the lists may grow before they are cut back to it. */
  get #slack(): number {
    return Math.ceil(this.#max / 10);
  }

  #trim(): void {
    const over = this.#records.length + this.#pending.length - this.#max;
    if (over > 0) this.#records.splice(0, Math.min(over, this.#records.length));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Lends a session's processors to another TracerProvider (the mock cloud's): forwards every
 * hook while the session is open; `shutdown()` only flushes, since the processors belong to
 * the session and the borrower's shutdown must not end them.
 */
export class ForwardingSpanProcessor implements SpanProcessor {
  readonly #targets: readonly SpanProcessor[];
  readonly #isOpen: () => boolean;

  constructor(targets: readonly SpanProcessor[], isOpen: () => boolean) {
    this.#targets = targets;
    this.#isOpen = isOpen;
  }

  onStart(span: Span, parentContext: Context): void {
    if (!this.#isOpen()) return;
    for (const p of this.#targets) p.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    if (!this.#isOpen()) return;
    for (const p of this.#targets) p.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    if (!this.#isOpen()) return;
    for (const p of this.#targets) p.onEnd(span);
  }

  /**
   * Flushes the targets that hold spans in the process (recorder, live bus), not the batch
   * exporters: those send over the network, and the session's own bounded shutdown flushes
   * them. A collector that never answers must not stall the borrower (the cloud's dispose).
   */
  async forceFlush(): Promise<void> {
    if (!this.#isOpen()) return;
    await Promise.all(
      this.#targets
        .filter((p) => !(p instanceof BatchSpanProcessor))
        .map((p) => p.forceFlush().catch(() => undefined))
    );
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}
