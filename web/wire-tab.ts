/**
 * @module
 * The Wire tab of the detail pane, for CLIENT spans, as a browser's network panel shows one
 * exchange: the request line and headers as sent (order and case kept, secrets already
 * `{SHA1}` or hidden by {@link wireView}), the status line and headers as received, the body
 * previews, and the timing phases as bars. A span without the client's wire record (an older
 * trace, another program's) is shown from its standard attributes, and the tab says what is
 * missing. The tab strip appears only for wire spans; the span's usual details stay one click
 * (or ←/→ on the tabs) away.
 */
import { h, replace, type Child } from './dom.js';
import { formatMs } from './format.js';
import { t, type StringKey } from './i18n.js';
import type { SpanNode, TraceTree } from './model.js';
import {
  isWireSpan,
  wireView,
  type PhaseName,
  type WireHeader,
  type WireMissing,
  type WireView,
} from './wire-model.js';

type TabName = 'span' | 'wire';

const PHASE_LABEL: Record<PhaseName, StringKey> = {
  queued: 'phaseQueued',
  connect: 'phaseConnect',
  'request sent': 'phaseSent',
  waiting: 'phaseWaiting',
  body: 'phaseBody',
};

const MISSING_LABEL: Record<WireMissing, StringKey> = {
  requestHeaders: 'wireMissingRequestHeaders',
  responseHeaders: 'wireMissingResponseHeaders',
  statusLine: 'wireMissingStatusLine',
  bodies: 'wireMissingBodies',
  responseBody: 'wireMissingResponseBody',
  timing: 'wireMissingTiming',
};

export class WireTab {
  /** The tab strip; placed above the span details by the detail pane. */
  readonly tabs = h('div', { class: 'detail-tabs', role: 'tablist', hidden: true });
  /** The Wire panel; placed after the span details. */
  readonly panel = h('section', {
    class: 'wire-panel',
    id: 'wire-panel',
    role: 'tabpanel',
    hidden: true,
  });
  readonly #details: HTMLElement;
  readonly #buttons: Record<TabName, HTMLButtonElement>;
  /** Kept across selections, as DevTools keeps the chosen tab. */
  #active: TabName = 'span';
  #node: SpanNode | undefined;
  #tree: TraceTree | undefined;

