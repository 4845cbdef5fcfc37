/**
 * In-memory tracing for tests: a private provider with an in-memory exporter, registered as the
 * global provider together with the AsyncLocalStorage context manager and the W3C propagator.
 * Call `useMemoryTracing()` once per file; it resets the exporter before each test.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LiveSpanProcessor } from '../../src/telemetry/live-processor.js';
import { PreciseStartProcessor } from '../../src/telemetry/precise-clock.js';

export interface MemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans, after flushing the simple processor. */
  spans(): Promise<ReadableSpan[]>;
}

export function useMemoryTracing(serviceName = 'novaclient'): MemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      new PreciseStartProcessor(),
      new LiveSpanProcessor(),
      new SimpleSpanProcessor({ exporter }),
    ],
  });
  beforeAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  beforeEach(() => {
    exporter.reset();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  return {
    exporter,
    async spans() {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}
