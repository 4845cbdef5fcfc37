/**
 * @module
 * The page's themes: light, dark or the system's, and the layers' colour key as CSS variables
 * (`--lane-<layer>`), written from the one key in src/telemetry/layer-colours.ts so the page,
 * the terminal, the docs and the pictures can never disagree.
 */
import { laneVariables } from '../src/telemetry/layer-colours.js';
import { h } from './dom.js';

/** The CSS of the colour key, for the light theme, the dark one and the system's choice. */
export function laneCss(): string {
  return [
    `:root { ${laneVariables('light')} }`,
    `@media (prefers-color-scheme: dark) { :root:not([data-theme='light']) { ${laneVariables('dark')} } }`,
    `:root[data-theme='dark'] { ${laneVariables('dark')} }`,
  ].join('\n');
}

/** Puts the colour key into the page (once, before the first paint). */
export function installLaneColours(): void {
  document.head.appendChild(h('style', { id: 'lane-colours' }, laneCss()));
}

/** Applies a theme choice: `light`, `dark`, or `auto` (the system's). */
export function applyTheme(theme: string): void {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}