  /** @param details the span details element the Span tab shows */
  constructor(details: HTMLElement) {
    this.#details = details;
    if (!details.id) details.id = 'span-details';
    const tab = (name: TabName) =>
      h('button', {
        class: 'detail-tab',
        role: 'tab',
        type: 'button',
        'data-tab': name,
        'aria-controls': name === 'wire' ? this.panel.id : details.id,
        onclick: () => this.select(name),
        onkeydown: (e: KeyboardEvent) => {
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
          e.preventDefault();
          const other: TabName = name === 'span' ? 'wire' : 'span';
          this.select(other);
          this.#buttons[other].focus();
        },
      });
    this.#buttons = { span: tab('span'), wire: tab('wire') };
    this.tabs.append(this.#buttons.span, this.#buttons.wire);
  }

  /** Shows the strip for a wire span (and the Wire panel if chosen); hides it otherwise. */
  show(node: SpanNode | undefined, tree: TraceTree | undefined): void {
    this.#node = node;
    this.#tree = tree;
    const wire = node !== undefined && tree !== undefined && isWireSpan(node);
    this.tabs.hidden = !wire;
    this.#buttons.span.textContent = t('spanTab');
    this.#buttons.wire.textContent = t('wireTab');
    this.panel.setAttribute('aria-label', t('wireTab'));
    this.#apply(wire ? this.#active : 'span');
  }

  /** Switches tabs (the choice is kept for the next wire span). */
  select(name: TabName): void {
    this.#active = name;
    this.#apply(name);
  }

  #apply(name: TabName): void {
    const wire = name === 'wire' && !this.tabs.hidden;
    for (const [key, button] of Object.entries(this.#buttons)) {
      const on = (key === 'wire') === wire;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
    }
    this.#details.hidden = wire;
    this.panel.hidden = !wire;
    if (wire && this.#node && this.#tree) {
      const running = this.#node.endMs === undefined;
      replace(this.panel, render(wireView(this.#tree, this.#node), running));
    } else replace(this.panel);
  }
}

function headerBlock(first: string | undefined, headers: readonly WireHeader[]): Child {
  return h(
    'pre',
    { class: 'wire-head' },
    first ? h('strong', { class: 'wire-first' }, first) : null,
    ...headers.map((x) =>
      h(
        'span',
        { class: 'wire-line' },
        '\n',
        h('span', { class: 'wire-name' }, x.name),
        `: ${x.value}`
      )
    )
  );
}

/** The end the client puts on a preview it cut (src/telemetry/redact.ts): `… [N bytes in all]`. */
const CUT_MARK = /… \[(\d+) bytes in all\]$/;

/** A byte count as the page writes it (`108,903`). */
function bytes(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A body: its size, and its preview. A long body's preview is its first bytes (the client keeps
 * 2 KB): the tab shows them and says how much of the body that is, rather than the raw cut mark.
 */
function body(preview: string | undefined, size: number | undefined): Child {
  if (preview === undefined && (size === undefined || size === 0)) {
    return size === 0 ? h('p', { class: 'muted wire-nobody' }, t('wireNoBody')) : null;
  }
  const cut = preview === undefined ? null : CUT_MARK.exec(preview);
  const shown = cut && preview !== undefined ? preview.slice(0, cut.index) : preview;
  const total = cut ? Number(cut[1]) : size;
  return h(
    'div',
    { class: 'wire-body' },
    h('h4', null, total !== undefined ? t('wireBodySize', bytes(total)) : t('wireBody')),
    cut && shown !== undefined
      ? h(
          'p',
          { class: 'muted wire-cut' },
          t('wireBodyCut', bytes(new TextEncoder().encode(shown).length), bytes(total ?? 0))
        )
      : null,
    shown !== undefined ? h('pre', { class: 'wire-preview' }, shown) : null
  );
}

function timing(view: WireView): Child {
  if (view.phases.length === 0) return null;
  const from = Math.min(...view.phases.map((p) => p.startMs));
  const to = Math.max(...view.phases.map((p) => p.endMs));
  const span = Math.max(to - from, 1e-6);
  return h(
    'ol',
    { class: 'wire-phases' },
    ...view.phases.map((p) => {
      const ms = p.endMs - p.startMs;
      const label = t(PHASE_LABEL[p.name]);
      return h(
        'li',
        {
          class: `wire-phase phase-${p.name.replace(' ', '-')}`,
          'aria-label': `${label} ${formatMs(ms)}`,
        },
        h('span', { class: 'wire-phase-name' }, label),
        h(
          'span',
          { class: 'wire-track', 'aria-hidden': 'true' },
          h('i', {
            class: 'wire-bar',
            style: {
              left: `${(((p.startMs - from) / span) * 100).toFixed(2)}%`,
              width: `max(2px, ${((ms / span) * 100).toFixed(2)}%)`,
            },
          })
        ),
        h('span', { class: 'wire-phase-ms' }, formatMs(ms))
      );
    })
  );
}

function render(view: WireView, running: boolean): Child {
  return [
    running
      ? h('p', { class: 'muted wire-missing wire-running', role: 'status' }, t('wireRunning'))
      : view.missing.length > 0
        ? h(
            'p',
            { class: 'muted wire-missing' },
            t('wireMissing', view.missing.map((m) => t(MISSING_LABEL[m])).join('; '))
          )
        : null,
    h(
      'section',
      { class: 'wire-request', 'aria-label': t('wireRequest') },
      h('h3', null, t('wireRequest')),
      headerBlock(view.requestLine, view.requestHeaders),
      body(view.requestBody, view.requestBodySize)
    ),
    h(
      'section',
      { class: 'wire-response', 'aria-label': t('wireResponse') },
      h('h3', null, t('wireResponse')),
      view.statusLine === undefined && view.responseHeaders.length === 0
        ? h('p', { class: 'muted' }, t('wireNoResponse'))
        : headerBlock(view.statusLine, view.responseHeaders),
      body(view.responseBody, view.responseBodySize)
    ),
    view.phases.length > 0
      ? h(
          'section',
          { class: 'wire-timing', 'aria-label': t('wireTiming') },
          h('h3', null, t('wireTiming')),
          timing(view)
        )
      : null,
  ];
}
