/**
 * @module
 * The sidebar's trace list (newest first, with status, span count and source) and the library
 * of recorded scenario traces in `traces/`.
 */
import type { LibraryEntry } from '../src/viewer/types.js';
import { api, userMessage } from './api.js';
import { h, replace } from './dom.js';
import { clockTime, formatMs } from './format.js';
import { t } from './i18n.js';
import { roadChip } from './road-switch.js';
import type { Store } from './store.js';
import { toast } from './toast.js';
import type { Traces } from './traces.js';

const MAX_SHOWN = 200;

export class TraceList {
  readonly traceList = h('ul', { class: 'trace-list' });
  readonly libraryList = h('ul', { class: 'library-list' });
  readonly #store: Store;
  readonly #traces: Traces;
  #shown = '';

  constructor(store: Store, traces: Traces) {
    this.#store = store;
    this.#traces = traces;
    store.subscribe(['traces', 'current', 'lang'], () => this.renderTraces());
    store.subscribe(['library', 'lang'], () => this.renderLibrary());
  }

  renderTraces(): void {
    const current = this.#store.state.current?.traceId;
    const list = this.#traces.sorted().slice(0, MAX_SHOWN);
    // The list is asked for again every few hundred ms while a run goes: redraw only when
    // what it shows changed.
    const key = [
      current,
      this.#store.state.lang,
      ...list.map(
        (s) =>
          `${s.traceId}|${s.label ?? s.rootName}|${s.spanCount}|${s.runningCount}|${s.errorCount}|${s.durationMs}|${s.source}`
      ),
    ].join('\n');
    if (key === this.#shown) return;
    this.#shown = key;
    replace(
      this.traceList,
      ...(list.length === 0
        ? [h('li', { class: 'muted' }, t('noTraces'))]
        : list.map((s) => {
            const cur = s.traceId === current;
            const status =
              s.runningCount > 0
                ? `● ${t('running')}`
                : s.errorCount > 0
                  ? `✖ ${t('error')}`
                  : `✔ ${t('ok')}`;
            const cls = s.runningCount > 0 ? 'is-running' : s.errorCount > 0 ? 'is-error' : 'is-ok';
            const label = s.label ?? s.rootName;
            return h(
              'li',
              null,
              h(
                'button',
                {
                  class: `trace-item${cur ? ' current' : ''}`,
                  'aria-current': cur ? 'true' : undefined,
                  dataset: { traceId: s.traceId },
                  title: label,
                  onclick: () => void this.#traces.show(s.traceId),
                },
                h(
                  'span',
                  { class: 'ti-top' },
                  h('span', { class: `status ${cls}` }, status),
                  h('span', { class: 'ti-label' }, label),
                  roadChip(s)
                ),
                h(
                  'span',
                  { class: 'ti-meta' },
                  `${clockTime(s.startTimeUnixNano)} · ${t('spans', s.spanCount)} · ${formatMs(s.durationMs)} · ${s.source}`
                )
              )
            );
          }))
    );
  }

  renderLibrary(): void {
    const library = this.#store.state.library;
    replace(
      this.libraryList,
      ...(library.length === 0
        ? [h('li', { class: 'muted' }, t('none'))]
        : library.map((entry) =>
            h(
              'li',
              null,
              h(
                'button',
                {
                  class: 'trace-item',
                  onclick: () => void this.open(entry),
                  title: entry.summary ? `${entry.name}: ${entry.summary}` : entry.file,
                },
                h('span', { class: 'ti-label' }, entry.name),
                entry.summary ? h('span', { class: 'ti-meta' }, entry.summary) : null
              )
            )
          ))
    );
  }

  async open(entry: LibraryEntry): Promise<void> {
    try {
      const text = await api.libraryText(entry.name);
      await this.#traces.openText(text, `${entry.name}.json`, false);
    } catch (err) {
      toast(userMessage(err));
    }
  }
}
