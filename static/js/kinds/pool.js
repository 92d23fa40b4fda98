// Max and average pooling, one output cell per step: the window moves with its
// stride; max pooling copies the largest value out, average pooling divides the
// window's total (from the server) by the number of values.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { el, figure, formula, num, numGrid } from '../lib/dom.js';
import { decimalsFor, fixed } from '../lib/numbers.js';
import { COLORS, MIN_TEXT, STAGE_H, STAGE_W, TALL_W, box, drawMap, lerp, mapImage, numberGrid, paragraph, text } from '../lib/stage.js';

export const channels = (spec) => spec.output_shape[0];

export function field(spec, [c, y, x]) {
  const input = spec.input_shape;
  const clip = (lo, hi, size) => [Math.max(0, lo), Math.min(size - 1, hi)];
  const top = y * spec.stride, left = x * spec.stride;
  return {
    channels: [c], all: false,
    rows: clip(top, top + spec.size - 1, input[1]), cols: clip(left, left + spec.size - 1, input[2]),
  };
}

export function animation(data, env = {}) {
  const H = data.input.length, W = data.input[0].length;
  const Ho = data.output.length, Wo = data.output[0].length;
  const { size: k, stride: s } = data;
  const isMax = data.kind === 'maxpool';
  const all = data.input.flat();
  const scale = scaleFor(Math.min(...all), Math.max(...all));
  const inImg = mapImage(data.input, H, W, scale.color);
  const outImg = mapImage(data.output, Ho, Wo, scale.color); // same scale: a copied value keeps its colour
  // wide: input and output maps side by side above the window; tall (a phone): smaller maps, the caption wrapped
  const tall = env.layout === 'tall';
  const cell = Math.max(2, Math.floor(tall ? Math.min(170 / H, 170 / W) : Math.min(300 / H, 430 / W)));
  const outCell = Math.max(2, Math.floor(tall ? Math.min(170 / Ho, 170 / Wo) : Math.min(300 / Ho, 400 / Wo)));
  const outX = tall ? 210 : 560;
  const gy = tall ? 40 + Math.max(H * cell, Ho * outCell) + 50 : 392; // the window grid's top
  const dims = tall ? [TALL_W, gy + k * 38 + 30 + 2 * 24 + 10] : [STAGE_W, STAGE_H];
  const at = (step) => [Math.floor(step / Wo), step % Wo];
  const windowAt = (y, x) => data.input.slice(y * s, y * s + k).map((r) => r.slice(x * s, x * s + k));

  function numbers(y, x) {
    const window = windowAt(y, x);
    const d = decimalsFor([...window.flat(), isMax ? 0 : data.totals[y][x]]);
    return { window, d };
  }

  function draw(ctx, step, phase) {
    const [y, x] = at(step);
    const [ny, nx] = at(Math.min(step + 1, Ho * Wo - 1));
    const moving = phase > 0 && ny === y;
    const source = data.input_layer ?? t('net.input');
    text(ctx, t('anim.input', { layer: `${source} [${data.channel}]` }), 20, 26, { size: MIN_TEXT, weight: 600, maxWidth: outX - 30 });
    drawMap(ctx, inImg, 20, 40, cell);
    box(ctx, 20 + lerp(x, nx, moving ? phase : 0) * s * cell, 40 + y * s * cell, k * cell, k * cell);
    text(ctx, t('anim.output', { layer: data.layer, c: data.channel }), outX, 26, { size: MIN_TEXT, weight: 600, maxWidth: dims[0] - outX - 10 });
    drawMap(ctx, outImg, outX, 40, outCell, step + 1);
    box(ctx, outX + x * outCell, 40 + y * outCell, outCell, outCell);
    const { window, d } = numbers(y, x);
    const win = isMax ? data.winners[y][x] : null;
    text(ctx, t('detail.window', { layer: source }), 20, gy - 12, { size: MIN_TEXT, weight: 600 });
    numberGrid(ctx, window, 20, gy, 70, 38, { mark: (r, c) => (win && r === win[0] && c === win[1] ? 'win' : ''), color: scale.color, size: MIN_TEXT, decimals: d });
    const result = isMax ? `max = ${fixed(data.output[y][x], d)}`
      : `${fixed(data.totals[y][x], d)} / ${k * k} = ${fixed(data.output[y][x], d)}`;
    text(ctx, result, 40 + k * 70, gy + (k * 38) / 2, { size: 22, weight: 700, baseline: 'middle', color: COLORS.accent });
    const [cx, cy] = tall ? [20, gy + k * 38 + 30] : [40 + k * 70, gy + (k * 38) / 2 + 30];
    paragraph(ctx, t(isMax ? 'detail.winner' : 'detail.mean'), cx, cy, dims[0] - cx - 20, { size: MIN_TEXT, color: COLORS.muted });
  }

  function describe(step) {
    const [y, x] = at(step);
    const { d } = numbers(y, x);
    return isMax
      ? t('anim.poolStep', { layer: data.layer, y, x, v: fixed(data.output[y][x], d) })
      : t('anim.avgStep', { layer: data.layer, y, x, total: fixed(data.totals[y][x], d), n: k * k, v: fixed(data.output[y][x], d) });
  }

  const stepOf = ([, y, x]) => y * Wo + x;
  const strongest = () => data.output.flat().indexOf(Math.max(...data.output.flat()));
  return { steps: Ho * Wo, size: dims, draw, describe, stepOf, strongest, story: () => [strongest()] };
}

export function explain(e) {
  const values = e.window.flat();
  const d = decimalsFor([...values, e.total ?? 0]);
  const winner = e.winner ? (y, x) => (y === e.winner[0] && x === e.winner[1] ? 'win' : '') : undefined;
  const grid = figure(t('detail.window', { layer: e.input_layer ?? t('net.input') }), numGrid(e.window, d, { cellClass: winner }));
  if (e.kind === 'maxpool') {
    return [grid, formula(`${t('detail.winner')}: max = `, el('strong', {}, num(e.output, d)))];
  }
  const terms = values.flatMap((v, i) => (i ? [' + ', num(v, d)] : [num(v, d)]));
  return [grid,
    el('p', { className: 'formula total' }, ...terms, ' = ', el('strong', {}, num(e.total, d))),
    formula(`${t('detail.mean')}: `, num(e.total, d), ` / ${values.length} = `, el('strong', {}, num(e.output, d)))];
}
