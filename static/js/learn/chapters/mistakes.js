// 13. What it gets wrong, and why: the test images the network misread, and the learner's own tries.
import { t } from '../text.js';
import { chance } from '../../lib/grid.js';
import { el, source } from '../widgets.js';

function mount(root, ctx) {
  const yours = el('p', { class: 'big-line', role: 'status' });
  const gallery = el('div', { class: 'wrong-gallery' });
  root.append(yours, el('h3', { text: t('learn.mistakes.gallery') }), gallery, source('learn.source.examples'));
  ctx.input.examples().then((examples) => {
    const wrong = examples.filter((e) => !e.correct);
    gallery.replaceChildren(...(wrong.length ? wrong.map((e) => el('figure', {}, el('img', { src: e.image, alt: '' }),
      el('figcaption', { text: t('learn.mistakes.item', { label: ctx.classLabel(e.label), predicted: ctx.classLabel(e.predicted) }) })))
      : [el('p', { text: t('learn.mistakes.none', { n: examples.length }) })]));
  });
  const off = ctx.input.subscribe((s) => {
    if (!s.result) { yours.textContent = t('learn.input.empty'); return; }
    const [a, b] = s.result.top;
    yours.textContent = t('learn.mistakes.yours', { a: ctx.classLabel(a.index), pa: chance(a.probability), b: ctx.classLabel(b.index), pb: chance(b.probability) });
  });
  return { destroy: off };
}

export default {
  id: 'mistakes',
  usesInput: true,
  widgets: [{ mount }],
  question: { kind: 'choice', options: 3, answer: 1 },
};
