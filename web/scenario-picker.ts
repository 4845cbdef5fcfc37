/**
 * @module
 * The scenario picker: one line per what-if scenario in the page's language; a click chooses
 * it for the Run button, a double click runs it.
 */
import type { ScenarioLine } from '../src/viewer/types.js';
import { h, replace } from './dom.js';
import { lang, t } from './i18n.js';
import type { Store } from './store.js';

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
    store.subscribe(['scenarios', 'selectedScenario', 'lang'], () => this.render());
  }

  render(): void {
    const { scenarios, selectedScenario } = this.#store.state;
    this.el.setAttribute('aria-label', t('scenarios'));
    const choose = (name: string) => this.#store.set({ selectedScenario: name });
    replace(
      this.el,
      ...(scenarios.length === 0
        ? [h('li', { class: 'muted' }, t('noScenarios'))]
        : scenarios.map((s) => {
            const sel = s.name === selectedScenario;
            return h(
              'li',
              {
                class: `scenario${sel ? ' selected' : ''}`,
                role: 'option',
                'aria-selected': String(sel),
                tabindex: '0',
                dataset: { scenario: s.name },
                title: scenarioSummary(s),
                onclick: () => choose(s.name),
                ondblclick: () => this.#run(s.name),
                onkeydown: (ev: KeyboardEvent) => {
                  if (ev.key === 'Enter') {
                    choose(s.name);
                    ev.stopPropagation();
                  }
                },
              },
              h('span', { class: 'sc-name' }, s.name),
              h('span', { class: 'sc-summary' }, scenarioSummary(s))
            );
          }))
    );
  }
}
