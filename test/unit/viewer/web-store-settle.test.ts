// The page store draws a stop in the task that brings it (Store.settle) instead of one frame
// later and another for what its subscribers set; and a bar's pause gaps (web/pause-gaps.ts)
// merge where they would overlap and keep one key while an open pause only grows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeAxis } from '../../../web/active-axis.js';
import { gapsKey, gapsOf } from '../../../web/pause-gaps.js';
import { initialState, Store } from '../../../web/store.js';

let frames: (() => void)[] = [];
const saved = { raf: globalThis.requestAnimationFrame, caf: globalThis.cancelAnimationFrame };

beforeEach(() => {
  frames = [];
  globalThis.requestAnimationFrame = ((fn: () => void) => frames.push(fn)) as never;
  globalThis.cancelAnimationFrame = ((id: number) => {
    frames[id - 1] = () => {};
  }) as never;
});
afterEach(() => {
  globalThis.requestAnimationFrame = saved.raf;
  globalThis.cancelAnimationFrame = saved.caf;
});

describe('Store.settle', () => {
  it('runs the subscribers now, and again for what they set, without waiting for a frame', () => {
    const store = new Store(initialState('en'));
    const seen: string[] = [];
    store.subscribe(['stopShown'], () => {
      seen.push('stepper');
      store.set({ selected: 'b' });
      store.settle();
    });
    store.subscribe(['selected'], () => seen.push(`tree ${store.state.selected ?? ''}`));
    store.set({ stopShown: undefined });
    expect(seen).toEqual([]);
    store.settle();
    expect(seen).toEqual(['stepper', 'tree b']);
    // Nothing left for the frame to do.
    for (const f of frames) f();
    expect(seen).toEqual(['stepper', 'tree b']);
  });

  it('without settle, a change waits for the frame', () => {
    const store = new Store(initialState('en'));
    const seen: string[] = [];
    store.subscribe(['selected'], () => seen.push('tree'));
    store.set({ selected: 'a' });
    expect(seen).toEqual([]);
    for (const f of frames) f();
    expect(seen).toEqual(['tree']);
  });
});

describe('pause gaps', () => {
  it('merges pauses nearer than 1% of the bar, and keeps its key while an open pause grows', () => {
    // 60 ms of program time; pauses at 10 ms (twice, 0.1 ms apart) and at 60 ms, still open.
    const pauses = (now: number) => [
      { startMs: 10, endMs: 510 },
      { startMs: 510.1, endMs: 910 },
      { startMs: 960, endMs: now },
    ];
    const a = activeAxis(pauses(2000));
    const gaps = gapsOf(a, 0, 2000);
    expect(gaps.map((g) => [Math.round(g.x), g.count])).toEqual([
      [17, 2],
      [100, 1],
    ]);
    expect(Math.round(gaps[0]?.ms ?? 0)).toBe(900);
    const later = activeAxis(pauses(5000));
    expect(gapsKey(gapsOf(later, 0, 5000))).toBe(gapsKey(gaps));
  });
});
