/**
 * @module
 * The compare pane: which two traces (or two runs inside one trace) are side by side, the
 * pickers' choices, the default pair (cold then warm), and switching between tree and compare.
 */
import { api, userMessage } from './api.js';
import {
  CompareView,
  traceLabel,
  type CompareOption,
  type RoadStoryView,
  type SideView,
} from './compare-view.js';
import { CompareLanes } from './compare-lanes.js';
import { CompareStats } from './compare-stats.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import type { TraceTree } from './model.js';
import { roadFacts, roadOf, roadStory, scenarioOf, type RoadFacts } from './road-diff.js';
import { noteOnly } from './road-switch.js';
import type { Store } from './store.js';
import { toast } from './toast.js';
import type { Traces } from './traces.js';

export class ComparePane {
  readonly el = h('section', { class: 'compare-pane', hidden: true });
  readonly view: CompareView;
  readonly #store: Store;
  readonly #traces: Traces;
  /** Road facts by trace id, kept while the tree's version stays the same. */
  readonly #facts = new Map<string, { version: number; facts: RoadFacts }>();

  constructor(store: Store, traces: Traces) {
    this.#store = store;
    this.#traces = traces;
    this.view = new CompareView({
      pick: (side, value) => void traces.pick(side, value),
      select: (side, node) => store.set({ compareSel: { side, spanId: node.id } }),
      otherRoad: () => void this.otherRoad(),
      critical: (on) => store.set({ criticalPath: on }),
    });
    this.view.addPanel(new CompareStats(store, this).el);
    this.view.addPanel(new CompareLanes(store, traces, this).el);
    this.el.appendChild(this.view.el);
    traces.openCompare = () => this.setView('compare');
    store.subscribe(['view'], () => {
      const comparing = store.state.view === 'compare';
      this.el.hidden = !comparing;
      document.body.classList.toggle('comparing', comparing);
    });
    store.subscribe(
      ['view', 'comparePick', 'compareSel', 'spans', 'traces', 'lang', 'criticalPath'],
      () => {
        if (store.state.view === 'compare') this.render();
      }
    );
  }

  /** Switches between the tree and compare; compare starts on the default pair. */
  setView(view: 'tree' | 'compare'): void {
    const pick = this.#store.state.comparePick;
    if (view === 'compare' && (!pick.a || !pick.b)) {
      const pair = this.defaultPair();
      if (pair) {
        void this.#traces.pick('a', pair[0]);
        void this.#traces.pick('b', pair[1]);
      }
    }
    this.#store.set({ view });
  }

  render(): void {
    const s = this.#store.state;
    this.view.show(
      this.options(),
      this.sideView(s.comparePick.a),
      this.sideView(s.comparePick.b),
      s.comparePick,
      s.compareSel,
      this.roadStory(s.comparePick.a, s.comparePick.b),
      s.criticalPath
    );
  }

