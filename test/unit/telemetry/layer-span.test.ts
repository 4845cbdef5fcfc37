import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { decision, layerSpan, pythonName } from '../../../src/telemetry/layer-span.js';
import { rememberSecret, sha1Redact } from '../../../src/telemetry/redact.js';
import { withRunScope, type LayerEntry } from '../../../src/telemetry/run-scope.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing();

class FakePythonError extends Error {
  static readonly pythonName = 'requests.exceptions.ConnectionError';
}

describe('layerSpan', () => {
  it('opens an INTERNAL span named after the layer with the upstream attributes', async () => {
    const result = await layerSpan('HTTPClient.put', { 'url.path': '/servers/x' }, () => 42);
    expect(result).toBe(42);
    const [span] = await tracing.spans();
    expect(span?.name).toBe('HTTPClient.put');
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.attributes['novatrace.upstream.file']).toBe('novaclient/client.py');
    expect(span?.attributes['novatrace.layer']).toBe('novaclient');
    expect(span?.attributes['code.function.name']).toBe('HTTPClient.put');
    expect(span?.attributes['url.path']).toBe('/servers/x');
    expect(span?.instrumentationScope.name).toBe('novatrace.novaclient');
  });

  it('nests spans opened inside the body', async () => {
    await layerSpan('Session.request', {}, () => layerSpan('Session.send', {}, async () => 'ok'));
    const spans = await tracing.spans();
    const outer = spans.find((s) => s.name === 'Session.request');
    const inner = spans.find((s) => s.name === 'Session.send');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
  });

  it('records the Python class name, error.type and ERROR status, and rethrows', async () => {
    await expect(
      layerSpan('HTTPAdapter.send', {}, () => {
        throw new FakePythonError('boom');
      })
    ).rejects.toThrow('boom');
    const [span] = await tracing.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('requests.exceptions.ConnectionError');
    const exception = span?.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.type']).toBe('requests.exceptions.ConnectionError');
    expect(pythonName(new TypeError('x'))).toBe('TypeError');
  });

  it('waits at the run scope gate before running the body', async () => {
    const entered: LayerEntry[] = [];
    let release: () => void = () => {};
    const gate = (entry: LayerEntry) => {
      entered.push(entry);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    let ran = false;
    const done = withRunScope({ gate }, () =>
      layerSpan('Manager._update', {}, () => {
        ran = true;
      })
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(entered.map((e) => e.name)).toEqual(['Manager._update']);
    expect(ran).toBe(false);
    release();
    await done;
    expect(ran).toBe(true);
  });

  it('scrubs remembered secrets out of attributes and events', async () => {
    rememberSecret('gAAAA-very-secret-token');
    await layerSpan('HTTPClient.request', { note: 'token gAAAA-very-secret-token here' }, () => {
      decision('REQ', 'curl -H "X-Auth-Token: gAAAA-very-secret-token"');
    });
    const [span] = await tracing.spans();
    const text = JSON.stringify({ a: span?.attributes, e: span?.events });
    expect(text).not.toContain('gAAAA-very-secret-token');
    expect(text).toContain(sha1Redact('gAAAA-very-secret-token'));
    expect(span?.events[0]?.attributes?.['novatrace.event']).toBe('REQ');
  });
});
