// Softmax: scores -> exponentials (after subtracting the largest score, which leaves
// the probabilities unchanged) -> their sum -> probabilities, with the server's numbers.
import { t } from '../core/i18n.js';
import { el, formula, num } from '../lib/dom.js';
import { chance, decimalsFor, fixed } from '../lib/numbers.js';
import { COLORS, MIN_TEXT, STAGE_H, STAGE_W, TALL_W, paragraph, text } from '../lib/stage.js';

export const channels = () => 0;
export const field = () => ({ channels: 'all', all: true });

const expDecimals = (e) => decimalsFor([...e.exps, e.exp_sum]);

export function animation(data, env) {
  const K = data.logits.length;
  const steps = 2 * K + 1;
  const label = (i) => (env.classLabel ? env.classLabel(i) : String(i));
  // wide: a table with bars on the right; tall (a phone): narrower columns, each bar under its row
  const tall = env.layout === 'tall';
  const rowH = tall ? 36 : Math.min(40, Math.floor(400 / K));
  const columns = tall ? [20, 140, 225, 305] : [20, 190, 350, 540];
  const width = tall ? TALL_W : STAGE_W;
  const shiftLines = tall ? 6 : 2; // the note on the largest score, wrapped
  const dims = tall ? [TALL_W, 58 + shiftLines * 24 + 16 + 30 + K * rowH + 3 * 24 + 10] : [STAGE_W, STAGE_H];
  const d = expDecimals(data);
  const dz = decimalsFor(data.logits);

  function draw(ctx, step) {
    const phase = step < K ? 'exp' : step === K ? 'sum' : 'prob';
    text(ctx, t('anim.softmaxTitle'), 20, 28, { size: MIN_TEXT, weight: 700, maxWidth: width - 40 });
    const lines = paragraph(ctx, t('detail.shift', { max: fixed(data.shift, dz) }), 20, 58, width - 40, { size: MIN_TEXT, color: COLORS.muted });
    const top = 58 + lines * 24 + 16; // the table's headings
    const heads = ['', t('detail.logits'), t('detail.exp'), t('detail.prob')];
    columns.forEach((x, i) => text(ctx, heads[i], x, top, { size: MIN_TEXT, weight: 600, color: COLORS.muted,
      maxWidth: (columns[i + 1] ?? width) - x - 8 }));
    for (let i = 0; i < K; i++) {
      const y = top + 30 + i * rowH;
      const current = (phase === 'exp' && i === step) || (phase === 'prob' && i === step - K - 1);
      const style = { size: MIN_TEXT, weight: current ? 700 : 400, color: current ? COLORS.hot : COLORS.ink };
      const [c0, c1, c2, c3] = columns;
      text(ctx, label(i), c0, y, { ...style, maxWidth: c1 - c0 - 8 });
      text(ctx, fixed(data.logits[i], dz), c1, y, style);
      if (phase !== 'exp' || i <= step) text(ctx, fixed(data.exps[i], d), c2, y, style);
      if (phase === 'prob' && i <= step - K - 1) {
        text(ctx, chance(data.probabilities[i]), c3, y, style);
        ctx.fillStyle = current ? COLORS.hot : COLORS.accent;
        if (tall) ctx.fillRect(20, y + 6, (width - 40) * data.probabilities[i], 5);
        else ctx.fillRect(660, y - rowH * 0.6, 300 * data.probabilities[i], rowH * 0.7);
      }
    }
    if (step >= K) {
      const x = tall ? 20 : 350;
      paragraph(ctx, t('detail.softmaxSum', { sum: fixed(data.exp_sum, d) }), x, top + 30 + K * rowH + 6, width - x - 20, { size: MIN_TEXT, weight: 700, color: COLORS.accent });
    }
  }

  function describe(step) {
    if (step < K) return t('anim.expStep', { c: label(step), z: fixed(data.logits[step], dz), max: fixed(data.shift, dz), e: fixed(data.exps[step], d) });
    if (step === K) return t('detail.softmaxSum', { sum: fixed(data.exp_sum, d) });
    const i = step - K - 1;
    return t('anim.probStep', { c: label(i), e: fixed(data.exps[i], d), s: fixed(data.exp_sum, d), p: chance(data.probabilities[i]) });
  }

  /** A click on class i opens the step where its probability is computed. */
  const stepOf = ([i]) => K + 1 + i;
  const strongest = () => K + 1 + data.probabilities.indexOf(Math.max(...data.probabilities));
  return { steps, size: dims, draw, describe, stepOf, strongest, story: () => [K, strongest()] }; // the sum, then the answer
}

export function explain(e, env) {
  const label = (i) => (env?.classLabel ? env.classLabel(i) : String(i));
  const d = expDecimals(e);
  const dz = decimalsFor(e.logits);
  const table = el('table', { className: 'contrib' },
    el('tr', {}, el('th', { textContent: '' }), el('th', { textContent: t('detail.logits') }),
      el('th', { textContent: t('detail.exp') }), el('th', { textContent: t('detail.prob') })));
  e.logits.forEach((z, i) => {
    const tr = el('tr', {}, el('td', { textContent: label(i) }), el('td', {}, num(z, dz)),
      el('td', {}, num(e.exps[i], d)), el('td', { textContent: chance(e.probabilities[i]) }));
    if (i === e.index) tr.className = 'chosen';
    table.append(tr);
  });
  const terms = e.exps.flatMap((v, i) => (i ? [' + ', num(v, d)] : [num(v, d)]));
  return [
    el('p', { className: 'hint', textContent: t('detail.shift', { max: fixed(e.shift, dz) }) }),
    table,
    el('p', { className: 'formula total' }, `${t('detail.expSum')}: `, ...terms, ' = ', el('strong', {}, num(e.exp_sum, d))),
    el('p', { className: 'formula ratio' }, num(e.exps[e.index], d), ' / ', num(e.exp_sum, d), ' = ',
      el('strong', { textContent: chance(e.output) })),
  ];
}
