// Convolution: the filter slides over the (zero-padded) input; at each position the
// patch × weights products, each input channel's sum, the bias and the output cell.
// This module knows everything the page does with a conv layer: its animation, the
// step a neuron is, its receptive field and its arithmetic panel.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { el, figure, formula, num, numGrid } from '../lib/dom.js';
import { gray } from '../lib/grid.js';
import { addingDecimals, decimalsFor, factorDecimals, fixed, visibleDecimals } from '../lib/numbers.js';
import { COLORS, MIN_TEXT, STAGE_H, STAGE_W, TALL_W, box, drawMap, fittingDecimals, lerp, mapImage, numberGrid, paragraph, text } from '../lib/stage.js';

const MAX_CHANNELS = 8; // input channels drawn one by one in the panel; the rest are summed

export const channels = (spec) => spec.output_shape[0];

/** Neuron [c, y, x] -> the window of every input channel it reads (rows/cols clipped; span unclipped). */
export function field(spec, [, y, x]) {
  const input = spec.input_shape;
  const clip = (lo, hi, size) => [Math.max(0, lo), Math.min(size - 1, hi)];
  const span = spec.dilation * (spec.kernel - 1);
  const top = y * spec.stride - spec.padding;
  const left = x * spec.stride - spec.padding;
  return {
    channels: 'all', all: false,
    rows: clip(top, top + span, input[1]), cols: clip(left, left + span, input[2]),
    span: { rows: [top, top + span], cols: [left, left + span] },
  };
}

/** The terms of one neuron's sum as the panel and the stage show them: the channel sums
 *  (or their server total when there are many), the bias and the total, with one decimals. */
export function sumTerms(channelSums, total, bias, sum) {
  const many = channelSums.length > MAX_CHANNELS;
  const terms = many ? [total] : channelSums;
  // the fewest decimals with which the shown terms and bias add up to the shown sum (with decimalsFor's
  // alone, six channels' rounding once read "… + bias 0.067 = −0.286" for terms adding to −0.287)
  const decimals = addingDecimals([{ terms: [...terms, bias], total: sum }], decimalsFor([...terms, bias, sum]));
  return { many, terms, decimals };
}

