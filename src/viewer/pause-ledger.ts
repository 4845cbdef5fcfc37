/**
 * @module
 * Paused time of a step-mode run. While the run waits at a stop, the stop's span and every
 * open ancestor of it are paused: each gets a `novatrace.step.paused` event when its pause
 * begins and a `novatrace.step.resumed` event when it ends, and its running total
 * `novatrace.paused_ms` is updated then (the attribute is set while the span is still open,
 * so it needs no hook at the span's end). Viewers compute active time as duration minus
 * paused_ms and draw the pauses from the event pairs.
 *
 * Where two branches of one run wait at once (two requests on one pool), a shared ancestor
 * counts as paused while any branch below it waits: an over-count only for the ancestors of
 * concurrent branches, never for a span on one branch.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { preciseNow } from '../telemetry/precise-clock.js';

/** Span attribute and event names (PLAN interface "Paused time"). */
export const PAUSE = {
  pausedMs: 'novatrace.paused_ms',
  pausedEvent: 'novatrace.step.paused',
  resumedEvent: 'novatrace.step.resumed',
  stopKind: 'novatrace.step.kind',
  stopName: 'novatrace.step.at',
  stopIndex: 'novatrace.step.index',
} as const;

interface Entry {
  readonly span: Span;
  readonly parentId: string | undefined;
  waiting: number;
  since: number;
  totalMs: number;
}

/** The spans one waiting stop pauses (its own and its open ancestors'). */
export type PauseChain = readonly Entry[];

export class PauseLedger {
  readonly #spans = new Map<string, Entry>();

  #entry(span: Span): Entry {
    const id = span.spanContext().spanId;
    let entry = this.#spans.get(id);
    if (!entry) {
      const parentId = (span as Partial<ReadableSpan>).parentSpanContext?.spanId;
      entry = { span, parentId, waiting: 0, since: 0, totalMs: 0 };
      this.#spans.set(id, entry);
    }
    return entry;
  }

  /** Knows `span` (a run's root) so that stops below it pause it too. */
  adopt(span: Span): void {
    this.#entry(span);
  }

  /** Starts pausing `span` and its open known ancestors; `attrs` describe the stop. */
  pause(span: Span, attrs: Attributes): PauseChain {
    const chain: Entry[] = [];
    const seen = new Set<string>();
    let entry: Entry | undefined = this.#entry(span);
    while (entry && !seen.has(entry.span.spanContext().spanId)) {
      seen.add(entry.span.spanContext().spanId);
      if (entry.span.isRecording()) chain.push(entry);
      entry = entry.parentId ? this.#spans.get(entry.parentId) : undefined;
    }
    const now = performance.now();
    for (const e of chain) {
      e.waiting += 1;
      if (e.waiting === 1) {
        e.since = now;
        e.span.addEvent(PAUSE.pausedEvent, attrs, preciseNow());
      }
    }
    return chain;
  }

  /** Ends the pause of one stop; a span whose last waiting stop ended resumes. */
  resume(chain: PauseChain): void {
    const now = performance.now();
    for (const e of chain) {
      e.waiting -= 1;
      if (e.waiting > 0) continue;
      const ms = now - e.since;
      e.totalMs += ms;
      if (!e.span.isRecording()) continue;
      e.span.setAttribute(PAUSE.pausedMs, round(e.totalMs));
      e.span.addEvent(PAUSE.resumedEvent, { [PAUSE.pausedMs]: round(ms) }, preciseNow());
    }
  }

  /** Total paused milliseconds of a span so far (0 when it never paused). */
  pausedMs(spanId: string): number {
    return this.#spans.get(spanId)?.totalMs ?? 0;
  }

  /** Every span the ledger has seen (ended ones included), e.g. to read a wire span's port. */
  spans(): Span[] {
    return [...this.#spans.values()].map((e) => e.span);
  }

  /** Local ports of the run's connections, from its wire spans' `network.local.port`. */
  localPorts(): number[] {
    const ports: number[] = [];
    for (const span of this.spans()) {
      const port = (span as Partial<ReadableSpan>).attributes?.['network.local.port'];
      if (typeof port === 'number' && port > 0) ports.push(port);
    }
    return ports;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
