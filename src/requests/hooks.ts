/**
 * @module
 * The hook system: callables run on an event, each free to replace the event's data.
 * @see requests/hooks.py (requests 2.9.1) HOOKS, default_hooks, dispatch_hook
 *
 * Ported as is; hooks may be async here (their result is awaited).
 */

/** The only event requests 2.9 fires. */
export const HOOKS = ['response'] as const;
export type HookEvent = (typeof HOOKS)[number];

/** A hook: receives the data (a Response) and the send kwargs; may return a replacement. */
export type Hook<T = unknown> = (
  data: T,
  kwargs: Readonly<Record<string, unknown>>
) => T | void | Promise<T | void>;

/** Hooks by event; a single callable or a list. */
export type HooksArg<T = unknown> = Partial<Record<HookEvent, Hook<T> | ReadonlyArray<Hook<T>>>>;

/** `{'response': []}`. */
export function default_hooks<T = unknown>(): Record<HookEvent, Array<Hook<T>>> {
  return { response: [] };
}

/** Runs the hooks of `key` over `hook_data`; a hook returning something replaces the data. */
export async function dispatch_hook<T>(
  key: HookEvent,
  hooks: HooksArg<T> | null | undefined,
  hook_data: T,
  kwargs: Readonly<Record<string, unknown>> = {}
): Promise<T> {
  const all = hooks ?? {};
  const found = all[key];
  if (!found) return hook_data;
  const list = typeof found === 'function' ? [found] : found;
  let data = hook_data;
  for (const hook of list) {
    const result = await hook(data, kwargs);
    if (result !== undefined && result !== null) data = result;
  }
  return data;
}
