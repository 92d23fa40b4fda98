// The arithmetic behind one neuron, exactly as the server returned it: the forward pass (the
// explain endpoint; each layer kind's module renders its own, static/js/kinds/) or, going
// backward, the gradient's (the /backward/explain endpoint, rendered by backward/arithmetic.js).
import { t } from '../core/i18n.js';
import { renderGradient } from '../backward/arithmetic.js';
import { kindOf } from '../kinds/index.js';
import { el } from '../lib/dom.js';

export function renderDetail(container, explanation, env) {
  const heading = el('p', { className: 'formula heading' },
    el('strong', { textContent: t('detail.neuron', { layer: explanation.layer, where: `[${explanation.neuron.join(', ')}]` }) }),
    ` · ${t(`kind.${explanation.kind}`)}`);
  container.replaceChildren(heading, ...kindOf(explanation.kind).explain(explanation, env));
}

/** A gradient's arithmetic: dLoss/d(a layer's output) or dLoss/d(a weight). */
export function renderGradientDetail(container, explanation) {
  const where = explanation.param ? `${explanation.param} [${explanation.index.join(', ')}]`
    : `${explanation.layer} [${explanation.neuron.join(', ')}]`;
  const body = el('div', { className: 'gradient-arithmetic' });
  renderGradient(body, explanation);
  container.replaceChildren(el('p', { className: 'formula heading' },
    el('strong', { textContent: t(explanation.param ? 'detail.weightGradient' : 'detail.gradient', { where }) })),
  el('p', { className: 'hint', textContent: t('detail.gradientWhat') }), body);
}

export function clearDetail(container) {
  container.replaceChildren(el('p', { textContent: t('detail.empty') }));
}
