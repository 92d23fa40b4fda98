// 11. The whole network on the learner's drawing: every layer's output, in order, to the answer.
import { t } from '../text.js';
import { chance } from '../../lib/grid.js';
import { encodePixels } from '../../core/store.js';
import { layerOutput } from '../neuron.js';
import { el, mapCanvas, source } from '../widgets.js';

/** The architecture in one line, from the API: "conv 6@5×5 → relu → maxpool 2×2 → …". */
function describe(model) {
  return model.layers.map((l) => (l.kind === 'conv' ? `conv ${l.filters}@${l.kernel}×${l.kernel}`
    : l.kind === 'dense' ? `fc ${l.units}` : l.size ? `${l.kind} ${l.size}×${l.size}` : l.kind)).join(' → ');
}

function mount(root, ctx) {
  const body = el('div', { class: 'pipeline' });
  const open = el('a', { class: 'button', text: t('learn.network.explore') });
  root.append(body, el('p', {}, open), source('learn.source.predict'));
  const off = ctx.input.subscribe((s) => {
    if (!s.result) { body.replaceChildren(); return; }
    open.href = `/?model=${ctx.model.id}&lang=${document.documentElement.lang.slice(0, 2)}&input=${encodePixels(s.pixels)}`;
    const items = [el('figure', {}, mapCanvas(s.pixels, s.rows, s.cols, { image: true, label: t('learn.network.input') }),
      el('figcaption', { text: `${t('learn.network.input')} ${s.rows}×${s.cols}` }))];
    for (const layer of s.result.layers) {
      const { shape, data } = layerOutput(s.result, layer.name);
      const [c, h, w] = shape.length === 3 ? shape : [1, 1, shape[0]];
      const pic = mapCanvas(data.subarray(0, h * w), h, w, { label: layer.name });
      items.push(el('figure', { class: shape.length === 3 ? '' : 'vector' }, pic,
        el('figcaption', { text: `${layer.name} · ${t(`kind.${layer.kind}`)} ${shape.join('×')}${c > 1 ? ` (${t('learn.network.first')})` : ''}` })));
    }
    const top = s.result.prediction;
    items.push(el('p', { class: 'big-line', text: t('learn.network.answer', { label: ctx.classLabel(top.index), p: chance(top.probability) }) }));
    body.replaceChildren(...items);
  });
  return { destroy: off };
}

export default {
  id: 'network',
  usesInput: true,
  params(ctx) {
    const learned = ctx.model.layers.filter((l) => l.parameters > 0);
    return { w: ctx.model.input_shape[2], p: ctx.model.parameters.toLocaleString('en-US'), arch: describe(ctx.model),
      names: learned.map((l) => l.name).join(', '), n: learned.length,
      variant: ctx.model.id === 'digits' ? 'harley' : null }; // only the digits network is Harley's
  },
  widgets: [{ mount }],
  question: { kind: 'number', answer: (ctx) => ctx.model.layers.filter((l) => l.parameters > 0).length },
};
