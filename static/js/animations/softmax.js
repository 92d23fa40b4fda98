// Softmax: logits -> exponentials -> their sum -> probabilities, with the numbers.
import { t } from '../core/i18n.js';
import { fmt, percent } from '../lib/grid.js';
import { COLORS, text } from '../lib/stage.js';


export function create(data, env) {
  const K = data.logits.length;
  const steps = 2 * K + 1;
  const label = (i) => (env.classLabel ? env.classLabel(i) : String(i));
  const rowH = Math.min(40, Math.floor(440 / K));

  function draw(ctx, step) {
    const phase = step < K ? 'exp' : step === K ? 'sum' : 'prob';
    text(ctx, t('anim.softmaxTitle'), 20, 28, { size: 18, weight: 700 });
    text(ctx, `p(i) = e^(zᵢ − ${fmt(data.shift)}) / Σ e^(zⱼ − ${fmt(data.shift)})`, 20, 56, { size: 16, color: COLORS.muted });
    const heads = ['', t('detail.logits'), t('detail.exp'), t('detail.prob')];
    [20, 190, 350, 540].forEach((x, i) => text(ctx, heads[i], x, 92, { size: 14, weight: 600, color: COLORS.muted }));
    for (let i = 0; i < K; i++) {
      const y = 120 + i * rowH;
      const current = (phase === 'exp' && i === step) || (phase === 'prob' && i === step - K - 1);
      const style = { size: 16, weight: current ? 700 : 400, color: current ? COLORS.hot : COLORS.ink };
      text(ctx, label(i), 20, y, style);
      text(ctx, fmt(data.logits[i]), 190, y, style);
      if (phase !== 'exp' || i <= step) text(ctx, fmt(data.exps[i]), 350, y, style);
      if (phase === 'prob' && i <= step - K - 1) {
        text(ctx, percent(data.probabilities[i]), 540, y, style);
        ctx.fillStyle = current ? COLORS.hot : COLORS.accent;
        ctx.fillRect(640, y - rowH * 0.6, 320 * data.probabilities[i], rowH * 0.7);
      }
    }
    if (step >= K) {
      text(ctx, t('detail.softmaxSum', { sum: fmt(data.exp_sum) }), 350, 120 + K * rowH + 10, { size: 17, weight: 700, color: COLORS.accent });
    }
  }

  function describe(step) {
    if (step < K) return t('anim.expStep', { c: label(step), z: fmt(data.logits[step]), e: fmt(data.exps[step]) });
    if (step === K) return t('detail.softmaxSum', { sum: fmt(data.exp_sum) });
    const i = step - K - 1;
    return t('anim.probStep', { c: label(i), e: fmt(data.exps[i]), s: fmt(data.exp_sum), p: percent(data.probabilities[i]) });
  }

  return { steps, draw, describe };
}
