// 2. One convolution at one position: Karn's 5 x 5 image and 3 x 3 filter, then the learner's own neuron.
import { t } from '../text.js';
import { fmt } from '../../lib/grid.js';
import { tryPost } from '../features.js';
import { explainNeuron, strongest } from '../neuron.js';
import { KARN_FILTER, KARN_IMAGE, KARN_MAP, plane } from '../tutorial.js';
import { el, numberTable, source } from '../widgets.js';

/** Karn's example with its feature map `map`; clicking an output cell shows that position's sum. */
function tutorial(root, map, fromServer) {
  let at = [0, 0];
  const box = el('div', { class: 'tutorial' });
  const line = el('p', { class: 'sum-line' });
  const render = () => {
    const [y, x] = at;
    const inPatch = (r, c) => (r >= y && r < y + 3 && c >= x && c < x + 3 ? 'patch' : '');
    const out = numberTable(map, { mark: (r, c) => (r === y && c === x ? 'picked' : 'clickable'), digits: 0,
      caption: t('learn.convolve.map') });
    out.querySelectorAll('td').forEach((td, i) => {
      td.tabIndex = 0;
      td.addEventListener('click', () => { at = [Math.floor(i / 3), i % 3]; render(); });
    });
    box.replaceChildren(el('div', { class: 'side-by-side' },
      numberTable(KARN_IMAGE, { mark: inPatch, digits: 0, caption: t('learn.convolve.image') }),
      el('span', { class: 'op', text: '⊛' }),
      numberTable(KARN_FILTER, { digits: 0, caption: t('learn.convolve.filter') }),
      el('span', { class: 'op', text: '=' }), out));
    const terms = KARN_FILTER.flatMap((row, u) => row.map((w, v) => `${KARN_IMAGE[y + u][x + v]}×${w}`));
    line.textContent = `${terms.join(' + ')} = ${map[y][x]}`;
  };
  render();
  root.append(box, line, source(fromServer ? 'learn.source.lab' : 'learn.source.karn'));
}

/** The same arithmetic on the learner's drawing: the first convolution's filter 0 where it responds most. */
function mine(root, ctx) {
  const body = el('div');
  root.append(el('div', { class: 'part mine' }, el('h3', { text: t('learn.convolve.mine') }), body));
  let seq = 0;
  return ctx.input.subscribe(async (s) => {
    if (!s.result) { body.replaceChildren(el('p', { class: 'hint', text: t('learn.input.empty') })); return; }
    const mine = ++seq;
    const neuron = strongest(s.result, ctx.roles.conv.name, 0);
    const d = await explainNeuron(ctx, ctx.roles.conv.name, neuron);
    if (mine !== seq) return;
    body.replaceChildren(
      el('p', { text: t('learn.convolve.where', { y: neuron[1] + 1, x: neuron[2] + 1 }) }),
      el('div', { class: 'side-by-side' },
        numberTable(d.patch[0], { shade: true, caption: t('learn.w.patch') }), el('span', { class: 'op', text: '×' }),
        numberTable(d.weights[0], { shade: true, caption: t('learn.w.weights') })),
      el('p', { class: 'sum-line', text: t('learn.w.sumLine', { s: fmt(d.channel_total), b: fmt(d.bias), v: fmt(d.output) }) }),
      source('learn.source.explain'));
  });
}

export default {
  id: 'convolve',
  usesInput: true,
  widgets: [
    { feature: 'lab', mount(root, ctx) {
      const top = el('div', { class: 'part' });
      root.append(top);
      tryPost('/api/lab/convolve', { input: KARN_IMAGE, kernel: KARN_FILTER }).then((r) => {
        if (r && r.output) tutorial(top, plane(r.output), true);
        else tutorial(top, KARN_MAP, false);
      });
      return { destroy: mine(root, ctx) };
    } },
    { mount(root, ctx) { const top = el('div', { class: 'part' }); root.append(top); tutorial(top, KARN_MAP, false); return { destroy: mine(root, ctx) }; } },
  ],
  // "if the filter's centre weight were 0, what would the top-left value be?"
  question: { kind: 'number', answer: () => KARN_MAP[0][0] - KARN_IMAGE[1][1] * KARN_FILTER[1][1] },
};
