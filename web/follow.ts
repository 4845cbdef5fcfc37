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
import { remember, STORAGE, type Store } from './store.js';
import { toast } from './toast.js';
import type { Traces } from './traces.js';

/** The follow id in a page link, if the page was opened as a follower. */
export function followIdOf(hash: string): string | undefined {
  return /^#follow=([0-9a-f]{16})$/.exec(hash)?.[1];
}

/** The follow id and teacher key of a teacher link (`#teach=<id>.<key>`). */
export function teachLinkOf(hash: string): { followId: string; key: string } | undefined {
  const m = /^#teach=([0-9a-f]{16})\.([0-9a-f]{32})$/.exec(hash);
  return m ? { followId: m[1] as string, key: m[2] as string } : undefined;
}

/** Set for one reload when this page stopped leading its class (said to the user after it). */
const MOVED = 'novatrace.leadMoved';

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
  /** The teacher link: opening it (say, on the projector's machine) moves the lead there. */
  readonly teachInput = h('input', {
    class: 'follow-link',
    id: 'teach-link',
    readonly: true,
    'aria-label': 'teacher link',
    'data-i18n-label': 'teachLink',
  });
  readonly teach = h(
    'label',
    { class: 'teach-link', hidden: true },
    h('span', { 'data-i18n': 'teachLink' }),
    this.teachInput
  );
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
    try {
      if (sessionStorage.getItem(MOVED)) toast(t('teachMoved'));
      sessionStorage.removeItem(MOVED);
    } catch {
      // nothing to say
    }
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
      const { followId, teacherKey } = await api.startFollow();
      this.#leading(followId, teacherKey);
      this.link.select();
      toast(t('followStarted'));
    } catch (err) {
      toast(userMessage(err));
    }
  }

  /**
   * Opened from a teacher link: this page becomes the one the class follows and takes the
   * controls of the runs the previous leading page started (which then follows, read-only).
   * The key leaves the address bar at once, so a projected screen does not show it.
   */
  async takeOver(followId: string, key: string): Promise<void> {
    history.replaceState(null, '', location.pathname);
    try {
      const got = await api.teach(followId, key);
      this.#leading(followId, got.teacherKey);
      const mine = got.runIds[got.runIds.length - 1];
      if (mine) {
        this.#store.set({ myRunId: mine });
        remember(STORAGE.myRun, mine);
      }
      if (got.traceId) await this.#traces.show(got.traceId, got.spanId ?? undefined);
      toast(t('teachTaken'));
    } catch (err) {
      toast(userMessage(err));
    }
  }

  /**
   * The lead moved (a teacher link was opened): a page that no longer leads reopens as a plain
   * follower of its class, its run controls gone with the lead.
   */
  async handedOver(followId: string): Promise<void> {
    const s = this.#store.state;
    if (s.followRole !== 'lead' || s.followId !== followId) return;
    const where = await api.followed(followId).catch(() => undefined);
    if (!where || where.leading) return;
    remember(STORAGE.myRun, '');
    try {
      sessionStorage.setItem(MOVED, '1');
    } catch {
      // the page reopens without saying why
    }
    history.replaceState(null, '', `${location.pathname}#follow=${followId}`);
    location.reload();
  }

  #leading(followId: string, teacherKey: string): void {
    this.#store.set({ followRole: 'lead', followId });
    document.body.classList.remove('following');
    const base = `${location.origin}${location.pathname}`;
    this.link.value = `${base}#follow=${followId}`;
    this.link.hidden = false;
    this.teachInput.value = `${base}#teach=${followId}.${teacherKey}`;
    this.teach.hidden = false;
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
