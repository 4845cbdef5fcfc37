/**
 * @module
 * The page's live link to its server: the Server-Sent Events stream of `/api/events`, its state
 * in the store (`connecting`, `live`, `lost`), and reconnecting by itself. Each (re)connection
 * starts with a resync event, from which the page reloads whatever it missed meanwhile; the
 * scenario list and the library are fetched again if they could not be read before.
 */
import type { ViewerEvent } from '../src/viewer/types.js';
import { api } from './api.js';
import type { Store } from './store.js';

/** How long to wait before opening a new stream after the browser gave up on one. */
const RETRY_MS = [500, 1000, 2000, 4000];

export class Connection {
  readonly #store: Store;
  readonly #onEvent: (event: ViewerEvent) => void;
  #source: EventSource | undefined;
  #failures = 0;
  #listsLoaded = false;

  constructor(store: Store, onEvent: (event: ViewerEvent) => void) {
    this.#store = store;
    this.#onEvent = onEvent;
  }

  start(): void {
    void this.#loadLists();
    this.#open();
  }

  #open(): void {
    const source = new EventSource('/api/events');
    this.#source = source;
    const handle = (e: MessageEvent<string>) => {
      let event: ViewerEvent;
      try {
        event = JSON.parse(e.data) as ViewerEvent;
      } catch {
        // A frame we cannot read is skipped; the next resync repairs the state.
        return;
      }
      this.#onEvent(event);
    };
    for (const type of ['span-start', 'span-end', 'run-state', 'resync', 'follow'] as const) {
      source.addEventListener(type, handle as EventListener);
    }
    source.addEventListener('open', () => {
      this.#failures = 0;
      this.#store.set({ connection: 'live' });
      if (!this.#listsLoaded) void this.#loadLists();
    });
    source.addEventListener('error', () => {
      if (this.#store.state.connection !== 'lost') this.#store.set({ connection: 'lost' });
      // The browser retries a dropped stream itself; one it closed (an error answer) we reopen.
      if (source.readyState === EventSource.CLOSED && this.#source === source) {
        const wait = RETRY_MS[Math.min(this.#failures++, RETRY_MS.length - 1)] as number;
        setTimeout(() => {
          if (this.#source === source) this.#open();
        }, wait);
      }
    });
  }

  async #loadLists(): Promise<void> {
    try {
      const [scenarios, library] = await Promise.all([api.scenarios(), api.library()]);
      this.#listsLoaded = true;
      const s = this.#store.state;
      const selectedScenario =
        s.selectedScenario ??
        scenarios.find((x) => x.name === 'warm-pool')?.name ??
        scenarios[0]?.name;
      this.#store.set({ scenarios, library, selectedScenario });
    } catch {
      // The server is not reachable: the banner says so, and the next open tries again.
    }
  }

  close(): void {
    this.#source?.close();
    this.#source = undefined;
  }
}
