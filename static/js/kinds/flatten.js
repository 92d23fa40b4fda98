// Flatten: one channel per step, its map unrolled into the long vector.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { el, formula, num } from '../lib/dom.js';
import { unflatten } from '../lib/geometry.js';
import { decimalsFor } from '../lib/numbers.js';
import { COLORS, MIN_TEXT, STAGE_H, STAGE_W, TALL_W, box, drawMap, mapImage, paragraph, text } from '../lib/stage.js';

const VCOLS = 25;

export const channels = () => 0;

export function field(spec, [i]) {
  const [c, y, x] = unflatten(i, spec.input_shape);
  return { channels: [c], all: false, rows: [y, y], cols: [x, x] };
}

export function animation(data, env = {}) {
  const [C, H, W] = data.input_shape;
  const all = data.output;
  const scale = scaleFor(Math.min(...all), Math.max(...all));
  const maps = data.input.map((m) => mapImage(m, H, W, scale.color));
  const vrows = Math.ceil(all.length / VCOLS);
  const vector = mapImage(all.concat(new Array(vrows * VCOLS - all.length).fill(0)), vrows, VCOLS, scale.color);
  // wide: the maps on the left, the vector on the right; tall (a phone): the vector under the maps
  const tall = env.layout === 'tall';
  const cols = Math.ceil(Math.sqrt(C)) + (tall ? 2 : 0);
  const [aw, ah] = tall ? [360, 170] : [400, 420];
  const cell = Math.max(2, Math.floor(Math.min(aw / (cols * (W + 1)), ah / (Math.ceil(C / cols) * (H + 1.5)))));
  const mapsH = Math.ceil(C / cols) * (H + 1.5) * cell;
  const vcell = Math.max(2, Math.floor(tall ? Math.min(240 / vrows, 360 / VCOLS) : Math.min(420 / vrows, 420 / VCOLS)));
  const [vx, vy] = tall ? [20, 40 + mapsH + 40] : [520, 40]; // the vector
  const textY = tall ? vy + vrows * vcell + 34 : 560;
  const dims = tall ? [TALL_W, textY + 2 * 24 + 10] : [STAGE_W, STAGE_H];
  const describe = (step) => t('anim.flattenStep', { c: step, a: step * H * W, b: (step + 1) * H * W - 1 });

  function draw(ctx, step) {
    text(ctx, t('anim.input', { layer: data.input_layer ?? t('net.input') }), 20, 26, { size: MIN_TEXT, weight: 600 });
    for (let c = 0; c < C; c++) {
      const x = 20 + (c % cols) * (W + 1) * cell, y = 40 + Math.floor(c / cols) * (H + 1.5) * cell;
      drawMap(ctx, maps[c], x, y, cell);
      if (c === step) box(ctx, x - 2, y - 2, W * cell + 4, H * cell + 4);
    }
    text(ctx, t('anim.outputPlain', { layer: data.layer }), vx, vy - 14, { size: MIN_TEXT, weight: 600 });
    drawMap(ctx, vector, vx, vy, vcell, (step + 1) * H * W);
    const first = step * H * W, last = first + H * W - 1;
    for (let i = first; i <= last; i += VCOLS) {
      const r = Math.floor(i / VCOLS), c0 = i % VCOLS;
      const n = Math.min(VCOLS - c0, last - i + 1);
      box(ctx, vx + c0 * vcell, vy + r * vcell, n * vcell, vcell, COLORS.hot, 2);
    }
    paragraph(ctx, describe(step), 20, textY, dims[0] - 40, { size: MIN_TEXT });
  }

  const stepOf = ([i]) => Math.floor(i / (H * W));
  const strongest = () => stepOf([all.indexOf(Math.max(...all))]);
  return { steps: C, size: dims, draw, describe, stepOf, strongest, story: () => [strongest()] };
}

export function explain(e) {
  const [c, y, x] = e.source;
  return [formula(t('detail.flatten', { layer: e.input_layer ?? t('net.input'), c, y, x })),
    formula('= ', el('strong', {}, num(e.output, decimalsFor([e.output]))))];
}
