// Several layers' animations played one after another as one animation.
import { t } from '../core/i18n.js';
import { COLORS, MIN_TEXT, stageSize, text } from './stage.js';

/** parts: [{layer, anim}] -> one animation of each part's story steps (anim.story(): the few
 *  steps that tell what the layer does, e.g. its strongest output), ending on the prediction. */
export function sequence(parts) {
  const steps = parts.flatMap((p, i) => p.anim.story().map((local) => [i, local]));
  const total = steps.length;
  const find = (step) => steps[step];
  const label = (i) => t('anim.segment', { layer: parts[i].layer, i: i + 1, n: parts.length });
  const sizes = parts.map((p) => stageSize(p.anim));
  const size = [Math.max(...sizes.map((s) => s[0])), Math.max(...sizes.map((s) => s[1])) + 30]; // room for the label
  return {
    steps: total,
    size,
    draw(ctx, step, phase) {
      const [i, local] = find(step);
      parts[i].anim.draw(ctx, local, 0);
      text(ctx, label(i), size[0] - 20, size[1] - 10, { size: MIN_TEXT, align: 'right', color: COLORS.muted, weight: 600 });
    },
    describe(step) {
      const [i, local] = find(step);
      return t('labelled', { label: label(i), value: parts[i].anim.describe(local) });
    },
    stepOf: () => 0,
    strongest: () => 0,
    story: () => steps.map((_, k) => k),
  };
}
