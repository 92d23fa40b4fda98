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
    const rows = d.channel_sums.map((v, c) => el('tr', {}, el('th', { text: t('learn.depth.channel', { c }) }),
      el('td', { class: 'num', text: fmt(v) })));
    rows.push(el('tr', { class: 'total' }, el('th', { text: t('learn.depth.total') }), el('td', { class: 'num', text: fmt(d.channel_total) })));
    rows.push(el('tr', {}, el('th', { text: t('learn.w.bias') }), el('td', { class: 'num', text: fmt(d.bias) })));
    rows.push(el('tr', { class: 'total' }, el('th', { text: t('learn.depth.output', { c: neuron[0] }) }), el('td', { class: 'num', text: fmt(d.output) })));
    body.replaceChildren(el('p', { text: t('learn.depth.where', { c: neuron[0], y: neuron[1] + 1, x: neuron[2] + 1, n: d.channel_sums.length }) }),
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
