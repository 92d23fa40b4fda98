// Convolution, one output position per step: the kernel slides over the
// (zero-padded) input; the patch, the weights, their products, each input
// channel's partial sum, the bias and the output cell being filled.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { fmt, gray } from '../lib/grid.js';
import { COLORS, box, drawMap, lerp, mapImage, numberGrid, text } from '../lib/stage.js';

export function create(data, env) {
  const C = data.input.length;
  const H = data.input[0].length;
  const W = data.input[0][0].length;
  const { kernel: K, stride: S, padding: P, dilation: D } = data;
  const Ho = data.output.length;
  const Wo = data.output[0].length;
  const span = D * (K - 1) + 1;
  const inputFlat = data.input.flat(2);
  const inScale = data.input_layer == null ? { color: gray } : scaleFor(Math.min(...inputFlat), Math.max(...inputFlat));
  const outFlat = data.output.flat();
  const outScale = scaleFor(Math.min(...outFlat), Math.max(...outFlat));
  const inputs = data.input.map((m) => mapImage(m, H, W, inScale.color));
  const output = mapImage(data.output, Ho, Wo, outScale.color);

  // layout of the input maps (with their padding ring) on the left
  const cols = Math.ceil(Math.sqrt(C));
  const rows = Math.ceil(C / cols);
  const areaW = 440, areaH = 290;
  const cellFor = (gap) => Math.max(1, Math.floor(Math.min((areaW / cols - 10) / (W + 2 * P), (areaH / rows - gap) / (H + 2 * P))));
  const labelled = C > 1 && cellFor(22) * (W + 2 * P) >= 64; // room under each map for its partial sum
  const gap = labelled ? 22 : 8;
  const cell = cellFor(gap);
  const mapW = (W + 2 * P) * cell;
  const mapH = (H + 2 * P) * cell;
  const origin = (c) => [20 + (c % cols) * (mapW + 10), 40 + Math.floor(c / cols) * (mapH + gap)];
  const outCell = Math.max(2, Math.floor(Math.min(260 / Ho, 400 / Wo)));
  const outX = 560, outY = 40;

  const at = (step) => [Math.floor(step / Wo), step % Wo];

  function patch(c, y, x) {
    return Array.from({ length: K }, (_, u) => Array.from({ length: K }, (_, v) => {
      const r = y * S - P + u * D, q = x * S - P + v * D;
      return r >= 0 && r < H && q >= 0 && q < W ? data.input[c][r][q] : 0;
    }));
  }
  const isPad = (y, x) => (u, v) => {
    const r = y * S - P + u * D, q = x * S - P + v * D;
    return r < 0 || r >= H || q < 0 || q >= W ? 'pad' : '';
  };

  function draw(ctx, step, phase) {
    const [y, x] = at(step);
    const [ny, nx] = at(Math.min(step + 1, Ho * Wo - 1));
    const moving = phase > 0 && ny === y; // glide along a row, jump to the next one
    const by = lerp(y, ny, moving ? phase : 0) * S;
    const bx = lerp(x, nx, moving ? phase : 0) * S;
    const focus = Math.min(env.focus || 0, C - 1);
    const source = data.input_layer == null ? t('net.input') : data.input_layer;
    text(ctx, t('anim.input', { layer: source }), 20, 26, { size: 16, weight: 600 });
    for (let c = 0; c < C; c++) {
      const [ox, oy] = origin(c);
      if (P) {
        ctx.fillStyle = COLORS.pad;
        ctx.fillRect(ox, oy, mapW, mapH);
      }
      drawMap(ctx, inputs[c], ox + P * cell, oy + P * cell, cell);
      box(ctx, ox + bx * cell, oy + by * cell, span * cell, span * cell, c === focus ? COLORS.hot : COLORS.accent, c === focus ? 3 : 2);
      if (labelled) { // each input channel's partial sum
        text(ctx, `${c}: Σ ${fmt(data.channel_sums[c][y][x], 2)}`, ox, oy + mapH + 15, { size: 12, color: COLORS.muted });
      }
    }
    text(ctx, t('anim.output', { layer: data.layer, c: data.channel }), outX, 26, { size: 16, weight: 600 });
    drawMap(ctx, output, outX, outY, outCell, step + 1);
    box(ctx, outX + x * outCell, outY + y * outCell, outCell, outCell, COLORS.hot, 3);

    // the arithmetic of this step, for the focus channel
    const p = patch(focus, y, x);
    const w = data.weights[focus];
    const prod = p.map((row, u) => row.map((v, j) => v * w[u][j]));
    const cw = Math.min(58, Math.floor(290 / K)), ch = Math.min(30, Math.floor(150 / K));
    const gy = 370;
    const caption = C > 1 ? t('anim.channel', { c: focus }) : '';
    text(ctx, `${t('detail.patch')} ${caption}`, 20, gy - 10, { size: 14, weight: 600 });
    numberGrid(ctx, p, 20, gy, cw, ch, { mark: isPad(y, x), size: K > 4 ? 11 : 13 });
    text(ctx, '×', 30 + K * cw, gy + (K * ch) / 2, { size: 26, baseline: 'middle' });
    text(ctx, t('detail.weights'), 60 + K * cw, gy - 10, { size: 14, weight: 600 });
    numberGrid(ctx, w, 60 + K * cw, gy, cw, ch, { size: K > 4 ? 11 : 13 });
    text(ctx, '=', 70 + 2 * K * cw, gy + (K * ch) / 2, { size: 26, baseline: 'middle' });
    text(ctx, t('detail.products'), 100 + 2 * K * cw, gy - 10, { size: 14, weight: 600 });
    numberGrid(ctx, prod, 100 + 2 * K * cw, gy, cw, ch, { size: K > 4 ? 11 : 13 });

    const sums = data.channel_sums.map((m) => m[y][x]);
    const ey = gy + K * ch + 32;
    const first = C > 1
      ? `${t('anim.channelSum', { c: focus, v: fmt(sums[focus]) })};   ${t('anim.allChannels', { n: C, v: fmt(sums.reduce((a, b) => a + b, 0)) })}`
      : t('anim.sumProducts', { v: fmt(sums[0]) });
    text(ctx, first, 20, ey, { size: 16 });
    text(ctx, `+ ${t('detail.bias')} ${fmt(data.bias)} = ${fmt(data.sums[y][x])}`, 20, ey + 28, { size: 18, weight: 700, color: COLORS.accent });
    text(ctx, t('anim.position', { y, x, s: S, p: P }), 560, outY + Ho * outCell + 28, { size: 14, color: COLORS.muted });
  }

  function describe(step) {
    const [y, x] = at(step);
    return t('anim.convStep', { layer: data.layer, c: data.channel, y, x, sum: fmt(data.sums[y][x]) });
  }

  return { steps: Ho * Wo, draw, describe };
}
