// 10. Fully connected layers and softmax: ten probabilities for the learner's input.
import { t } from '../text.js';
import { chance } from '../../lib/grid.js';
import { el, source } from '../widgets.js';

function mount(root, ctx) {
  const body = el('div', { class: 'bars' });
  root.append(body, source('learn.source.predict'));
  const off = ctx.input.subscribe((s) => {
    if (!s.result) { body.replaceChildren(); return; }
    const top = s.result.prediction.index;
    body.replaceChildren(...s.result.probabilities.map((p, i) => el('div', { class: `bar-row${i === top ? ' top' : ''}` },
      el('span', { class: 'bar-label', text: ctx.classLabel(i) }),
      el('span', { class: 'bar-track' }, Object.assign(el('span', { class: 'bar-fill' }), { style: `width:${(100 * p).toFixed(2)}%` })),
      el('span', { class: 'num', text: chance(p) }))));
  });
  return { destroy: off };
}

export default {
  id: 'softmax',
  usesInput: true,
  params: (ctx) => ({ n: ctx.model.classes.length }),
  widgets: [{ mount }],
  question: { kind: 'choice', options: 3, answer: 0 },
};
