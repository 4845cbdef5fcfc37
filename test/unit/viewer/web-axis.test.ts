// The waterfall's time axis: ticks on nice steps, labels thinned so no two boxes ever meet.
import { describe, expect, it } from 'vitest';
import { axisTicks, overlaps, tickLabel } from '../../../web/axis.js';
import { indentPx } from '../../../web/tree-view.js';

/** About the width of the axis font: 7 px a character plus padding. */
const width7 = (s: string) => s.length * 7 + 6;

function assertNoOverlap(ticks: ReturnType<typeof axisTicks>, axis: number, gap = 8): void {
  for (const t of ticks) {
    expect(t.left).toBeGreaterThanOrEqual(0);
    expect(t.right).toBeLessThanOrEqual(axis + 0.5);
  }
  for (let i = 1; i < ticks.length; i++) {
    const [a, b] = [ticks[i - 1]!, ticks[i]!];
    expect(overlaps(a, b), `${a.label} / ${b.label}`).toBe(false);
    expect(b.left - a.right).toBeGreaterThanOrEqual(gap);
  }
}

describe('axisTicks', () => {
  it('keeps the end label off the last tick (the "4.00 s5.00 s" of issue 9)', () => {
    const ticks = axisTicks(5000, 150, width7);
    assertNoOverlap(ticks, 150);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks[0]?.label).toBe('0');
  });

  it('never lets two labels meet, at any width, total or zoom', () => {
    for (const total of [0.004, 0.9, 1, 7.3, 77.3, 500, 1000, 4970, 12_345, 90_000]) {
      for (const axis of [60, 90, 120, 150, 233, 300, 480, 777, 1200]) {
        for (const from of [0, total / 3]) {
          assertNoOverlap(axisTicks(total, axis, width7, { fromMs: from }), axis);
        }
      }
    }
  });

  it('thins with wider labels (a wider font) instead of overlapping', () => {
    const wide = (s: string) => s.length * 12 + 6;
    const narrow = axisTicks(1000, 400, width7);
    const thinned = axisTicks(1000, 400, wide);
    assertNoOverlap(thinned, 400);
    expect(thinned.length).toBeLessThanOrEqual(narrow.length);
    expect(thinned.length).toBeGreaterThanOrEqual(2);
  });

  it('labels ticks with the digits their step needs, so more of them fit', () => {
    expect(tickLabel(10, 5)).toBe('10 ms');
    expect(tickLabel(2.5, 0.5)).toBe('2.5 ms');
    expect(tickLabel(1500, 500)).toBe('1.5 s');
    expect(tickLabel(4000, 1000)).toBe('4 s');
    expect(tickLabel(0.2, 0.1)).toBe('200 µs');
    expect(tickLabel(120_000, 60_000)).toBe('2 min');
    // A 33 ms trace on the 296 px waterfall of a 1024 px screen, labels about 6 px a character:
    // five ticks, where formatMs's "10.0 ms" labels left three.
    const labels = axisTicks(33.2, 296, (t) => t.length * 6 + 6).map((t) => t.label);
    expect(labels).toEqual(['0', '5 ms', '10 ms', '15 ms', '20 ms', '25 ms']);
  });

  it('gives nothing for an empty axis rather than a fake one', () => {
    expect(axisTicks(0, 300, width7)).toEqual([]);
    expect(axisTicks(100, 0, width7)).toEqual([]);
  });
});

describe('indentPx', () => {
  it('leaves room for a name at depth 24', () => {
    expect(indentPx(0)).toBe(0);
    expect(indentPx(3)).toBe(36);
    expect(indentPx(24)).toBeLessThanOrEqual(150);
    for (let d = 1; d <= 30; d++) expect(indentPx(d)).toBeGreaterThan(indentPx(d - 1));
  });
});
