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
import { layerKeyOf, spanNarration } from '../../../web/detail-view.js';
import { laneOf } from '../../../web/model.js';
import { span, traceId } from './spans.js';

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

  it("narrates a span by its LAYERS key, so keystoneauth1's Session.request is not requests'", () => {
    const t = traceId();
    const ks = span(t, {
      id: 'k',
      name: 'Session.request',
      start: 0,
      end: 1,
      attributes: {
        'novatrace.layer': 'keystoneauth1',
        'novatrace.layer_key': 'keystoneauth1 Session.request',
      },
    });
    const rq = span(t, {
      id: 'r',
      name: 'Session.request',
      start: 0,
      end: 1,
      attributes: { 'novatrace.layer': 'requests' },
    });
    expect(layerKeyOf(ks)).toBe('keystoneauth1 Session.request');
    expect(layerKeyOf(rq)).toBe('Session.request');
    expect(laneOf(ks)).toBe('keystoneauth1');
    expect(spanNarration(ks, laneOf(ks))).toBe(LAYER_NARRATION['keystoneauth1 Session.request']);
    expect(spanNarration(rq, laneOf(rq))).toBe(LAYER_NARRATION['Session.request']);
    expect(spanNarration(ks, 'keystoneauth1')).not.toBe(spanNarration(rq, 'requests'));
  });

  it("says where each keystoneauth1 layer differs from the note's road, in both languages", () => {
    const ks = Object.entries(LAYERS).filter(([, info]) => info.layer === 'keystoneauth1');
    expect(ks.length).toBeGreaterThanOrEqual(14);
    for (const [key] of ks) {
      const n = LAYER_NARRATION[key] as Narration;
      expect(n.en, key).toMatch(/note's road|note's HTTPClient|note's client/);
      expect(n.ja, key).toMatch(/ノート/);
    }
  });
});
