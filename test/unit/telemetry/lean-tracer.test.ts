import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeanTracerProvider } from '../../../src/telemetry/lean-tracer.js';
import { PreciseStartProcessor } from '../../../src/telemetry/precise-clock.js';
import { RedactionSpanProcessor } from '../../../src/telemetry/processors.js';
import { rememberSecret, sha1Redact } from '../../../src/telemetry/redact.js';

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.disable();
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  context.disable();
});

/** Everything a processor or exporter reads of a span, ids and clock readings left out. */
function shape(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    hasParent: span.parentSpanContext !== undefined,
    attributes: span.attributes,
    events: span.events.map((e) => ({
      name: e.name,
      attributes: e.attributes,
      dropped: e.droppedAttributesCount,
    })),
    links: span.links.length,
    status: span.status,
    ended: span.ended,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
    resource: span.resource.attributes,
    scope: span.instrumentationScope,
  };
}

/** The same program, run against a provider; returns its finished spans. */
async function program(make: (processors: SpanProcessor[]) => ApiTracerProvider) {
  const exporter = new InMemorySpanExporter();
  const provider = make([new SimpleSpanProcessor({ exporter })]);
  const tracer = provider.getTracer('novatrace.test', '1.0');
  await tracer.startActiveSpan(
    'outer',
    { kind: SpanKind.INTERNAL, attributes: { a: 'x', n: 1, list: ['p', 'q'], bad: {} as never } },
    async (outer) => {
      await Promise.resolve();
      await tracer.startActiveSpan('inner', { kind: SpanKind.CLIENT }, async (inner) => {
        inner.setAttribute('late', true);
        inner.setAttribute('', 'no key');
        inner.setAttributes({ b: 2, c: undefined });
        inner.addEvent('plain');
        inner.addEvent('with attrs', { k: 'v', empty: null as never, bad: {} as never });
        inner.addLink({ context: outer.spanContext(), attributes: { l: 1 } });
        inner.addEvent('timed', [1_700_000_000, 5]);
        inner.recordException({ name: 'ValueError', message: 'boom', stack: 'ValueError: boom' });
        inner.recordException({ code: 'ECONNRESET', message: 'reset' });
        inner.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
        inner.end();
        inner.setAttribute('after end', 1);
      });
      for (let i = 0; i < 130; i++) outer.setAttribute(`many.${i}`, i);
      for (let i = 0; i < 130; i++) outer.addEvent(`e${i}`);
      outer.updateName('outer renamed');
      outer.setStatus({ code: SpanStatusCode.OK });
      outer.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored after OK' });
      outer.end();
    }
  );
  const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.NONE,
    isRemote: true,
  });
  const notRecorded = tracer.startSpan('unsampled', {}, unsampledParent);
  const suppressed = tracer.startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
  const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  // A layer span's own attributes object (layer-span.ts): kept, still checked and limited.
  const own: Record<string, unknown> = { kept: 'yes', empty: null, bad: {} };
  for (let i = 0; i < 130; i++) own[`own.${i}`] = i;
  const owned = tracer.startSpan('owned', {
    attributes: own,
    [Symbol.for('novatrace.own-attributes')]: true,
  } as never);
  owned.end();
  const child = tracer.startSpan('remote child', { root: false }, sampledParent);
  child.end();
  const root = tracer.startSpan('new root', { root: true }, sampledParent);
  root.end();
  notRecorded.end();
  suppressed.end();
  return {
    spans: exporter.getFinishedSpans(),
    notRecorded: [notRecorded.isRecording(), notRecorded.spanContext().traceId],
    suppressed: [suppressed.isRecording(), suppressed.spanContext().traceId],
  };
}

const resource = resourceFromAttributes({ 'service.name': 'novaclient' });

describe('LeanTracerProvider', () => {
  it('makes the spans sdk-trace makes: attributes, events, limits, status, sampling', async () => {
    const sdk = await program((spanProcessors) => new TracerProvider({ resource, spanProcessors }));
    const lean = await program(
      (spanProcessors) => new LeanTracerProvider({ resource, spanProcessors })
    );
    expect(lean.spans.map(shape)).toEqual(sdk.spans.map(shape));
    expect(lean.notRecorded).toEqual(sdk.notRecorded);
    expect(lean.notRecorded).toEqual([false, '0af7651916cd43dd8448eb211c80319c']);
    expect(lean.suppressed).toEqual(sdk.suppressed);
    // children carry their parent's trace and span id, as the SDK's do
    const [inner, outer] = lean.spans;
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
    const remote = lean.spans.find((s) => s.name === 'remote child');
    expect(remote?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(remote?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(lean.spans.find((s) => s.name === 'new root')?.parentSpanContext).toBeUndefined();
    expect(outer?.droppedAttributesCount).toBe(5);
    expect(outer?.droppedEventsCount).toBe(2);
  });

  it('reads start, event and end times from one precise clock, in order', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new LeanTracerProvider({
      resource,
      spanProcessors: [new PreciseStartProcessor(), new SimpleSpanProcessor({ exporter })],
    });
    const tracer: Tracer = provider.getTracer('novatrace.test');
    const before = BigInt(Date.now()) * 1_000_000n;
    const a = tracer.startSpan('a');
    const b = tracer.startSpan('b');
    b.addEvent('in b');
    b.end();
    a.end();
    const ns = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    const [spanB, spanA] = exporter.getFinishedSpans();
    const starts = [ns(spanA!.startTime), ns(spanB!.startTime)];
    // sub-millisecond: not cut to whole milliseconds as the SDK's own start would be
    expect(starts[1]! - starts[0]!).toBeLessThan(1_000_000n);
    expect(starts[0]! >= before - 2_000_000n).toBe(true);
    expect(ns(spanB!.events[0]!.time) >= starts[1]!).toBe(true);
    expect(ns(spanB!.endTime) >= ns(spanB!.events[0]!.time)).toBe(true);
    expect(ns(spanA!.endTime) >= ns(spanB!.endTime)).toBe(true);
    expect(spanA!.duration[0] >= 0 && spanA!.duration[1] >= 0).toBe(true);
  });

  it('lets onEnding processors rewrite the span before anyone else sees it', async () => {
    const secret = 'lean-tracer-secret-token';
    rememberSecret(secret);
    const seen: string[] = [];
    const provider = new LeanTracerProvider({
      resource,
      spanProcessors: [
        new RedactionSpanProcessor({ size: 0 }),
        {
          onStart: () => undefined,
          onEnd: (span: ReadableSpan) => seen.push(String(span.attributes['token'])),
          forceFlush: () => Promise.resolve(),
          shutdown: () => Promise.resolve(),
        },
      ],
    });
    const span = provider.getTracer('t').startSpan('s') as Span;
    span.setAttribute('token', `Bearer ${secret}`);
    span.end();
    expect(seen).toEqual([`Bearer ${sha1Redact(secret)}`]);
    expect(span.isRecording()).toBe(false);
    await provider.shutdown();
  });
});
