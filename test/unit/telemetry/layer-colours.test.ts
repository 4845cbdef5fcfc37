// The one colour key of the layers, and every place that shows it: the page's CSS, the terminal
// tree, the docs' colour words and the docs pictures' terminal colours.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contrast,
  LAYER_COLOURS,
  LAYER_IDS,
  layerSgr,
  nearestXterm256,
  xterm256Hex,
} from '../../../src/telemetry/layer-colours.js';
import { renderTree } from '../../../src/telemetry/tree-render.js';
import { sampleTrace } from './sample-trace.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('LAYER_COLOURS', () => {
  it('gives every agreed layer id a colour, distinct in each theme and in the terminal', () => {
    expect(Object.keys(LAYER_COLOURS).sort()).toEqual([...LAYER_IDS, 'other'].sort());
    for (const theme of ['light', 'dark'] as const) {
      const colours = LAYER_IDS.map((id) => LAYER_COLOURS[id][theme]);
      expect(new Set(colours).size).toBe(colours.length);
    }
    const terminal = LAYER_IDS.map((id) => layerSgr(id));
    expect(new Set(terminal).size).toBe(terminal.length);
  });

  it('keeps bars at 3:1 or more against the panels and the selected row of both themes', () => {
    const css = read('web/style.css');
    const value = (block: string, name: string) =>
      new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`).exec(block)?.[1] as string;
    const light = css.slice(0, css.indexOf('@media (prefers-color-scheme: dark)'));
    const dark = css.slice(css.indexOf(":root[data-theme='dark']"));
    for (const [theme, block] of [
      ['light', light],
      ['dark', dark],
    ] as const) {
      for (const bg of ['panel', 'bg', 'select']) {
        for (const id of LAYER_IDS) {
          const ratio = contrast(LAYER_COLOURS[id][theme], value(block, bg));
          expect(ratio, `${id} on --${bg} (${theme})`).toBeGreaterThanOrEqual(3);
        }
      }
    }
  });
});

describe('users of the colour key', () => {
  it('the page takes its --lane-* variables from the key only', () => {
    expect(read('web/style.css')).not.toMatch(/--lane-[a-z0-9]+:\s*#/);
    expect(read('src/viewer/assets.ts')).toContain('laneCss() + file.text');
    for (const id of LAYER_IDS) expect(read('web/style.css')).toContain(`.lane-${id} {`);
  });

  it('the terminal tree paints each layer in its nearest xterm-256 colour', () => {
    const out = renderTree(sampleTrace(), { color: true });
    for (const id of ['novaclient', 'requests', 'urllib3', 'wire', 'cloud'] as const) {
      expect(out).toContain(`\u001b[${layerSgr(id)}m`);
    }
    // The nearest colour really is near: no channel off by more than half the widest cube step.
    for (const id of LAYER_IDS) {
      const hex = xterm256Hex(nearestXterm256(LAYER_COLOURS[id].dark));
      const ch = (h: string, i: number) => Number.parseInt(h.slice(1 + 2 * i, 3 + 2 * i), 16);
      for (let i = 0; i < 3; i++)
        expect(Math.abs(ch(hex, i) - ch(LAYER_COLOURS[id].dark, i))).toBeLessThanOrEqual(48);
    }
  });

  it('the walkthroughs name the same colour for each layer', () => {
    const en = read('docs/walkthrough.md').replace(/\s+/g, ' ');
    const ja = read('docs/walkthrough.ja.md').replace(/\s+/g, ' ');
    for (const id of ['novaclient', 'keystoneauth1', 'requests', 'urllib3'] as const) {
      const { word } = LAYER_COLOURS[id];
      const enSays = new RegExp(`\\b${word.en} (rows are )?${id}\\b`, 'i').test(en);
      expect(enSays, `walkthrough.md: ${word.en} ${id}`).toBe(true);
      const jaSays = ja.includes(`${word.ja}${id === 'novaclient' ? 'の行が' : 'が'} ${id}`);
      expect(jaSays, `walkthrough.ja.md: ${word.ja} ${id}`).toBe(true);
    }
    expect(en.includes(`${LAYER_COLOURS.wire.word.en} the wire`), 'en wire').toBe(true);
    expect(en.includes(`${LAYER_COLOURS.cloud.word.en} the mock cloud`), 'en cloud').toBe(true);
    expect(ja.includes(`${LAYER_COLOURS.wire.word.ja}がワイヤー`), 'ja wire').toBe(true);
    expect(ja.includes(`${LAYER_COLOURS.cloud.word.ja}がモッククラウド`), 'ja cloud').toBe(true);
  });

  it('the docs pictures turn the terminal colours back into the key', () => {
    const script = read('scripts/docs-images.ts');
    expect(script).toContain('xterm256Hex(');
    expect(script).toContain('renderTree(');
  });
});
