/**
 * @module
 * The keyboard help overlay (`?`), in the page's language.
 */
import { h, replace } from './dom.js';
import { KEY_HELP, lang, t } from './i18n.js';

export class Help {
  readonly el = h('div', {
    class: 'overlay',
    hidden: true,
    role: 'dialog',
    'aria-modal': 'true',
    'aria-label': 'help',
  });

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(): void {
    this.el.hidden = !this.el.hidden;
    if (!this.el.hidden) this.render();
  }

  render(): void {
    const L = lang();
    const close = h('button', { onclick: () => this.toggle() }, t('close'));
    this.el.setAttribute('aria-label', t('help'));
    replace(
      this.el,
      h(
        'div',
        { class: 'help-card' },
        h('h2', null, t('help')),
        h(
          'table',
          null,
          ...KEY_HELP.map(([keys, en, ja]) =>
            h('tr', null, h('th', null, h('kbd', null, keys)), h('td', null, L === 'ja' ? ja : en))
          )
        ),
        close
      )
    );
    close.focus();
  }
}
