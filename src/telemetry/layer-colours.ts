/**
 * @module
 * The one colour key of the layers, used by the viewer (its CSS variables), the terminal tree
 * (the nearest xterm-256 colour), the docs (the colour words) and the pictures in docs/images.
 * Plain data and pure functions with no import at all, so the page's bundle can include it.
 * A test fails when any of those users disagrees with this table.
 */

/** The layer ids the viewer, the terminal and the docs colour (PLAN: agreed layer ids). */
export const LAYER_IDS = [
  'novaclient',
  'keystoneauth1',
  'requests',
  'urllib3',
  'wire',
  'cloud',
] as const;

export type LayerId = (typeof LAYER_IDS)[number];

export interface LayerColour {
  /** On the light theme's panels (#ffffff): bar and chip colour, at least 3:1 against them. */
  readonly light: string;
  /** On the dark theme's panels (#111827), and in a dark terminal. */
  readonly dark: string;
  /** The colour's name as the docs write it. */
  readonly word: { readonly en: string; readonly ja: string };
}

export const LAYER_COLOURS: Readonly<Record<LayerId | 'other', LayerColour>> = {
  novaclient: { light: '#7c3aed', dark: '#a78bfa', word: { en: 'violet', ja: '紫' } },
  keystoneauth1: { light: '#be185d', dark: '#f472b6', word: { en: 'pink', ja: 'ピンク' } },
  requests: { light: '#2563eb', dark: '#60a5fa', word: { en: 'blue', ja: '青' } },
  urllib3: { light: '#0f766e', dark: '#2dd4bf', word: { en: 'teal', ja: '青緑' } },
  wire: { light: '#c2410c', dark: '#fb923c', word: { en: 'orange', ja: 'オレンジ' } },
  cloud: { light: '#15803d', dark: '#4ade80', word: { en: 'green', ja: '緑' } },
  other: { light: '#737373', dark: '#a3a3a3', word: { en: 'grey', ja: '灰色' } },
};

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const CUBE = [0, 95, 135, 175, 215, 255];

/** The colour xterm shows for a 256-colour index 16…255 (the 6×6×6 cube and the grey ramp). */
export function xterm256Hex(index: number): string {
  let r: number;
  let g: number;
  let b: number;
  if (index >= 232) {
    r = g = b = 8 + (index - 232) * 10;
  } else {
    const i = index - 16;
    r = CUBE[Math.floor(i / 36) % 6] as number;
    g = CUBE[Math.floor(i / 6) % 6] as number;
    b = CUBE[i % 6] as number;
  }
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The xterm-256 index (16…255) nearest to a colour, by distance in RGB. */
export function nearestXterm256(hex: string): number {
  const [r, g, b] = rgb(hex);
  let best = 16;
  let bestD = Infinity;
  for (let i = 16; i < 256; i++) {
    const [x, y, z] = rgb(xterm256Hex(i));
    const d = (r - x) ** 2 + (g - y) ** 2 + (b - z) ** 2;
    if (d < bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/** The SGR foreground code of a layer in a (dark) terminal: `38;5;N`. */
export function layerSgr(layer: LayerId | 'other'): string {
  return `38;5;${nearestXterm256(LAYER_COLOURS[layer].dark)}`;
}

/** The page's CSS variables of the key (`--lane-<id>`) for one theme. */
export function laneVariables(theme: 'light' | 'dark'): string {
  return (Object.keys(LAYER_COLOURS) as (LayerId | 'other')[])
    .map((id) => `--lane-${id}: ${LAYER_COLOURS[id][theme]};`)
    .join(' ');
}

/**
 * The page's CSS of the key: `--lane-<id>` for the light theme, the dark one and the system's
 * choice. The viewer puts it at the top of the page's stylesheet when it builds the page.
 */
export function laneCss(): string {
  return [
    `:root { ${laneVariables('light')} }`,
    `@media (prefers-color-scheme: dark) { :root:not([data-theme='light']) { ${laneVariables('dark')} } }`,
    `:root[data-theme='dark'] { ${laneVariables('dark')} }`,
    '',
  ].join('\n');
}

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two `#rrggbb` colours (1…21). */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}