  /** The narrated difference when the two sides are one scenario's two roads (whole traces). */
  roadStory(a: string | undefined, b: string | undefined): RoadStoryView | undefined {
    if (!a || !b || a.includes(':') || b.includes(':')) return undefined;
    const ta = this.#traces.models.get(a)?.tree();
    const tb = this.#traces.models.get(b)?.tree();
    if (!ta || !tb) return undefined;
    const scenario = scenarioOf(ta);
    if (!scenario || scenario !== scenarioOf(tb)) return undefined;
    const [ra, rb] = [roadOf(ta), roadOf(tb)];
    if (!ra || !rb || ra === rb) return undefined;
    const [note, nova] = ra === 'note' ? [a, b] : [b, a];
    const [tn, tv] = ra === 'note' ? [ta, tb] : [tb, ta];
    return {
      scenario,
      lines: roadStory(this.#factsOf(note, tn), this.#factsOf(nova, tv)),
    };
  }

  #factsOf(traceId: string, tree: TraceTree): RoadFacts {
    const kept = this.#facts.get(traceId);
    if (kept && kept.version === tree.version && tree.running === 0) return kept.facts;
    const facts = roadFacts(tree);
    this.#facts.set(traceId, { version: tree.version, facts });
    for (const id of this.#facts.keys()) if (!this.#traces.models.has(id)) this.#facts.delete(id);
    return facts;
  }

  /**
   * Compares the shown scenario trace (side A in compare, else the tree's) with the same
   * scenario on the other road: the newest such trace here, else the recorded one from the
   * library (`traces/<scenario>.json` or `<scenario>.nova.json`). The note's road goes on A.
   */
  async otherRoad(): Promise<void> {
    const s = this.#store.state;
    const baseId =
      s.view === 'compare' && s.comparePick.a
        ? (s.comparePick.a.split(':')[0] as string)
        : s.current?.traceId;
    if (!baseId) {
      toast(t('notAScenario'));
      return;
    }
    const model = this.#traces.modelFor(baseId);
    if (model.size === 0) await this.#traces.load(model);
    const tree = model.tree();
    const scenario = scenarioOf(tree);
    const road = roadOf(tree);
    if (!scenario || !road) {
      toast(t('notAScenario'));
      return;
    }
    const other = road === 'nova' ? 'note' : 'nova';
    const line = s.scenarios.find((x) => x.name === scenario);
    if (other === 'nova' && noteOnly(line)) {
      toast(t('noOtherRoad', scenario));
      return;
    }
    const otherId =
      this.#traces.sorted().find((x) => x.scenario === scenario && x.road === other)?.traceId ??
      (await this.#fromLibrary(scenario, other));
    if (!otherId) {
      toast(t('otherRoadMissing', scenario, other));
      return;
    }
    const [a, b] = road === 'note' ? [baseId, otherId] : [otherId, baseId];
    await Promise.all([this.#traces.pick('a', a), this.#traces.pick('b', b)]);
    // The user asked for the difference of the roads: its story is what to show first.
    this.view.openPanel('roads');
    this.#store.set({ view: 'compare' });
  }

  async #fromLibrary(scenario: string, road: 'note' | 'nova'): Promise<string | undefined> {
    const name = road === 'nova' ? `${scenario}.nova` : scenario;
    if (!this.#store.state.library.some((e) => e.name === name)) return undefined;
    try {
      const opened = await api.openFile(await api.libraryText(name), `${name}.json`);
      await this.#traces.refreshList();
      return opened.traceIds[0];
    } catch (err) {
      toast(userMessage(err));
      return undefined;
    }
  }

  /** A compare side from its picker value. */
  sideView(value: string | undefined): SideView | undefined {
    if (!value) return undefined;
    const [traceId, spanId] = value.split(':') as [string, string | undefined];
    const model = this.#traces.models.get(traceId);
    if (!model || model.size === 0) return undefined;
    const summary = this.#store.state.traces.get(traceId);
    const name = summary?.label ?? model.tree().roots[0]?.span.name ?? traceId.slice(0, 8);
    if (spanId) {
      const node = model.tree().byId.get(spanId);
      if (!node) return undefined;
      const index = this.#traces.runsOf(model).indexOf(node);
      return { value, title: `${name} · run ${index + 1}`, side: { roots: [node] } };
    }
    const road = summary?.road ? ` · ${summary.road}` : '';
    return { value, title: `${name}${road} · ${traceId.slice(0, 8)}`, side: model.tree() };
  }

  options(): CompareOption[] {
    const out: CompareOption[] = [];
    for (const s of this.#traces.sorted()) {
      out.push({ value: s.traceId, label: traceLabel(s) });
      const model = this.#traces.models.get(s.traceId);
      const runs = model ? this.#traces.runsOf(model) : [];
      if (runs.length >= 2) {
        runs.forEach((run, i) =>
          out.push({
            value: `${s.traceId}:${run.id}`,
            label: `    ↳ run ${i + 1} of ${s.label ?? s.rootName}`,
          })
        );
      }
    }
    const pick = this.#store.state.comparePick;
    for (const v of [pick.a, pick.b]) {
      if (v && !out.some((o) => o.value === v)) out.push({ value: v, label: v });
    }
    return out;
  }

  /** Cold/warm: the two runs inside the current trace, else two traces of one run, else the last two. */
  defaultPair(): [string, string] | undefined {
    const s = this.#store.state;
    const list = this.#traces.sorted();
    const current = s.current;
    const runs = current ? this.#traces.runsOf(current) : [];
    if (current && runs.length >= 2) {
      return [`${current.traceId}:${runs[0]?.id}`, `${current.traceId}:${runs[1]?.id}`];
    }
    const cur = current ? s.traces.get(current.traceId) : undefined;
    const siblings = cur
      ? list
          .filter((x) =>
            cur.runId ? x.runId === cur.runId : x.source === cur.source && x.label === cur.label
          )
          .reverse()
      : [];
    if (siblings.length >= 2)
      return [siblings[0]?.traceId as string, siblings[1]?.traceId as string];
    const startup = list.filter((x) => x.source === 'startup').reverse();
    if (startup.length >= 2) return [startup[0]?.traceId as string, startup[1]?.traceId as string];
    if (list.length >= 2) return [list[1]?.traceId as string, list[0]?.traceId as string];
    return undefined;
  }
}
