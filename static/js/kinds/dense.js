// A fully connected neuron: inputs × weights, largest contributions first (by size,
// positive or negative), then the rest, the bias, the sum and the activation that
// follows. Every sum shown is the server's (running, shown_sum, rest_sum, sum).
import { t } from '../core/i18n.js';
import { scaleFor, textOn } from '../lib/colors.js';
import { el, formula, num } from '../lib/dom.js';
import { addingDecimals, decimalsFor, factorDecimals, fixed } from '../lib/numbers.js';
import { COLORS, MIN_TEXT, STAGE_H, STAGE_W, TALL_W, box, drawMap, mapImage, paragraph, text } from '../lib/stage.js';

export const channels = (spec) => spec.output_shape[0];
export const field = () => ({ channels: 'all', all: true });

/** The decimals a neuron's numbers are shown with, each sum's terms one decimal finer than its
 *  total so they add up within its rounding: {d} for the total (and the output), {ds} = d + 1 for
 *  shown + rest + bias, {dp} = d + 2 for the products that add up to "the sum of these"; {dIn, dW}
 *  for the inputs and weights, so each shown input × weight rounds to its shown product.
 *  (The stage's running sums are the exact running sums, at ds.) */
export function shownDecimals(e) {
  const products = e.largest.map((i) => e.products[i]);
  const d = addingDecimals([{ terms: [e.shown_sum, e.rest_sum, e.bias], total: e.sum, finer: true }],
    decimalsFor([...e.running, e.rest_sum, e.bias, e.sum], 4), 4);
  const ds = addingDecimals([{ terms: products, total: e.shown_sum, finer: true }], d + 1, 5);
  const [dIn, dW] = factorDecimals(e.largest.map((i) => [e.inputs[i], e.weights[i], e.products[i]]), ds + 1);
  return { d, ds, dp: ds + 1, dIn, dW };
}

export function animation(data, env) {
  const n = data.inputs.length;
  const top = data.largest.length;
  const rest = data.rest_count ? 1 : 0;
  const steps = top + rest + 1 + (data.activation ? 1 : 0);
  const scale = scaleFor(Math.min(...data.inputs), Math.max(...data.inputs));
  const shape = data.unflattened_shape; // the maps these inputs were flattened from, if any
  // wide: the inputs on the left, the contributions on the right; tall (a phone): one under the other
  const tall = env.layout === 'tall';
  const area = tall ? [360, 170] : [440, 480];
  const layout = shape ? mapsLayout(shape, area) : stripLayout(n, area);
  const [lx, ly] = tall ? [20, 40 + layout.height + 40] : [520, 26]; // the list's heading
  const rowsShown = tall ? 8 : 11; // the last rows that fit above the sums
  const sumsY = tall ? ly + 58 + 26 * rowsShown + 8 : 400;
  const dims = tall ? [TALL_W, sumsY + 8 * 26 + 10] : [STAGE_W, STAGE_H];
  const images = shape
    ? Array.from({ length: shape[0] }, (_, c) => mapImage(data.inputs.slice(c * shape[1] * shape[2], (c + 1) * shape[1] * shape[2]), shape[1], shape[2], scale.color))
    : [mapImage(pad(data.inputs, layout.rows * layout.cols), layout.rows, layout.cols, scale.color)];
  const { d, ds, dp, dIn, dW } = shownDecimals(data);
  const label = env.classLabel ? t('detail.classOf', { c: env.classLabel(data.channel) }) : '';

  function cellOf(i) {
    if (!shape) return layout.at(0, Math.floor(i / layout.cols), i % layout.cols);
    const hw = shape[1] * shape[2];
    return layout.at(Math.floor(i / hw), Math.floor((i % hw) / shape[2]), i % shape[2]);
  }

  function lines(step) {
    const out = [`Σ ${fixed(step < top ? data.running[step] : data.shown_sum, ds)}`];
    if (step >= top && rest) out.push(t('detail.others', { n: data.rest_count, sum: fixed(data.rest_sum, ds) }));
    if (step >= top + rest) {
      out.push(`${fixed(data.shown_sum, ds)} + ${fixed(data.rest_sum, ds)} + ${t('detail.bias')} ${fixed(data.bias, ds)} = ${fixed(data.sum, d)}`);
    }
    if (data.activation && step >= top + rest + 1) {
      const a = data.activation;
      const da = decimalsFor([data.sum, a.output]);
      const f = a.kind === 'relu' ? `max(0, ${fixed(data.sum, da)})` : `${a.kind}(${fixed(data.sum, da)})`;
      out.push(`${a.layer}: ${f} = ${fixed(a.output, da)}`);
    }
    return out;
  }

  function draw(ctx, step) {
    text(ctx, t('anim.input', { layer: data.input_layer ?? t('net.input') }), 20, 26, { size: MIN_TEXT, weight: 600 });
    images.forEach((img, c) => {
      const [x, y] = layout.origin(c);
      drawMap(ctx, img, x, y, layout.cell);
    });
    for (let i = 0; i < Math.min(step + 1, top); i++) {
      const [x, y, s] = cellOf(data.largest[i]);
      box(ctx, x - 1, y - 1, s + 2, s + 2, i === step ? COLORS.hot : COLORS.accent, i === step ? 3 : 1.5);
    }
    text(ctx, t('anim.unit', { layer: data.layer, i: data.channel }) + label, lx, ly, { size: MIN_TEXT, weight: 600, maxWidth: dims[0] - lx - 10 });
    text(ctx, `#   ${t('detail.input')} × ${t('detail.weight')} = ${t('detail.product')}`, lx, ly + 30, { size: MIN_TEXT, color: COLORS.muted, maxWidth: dims[0] - lx - 10 });
    const shown = Math.min(step + 1, top);
    const first = Math.max(0, shown - rowsShown);
    for (let i = first; i < shown; i++) {
      const j = data.largest[i];
      const y = ly + 58 + (i - first) * 26;
      text(ctx, `${j}`, lx, y, { size: MIN_TEXT, color: COLORS.muted });
      text(ctx, `${fixed(data.inputs[j], dIn)} × ${fixed(data.weights[j], dW)} = ${fixed(data.products[j], dp)}`, lx + 50, y,
        { size: MIN_TEXT, weight: i === step ? 700 : 400, color: i === step ? COLORS.hot : COLORS.ink });
    }
    const all = lines(step);
    let y = sumsY;
    all.forEach((line, i) => {
      const last = i === all.length - 1;
      y += (tall ? 26 : 30) * paragraph(ctx, line, lx, y, dims[0] - lx - 20, {
        size: MIN_TEXT, weight: last ? 700 : 400, color: last ? COLORS.accent : COLORS.ink, lineHeight: 26 });
    });
  }

  function describe(step) {
    if (step < top) {
      const j = data.largest[step];
      return t('anim.denseStep', { k: step + 1, i: j, x: fixed(data.inputs[j], dIn), w: fixed(data.weights[j], dW),
        v: fixed(data.products[j], dp), s: fixed(data.running[step], ds) });
    }
    if (step < top + rest) return t('detail.others', { n: data.rest_count, sum: fixed(data.rest_sum, ds) });
    return t('anim.denseDone', { layer: data.layer, i: data.channel, shown: fixed(data.shown_sum, ds),
      rest: fixed(data.rest_sum, ds), bias: fixed(data.bias, ds), v: fixed(data.sum, d) });
  }

  // one animation per neuron: a click on a neuron opens its first contribution
  return { steps, size: dims, draw, describe, stepOf: () => 0, strongest: () => 0, story: () => [0, steps - 1] };
}

