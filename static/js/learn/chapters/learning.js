// 12. How it learned: a loss, its gradient, one step of gradient descent. With the training step on the
// server (/api/models/<id>/step) the learner takes real steps on a copy of the weights; without it,
// Karn's worked example (computed by /api/backward/example when that is here).
import { t } from '../text.js';
import { chance, fmt } from '../../lib/grid.js';
import { has, tryGet, tryPost } from '../features.js';
import { KARN_OUTPUT, KARN_TARGET, KARN_TRAINED } from '../tutorial.js';
import { el, source } from '../widgets.js';

const RATES = [0.001, 0.01, 0.1, 1];
const karnExample = async () => ((await has('karn')) ? tryGet('/api/backward/example') : null);

function karn(root, fromServer) {
  const d = fromServer || { target: KARN_TARGET, output: KARN_OUTPUT };
  const rows = d.target.map((target, i) => el('tr', {}, el('th', { text: t('learn.learning.class', { i: i + 1 }) }),
    el('td', { class: 'num', text: fmt(target) }), el('td', { class: 'num', text: fmt(d.output[i]) }),
    el('td', { class: 'num', text: fromServer ? fmt(d.terms[i]) : '?' })));
  const head = el('tr', {}, ...['', 'learn.learning.target', 'learn.learning.output', 'learn.learning.term'].map((k) => el('th', { text: k ? t(k) : '' })));
  root.append(el('table', { class: 'sums' }, head, ...rows),
    el('p', { class: 'sum-line', text: fromServer ? t('learn.learning.total', { v: fmt(d.value) }) : t('learn.learning.formula') }),
    source(fromServer ? 'learn.source.backward' : 'learn.source.karn'));
}

function stepper(root, ctx) {
  const label = el('select', { 'aria-label': t('learn.learning.label') });
  const rate = el('select', { 'aria-label': t('learn.learning.rate') });
  RATES.forEach((r) => rate.append(new Option(String(r), String(r))));
  rate.value = '0.1';
  const go = el('button', { type: 'button', class: 'primary', text: t('learn.learning.step') });
  const reset = el('button', { type: 'button', text: t('learn.learning.reset') });
  const out = el('div', { role: 'status' });
  root.append(el('div', { class: 'calc' }, el('label', { class: 'field' }, el('span', { text: t('learn.learning.label') }), label),
    el('label', { class: 'field' }, el('span', { text: t('learn.learning.rate') }), rate), go, reset), out, source('learn.source.step'));
  let weights = null, steps = 0;
  const off = ctx.input.subscribe((s) => {
    weights = null; steps = 0; out.replaceChildren();
    label.replaceChildren(...ctx.model.classes.map((_, i) => new Option(ctx.classLabel(i), String(i))));
    if (s.result) label.value = String(s.label ?? s.result.prediction.index);
  });
  reset.addEventListener('click', () => { weights = null; steps = 0; out.replaceChildren(); });
  go.addEventListener('click', async () => {
    const s = ctx.input.state;
    if (!s.pixels) return;
    const pixels = Array.from({ length: s.rows }, (_, y) => Array.from(s.pixels.subarray(y * s.cols, (y + 1) * s.cols)));
    const r = await tryPost(`/api/models/${ctx.model.id}/step`, { pixels, label: Number(label.value),
      learning_rate: Number(rate.value), ...(weights ? { weights } : {}) });
    if (!r || r.error) { out.replaceChildren(el('p', { class: 'error', text: r?.error || t('error.network') })); return; }
    weights = r.weights;
    steps += 1;
    const i = Number(label.value);
    const row = (name, x) => el('tr', {}, el('th', { text: name }), el('td', { class: 'num', text: fmt(x.loss) }),
      el('td', { class: 'num', text: chance(x.probabilities[i]) }), el('td', { class: 'num', text: ctx.classLabel(x.prediction.index) }));
    out.replaceChildren(el('table', { class: 'sums' },
      el('tr', {}, ...['', 'learn.learning.loss', 'learn.learning.p', 'learn.learning.guess'].map((k) => el('th', { text: k ? t(k, { c: ctx.classLabel(i) }) : '' }))),
      row(t('learn.learning.before', { n: steps }), r.before), row(t('learn.learning.after', { n: steps }), r.after)));
  });
  return off;
}

export default {
  id: 'learning',
  usesInput: true,
  widgets: [
    { feature: 'step', mount(root, ctx) {
      const off = stepper(root, ctx);
      const k = el('div', { class: 'mine' });
      root.append(el('h3', { text: t('learn.learning.karn') }), k);
      karnExample().then((d) => karn(k, d && d.terms ? d : null));
      return { destroy: off };
    } },
    { mount(root) {
      const k = el('div');
      root.append(k);
      karnExample().then((d) => karn(k, d && d.terms ? d : null));
    } },
  ],
  // The widget works Karn's total error out for the output before training (0.55); the question asks
  // for it after training, when the same image gives [0.1, 0.1, 0.7, 0.1] (Karn), so it is not read off the table.
  question: { kind: 'number', answer: () => KARN_TARGET.reduce((s, y, i) => s + 0.5 * (y - KARN_TRAINED[i]) ** 2, 0), tolerance: 0.005 },
};
