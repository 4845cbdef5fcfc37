/**
 * @module
 * The detail pane of the selected span: its name, layer and status, the narration of the layer
 * and of each decision it took (in the chosen language), the exception with its Python class,
 * every event with its time relative to the span start, and all attributes. Every value is a
 * text node.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import { clientShare } from './client-share.js';
import { h, replace, type Child } from './dom.js';
import { clockTime, formatMs, nanosDiffMs } from './format.js';
import { lang, t } from './i18n.js';
import { errorOf, eventKey, showValue, type LaneKey, type SpanNode } from './model.js';
import { activeMs } from './span-facts.js';
import { EXTRA_NARRATION, eventNarration, layerNarration, type Narration } from './narration.js';
import { selfTimeMs } from './self-time.js';

/** The key of a span in `LAYERS`: `novatrace.layer_key` where the span name is shared, else
 * the span name. */
export function layerKeyOf(span: SpanRecord): string {
  const key = span.attributes['novatrace.layer_key'];
  return typeof key === 'string' && key !== '' ? key : span.name;
}

/** The narration for a span: its layer's, or the wire's / the cloud's / a generic one. */
export function spanNarration(span: SpanRecord, lane: LaneKey): Narration {
  if (span.scope === 'novatrace.cli' && span.name.startsWith('scenario '))
    return EXTRA_NARRATION.scenario;
  return (
    // By the LAYERS key first: keystoneauth1's Session.request shares requests' span name.
    layerNarration(layerKeyOf(span)) ??
    (lane === 'wire'
      ? EXTRA_NARRATION.wire
      : lane === 'cloud'
        ? EXTRA_NARRATION.cloud
        : EXTRA_NARRATION.other)
  );
}

const LANE_LABEL: Record<LaneKey, string> = {
  novaclient: 'novaclient',
  keystoneauth1: 'keystoneauth1',
  requests: 'requests',
  urllib3: 'urllib3',
  wire: 'wire (HTTP)',
  cloud: 'cloud (server)',
  other: 'other',
};

export function laneLabel(lane: LaneKey): string {
  return LANE_LABEL[lane];
}

export class DetailView {
  readonly el: HTMLElement;

  constructor() {
    this.el = h('div', { class: 'detail-inner' });
  }

