// WCAG contrast of the page's own theme colours (web/style.css), light and dark: text at least
// 4.5:1 on every surface it sits on, focus rings and the accent at least 3:1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrast } from '../../../src/telemetry/layer-colours.js';

const css = readFileSync(join(import.meta.dirname, '../../../web/style.css'), 'utf8');
const THEMES = {
  light: css.slice(0, css.indexOf('@media (prefers-color-scheme: dark)')),
  dark: css.slice(css.indexOf(":root[data-theme='dark']")),
  system: css.slice(
    css.indexOf('@media (prefers-color-scheme: dark)'),
    css.indexOf(":root[data-theme='dark']")
  ),
};

function value(block: string, name: string): string {
  const v = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`).exec(block)?.[1];
  if (!v) throw new Error(`--${name} not set as #rrggbb`);
  return v;
}

const SURFACES = ['bg', 'panel', 'panel-2', 'select', 'hover', 'accent-soft'];
const TEXTS = ['text', 'muted', 'error', 'ok', 'running', 'accent'];

describe('theme contrast', () => {
  for (const [theme, block] of Object.entries(THEMES)) {
    it(`${theme}: text 4.5:1 on every surface, focus ring 3:1`, () => {
      const low: string[] = [];
      for (const fg of TEXTS)
        for (const bg of SURFACES) {
          const ratio = contrast(value(block, fg), value(block, bg));
          if (ratio < 4.5) low.push(`--${fg} on --${bg}: ${ratio.toFixed(2)}`);
        }
      for (const bg of ['bg', 'panel', 'select']) {
        const ratio = contrast(value(block, 'accent'), value(block, bg));
        if (ratio < 3) low.push(`focus ring on --${bg}: ${ratio.toFixed(2)}`);
      }
      for (const [fg, bg] of [
        ['accent-text', 'accent'],
        ['text', 'error-soft'],
        ['text', 'running-soft'],
        ['text', 'lit'],
      ]) {
        const ratio = contrast(value(block, fg!), value(block, bg!));
        if (ratio < 4.5) low.push(`--${fg} on --${bg}: ${ratio.toFixed(2)}`);
      }
      expect(low).toEqual([]);
    });
  }
});
