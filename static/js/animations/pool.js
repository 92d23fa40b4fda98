// Max (or average) pooling, one output cell per step: the window moves with
// its stride; the winner is marked and copied out.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { fmt } from '../lib/grid.js';
import { box, drawMap, lerp, mapImage, numberGrid, text } from '../lib/stage.js';


export function create(data) {
  const H = data.input.length, W = data.input[0].length;
  const Ho = data.output.length, Wo = data.output[0].length;
  const { size: k, stride: s } = data;
  const all = data.input.flat();
  const scale = scaleFor(Math.min(...all), Math.max(...all));
  const inImg = mapImage(data.input, H, W, scale.color);
  const outImg = mapImage(data.output, Ho, Wo, scale.color); // same scale: a copied value keeps its colour
  const cell = Math.max(2, Math.floor(Math.min(300 / H, 430 / W)));
  const outCell = Math.max(2, Math.floor(Math.min(300 / Ho, 400 / Wo)));
  const at = (step) => [Math.floor(step / Wo), step % Wo];

  function draw(ctx, step, phase) {
    const [y, x] = at(step);
    const [ny, nx] = at(Math.min(step + 1, Ho * Wo - 1));
    const moving = phase > 0 && ny === y;
    text(ctx, t('anim.input', { layer: `${data.input_layer ?? t('net.input')} [${data.channel}]` }), 20, 26, { size: 16, weight: 600 });
    drawMap(ctx, inImg, 20, 40, cell);
    box(ctx, 20 + lerp(x, nx, moving ? phase : 0) * s * cell, 40 + y * s * cell, k * cell, k * cell);
    text(ctx, t('anim.output', { layer: data.layer, c: data.channel }), 560, 26, { size: 16, weight: 600 });
    drawMap(ctx, outImg, 560, 40, outCell, step + 1);
    box(ctx, 560 + x * outCell, 40 + y * outCell, outCell, outCell);
    const window = data.input.slice(y * s, y * s + k).map((r) => r.slice(x * s, x * s + k));
    const win = data.winners ? data.winners[y][x] : null;
    text(ctx, t('detail.window', { layer: data.input_layer ?? t('net.input') }), 20, 380, { size: 15, weight: 600 });
    numberGrid(ctx, window, 20, 392, 70, 38, { mark: (r, c) => (win && r === win[0] && c === win[1] ? 'win' : ''), color: scale.color, size: 15 });
    const result = win ? `max = ${fmt(data.output[y][x])}` : `${t('detail.mean')} = ${fmt(data.output[y][x])}`;
    text(ctx, result, 40 + k * 70, 392 + (k * 38) / 2, { size: 22, weight: 700, baseline: 'middle', color: '#0b5cad' });
    if (win) text(ctx, t('detail.winner'), 40 + k * 70, 392 + (k * 38) / 2 + 30, { size: 14, color: '#55606e' });
  }

  function describe(step) {
    const [y, x] = at(step);
    return t('anim.poolStep', { layer: data.layer, y, x, v: fmt(data.output[y][x]) });
  }

  return { steps: Ho * Wo, draw, describe };
}
