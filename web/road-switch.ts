/**
 * @module
 * The road switch of the top bar: which road the next run takes, the seed note's `HTTPClient`
 * (`note`) or the `nova` command's keystoneauth1 session (`nova`), as `novatrace run --road`
 * chooses. A scenario whose fault exists only on the note's road (no nova command reaches it)
 * keeps the switch on `note` and says why. The choice is remembered.
 */
import type { RunState, ScenarioLine, TraceSummary } from '../src/viewer/types.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { remember, STORAGE, type PageState, type Store } from './store.js';

export type Road = PageState['road'];

/** The picker's line of the chosen scenario, if any. */
function chosen(state: PageState): ScenarioLine | undefined {
  return state.scenarios.find((s) => s.name === state.selectedScenario);
}

/** True when the scenario cannot run on the nova road (its fault is below any command). */
export function noteOnly(line: Pick<ScenarioLine, 'nova'> | undefined): boolean {
  return line?.nova === null;
}

/** The road a run of the chosen scenario takes now: the switch's, unless it has no nova road. */
export function effectiveRoad(state: PageState): Road {
  return state.road === 'nova' && !noteOnly(chosen(state)) ? 'nova' : 'note';
}

/** A run's name with its road, for the banner: `happy · nova`. */
export function runTitle(run: Pick<RunState, 'scenario' | 'road'>): string {
  return `${run.scenario} · ${run.road ?? 'note'}`;
}

/** The road chip of a trace in the list (nothing for a trace that is no scenario run). */
export function roadChip(s: Pick<TraceSummary, 'road'>): HTMLElement | null {
  if (!s.road) return null;
  return h(
    'span',
    {
      class: `road-chip road-${s.road}`,
      title: t(s.road === 'nova' ? 'roadNovaTitle' : 'roadNoteTitle'),
    },
    s.road
  );
}

export class RoadSwitch {
  readonly note = h('button', { id: 'road-note', dataset: { road: 'note' } }, 'note');
  readonly nova = h('button', { id: 'road-nova', dataset: { road: 'nova' } }, 'nova');
  readonly el = h('div', { class: 'group seg road-seg', role: 'group' }, this.note, this.nova);
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    for (const btn of [this.note, this.nova]) {
      btn.addEventListener('click', () =>
        this.choose(btn.dataset.road === 'nova' ? 'nova' : 'note')
      );
    }
    store.subscribe(['road', 'selectedScenario', 'scenarios', 'lang', 'followRole'], () =>
      this.render()
    );
  }

  choose(road: Road): void {
    remember(STORAGE.road, road);
    this.#store.set({ road });
  }

  render(): void {
    const s = this.#store.state;
    const road = effectiveRoad(s);
    const blocked = noteOnly(chosen(s));
    this.el.setAttribute('aria-label', t('road'));
    this.note.setAttribute('aria-pressed', String(road === 'note'));
    this.nova.setAttribute('aria-pressed', String(road === 'nova'));
    this.note.title = t('roadNoteTitle');
    this.nova.title = blocked ? t('noNovaRoad') : t('roadNovaTitle');
    this.nova.disabled = blocked || s.followRole === 'follow';
    this.note.disabled = s.followRole === 'follow';
  }
}