export function explain(e, env) {
  const { d, ds, dp, dIn, dW } = shownDecimals(e);
  const limit = Math.max(...e.largest.map((i) => Math.abs(e.products[i])));
  const color = scaleFor(-limit, limit).color;
  const table = el('table', { className: 'contrib' },
    el('tr', {}, el('th', { textContent: '#' }), el('th', { textContent: t('detail.input') }), el('th', { textContent: '' }),
      el('th', { textContent: t('detail.weight') }), el('th', { textContent: '' }), el('th', { textContent: t('detail.product') })));
  for (const i of e.largest) {
    const product = el('td', {}, num(e.products[i], dp));
    const rgb = color(e.products[i]);
    product.style.background = `rgb(${rgb.join(',')})`;
    product.style.color = textOn(rgb); // white on the darkest products, as every other coloured grid
    table.append(el('tr', {}, el('td', { textContent: String(i) }), el('td', {}, num(e.inputs[i], dIn)), el('td', { textContent: '×' }),
      el('td', {}, num(e.weights[i], dW)), el('td', { textContent: '=' }), product));
  }
  return [
    env?.classLabel ? el('p', { className: 'class-of', textContent: t('detail.classNeuron', { c: env.classLabel(e.neuron[0]) }) }) : null,
    el('p', { textContent: t('detail.largest', { n: e.largest.length }) }), table,
    el('p', { className: 'formula shown' }, `${t('detail.shownSum', { n: e.largest.length })} = `, num(e.shown_sum, ds)),
    e.rest_count ? el('p', { className: 'formula rest' }, `${t('detail.others', { n: e.rest_count, sum: '' }).trim()} `, num(e.rest_sum, ds)) : null,
    el('p', { className: 'formula total' }, num(e.shown_sum, ds), ' + ', num(e.rest_sum, ds), ` + ${t('detail.bias')} `, num(e.bias, ds),
      ' = ', el('strong', {}, num(e.sum, d)), ` → ${t('detail.output')} `, num(e.output, d)),
  ].filter(Boolean);
}

/** The input maps in a grid inside area [width, height] from (20, 40); height: what they take. */
function mapsLayout([C, H, W], [aw, ah]) {
  const cols = Math.ceil(Math.sqrt(C)) + (aw > 2 * ah ? 2 : 0); // a wide, short area: more maps a row
  const rows = Math.ceil(C / cols);
  const cell = Math.max(2, Math.floor(Math.min(aw / (cols * (W + 1)), ah / (rows * (H + 1)))));
  const origin = (c) => [20 + (c % cols) * (W + 1) * cell, 40 + Math.floor(c / cols) * (H + 1) * cell];
  return { cell, origin, height: rows * (H + 1) * cell,
    at: (c, y, x) => { const [ox, oy] = origin(c); return [ox + x * cell, oy + y * cell, cell]; } };
}

function stripLayout(n, [aw, ah]) {
  const cols = Math.min(20, n);
  const rows = Math.ceil(n / cols);
  const cell = Math.max(4, Math.floor(Math.min(aw / cols, ah / rows)));
  return { cell, cols, rows, origin: () => [20, 40], height: rows * cell, at: (c, y, x) => [20 + x * cell, 40 + y * cell, cell] };
}

function pad(values, n) {
  return values.concat(new Array(Math.max(0, n - values.length)).fill(0));
}
