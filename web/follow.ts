/**
 * @module
 * Follow mode. A teacher makes the page followable ("Let the class follow" in More): the page
 * gets a follow link and, from then on, tells the server which trace and span it shows.
 * Students open the link (`#follow=<id>`): their page mirrors the teacher's trace and selected
 * span live, and the teacher's step pauses as they come; it is read-only (the teacher's runs
 * belong to the teacher's page). Reloading a student page asks the server where the class is.
 */
import { api, userMessage } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import type { Store } from './store.js';
import { toast } from './toast.js';
import type { Traces } from './traces.js';

/** The follow id in a page link, if the page was opened as a follower. */
export function followIdOf(hash: string): string | undefined {
  return /^#follow=([0-9a-f]{16})$/.exec(hash)?.[1];
}

export class Follow {
  readonly button = h('button', { class: 'button', id: 'lead-class', 'data-i18n': 'leadClass' });
  readonly link = h('input', {
    class: 'follow-link',
    id: 'follow-link',
    readonly: true,
    hidden: true,
    'aria-label': 'follow link',
    'data-i18n-label': 'followLink',
  });
  readonly #store: Store;
  readonly #traces: Traces;
  #sent = '';

  constructor(store: Store, traces: Traces) {
    this.#store = store;
    this.#traces = traces;
    this.button.addEventListener('click', () => void this.lead());
    store.subscribe(['current', 'selected', 'followRole'], () => this.#publish());
  }

  /** Starts following the class of `followId` (this page becomes read-only). */
  async join(followId: string): Promise<void> {
    this.#store.set({ followRole: 'follow', followId, follow: true });
    document.body.classList.add('following');
    try {
      const where = await api.followed(followId);
      if (where.traceId) await this.#traces.show(where.traceId, where.spanId ?? undefined);
    } catch (err) {
      toast(userMessage(err));
    }
  }

  /** Makes this page the one the class follows, and shows its follow link. */
  async lead(): Promise<void> {
    try {
      const { followId } = await api.startFollow();
      this.#store.set({ followRole: 'lead', followId });
      this.link.value = `${location.origin}${location.pathname}#follow=${followId}`;
      this.link.hidden = false;
      this.link.select();
      toast(t('followStarted'));
    } catch (err) {
      toast(userMessage(err));
    }
  }

  #publish(): void {
    const { followRole, followId, current, selected } = this.#store.state;
    if (followRole !== 'lead' || !followId || !current) return;
    const key = `${current.traceId}/${selected ?? ''}`;
    if (key === this.#sent) return;
    this.#sent = key;
    api.lead(followId, current.traceId, selected).catch(() => (this.#sent = ''));
  }
}
