/**
 * @module
 * The handle between the tree and the waterfall: drag it, or focus it and press ← / →, to give
 * the names more or less room. The share is kept across reloads.
 */
import { h } from './dom.js';
import { t } from './i18n.js';
import { remember, stored, STORAGE } from './store.js';

const MIN = 20;
const MAX = 80;
const DEFAULT = 52;

/** A separator that calls `apply(percent)` with the name column's share, now and on each move. */
export function splitter(apply: (percent: number) => void): HTMLElement {
  const el = h('div', {
    class: 'splitter',
    role: 'separator',
    tabindex: '0',
    'aria-orientation': 'vertical',
    'aria-valuemin': String(MIN),
    'aria-valuemax': String(MAX),
    'aria-label': t('resizeSplit'),
    'data-i18n-label': 'resizeSplit',
  });
  let share = DEFAULT;
  const set = (percent: number, keep: boolean) => {
    share = Math.round(Math.max(MIN, Math.min(MAX, percent)));
    el.setAttribute('aria-valuenow', String(share));
    apply(share);
    if (keep) remember(STORAGE.split, String(share));
  };
  const saved = Number(stored(STORAGE.split));
  // After the caller has built the element the share applies to.
  queueMicrotask(() => set(Number.isFinite(saved) && saved > 0 ? saved : DEFAULT, false));
  el.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowLeft' ? -2 : e.key === 'ArrowRight' ? 2 : 0;
    if (step === 0) return;
    e.preventDefault();
    e.stopPropagation();
    set(share + step, true);
  });
  el.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    // The tree: the element whose width the share is of.
    const box = (el.closest('.tree') ?? document.body).getBoundingClientRect();
    const move = (ev: PointerEvent) =>
      set(((ev.clientX - box.left) / Math.max(1, box.width)) * 100, true);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  });
  return el;
}