export function animation(data, env) {
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

  // wide: maps side by side above the three grids; tall (a phone): small maps, the grids one under another
  const tall = env.layout === 'tall';
  const dims = tall ? [TALL_W, 0] : [STAGE_W, STAGE_H];
  const cols = Math.ceil(Math.sqrt(C));
  const rows = Math.ceil(C / cols);
  const [areaW, areaH] = tall ? [170, 170] : [440, 290];
  const cellFor = (gap) => Math.max(1, Math.floor(Math.min((areaW / cols - 10) / (W + 2 * P), (areaH / rows - gap) / (H + 2 * P))));
  const labelled = C > 1 && cellFor(26) * (W + 2 * P) >= 100; // room under each map for its partial sum
  const gap = labelled ? 26 : 8;
  const cell = cellFor(gap);
  const mapW = (W + 2 * P) * cell;
  const mapH = (H + 2 * P) * cell;
  const origin = (c) => [20 + (c % cols) * (mapW + 10), 40 + Math.floor(c / cols) * (mapH + gap)];
  const outCell = Math.max(2, Math.floor(tall ? Math.min(170 / Ho, 170 / Wo) : Math.min(230 / Ho, 400 / Wo)));
  const [outX, outY] = tall ? [210, 40] : [560, 40];
  // the grids: cell sizes and where each of patch, weights, products goes
  // wide: the patch (the input, often 0…1 with no minus sign) narrower, weights and products wider
  const cw = tall ? Math.min(72, Math.floor(360 / K)) : Math.min(80, Math.floor(270 / K));
  const pw = tall ? cw : Math.min(96, Math.floor(330 / K));
  const ch = tall ? Math.min(32, Math.max(24, Math.floor(120 / K))) : Math.min(40, Math.floor(150 / K));
  const op = 24;
  const widths = [cw, pw, pw];
  const gridAt = tall
    ? (i) => [20, 306 + i * (K * ch + 40)]
    : (i) => [12 + (i > 0 ? K * cw + op : 0) + (i > 1 ? K * pw + op : 0), 372];
  const sumsY = tall ? gridAt(2)[1] + K * ch + 30 : 372 + K * ch + 28;
  if (tall) dims[1] = sumsY + (C > 1 ? 6 : 3) * 26 + 16; // the sums, wrapped to the width

  const inside = (r, q) => r >= 0 && r < H && q >= 0 && q < W;
  /** Does the window at output (y, x) read any non-zero input? (an all-zero patch gives just the bias) */
  const reads = (y, x) => {
    for (let c = 0; c < C; c++) for (let u = 0; u < K; u++) for (let v = 0; v < K; v++) {
      const r = y * S - P + u * D, q = x * S - P + v * D;
      if (inside(r, q) && data.input[c][r][q] !== 0) return true;
    }
    return false;
  };
  // the output positions played, in order: all of them, or (skipZero) only those whose patch is not all zero
  const positions = [];
  for (let i = 0; i < Ho * Wo; i++) if (!env.skipZero || reads(Math.floor(i / Wo), i % Wo)) positions.push(i);
  if (!positions.length) positions.push(0);
  const at = (step) => [Math.floor(positions[step] / Wo), positions[step] % Wo];

  function patch(c, y, x) {
    return Array.from({ length: K }, (_, u) => Array.from({ length: K }, (_, v) => {
      const r = y * S - P + u * D, q = x * S - P + v * D;
      return inside(r, q) ? data.input[c][r][q] : 0;
    }));
  }
  const isPad = (y, x) => (u, v) => (inside(y * S - P + u * D, x * S - P + v * D) ? '' : 'pad');

  const focus = data.focus ?? 0; // the input channel whose products the server sent
  /** The numbers of one step's sum line, as shown on the stage and in the caption: total + bias = sum
   *  with decimals d at which they add up as shown. */
  function line(y, x) {
    const sums = data.channel_sums.map((m) => m[y][x]);
    const total = data.channel_totals[y][x];
    const d = addingDecimals([{ terms: [total, data.bias], total: data.sums[y][x] }], decimalsFor([total, sums[focus], data.bias, data.sums[y][x]]));
    return { part: sums[focus], total, d, sum: data.sums[y][x] };
  }

  /** The decimals of the three grids: the products as many as the sum line (d) if their cells have
   *  room; the patch and weights enough that each shown patch × weight rounds to its shown product,
   *  or as many as the products where the cells have no room for that (numbers.js). */
  function gridDecimals(ctx, p, w, prod, d) {
    const width = (i) => widths[i] - 4; // numberGrid's room for a cell's text
    const dp = fittingDecimals(ctx, prod.flat(), d, 1, width(2), MIN_TEXT);
    const rows = p.flat().map((v, i) => [v, w.flat()[i], prod.flat()[i]]);
    const [da, db] = factorDecimals(rows, dp, { from: 2, most: 6 });
    // a factor never reads "≈0" beside a product that does not: that cell gets the digits it needs
    const cells = (values, d) => (r, c) => (fixed(prod[r][c], dp) === '0' || fixed(prod[r][c], dp) === '≈0' ? d : visibleDecimals(values[r][c], d));
    return [cells(p, Math.max(dp, fittingDecimals(ctx, p.flat(), da, dp, width(0), MIN_TEXT))),
      cells(w, Math.max(dp, fittingDecimals(ctx, w.flat(), db, dp, width(1), MIN_TEXT))), dp];
  }

  function draw(ctx, step, phase) {
    const [y, x] = at(step);
    const [ny, nx] = at(Math.min(step + 1, positions.length - 1));
    const moving = phase > 0 && ny === y; // glide along a row, jump to the next one
    const by = lerp(y, ny, moving ? phase : 0) * S;
    const bx = lerp(x, nx, moving ? phase : 0) * S;
    const { part, total, d, sum } = line(y, x);
    const source = data.input_layer == null ? t('net.input') : data.input_layer;
    const size = MIN_TEXT;
    text(ctx, t('anim.input', { layer: source }), 20, 26, { size, weight: 600, maxWidth: outX - 30 });
    for (let c = 0; c < C; c++) {
      const [ox, oy] = origin(c);
      if (P) {
        ctx.fillStyle = COLORS.pad;
        ctx.fillRect(ox, oy, mapW, mapH);
      }
      drawMap(ctx, inputs[c], ox + P * cell, oy + P * cell, cell);
      box(ctx, ox + bx * cell, oy + by * cell, span * cell, span * cell, c === focus ? COLORS.hot : COLORS.accent, c === focus ? 3 : 2);
      if (labelled) text(ctx, `${c}: Σ ${fixed(data.channel_sums[c][y][x], 2)}`, ox, oy + mapH + 20, { size: MIN_TEXT, color: COLORS.muted });
    }
    text(ctx, t('anim.output', { layer: data.layer, c: data.channel }), outX, 26, { size, weight: 600, maxWidth: dims[0] - outX - 10 });
    drawMap(ctx, output, outX, outY, outCell, positions[step] + 1);
    box(ctx, outX + x * outCell, outY + y * outCell, outCell, outCell, COLORS.hot, 3);

    // this step's arithmetic, for the input channel in focus
    const p = patch(focus, y, x);
    const w = data.weights[focus];
    const prod = data.products[y][x]; // the server's products: the page multiplies nothing
    const caption = C > 1 ? t('anim.channel', { c: focus }) : '';
    const head = { size, weight: 600 };
    const sign = (str, i) => { // × and = between the grids (wide) or before a grid's heading (tall)
      const [gx, gy] = gridAt(i);
      if (tall) text(ctx, str, gx, gy - 10, { size: 22, weight: 700 });
      else text(ctx, str, gx - op / 2, gy + (K * ch) / 2, { size: 26, baseline: 'middle', align: 'center' });
      return tall ? gx + 24 : gx;
    };
    let [gx, gy] = gridAt(0);
    text(ctx, `${t('detail.patch')} ${caption}`, gx, gy - 10, { ...head, maxWidth: tall ? TALL_W - 40 : K * cw + op - 6 });
    const [dPatch, dWeights, dProducts] = gridDecimals(ctx, p, w, prod, d);
    numberGrid(ctx, p, gx, gy, cw, ch, { mark: isPad(y, x), size, decimals: dPatch });
    [gx, gy] = gridAt(1);
    text(ctx, t('detail.weights'), sign('×', 1), gy - 10, head);
    numberGrid(ctx, w, gx, gy, pw, ch, { size, decimals: dWeights });
    [gx, gy] = gridAt(2);
    text(ctx, t('detail.products'), sign('=', 2), gy - 10, head);
    numberGrid(ctx, prod, gx, gy, pw, ch, { size, decimals: dProducts });

    const result = `${fixed(total, d)} + ${t('detail.bias')} ${fixed(data.bias, d)} = ${fixed(sum, d)}`;
    const strong = { size: 20, weight: 700, color: COLORS.accent };
    if (tall) { // one sentence a line, wrapped to the phone's width
      let ey = sumsY;
      const lines = C > 1 ? [t('anim.channelSum', { c: focus, v: fixed(part, d) }), t('anim.allChannels', { n: C, v: fixed(total, d) })]
        : [t('anim.sumProducts', { v: fixed(total, d) })];
      for (const l of lines) ey += 24 * paragraph(ctx, l, 20, ey, TALL_W - 40, { size });
      paragraph(ctx, result, 20, ey + 6, TALL_W - 40, { ...strong, lineHeight: 26 });
    } else {
      const first = C > 1
        ? `${t('anim.channelSum', { c: focus, v: fixed(part, d) })};   ${t('anim.allChannels', { n: C, v: fixed(total, d) })}`
        : t('anim.sumProducts', { v: fixed(total, d) });
      text(ctx, first, 20, sumsY, { size });
      text(ctx, result, 20, sumsY + 28, strong);
    }
    const [posX, posW] = tall ? [20, TALL_W - 40] : [outX, STAGE_W - outX - 10];
    paragraph(ctx, t('anim.position', { y, x, s: S, p: P }), posX, tall ? 240 : outY + Ho * outCell + 26, posW, { size, color: COLORS.muted });
  }

  function describe(step) {
    const [y, x] = at(step);
    const { total, d, sum } = line(y, x);
    return t('anim.convStep', { layer: data.layer, c: data.channel, y, x,
      total: fixed(total, d), bias: fixed(data.bias, d), sum: fixed(sum, d) });
  }

  /** The step at which neuron [c, y, x] is computed (the nearest one played when zeros are skipped). */
  const stepOf = ([, y, x]) => {
    const i = positions.findIndex((p) => p >= y * Wo + x);
    return i < 0 ? positions.length - 1 : i;
  };
  /** The strongest position of this channel: where a learner's eye goes first. */
  const strongest = () => {
    const i = outFlat.indexOf(Math.max(...outFlat));
    return stepOf([0, Math.floor(i / Wo), i % Wo]);
  };

  return { steps: positions.length, size: dims, draw, describe, stepOf, strongest, story: () => [strongest()] };
}

