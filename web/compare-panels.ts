/**
 * @module
 * The compare view's panels (statistics, lanes, road story, differences) open as the user left
 * them: each toggle by the user is kept in localStorage; a panel the user never touched starts
 * open on tall screens (900 px of height or more), closed on short ones, the lanes always closed
 * (they need width).
 */
import { remember, stored } from './store.js';

/** Which compare panels the user opened or closed (localStorage, JSON `{ id: open }`). */
const PANELS_KEY = 'novatrace.comparePanels';

function panelChoices(): Record<string, boolean> {
  try {
    const v: unknown = JSON.parse(stored(PANELS_KEY) ?? '{}');
    return v && typeof v === 'object' ? (v as Record<string, boolean>) : {};
  } catch {
    return {};
  }
}

/**
 * Opens a panel as the user left it, else open on tall screens (the lanes stay closed: they
 * need width), and remembers each toggle.
 */
export function keepPanelState(el: HTMLDetailsElement): void {
  const id = el.dataset.panel ?? '';
  const chosen = panelChoices()[id];
  el.open = chosen ?? (window.innerHeight >= 900 && id !== 'lanes');
  // Only the user's toggles count (a click, or Enter / Space, on the heading): the page opening a
  // panel for a tall screen is no choice to keep.
  let byUser = false;
  el.addEventListener('click', (ev) => {
    if ((ev.target as Element).closest('summary')?.parentElement === el) byUser = true;
  });
  el.addEventListener('toggle', () => {
    if (!byUser) return;
    byUser = false;
    remember(PANELS_KEY, JSON.stringify({ ...panelChoices(), [id]: el.open }));
  });
}
