// 6. Stride and zero padding: the output size (W − F + 2P)/S + 1. The lab computes any case when it
// is here; otherwise the tutorial's cases are shown, with the network's own conv1 from the API.
import { t } from '../text.js';
import { tryPost } from '../features.js';
import { SIZES } from '../tutorial.js';
import { el, source } from '../widgets.js';

function casesTable() {
  return el('table', { class: 'sums' }, el('tr', {}, ...['W', 'F', 'S', 'P', 'learn.stride.out'].map((k) => el('th', { text: k.includes('.') ? t(k) : k }))),
    ...SIZES.map((r) => el('tr', {}, ...r.map((v) => el('td', { class: 'num', text: String(v) })))));
}

function calculator(root) {
  const field = (name, value) => el('label', { class: 'field' }, el('span', { text: name }),
    el('input', { type: 'number', name, value: String(value), min: name === 'P' ? '0' : '1', max: '300', class: 'answer small' }));
  const form = el('form', { class: 'calc' }, field('W', 7), field('F', 3), field('S', 2), field('P', 0),
    el('button', { type: 'submit', text: t('learn.stride.compute') }));
  const out = el('p', { class: 'big-line', role: 'status' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(['W', 'F', 'S', 'P'].map((k) => [k, Number(form.elements[k].value)]));
    const r = await tryPost('/api/lab/shape', { input_shape: [1, v.W, v.W], kernel: v.F, stride: v.S, padding: v.P });
    out.textContent = !r ? t('error.network') : r.output_shape ? t('learn.stride.result', { w: v.W, o: r.output_shape[1] })
      : r.code === 'shape.output_size' && r.params?.case === 'does_not_fit' // −1 is whole: it does not fit at all
        ? t('learn.stride.tooWide', { w: v.W, f: r.params.span, p: v.P, padded: r.params.padded })
      : r.code === 'shape.output_size' && r.params?.value != null
        ? t('learn.stride.notWhole', { w: v.W, f: v.F, s: v.S, p: v.P, value: r.params.value })
        : t('learn.stride.invalid', { message: r.error });
  });
  root.append(form, out, source('learn.source.labShape'));
}

function network(root, ctx) {
  const c = ctx.roles.conv;
  root.append(el('p', { text: t('learn.stride.ours', { w: c.input_shape[1], f: c.kernel, s: c.stride, p: c.padding, o: c.output_shape[1] }) }));
}

export default {
  id: 'stride',
  usesInput: false,
  widgets: [
    { feature: 'labShape', mount(root, ctx) { calculator(root); network(root, ctx); root.append(casesTable()); } },
    { mount(root, ctx) { root.append(casesTable(), source('learn.source.cs231n')); network(root, ctx); } },
  ],
  question: { kind: 'number', answer: () => (7 - 3 + 2 * 0) / 2 + 1 }, // CS231n: 7 x 7, F = 3, S = 2, P = 0
};