/** The arithmetic panel for one neuron, from the explain response. */
export function explain(e) {
  const out = [];
  const [, height, width] = e.input_shape;
  const padded = (y, x) => (e.rows[y] < 0 || e.cols[x] < 0 || e.rows[y] >= height || e.cols[x] >= width ? 'pad' : '');
  const count = e.patch.length;
  const { many, terms, decimals } = sumTerms(e.channel_sums, e.channel_total, e.bias, e.sum);
  const weightLimit = Math.max(...e.weights.flat(2).map(Math.abs));
  const productLimit = Math.max(...e.products.flat(2).map(Math.abs));
  e.patch.slice(0, MAX_CHANNELS).forEach((patch, c) => {
    const d = decimalsFor([...e.products[c].flat(), e.channel_sums[c]]);
    out.push(el('div', { className: 'channel' },
      el('p', { textContent: t('detail.channel', { c }) }),
      el('div', { className: 'grids' },
        figure(t('detail.patch'), numGrid(patch, decimalsFor(patch.flat(), 3), { cellClass: padded })),
        el('span', { className: 'op', textContent: '×' }),
        figure(t('detail.weights'), numGrid(e.weights[c], decimalsFor(e.weights[c].flat(), 3), { color: scaleFor(-weightLimit, weightLimit).color })),
        el('span', { className: 'op', textContent: '=' }),
        figure(t('detail.products'), numGrid(e.products[c], d, { color: scaleFor(-productLimit, productLimit).color }))),
      formula(`${t('detail.channelSum', { c })} = `, num(e.channel_sums[c], d))));
  });
  if (e.padding) out.push(el('p', { className: 'hint', textContent: t('detail.padding') }));
  const parts = many
    ? [`${t('detail.allChannels', { n: count })} `, num(e.channel_total, decimals)]
    : terms.flatMap((v, i) => (i ? [' + ', num(v, decimals)] : [num(v, decimals)]));
  out.push(el('p', { className: 'formula total' },
    ...parts, ` + ${t('detail.bias')} `, num(e.bias, decimals), ' = ', el('strong', {}, num(e.sum, decimals)),
    ` → ${t('detail.output')} `, num(e.output, decimals)));
  return out;
}
