/**
 * @module
 * A tiny element builder. Every string becomes a text node or an attribute value; nothing in
 * the page is ever parsed as markup, so a span attribute holding `<img onerror=...>` shows as
 * those characters and runs nothing.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export interface Props {
  readonly class?: string;
  readonly style?: Partial<Record<string, string>>;
  readonly dataset?: Readonly<Record<string, string>>;
  readonly [attr: string]: unknown;
}

/**
 * Creates an element with attributes, listeners (`onclick: fn`) and children.
 * @example
 * h('button', { class: 'primary', onclick: run, 'aria-keyshortcuts': 'r' }, 'Run')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = String(value);
      else if (key === 'style') Object.assign(el.style, value as object);
      else if (key === 'dataset') Object.assign(el.dataset, value as object);
      else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value as EventListener);
      } else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (strings as text nodes). */
export function append(el: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child as readonly Child[]);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces every child of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** The element with this id, or an error naming it (the shell in index.html is fixed). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
}
