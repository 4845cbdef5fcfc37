/**
 * @module
 * The minimap over the waterfall: the whole trace drawn small (one thin line per span, in tree
 * order, in its layer's colour) with a window on the range the waterfall shows. Dragging across
 * the minimap selects a range and the waterfall zooms to it; a click pans the window there; the
 * reset control (and `0`) shows the whole trace again. From the keyboard, `w` / `s` zoom in and
 * out around the middle and `a` / `d` pan, as Perfetto does. The range lives in the store
 * (`zoom`, ms from the trace start), so the tree's rows and axis read it from there. The maths is
 * in zoom.ts.
 */
import { h } from './dom.js';
import { formatMs } from './format.js';
import { t } from './i18n.js';
import { treeOrder } from './find.js';
import type { TraceTree } from './model.js';
import type { Store } from './store.js';
import {
  clampRange,
  isWhole,
  panRange,
  rangeOfDrag,
  rangeOfSpan,
  zoomRange,
  type TimeRange,
} from './zoom.js';

const HEIGHT = 36;
/** A drag shorter than this (px) is a click. */
const CLICK_PX = 4;

function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Where the trace ends on the axis now: its last end, or now while spans still run. */
export function extentOf(tree: TraceTree): number {
  const now = nowEpochMs() - Number(tree.t0 / 1_000_000n);
  return Math.max(tree.endMs, tree.running > 0 ? now : 0, 0.001);
}

