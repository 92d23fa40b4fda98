// 4. Several filters and several channels: one neuron of the deepest convolution adds a sum from every input channel.
import { t } from '../text.js';
import { fmt } from '../../lib/grid.js';
import { explainNeuron, strongest } from '../neuron.js';
import { el, source } from '../widgets.js';

const conv2 = (ctx) => ctx.roles.deep; // the deepest convolution: the most input maps

function mount(root, ctx) {
  const spec = conv2(ctx);
  const body = el('div');
  root.append(el('p', { class: 'big-line', text: t('learn.depth.shape', {
    k: spec.filters, c: spec.input_shape[0], f: spec.kernel, o: spec.output_shape[0] }) }), body);
  let seq = 0;
  const off = ctx.input.subscribe(async (s) => {
    if (!s.result) { body.replaceChildren(); return; }
    const mine = ++seq;
    const neuron = strongest(s.result, spec.name);
    const d = await explainNeuron(ctx, spec.name, neuron);
    if (mine !== seq) return;
    // one partial sum per input map, in as many columns as fit (a deep layer reads 32 maps or more)
    const partials = el('div', { class: 'partials', role: 'list', 'aria-label': t('learn.depth.partials') },
      ...d.channel_sums.map((v, c) => el('div', { class: 'partial', role: 'listitem' },
        el('span', { class: 'label', text: `${c}:` }), el('span', { class: 'num', text: fmt(v) }))));
    const rows = [
      el('tr', { class: 'total' }, el('th', { text: t('learn.depth.total') }), el('td', { class: 'num', text: fmt(d.channel_total) })),
      el('tr', {}, el('th', { text: t('learn.w.bias') }), el('td', { class: 'num', text: fmt(d.bias) })),
      el('tr', { class: 'total' }, el('th', { text: t('learn.depth.output', { c: neuron[0] }) }), el('td', { class: 'num', text: fmt(d.output) }))];
    body.replaceChildren(el('p', { text: t('learn.depth.where', { c: neuron[0], y: neuron[1] + 1, x: neuron[2] + 1, n: d.channel_sums.length }) }),
      el('p', { class: 'caption', text: t('learn.depth.partials') }), partials,
      el('table', { class: 'sums' }, ...rows), source('learn.source.explain'));
  });
  return { destroy: off };
}

export default {
  id: 'depth',
  usesInput: true,
  params(ctx) {
    const c = conv2(ctx);
    return { k: c.filters, c: c.input_shape[0], f: c.kernel, n: c.input_shape[0] * c.kernel ** 2 };
  },
  widgets: [{ mount }],
  question: { kind: 'number', answer: (ctx) => conv2(ctx).input_shape[0] * conv2(ctx).kernel ** 2 },
};
