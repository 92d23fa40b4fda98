// The arithmetic behind one neuron, exactly as the explain endpoint returned it;
// each layer kind's module renders its own (static/js/kinds/).
import { t } from '../core/i18n.js';
import { kindOf } from '../kinds/index.js';
import { el } from '../lib/dom.js';

export function renderDetail(container, explanation, env) {
  const heading = el('p', { className: 'formula heading' },
    el('strong', { textContent: t('detail.neuron', { layer: explanation.layer, where: `[${explanation.neuron.join(', ')}]` }) }),
    ` · ${t(`kind.${explanation.kind}`)}`);
  container.replaceChildren(heading, ...kindOf(explanation.kind).explain(explanation, env));
}

export function clearDetail(container) {
  container.replaceChildren(el('p', { textContent: t('detail.empty') }));
}