/** The system's dark mode (the `auto` theme follows it). */
const DARK = matchMedia('(prefers-color-scheme: dark)');

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export class Minimap {
  readonly el: HTMLElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #track: HTMLDivElement;
  readonly #window: HTMLDivElement;
  readonly #preview: HTMLDivElement;
  readonly #reset: HTMLButtonElement;
  readonly #label: HTMLSpanElement;
  readonly #store: Store;
  #drawn: unknown[] = [];
  /** The track's width in px, as the ResizeObserver last saw it (0: not yet laid out). */
  #width = 0;
  /** The lanes' colours as drawn, for the theme named by {@link Minimap.#scheme}. */
  readonly #colours = new Map<string, string>();
  #scheme = '';

  constructor(store: Store) {
    this.#store = store;
    this.#canvas = h('canvas', { class: 'minimap-canvas', height: HEIGHT, 'aria-hidden': 'true' });
    this.#window = h('div', { class: 'minimap-window' });
    this.#preview = h('div', { class: 'minimap-preview', hidden: true });
    this.#track = h(
      'div',
      {
        class: 'minimap-track',
        role: 'group',
        tabindex: '0',
        'aria-label': t('minimap'),
        'aria-keyshortcuts': 'w s a d 0',
      },
      this.#canvas,
      this.#window,
      this.#preview
    );
    this.#reset = h('button', {
      class: 'small minimap-reset',
      'aria-keyshortcuts': '0',
      onclick: () => this.reset(),
    });
    this.#label = h('span', { class: 'minimap-range muted', 'aria-live': 'polite' });
    this.el = h(
      'div',
      { class: 'minimap' },
      h('div', { class: 'cell name minimap-side' }, this.#reset, this.#label),
      h('div', { class: 'cell wf' }, this.#track)
    );
    this.#bindPointer();
    document.addEventListener('keydown', (ev) => this.#onKey(ev));
    new ResizeObserver(() => {
      // Read here, where layout is fresh: render() runs every frame of a live run, and reading
      // the width there would force a layout of the whole page in the middle of its changes.
      this.#width = Math.max(1, Math.round(this.#track.clientWidth));
      this.render(true);
    }).observe(this.#track);
    store.subscribe(['current', 'spans', 'zoom', 'lang', 'view'], () => this.render());
  }

  /** The range shown, always inside the trace. */
  range(): TimeRange | undefined {
    const { current, zoom } = this.#store.state;
    // A zoom belongs to its trace: another trace shown starts whole.
    if (!current || !zoom || zoom.traceId !== current.traceId) return undefined;
    return clampRange(zoom, extentOf(current.tree()));
  }

  /** Zooms the waterfall to `range` (undefined, or the whole trace: no zoom). */
  zoomTo(range: TimeRange | undefined): void {
    const model = this.#store.state.current;
    if (!model || !range) {
      if (this.#store.state.zoom) this.#store.set({ zoom: undefined });
      return;
    }
    const extent = extentOf(model.tree());
    const next = clampRange(range, extent);
    this.#store.set({
      zoom: isWhole(next, extent) ? undefined : { ...next, traceId: model.traceId },
    });
  }

  /** Zooms to one span's bar, with a small margin. */
  zoomToSpan(spanId: string): void {
    const tree = this.#store.state.current?.tree();
    const node = tree?.byId.get(spanId);
    if (!tree || !node) return;
    const extent = extentOf(tree);
    const end = node.endMs ?? extent;
    this.zoomTo(rangeOfSpan(node.startMs, end, extent));
  }

  reset(): void {
    this.zoomTo(undefined);
  }

  #whole(): TimeRange | undefined {
    const tree = this.#store.state.current?.tree();
    return tree ? { startMs: 0, endMs: extentOf(tree) } : undefined;
  }

  #onKey(ev: KeyboardEvent): void {
    const target = ev.target as HTMLElement | null;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)))
      return;
    if (this.#store.state.view !== 'tree' || document.querySelector('[role=dialog]:not([hidden])'))
      return;
    const tree = this.#store.state.current?.tree();
    if (!tree) return;
    const extent = extentOf(tree);
    const range = this.range() ?? (this.#whole() as TimeRange);
    let next: TimeRange | undefined;
    switch (ev.key) {
      case 'w':
        next = zoomRange(range, 0.5, extent);
        break;
      case 's':
        next = zoomRange(range, 2, extent);
        break;
      case 'a':
        next = panRange(range, -0.25, extent);
        break;
      case 'd':
        next = panRange(range, 0.25, extent);
        break;
      case '0':
        next = undefined;
        break;
      default:
        return;
    }
    ev.preventDefault();
    this.zoomTo(next);
  }

  #fraction(ev: PointerEvent): number {
    const box = this.#track.getBoundingClientRect();
    return box.width > 0 ? Math.max(0, Math.min(1, (ev.clientX - box.left) / box.width)) : 0;
  }

  #bindPointer(): void {
    let from: number | undefined;
    let fromX = 0;
    this.#track.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0 || !this.#store.state.current) return;
      from = this.#fraction(ev);
      fromX = ev.clientX;
      this.#track.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    this.#track.addEventListener('pointermove', (ev) => {
      if (from === undefined) return;
      const to = this.#fraction(ev);
      const [a, b] = from < to ? [from, to] : [to, from];
      this.#preview.hidden = Math.abs(ev.clientX - fromX) < CLICK_PX;
      this.#preview.style.left = `${a * 100}%`;
      this.#preview.style.width = `${(b - a) * 100}%`;
    });
    const end = (ev: PointerEvent) => {
      if (from === undefined) return;
      const start = from;
      from = undefined;
      this.#preview.hidden = true;
      const tree = this.#store.state.current?.tree();
      if (!tree) return;
      const extent = extentOf(tree);
      const to = this.#fraction(ev);
      if (Math.abs(ev.clientX - fromX) >= CLICK_PX) {
        this.zoomTo(rangeOfDrag(start, to, extent));
        return;
      }
      // A click: the window (when zoomed) moves to centre on the point.
      const range = this.range();
      if (!range) return;
      const width = range.endMs - range.startMs;
      this.zoomTo({ startMs: to * extent - width / 2, endMs: to * extent + width / 2 });
    };
    this.#track.addEventListener('pointerup', end);
    this.#track.addEventListener('pointercancel', () => {
      from = undefined;
      this.#preview.hidden = true;
    });
  }

  /** Draws the trace (when it changed) and places the window. */
  render(force = false): void {
    const s = this.#store.state;
    const model = s.current;
    this.el.hidden = !model || model.size === 0;
    if (!model || this.el.hidden) return;
    const tree = model.tree();
    const extent = extentOf(tree);
    const width = this.#width || Math.max(1, Math.round(this.#track.clientWidth));
    const key = [tree, tree.version, tree.endMs, tree.running, width, s.lang];
    if (force || key.some((v, i) => v !== this.#drawn[i])) {
      this.#drawn = key;
      this.#draw(tree, extent, width);
    }
    const range = this.range();
    const whole = !range;
    const r = range ?? { startMs: 0, endMs: extent };
    this.#window.style.left = `${(r.startMs / extent) * 100}%`;
    this.#window.style.width = `${Math.max(((r.endMs - r.startMs) / extent) * 100, 0.3)}%`;
    this.#window.classList.toggle('whole', whole);
    // Written only when they change: an equal text still replaces the text node and dirties
    // layout, once per frame of a live run.
    setText(this.#reset, t('zoomReset'));
    this.#reset.disabled = whole;
    if (this.#track.getAttribute('aria-label') !== t('minimap'))
      this.#track.setAttribute('aria-label', t('minimap'));
    setText(this.#label, whole ? t('zoomHint') : `${formatMs(r.startMs)} – ${formatMs(r.endMs)}`);
    this.#track.dataset.startMs = String(r.startMs);
    this.#track.dataset.endMs = String(r.endMs);
  }

  #draw(tree: TraceTree, extent: number, width: number): void {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${HEIGHT}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const nodes = treeOrder(tree);
    const n = nodes.length;
    if (n === 0) return;
    // The lanes' colours change with the theme only: read once per theme, since reading a
    // computed style forces the page's style to be recalculated in the middle of the frame.
    const scheme = `${document.documentElement.dataset.theme ?? ''}|${DARK.matches}`;
    if (scheme !== this.#scheme) {
      this.#scheme = scheme;
      this.#colours.clear();
    }
    const colours = this.#colours;
    let style: CSSStyleDeclaration | undefined;
    const colour = (lane: string) => {
      let c = colours.get(lane);
      if (c === undefined) {
        style ??= getComputedStyle(this.el);
        c = style.getPropertyValue(`--lane-${lane}`).trim() || '#888';
        colours.set(lane, c);
      }
      return c;
    };
    const rowH = Math.max(HEIGHT / n, 0.5);
    const nowMs = extent;
    // One line per span; past the minimap's height many spans share a pixel row. The lines go
    // into one path per lane, filled once: setting the colour and filling per span cost a
    // 100,000-span trace a few hundred milliseconds a draw.
    const paths = new Map<string, Path2D>();
    for (let i = 0; i < n; i++) {
      const node = nodes[i]!;
      const end = node.endMs ?? nowMs;
      const x = (node.startMs / extent) * width;
      const w = Math.max(((end - node.startMs) / extent) * width, 1);
      let path = paths.get(node.lane);
      if (!path) {
        path = new Path2D();
        paths.set(node.lane, path);
      }
      path.rect(x, (i / n) * HEIGHT, w, Math.max(rowH, 1));
    }
    for (const [lane, path] of paths) {
      ctx.fillStyle = colour(lane);
      ctx.fill(path);
    }
  }
}
