// 7. ReLU: every negative value becomes 0. the strongest map before the first ReLU before and after, and the server's
// arithmetic for the most negative value of that map.
import { t } from '../text.js';
import { scaleFor } from '../../lib/colors.js';
import { fmt } from '../../lib/grid.js';
import { explainNeuron, layerOutput, strongest } from '../neuron.js';
import { el, mapCanvas, source } from '../widgets.js';

function mount(root, ctx) {
  const body = el('div');
  root.append(body);
  let seq = 0;
  const off = ctx.input.subscribe(async (s) => {
    if (!s.result) { body.replaceChildren(); return; }
    const mine = ++seq;
    const { act, actInput } = ctx.roles; // the first ReLU on maps, and the layer it reads
    const [c] = strongest(s.result, actInput.name);
    const before = layerOutput(s.result, actInput.name);
    const after = layerOutput(s.result, act.name);
    const [, H, W] = before.shape;
    let low = 0;
    for (let i = 1; i < H * W; i++) if (before.data[c * H * W + i] < before.data[c * H * W + low]) low = i;
    const d = await explainNeuron(ctx, act.name, [c, Math.floor(low / W), low % W]);
    if (mine !== seq) return;
    const slice = (o) => o.data.subarray(c * H * W, (c + 1) * H * W);
    const shared = scaleFor(Math.min(...slice(before)), Math.max(...slice(before))); // one scale: 0 looks the same on both sides
    body.replaceChildren(el('div', { class: 'side-by-side' },
      el('figure', {}, mapCanvas(slice(before), H, W, { scale: shared, label: t('learn.relu.before', { c }) }), el('figcaption', { text: t('learn.relu.before', { c }) })),
      el('span', { class: 'op', text: '→' }),
      el('figure', {}, mapCanvas(slice(after), H, W, { scale: shared, label: t('learn.relu.after', { c }) }), el('figcaption', { text: t('learn.relu.after', { c }) }))),
    el('p', { class: 'sum-line', text: t('learn.relu.line', { y: d.neuron[1] + 1, x: d.neuron[2] + 1, v: fmt(d.input), o: fmt(d.output) }) }),
    source('learn.source.explain'));
  });
  return { destroy: off };
}

export default {
  id: 'relu',
  usesInput: true,
  widgets: [{ mount }],
  question: { kind: 'choice', options: 3, answer: 2 },
};
