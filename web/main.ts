/**
 * @module
 * The novatrace page: makes the store and the views and wires them together. Each view owns
 * its elements and its own state, subscribes to the store for what it shows, and calls the
 * actions of {@link Traces} (what is on screen) or {@link StepControl} (runs) when the user
 * acts. Nothing here renders.
 */
import './style.css';
import { AnalysisPane } from './analysis-pane.js';
import { ComparePane } from './compare-pane.js';
import { Connection } from './connection.js';
import { DetailPane } from './detail-pane.js';
import { h, replace } from './dom.js';
import { Follow, followIdOf, teachLinkOf } from './follow.js';
import { Help } from './help.js';
import { lang, setLang, t, type StringKey } from './i18n.js';
import { bindKeys } from './keys.js';
import { LanesView } from './lanes-view.js';
import { Live } from './live.js';
import { readHash } from './permalink.js';
import { RoadSwitch } from './road-switch.js';
import { ScenarioPicker } from './scenario-picker.js';
import { StepControl } from './step-control.js';
import { Stepper } from './stepper.js';
import { PythonPane } from './python-pane.js';
import { initialState, stored, STORAGE, Store } from './store.js';
import { toasts } from './toast.js';
import { applyTheme } from './theme.js';
import { Topbar } from './topbar.js';
import { TraceList } from './trace-list.js';
import { Traces } from './traces.js';
import { TreePane } from './tree-pane.js';
import { WaterfallTools } from './waterfall-tools.js';

const saved = stored(STORAGE.lang);
setLang(
  saved === 'ja' || saved === 'en' ? saved : navigator.language.startsWith('ja') ? 'ja' : 'en'
);
applyTheme(stored(STORAGE.theme) ?? 'auto');

const store = new Store(initialState(lang()));
const traces = new Traces(store);
const live = new Live(store, traces);
const steps = new StepControl(store, traces, live);
const stepper = new Stepper(store, traces, steps);
const treePane = new TreePane(store, traces);
const analysis = new AnalysisPane(store, traces, treePane);
const waterfall = new WaterfallTools(store, treePane);
analysis.el.append(new LanesView(store, traces).el);
const compare = new ComparePane(store, traces);
const detail = new DetailPane(store, traces, {
  compare: () => compare.setView('compare'),
  run: () => void steps.run(),
  canCompare: () => compare.defaultPair() !== undefined,
});
// The source pane may have grown under the tree: keep the selected row in view.
detail.afterSource = () => {
  const { selected, view } = store.state;
  if (selected && view === 'tree') treePane.tree.reveal(selected);
};
const python = new PythonPane(store, () => detail.selectedNode()?.span);
const picker = new ScenarioPicker(store, (name) => void steps.run(name));
const list = new TraceList(store, traces);
const help = new Help();
const openFile = (file: File) =>
  void file.text().then((text) => traces.openText(text, file.name, true));
const follow = new Follow(store, traces);
const roadSwitch = new RoadSwitch(store);
const topbar = new Topbar(
  store,
  steps,
  {
    toggleCompare: () => compare.setView(store.state.view === 'compare' ? 'tree' : 'compare'),
    toggleHelp: () => help.toggle(),
    openFile,
    relabel,
    compareRoads: () => void compare.otherRoad(),
  },
  follow,
  roadSwitch.el
);

/** Re-applies every static label in the current language. */
function relabel(): void {
  document.documentElement.lang = lang();
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as StringKey);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel as StringKey));
  }
  steps.relabel();
  if (help.open) help.render();
}

const section = (key: StringKey, body: HTMLElement) =>
  h('details', { open: true, class: 'side-section' }, h('summary', { 'data-i18n': key }), body);
const sidebar = h(
  'nav',
  { class: 'sidebar', 'aria-label': 'traces and scenarios' },
  section('scenarios', picker.el),
  section('traces', list.traceList),
  section('library', list.libraryList)
);
const main = h(
  'main',
  { class: 'main' },
  topbar.lostBanner,
  steps.banner,
  stepper.bar,
  analysis.el,
  treePane.el,
  compare.el,
  h('div', { class: 'source-row' }, detail.source.el, python.el)
);
replace(
  document.body,
  h('a', { class: 'skip-link', href: '#tree', 'data-i18n': 'skipToTree' }),
  topbar.el,
  h('div', { class: 'layout' }, sidebar, main, detail.el),
  toasts,
  help.el
);

bindKeys(store, treePane, steps, help);
window.addEventListener('hashchange', (ev) => {
  // The hash the user went to, from the event: by the time it is handled the page may already
  // have rewritten the address bar for what it showed before (syncHash's replaceState).
  if (store.state.followRole !== 'follow') void traces.applyLink(readHash(new URL(ev.newURL).hash));
});
window.addEventListener('dragover', (ev) => ev.preventDefault());
window.addEventListener('drop', (ev) => {
  ev.preventDefault();
  const file = ev.dataTransfer?.files[0];
  if (file) openFile(file);
});

relabel();
store.touch('lang');
const followId = followIdOf(location.hash);
if (followId) void follow.join(followId);
live.onHandover = (id) => void follow.handedOver(id);
const teachLink = teachLinkOf(location.hash);
if (teachLink) void follow.takeOver(teachLink.followId, teachLink.key);
const connection = new Connection(store, (event) => live.onEvent(event));
connection.start();
(window as unknown as { novatrace: unknown }).novatrace = {
  store,
  traces,
  steps,
  connection,
  stepper,
  waterfall,
};
