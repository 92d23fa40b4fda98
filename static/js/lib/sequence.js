// Several layers' animations played one after another as one animation.
import { t } from '../core/i18n.js';
import { COLORS, STAGE_H, STAGE_W, text } from './stage.js';

/** parts: [{layer, anim}] -> an animation with the same interface. */
export function sequence(parts) {
  const starts = [];
  let total = 0;
  for (const p of parts) {
    starts.push(total);
    total += p.anim.steps;
  }
  const find = (step) => {
    let i = starts.length - 1;
    while (starts[i] > step) i--;
    return [i, step - starts[i]];
  };
  const label = (i) => t('anim.segment', { layer: parts[i].layer, i: i + 1, n: parts.length });
  return {
    steps: total,
    draw(ctx, step, phase) {
      const [i, local] = find(step);
      parts[i].anim.draw(ctx, local, local + 1 < parts[i].anim.steps ? phase : 0);
      text(ctx, label(i), STAGE_W - 20, STAGE_H - 10, { size: 14, align: 'right', color: COLORS.muted, weight: 600 });
    },
    describe(step) {
      const [i, local] = find(step);
      return `${label(i)}: ${parts[i].anim.describe(local)}`;
    },
    stepOf: () => 0,
    strongest: () => 0,
  };
}
