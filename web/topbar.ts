/**
 * @module
 * The top bar: the brand, the run and step controls, opening and downloading trace files,
 * compare, language, theme, keyboard help and the live indicator; and the banner that says
 * the server is lost. Less-used controls sit in the "More" menu so the bar stays on one line.
 */
import { api } from './api.js';
import { h, replace } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import type { Lang } from './narration.js';
import type { Follow } from './follow.js';
import type { StepControl } from './step-control.js';
import { remember, stored, STORAGE, type Store } from './store.js';
import { applyTheme } from './theme.js';

export interface TopbarActions {
  toggleCompare(): void;
  /** Compares the shown scenario trace with the same scenario on the other road. */
  compareRoads?(): void;
  toggleHelp(): void;
  openFile(file: File): void;
  relabel(): void;
}

export class Topbar {
  readonly el: HTMLElement;
  readonly lostBanner = h('div', { class: 'server-lost', role: 'alert', hidden: true });
  readonly fileInput = h('input', {
    type: 'file',
    accept: '.json,.jsonl,application/json',
    id: 'file-input',
    class: 'visually-hidden',
  });
  readonly otlpLink = h('a', { class: 'button', id: 'download-otlp', download: '' });
  readonly jaegerLink = h('a', { class: 'button', id: 'download-jaeger', download: '' });
  readonly compareBtn = h('button', { id: 'compare-toggle', 'aria-pressed': 'false' });
  readonly langEn = h('button', { id: 'lang-en', lang: 'en' }, 'EN');
  readonly langJa = h('button', { id: 'lang-ja', lang: 'ja' }, '日本語');
  readonly themeBtn = h('button', { id: 'theme', class: 'icon' });
  readonly helpBtn = h('button', { id: 'help', class: 'icon' }, '?');
  readonly live = h('span', { class: 'live', role: 'status' });
  readonly otherRoadBtn = h('button', { id: 'other-road', class: 'button' });
  readonly #store: Store;

