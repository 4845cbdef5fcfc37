/**
 * @module
 * The scenario picker: one line per what-if scenario in the page's language; a click chooses
 * it for the Run button, a double click runs it.
 */
import type { ScenarioLine } from '../src/viewer/types.js';
import { h, replace } from './dom.js';
import { lang, t } from './i18n.js';
import { noteOnly } from './road-switch.js';
import type { Store } from './store.js';

/**
 * What a scenario says about the nova road, in the page's language: that its fault exists only
 * on the note's road (no nova road at all, or a nova road that never meets the fault), and
 * what differs there; undefined when nothing does.
 */
export function novaRoadLine(s: Pick<ScenarioLine, 'nova'>): string | undefined {
  if (noteOnly(s)) return t('noNovaRoad');
  const nova = s.nova;
  if (!nova) return undefined;
  const note = lang() === 'ja' && nova.noteJa ? nova.noteJa : nova.note;
  if (nova.faultNotOnThisRoad) return note ? `${t('faultNotOnNova')} ${note}` : t('faultNotOnNova');
  return note ? t('onNovaRoad', note) : undefined;
}

/** A scenario's one line in the page's language (English when no Japanese line exists). */
export function scenarioSummary(s: Pick<ScenarioLine, 'summary' | 'summaryJa'>): string {
  return lang() === 'ja' && s.summaryJa ? s.summaryJa : s.summary;
}

export class ScenarioPicker {
  readonly el = h('ul', { class: 'scenario-list', role: 'listbox', 'aria-label': 'scenarios' });
  readonly #store: Store;
  readonly #run: (name: string) => void;

  constructor(store: Store, run: (name: string) => void) {
    this.#store = store;
    this.#run = run;
    store.subscribe(['scenarios', 'selectedScenario', 'lang', 'road'], () => this.render());
  }

  render(): void {
    const { scenarios, selectedScenario, road } = this.#store.state;
    this.el.setAttribute('aria-label', t('scenarios'));
    const choose = (name: string) => this.#store.set({ selectedScenario: name });
    replace(
      this.el,
      ...(scenarios.length === 0
        ? [h('li', { class: 'muted' }, t('noScenarios'))]
        : scenarios.map((s) => {
            const sel = s.name === selectedScenario;
            const oneRoad = noteOnly(s) || s.nova?.faultNotOnThisRoad === true;
            const novaLine = novaRoadLine(s);
            return h(
              'li',
              {
                class: `scenario${sel ? ' selected' : ''}`,
                role: 'option',
                'aria-selected': String(sel),
                tabindex: '0',
                dataset: { scenario: s.name },
                title: novaLine ? `${scenarioSummary(s)}\n${novaLine}` : scenarioSummary(s),
                onclick: () => choose(s.name),
                ondblclick: () => this.#run(s.name),
                onkeydown: (ev: KeyboardEvent) => {
                  if (ev.key === 'Enter') {
                    choose(s.name);
                    ev.stopPropagation();
                  }
                },
              },
              h(
                'span',
                { class: 'sc-name' },
                s.name,
                oneRoad
                  ? h(
                      'span',
                      { class: 'road-chip road-note', title: novaLine ?? '' },
                      t(noteOnly(s) ? 'noteOnly' : 'faultNoteOnly')
                    )
                  : null
              ),
              h('span', { class: 'sc-summary' }, scenarioSummary(s)),
              // The chosen scenario on the nova road says what differs there.
              sel && novaLine && (road === 'nova' || oneRoad)
                ? h('span', { class: 'sc-road-note' }, novaLine)
                : null
            );
          }))
    );
  }
}
