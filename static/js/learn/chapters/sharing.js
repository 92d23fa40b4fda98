// 5. Parameter sharing: one filter's weights are used at every position. Counts from the engine:
// the lab's /api/lab/shape when it is here, else the model's own parameter count and the tutorial's AlexNet.
import { t } from '../text.js';
import { tryPost } from '../features.js';
import { ALEXNET } from '../tutorial.js';
import { el, source } from '../widgets.js';

const n = (v) => Number(v).toLocaleString('en-US');

function table(rows) {
  return el('table', { class: 'sums' }, el('tr', {}, ...['', 'learn.sharing.neurons', 'learn.sharing.shared', 'learn.sharing.unshared']
    .map((k) => el('th', { text: k ? t(k) : '' }))), ...rows.map((r) => el('tr', {}, el('th', { text: r[0] }),
    ...r.slice(1).map((v) => el('td', { class: 'num', text: v == null ? '—' : n(v) })))));
}

const ours = (ctx) => ctx.roles.conv;

export default {
  id: 'sharing',
  usesInput: false,
  widgets: [
    { feature: 'labShape', mount(root, ctx) {
      const spec = ours(ctx);
      Promise.all([
        tryPost('/api/lab/shape', { input_shape: spec.input_shape, kernel: spec.kernel, filters: spec.filters }),
        tryPost('/api/lab/shape', { input_shape: [3, 227, 227], kernel: 11, stride: 4, filters: 96 }),
      ]).then(([a, b]) => {
        const row = (name, r) => [name, r?.parameters?.neurons, r?.parameters?.shared, r?.parameters?.unshared];
        root.append(table([row(t('learn.sharing.ours'), a), row('AlexNet conv1', b)]), source('learn.source.labShape'));
      });
    } },
    { mount(root, ctx) {
      const spec = ours(ctx);
      root.append(table([[t('learn.sharing.ours'), null, spec.parameters, null],
        ['AlexNet conv1', ALEXNET.neurons, ALEXNET.shared, ALEXNET.unshared]]), source('learn.source.sharing'));
    } },
  ],
  question: { kind: 'choice', options: 3, answer: 1 },
};