  constructor(
    store: Store,
    steps: StepControl,
    actions: TopbarActions,
    follow: Follow,
    road?: HTMLElement
  ) {
    this.#store = store;
    this.el = h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'brand' },
        h('img', { src: '/assets/icon.svg', alt: '', width: '22', height: '22' }),
        h('span', { class: 'name' }, 'novatrace'),
        h('span', { class: 'tagline', 'data-i18n': 'tagline' })
      ),
      h(
        'div',
        { class: 'group run-group' },
        steps.runBtn,
        road ?? null,
        h('label', { class: 'check' }, steps.stepBox, h('span', { 'data-i18n': 'stepMode' })),
        h('label', { class: 'check' }, steps.predictBox, h('span', { 'data-i18n': 'predict' }))
      ),
      h(
        'div',
        { class: 'group step-group', role: 'group', 'aria-label': 'step' },
        steps.stepper?.backBtn ?? null,
        steps.nextBtn,
        steps.contBtn,
        steps.abortBtn
      ),
      h('div', { class: 'spacer' }),
      follow.link,
      this.compareBtn,
      // Less-used controls: one "More" menu keeps the bar on one line in both languages.
      h(
        'div',
        { class: 'group file-group' },
        this.fileInput,
        h(
          'details',
          { class: 'menu', id: 'more-menu' },
          h('summary', { class: 'button' }, h('span', { 'data-i18n': 'more' })),
          h(
            'div',
            { class: 'menu-items' },
            h('label', {
              class: 'button',
              for: 'file-input',
              'data-i18n': 'openFile',
              tabindex: '0',
            }),
            steps.decisionsLabel,
            this.otlpLink,
            this.jaegerLink,
            actions.compareRoads ? this.otherRoadBtn : null,
            follow.button,
            follow.teach
          )
        )
      ),
      h(
        'div',
        { class: 'group seg', role: 'group', 'aria-label': 'language' },
        this.langEn,
        this.langJa
      ),
      this.themeBtn,
      this.helpBtn,
      this.live
    );
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file) actions.openFile(file);
      this.fileInput.value = '';
    });
    this.compareBtn.addEventListener('click', () => actions.toggleCompare());
    this.otherRoadBtn.addEventListener('click', () => {
      this.otherRoadBtn.closest('details')?.removeAttribute('open');
      actions.compareRoads?.();
    });
    this.langEn.addEventListener('click', () => this.setLanguage('en', actions));
    this.langJa.addEventListener('click', () => this.setLanguage('ja', actions));
    this.themeBtn.addEventListener('click', () => this.cycleTheme());
    this.helpBtn.addEventListener('click', () => actions.toggleHelp());
    this.#showTheme(stored(STORAGE.theme) ?? 'auto');
    store.subscribe(['connection', 'lang'], () => this.renderLive());
    store.subscribe(['current'], () => this.renderDownloads());
    store.subscribe(['view', 'lang'], () => this.relabel());
  }

  setLanguage(l: Lang, actions: TopbarActions): void {
    setLang(l);
    remember(STORAGE.lang, l);
    this.#store.set({ lang: l });
    actions.relabel();
  }

  cycleTheme(): void {
    const now = document.documentElement.dataset.theme ?? 'auto';
    const next = now === 'auto' ? 'dark' : now === 'dark' ? 'light' : 'auto';
    remember(STORAGE.theme, next);
    applyTheme(next);
    this.#showTheme(next);
  }

  #showTheme(theme: string): void {
    this.themeBtn.textContent = theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐';
  }

  relabel(): void {
    const comparing = this.#store.state.view === 'compare';
    this.otlpLink.textContent = `↓ ${t('downloadOtlp')}`;
    this.jaegerLink.textContent = `↓ ${t('downloadJaeger')}`;
    const word = comparing ? t('tree') : t('compare');
    replace(
      this.compareBtn,
      h('span', { 'aria-hidden': 'true' }, comparing ? '☰' : '⇆'),
      ' ',
      h('span', { class: 'word' }, word)
    );
    this.compareBtn.setAttribute('aria-label', word);
    this.compareBtn.title = word;
    this.compareBtn.setAttribute('aria-pressed', String(comparing));
    this.otherRoadBtn.textContent = t('otherRoad');
    this.otherRoadBtn.title = t('otherRoadTitle');
    this.themeBtn.title = t('theme');
    this.themeBtn.setAttribute('aria-label', t('theme'));
    this.helpBtn.title = t('help');
    this.helpBtn.setAttribute('aria-label', t('help'));
    this.langEn.setAttribute('aria-pressed', String(lang() === 'en'));
    this.langJa.setAttribute('aria-pressed', String(lang() === 'ja'));
  }

  renderLive(): void {
    const state = this.#store.state.connection;
    const on = state === 'live';
    this.live.className = `live ${on ? 'on' : 'off'}`;
    this.live.textContent = on ? `● ${t('live')}` : `○ ${t('offline')}`;
    this.live.title = on ? '' : t('connectionLost');
    this.lostBanner.hidden = state !== 'lost';
    this.lostBanner.textContent = state === 'lost' ? t('serverLost') : '';
  }

  renderDownloads(): void {
    const id = this.#store.state.current?.traceId;
    for (const [link, url] of [
      [this.otlpLink, id ? api.otlpUrl(id) : ''],
      [this.jaegerLink, id ? api.jaegerUrl(id) : ''],
    ] as const) {
      if (url) {
        link.href = url;
        link.removeAttribute('aria-disabled');
      } else {
        link.removeAttribute('href');
        link.setAttribute('aria-disabled', 'true');
      }
    }
    this.otlpLink.download = id ? `trace-${id}.otlp.json` : '';
    this.jaegerLink.download = id ? `trace-${id}.jaeger.json` : '';
  }
}
