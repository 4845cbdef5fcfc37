/**
 * @module
 * The source pane: the TypeScript file of the selected layer with the line that opened the span
 * highlighted (`code.file.path`, `code.line.number`), and beside it the Python original it
 * ports (`novatrace.upstream.file`, `code.function.name`) with a link to that file upstream.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { SourceLine } from '../src/viewer/types.js';
import { api } from './api.js';
import { h, replace } from './dom.js';
import { highlight } from './highlight.js';
import { t } from './i18n.js';

/** Where the upstream file of a layer can be read, at the version the port follows. */
export function upstreamUrl(layer: string, file: string, version: string): string | undefined {
  const v = /(\d+\.\d+\.\d+)/.exec(version)?.[1];
  if (!v || !/^[\w./-]+\.py$/.test(file) || file.includes('..')) return undefined;
  if (layer === 'novaclient')
    return `https://github.com/openstack/python-novaclient/blob/${v}/${file}`;
  if (layer === 'requests') return `https://github.com/psf/requests/blob/v${v}/${file}`;
  if (layer === 'urllib3') return `https://github.com/urllib3/urllib3/blob/${v}/${file}`;
  if (layer === 'keystoneauth1')
    return `https://github.com/openstack/keystoneauth/blob/${v}/${file}`;
  return undefined;
}

interface Rendered {
  readonly code: HTMLElement;
  readonly lines: HTMLElement[];
}

export class SourceView {
  readonly el: HTMLElement;
  readonly #head: HTMLElement;
  readonly #body: HTMLElement;
  readonly #cache = new Map<string, Promise<Rendered>>();
  #lit: HTMLElement | undefined;
  #token = 0;

  constructor() {
    this.#head = h('div', { class: 'source-head' });
    this.#body = h('div', { class: 'source-body', tabindex: '0', 'aria-label': t('source') });
    this.el = h('section', { class: 'source', 'aria-label': t('source') }, this.#head, this.#body);
    this.show(undefined);
  }

  /**
   * Shows the source of a span, or the empty state.
   * @param at a step stop's line (the call or the branch), lit instead of the span's own line
   */
  show(span: SpanRecord | undefined, at?: SourceLine): void {
    const token = ++this.#token;
    const useAt = at !== undefined && at.file.startsWith('src/') && span !== undefined;
    const file = useAt ? at.file : span?.attributes['code.file.path'];
    const line = useAt ? at.line : span?.attributes['code.line.number'];
    const fn = span?.attributes['code.function.name'];
    const upFile = span?.attributes['novatrace.upstream.file'];
    const upVersion = span?.attributes['novatrace.upstream.version'];
    const layer = span?.attributes['novatrace.layer'];
    if (typeof file !== 'string' || !file.startsWith('src/')) {
      this.el.classList.add('empty');
      replace(this.#head, h('span', { class: 'muted' }, t('noSource')));
      replace(this.#body);
      return;
    }
    this.el.classList.remove('empty');
    const lineNo = typeof line === 'number' ? line : Number(line ?? 0);
    const url =
      typeof upFile === 'string' && typeof layer === 'string'
        ? upstreamUrl(layer, upFile, typeof upVersion === 'string' ? upVersion : '')
        : undefined;
    replace(
      this.#head,
      h(
        'div',
        { class: 'src-side ts' },
        h('span', { class: 'src-label' }, t('typescript')),
        h(
          'code',
          { class: 'src-path', title: lineNo > 0 ? `${file}:${lineNo}` : file },
          lineNo > 0 ? `${file}:${lineNo}` : file
        )
      ),
      typeof upFile === 'string'
        ? h(
            'div',
            { class: 'src-side py' },
            h('span', { class: 'src-label' }, t('python')),
            h('code', { class: 'src-path' }, upFile),
            typeof fn === 'string' ? h('code', { class: 'src-fn' }, fn) : null,
            typeof upVersion === 'string' ? h('span', { class: 'src-version' }, upVersion) : null,
            url
              ? h(
                  'a',
                  { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'src-link' },
                  `${t('upstreamAt')} ↗`
                )
              : null
          )
        : null
    );
    let rendered = this.#cache.get(file);
    if (!rendered) {
      rendered = api.source(file).then((src) => render(src.text));
      this.#cache.set(file, rendered);
      rendered.catch(() => this.#cache.delete(file));
    }
    rendered.then(
      (r) => {
        if (token !== this.#token) return;
        if (this.#body.firstChild !== r.code) replace(this.#body, r.code);
        this.#lit?.classList.remove('lit');
        this.#lit = r.lines[lineNo - 1];
        if (this.#lit) {
          this.#lit.classList.add('lit');
          // Centred at the next frame, whose layout is done by then: reading the line's place
          // now would lay out the whole file once more before the frame does it anyway.
          const lit = this.#lit;
          requestAnimationFrame(() => {
            if (this.#lit !== lit) return;
            const top = lit.offsetTop - this.#body.clientHeight / 2 + 10;
            this.#body.scrollTop = Math.max(0, top);
          });
        }
      },
      (err: unknown) => {
        if (token !== this.#token) return;
        replace(
          this.#body,
          h('p', { class: 'muted pad' }, t('sourceUnavailable', (err as Error).message))
        );
      }
    );
  }
}

function render(text: string): Rendered {
  const lines: HTMLElement[] = [];
  const rows = highlight(text).map((tokens, i) => {
    const line = h(
      'div',
      { class: 'src-line' },
      h('span', { class: 'ln', 'aria-hidden': 'true' }, String(i + 1)),
      h(
        'span',
        { class: 'lc' },
        ...tokens.map((tok) =>
          tok.kind === 'plain' ? tok.text : h('span', { class: `tk-${tok.kind}` }, tok.text)
        )
      )
    );
    lines.push(line);
    return line;
  });
  return { code: h('div', { class: 'code' }, ...rows), lines };
}