  /** Shows a span (or the welcome card when `node` is undefined). */
  show(node: SpanNode | undefined, welcome: () => Child): void {
    if (!node) {
      replace(this.el, welcome());
      return;
    }
    const span = node.span;
    const L = lang();
    const running = node.endMs === undefined;
    const err = errorOf(span);
    const narr = spanNarration(span, node.lane);
    const decisions = span.events.filter((e) => eventKey(e.attributes));
    replace(
      this.el,
      h(
        'header',
        { class: 'detail-head' },
        h('h2', { class: 'span-name', title: span.name }, span.name),
        h(
          'div',
          { class: 'badges' },
          h(
            'span',
            { class: `lane-badge lane-${node.lane}` },
            h('i', { class: 'chip', 'aria-hidden': 'true' }),
            laneLabel(node.lane)
          ),
          h('span', { class: 'badge' }, kindLabel(span.kind)),
          running
            ? h('span', { class: 'badge is-running' }, `● ${t('running')}`)
            : err
              ? h('span', { class: 'badge is-error' }, `✖ ${t('error')}`)
              : h('span', { class: 'badge is-ok' }, `✔ ${t('ok')}`),
          running ? null : h('span', { class: 'badge' }, formatMs(activeMs(node))),
          running
            ? null
            : h(
                'span',
                { class: 'badge self-time', title: t('selfTime') },
                `${t('selfTime')} ${formatMs(selfTimeMs(node))}`
              )
        )
      ),
      h(
        'section',
        { class: 'narration', 'aria-label': t('narration') },
        h('h3', null, t('narration')),
        h('p', { lang: L }, narr[L]),
        clientShareLines(node, L),
        decisions.length > 0
          ? h(
              'ul',
              { class: 'decisions' },
              ...decisions.map((e) => {
                const key = eventKey(e.attributes) as string;
                const n = eventNarration(key);
                return h(
                  'li',
                  null,
                  h('strong', { class: 'decision-key' }, key),
                  n ? h('span', { lang: L }, ` — ${n[L]}`) : null
                );
              })
            )
          : null,
        err ? h('p', { lang: L, class: 'muted' }, EXTRA_NARRATION.exception[L]) : null
      ),
      err
        ? h(
            'section',
            { class: 'exception', 'aria-label': t('exception') },
            h('h3', null, `✖ ${t('exception')}`),
            h('p', null, h('code', { class: 'ex-type' }, err.type)),
            h('p', { class: 'ex-message' }, err.message),
            err.stack
              ? h(
                  'details',
                  null,
                  h('summary', null, 'stack'),
                  h('pre', { class: 'stack' }, err.stack)
                )
              : null
          )
        : null,
      span.events.length > 0
        ? h(
            'section',
            { class: 'events', 'aria-label': t('events') },
            h('h3', null, `${t('events')} (${span.events.length})`),
            h(
              'ol',
              { class: 'event-list' },
              ...span.events.map((e) => {
                const key = eventKey(e.attributes);
                const rel = nanosDiffMs(e.timeUnixNano, span.startTimeUnixNano);
                const attrs = Object.entries(e.attributes).filter(
                  ([k]) => k !== 'novatrace.event' && k !== 'novatrace.layer'
                );
                return h(
                  'li',
                  { class: e.name === 'exception' ? 'ev ev-error' : 'ev' },
                  h(
                    'span',
                    { class: 'ev-time', title: t('relTime', formatMs(rel)) },
                    `+${formatMs(rel)}`
                  ),
                  h('span', { class: 'ev-name' }, e.name),
                  key && key !== e.name ? h('span', { class: 'pill' }, key) : null,
                  attrs.length > 0
                    ? h(
                        'dl',
                        { class: 'kv small' },
                        ...attrs.flatMap(([k, v]) => [
                          h('dt', null, k),
                          h('dd', null, showValue(v)),
                        ])
                      )
                    : null
                );
              })
            )
          )
        : null,
      h(
        'section',
        { class: 'attributes', 'aria-label': t('attributes') },
        h('h3', null, t('attributes')),
        h(
          'dl',
          { class: 'kv' },
          h('dt', null, t('spanId')),
          h('dd', null, span.spanId),
          h('dt', null, t('traceId')),
          h('dd', null, span.traceId),
          span.parentSpanId ? [h('dt', null, t('parent')), h('dd', null, span.parentSpanId)] : null,
          h('dt', null, t('service')),
          h('dd', null, span.service),
          h('dt', null, t('scope')),
          h('dd', null, span.scope),
          h('dt', null, t('started')),
          h('dd', null, `${clockTime(span.startTimeUnixNano)} (+${formatMs(node.startMs)})`),
          ...Object.keys(span.attributes)
            .sort(attrOrder)
            .flatMap((k) => [
              h('dt', null, k),
              h('dd', null, showValue(span.attributes[k] as never)),
            ]),
          span.status.message
            ? [h('dt', null, 'status.message'), h('dd', null, span.status.message)]
            : null
        )
      )
    );
  }
}

/** For a wire span: `server 5 ms · client's share 225 ms` and what the gap means. */
function clientShareLines(node: SpanNode, L: 'en' | 'ja'): Child {
  const share = clientShare(node);
  if (!share) return null;
  return [
    h(
      'p',
      { class: 'client-share' },
      h('strong', null, t('clientShare', formatMs(share.serverMs), formatMs(share.clientMs)))
    ),
    h('p', { lang: L, class: 'muted' }, EXTRA_NARRATION.clientTime[L]),
  ];
}

/** A span kind in the page's language (`internal`, `client`, `server`; others as they are). */
function kindLabel(kind: string): string {
  return kind === 'internal' || kind === 'client' || kind === 'server' ? t(kind) : kind;
}

function attrRank(key: string): number {
  if (key.startsWith('code.')) return 0;
  if (key.startsWith('novatrace.')) return 1;
  if (key.startsWith('http.') || key.startsWith('url.') || key.startsWith('server.')) return 2;
  return 3;
}

function attrOrder(a: string, b: string): number {
  return attrRank(a) - attrRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
