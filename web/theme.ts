/**
 * @module
 * The page's themes: light, dark or the system's. The layers' colour key comes as CSS
 * variables (`--lane-<layer>`) that the viewer writes into the page's stylesheet from
 * src/telemetry/layer-colours.ts (`laneCss`, see src/viewer/assets.ts), so the page, the
 * terminal, the docs and the pictures can never disagree.
 */

/** Applies a theme choice: `light`, `dark`, or `auto` (the system's). */
export function applyTheme(theme: string): void {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}
