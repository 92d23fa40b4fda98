// 8. Max pooling: the largest value of each 2 x 2 window. The tutorial's 4 x 4 example (computed by the
// lab's /api/lab/pool when it is here), then the learner's own window of the first pooling layer from /explain.
import { t } from '../text.js';
import { fmt } from '../../lib/grid.js';
import { tryPost } from '../features.js';
import { explainNeuron, strongest } from '../neuron.js';
import { POOL_INPUT, POOL_OUTPUT, plane } from '../tutorial.js';
import { el, numberTable, source } from '../widgets.js';

function tutorial(root, output, fromServer) {
  const quad = (r, c) => `q${(r >> 1) * 2 + (c >> 1)}`;
  root.append(el('div', { class: 'side-by-side' },
    numberTable(POOL_INPUT, { digits: 0, mark: quad, caption: t('learn.pooling.input') }), el('span', { class: 'op', text: '→' }),
    numberTable(output, { digits: 0, mark: (r, c) => `q${r * 2 + c}`, caption: t('learn.pooling.output') })),
  source(fromServer ? 'learn.source.lab' : 'learn.source.cs231n'));
}

function mine(root, ctx) {
  const body = el('div');
  root.append(el('div', { class: 'part mine' }, el('h3', { text: t('learn.pooling.mine') }), body));
  let seq = 0;
  return ctx.input.subscribe(async (s) => {
    if (!s.result) { body.replaceChildren(); return; }
    const m = ++seq;
    const neuron = strongest(s.result, ctx.roles.pool.name);
    const d = await explainNeuron(ctx, ctx.roles.pool.name, neuron);
    if (m !== seq) return;
    body.replaceChildren(el('div', { class: 'side-by-side' },
      numberTable(d.window, { digits: 3, mark: (r, c) => (r === d.winner[0] && c === d.winner[1] ? 'picked' : ''), caption: t('learn.pooling.window', { c: neuron[0] }) }),
      el('p', { class: 'sum-line', text: t('learn.pooling.line', { v: fmt(d.output) }) })), source('learn.source.explain'));
  });
}

export default {
  id: 'pooling',
  usesInput: true,
  widgets: [
    { feature: 'labPool', mount(root, ctx) {
      const top = el('div', { class: 'part' });
      root.append(top);
      tryPost('/api/lab/pool', { input: POOL_INPUT, size: 2, stride: 2, mode: 'max' })
        .then((r) => tutorial(top, r?.output ? plane(r.output) : POOL_OUTPUT, Boolean(r?.output)));
      return { destroy: mine(root, ctx) };
    } },
    { mount(root, ctx) { const top = el('div', { class: 'part' }); root.append(top); tutorial(top, POOL_OUTPUT, false); return { destroy: mine(root, ctx) }; } },
  ],
  question: { kind: 'number', answer: () => 75 }, // 3 of every 4 values are dropped (CS231n)
};
