import { describe, expect, it } from 'vitest';
import { JsonLimitError, JsonScanner, scanJsonYielding } from '../../../src/util/json-scan.js';

function limitOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof JsonLimitError) return err.limit;
    throw err;
  }
  return undefined;
}

describe('JsonScanner', () => {
  it('counts spans, attributes and events by the key of their array', () => {
    const text = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'x' } }] },
          scopeSpans: [
            {
              spans: [
                { name: 'spans', attributes: [{ key: 'a', value: {} }], events: [{}, {}] },
                { name: '"quoted \\" spans"', attributes: [] },
              ],
            },
          ],
        },
      ],
      data: [{ spans: [{ tags: [{}, {}, {}], logs: [{}] }] }],
    });
    expect(new JsonScanner().scanAll(text)).toMatchObject({
      spans: 3,
      attributes: 5,
      events: 3,
    });
  });

  it('stops at 50,000 nested brackets without recursing', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(limitOf(() => new JsonScanner({ maxDepth: 64 }).scanAll(deep))).toBe('maxDepth');
    expect(new JsonScanner().scanAll(deep).depth).toBe(50_000);
  });

  it('stops counting spans at the limit, long before the end of the text', () => {
    const text = `{"spans":[${Array(100_000).fill('{}').join(',')}]}`;
    expect(limitOf(() => new JsonScanner({ maxSpans: 1000 }).scanAll(text))).toBe('maxSpans');
    expect(limitOf(() => new JsonScanner({ maxContainers: 10 }).scanAll(text))).toBe(
      'maxContainers'
    );
  });

  it('ignores brackets and key names inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[{{{', spans: 'not an array', b: ['\\"[', '"spans":['] });
    expect(new JsonScanner({ maxDepth: 2 }).scanAll(text)).toMatchObject({
      depth: 2,
      spans: 0,
    });
  });

  it('gives the same counts when the text is fed in slices, strings cut anywhere', async () => {
    const text = JSON.stringify({ spans: [{ name: 'a\\"b[', attributes: [{}, {}] }, {}] });
    const whole = new JsonScanner().scanAll(text);
    for (const size of [1, 2, 3, 7]) {
      let pauses = 0;
      const counts = await scanJsonYielding(text, {}, async () => void pauses++, size);
      expect(counts).toEqual(whole);
      expect(pauses).toBe(Math.ceil(text.length / size) - 1);
    }
  });
});
