/**
 * @module
 * Short messages in the corner of the page (a file opened, an action the server refused),
 * read out by assistive technology through a polite live region.
 */
import { h } from './dom.js';

export const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });

/** Shows a message for six seconds. */
export function toast(message: string): void {
  const item = h('div', { class: 'toast' }, message);
  toasts.appendChild(item);
  setTimeout(() => item.remove(), 6000);
}
