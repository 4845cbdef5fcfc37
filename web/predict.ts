/**
 * @module
 * "Predict first": at a paused decision point the banner asks what will happen (pool hit or
 * miss?), the learner picks, and once one of the predicted events shows up under the paused
 * span the banner reveals what happened.
 */
import { h, type Child } from './dom.js';
import { lang, t } from './i18n.js';
import { eventKey, type SpanNode } from './model.js';
import { PREDICTIONS } from './narration.js';
import type { Store } from './store.js';
import type { Traces } from './traces.js';

/** Reveals the prediction once one of its events shows up under the paused span. */
export function checkPrediction(store: Store, traces: Traces, final = false): void {
  const p = store.state.prediction;
  if (!p || p.outcome !== undefined) return;
  const q = PREDICTIONS[p.layer];
  const node = traces.models.get(p.traceId)?.tree().byId.get(p.spanId);
  if (!q || !node) return;
  const seen: string[] = [];
  const walk = (n: SpanNode) => {
    for (const e of n.span.events) {
      const k = eventKey(e.attributes);
      if (k) seen.push(k);
    }
    for (const c of n.children) walk(c);
  };
  walk(node);
  for (const key of seen) {
    const index = q.options.findIndex((o) => o.events.includes(key));
    if (index >= 0) {
      p.outcome = index;
      p.happened = key;
      store.touch('prediction');
      return;
    }
  }
  if (final || node.endMs !== undefined) {
    p.outcome = -1;
    store.touch('prediction');
  }
}

/** The prediction's banner line, or null when none is asked. */
export function predictionLine(store: Store): Child {
  const p = store.state.prediction;
  const q = p ? PREDICTIONS[p.layer] : undefined;
  if (!p || !q) return null;
  const L = lang();
  const choose = (i: number) => {
    if (p.outcome !== undefined) return;
    p.choice = i;
    store.touch('prediction');
  };
  const opts = q.options.map((o, i) =>
    h(
      'button',
      {
        class: `option${p.choice === i ? ' chosen' : ''}${p.outcome === i ? ' happened' : ''}`,
        'aria-pressed': String(p.choice === i),
        disabled: p.outcome !== undefined,
        onclick: () => choose(i),
      },
      p.outcome === i ? `✔ ${o.label[L]}` : p.choice === i ? `◉ ${o.label[L]}` : `○ ${o.label[L]}`
    )
  );
  let verdict: Child = null;
  if (p.outcome !== undefined) {
    const guess = p.choice !== undefined ? q.options[p.choice]?.label[L] : undefined;
    const was = p.outcome >= 0 ? q.options[p.outcome]?.label[L] : undefined;
    verdict = h(
      'p',
      { class: 'verdict' },
      guess ? `${t('yourGuess', guess)} ` : '',
      was ? t('itWas', was) : t('noneHappened'),
      ' ',
      guess && was
        ? h('strong', null, p.choice === p.outcome ? `✔ ${t('right')}` : `✖ ${t('notThisTime')}`)
        : null
    );
  }
  return h(
    'div',
    { class: 'banner-line predict', dataset: { layer: p.layer } },
    h('span', { class: 'banner-icon' }, '?'),
    h(
      'div',
      null,
      h('strong', null, q.question[L]),
      h('div', { class: 'options' }, ...opts),
      verdict
    )
  );
}
