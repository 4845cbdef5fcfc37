// The narration must cover every layer and every decision event, in both languages. The tables
// are read at test time, so an entry another area adds to LAYERS or EVENTS fails here until it
// is narrated.
import { describe, expect, it } from 'vitest';
import { EVENTS, LAYERS } from '../../../src/telemetry/layers.js';
import {
  EVENT_NARRATION,
  EXTRA_NARRATION,
  LAYER_NARRATION,
  PREDICTIONS,
  type Narration,
} from '../../../web/narration.js';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

function check(where: string, n: Narration | undefined): string[] {
  const problems: string[] = [];
  if (!n) return [`${where}: no narration`];
  if (!n.en || n.en.trim().length < 15) problems.push(`${where}: English missing or too short`);
  if (!n.ja || n.ja.trim().length < 8) problems.push(`${where}: Japanese missing or too short`);
  else if (!JAPANESE.test(n.ja)) problems.push(`${where}: the Japanese text has no Japanese in it`);
  if (n.en && JAPANESE.test(n.en)) problems.push(`${where}: the English text has Japanese in it`);
  return problems;
}

describe('narration', () => {
  it('narrates every layer of LAYERS in English and Japanese', () => {
    const problems = Object.keys(LAYERS).flatMap((name) =>
      check(`layer '${name}'`, LAYER_NARRATION[name])
    );
    expect(problems).toEqual([]);
  });

  it('narrates every decision event of EVENTS in English and Japanese', () => {
    const problems = Object.keys(EVENTS).flatMap((key) =>
      check(`event '${key}'`, EVENT_NARRATION[key])
    );
    expect(problems).toEqual([]);
  });

  it('narrates the spans outside the tables (wire, cloud, scenario, exception)', () => {
    const problems = Object.entries(EXTRA_NARRATION).flatMap(([k, n]) => check(`extra '${k}'`, n));
    expect(problems).toEqual([]);
  });

  it('has no narration for names that are in neither table (stale entries)', () => {
    expect(Object.keys(LAYER_NARRATION).filter((k) => !(k in LAYERS))).toEqual([]);
    expect(Object.keys(EVENT_NARRATION).filter((k) => !(k in EVENTS))).toEqual([]);
  });

  it('asks predictions only at real layers, about real decision events, in both languages', () => {
    for (const [layer, p] of Object.entries(PREDICTIONS)) {
      expect(layer in LAYERS, layer).toBe(true);
      expect(check(`prediction at ${layer}`, p.question)).toEqual([]);
      for (const option of p.options) {
        expect(JAPANESE.test(option.label.ja), option.label.en).toBe(true);
        for (const key of option.events) expect(key in EVENTS, key).toBe(true);
      }
    }
  });
});
