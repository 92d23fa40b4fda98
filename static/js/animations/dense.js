// A fully connected unit: inputs x weights, largest contributions first, then
// the rest, the bias, the sum and the activation that follows.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { fmt } from '../lib/grid.js';
import { COLORS, box, drawMap, mapImage, text } from '../lib/stage.js';

const TOP = 10; // as many as the explain endpoint lists as "largest"

export function create(data, env) {
  const n = data.inputs.length;
  const top = Math.min(TOP, n);
  const rest = n > top ? 1 : 0;
  const steps = top + rest + 1 + (data.activation ? 1 : 0);
  const scale = scaleFor(Math.min(...data.inputs), Math.max(...data.inputs));
  const shape = data.unflattened_shape; // the maps these inputs were flattened from, if any
  const layout = shape ? mapsLayout(shape) : stripLayout(n);
  const images = shape
    ? Array.from({ length: shape[0] }, (_, c) => mapImage(data.inputs.slice(c * shape[1] * shape[2], (c + 1) * shape[1] * shape[2]), shape[1], shape[2], scale.color))
    : [mapImage(pad(data.inputs, layout.rows * layout.cols), layout.rows, layout.cols, scale.color)];
  const running = [];
  let acc = 0;
  for (let i = 0; i < top; i++) running.push((acc += data.products[data.order[i]]));
  const restSum = data.products.reduce((a, b) => a + b, 0) - acc;

  function cellOf(i) {
    if (!shape) return layout.at(0, Math.floor(i / layout.cols), i % layout.cols);
    const hw = shape[1] * shape[2];
    return layout.at(Math.floor(i / hw), Math.floor((i % hw) / shape[2]), i % shape[2]);
  }

  function draw(ctx, step) {
    text(ctx, t('anim.input', { layer: data.input_layer ?? t('net.input') }), 20, 26, { size: 16, weight: 600 });
    images.forEach((img, c) => {
      const [x, y] = layout.origin(c);
      drawMap(ctx, img, x, y, layout.cell);
    });
    for (let i = 0; i < Math.min(step + 1, top); i++) {
      const [x, y, s] = cellOf(data.order[i]);
      box(ctx, x - 1, y - 1, s + 2, s + 2, i === step ? COLORS.hot : COLORS.accent, i === step ? 3 : 1.5);
    }
    const label = env.classLabel && data.output_shape[0] <= 20 ? ` (${env.classLabel(data.channel)})` : '';
    text(ctx, t('anim.unit', { layer: data.layer, i: data.channel }) + label, 520, 26, { size: 16, weight: 600 });
    text(ctx, `#   ${t('detail.input')} × ${t('detail.weight')} = ${t('detail.product')}`, 520, 56, { size: 13, color: COLORS.muted });
    const shown = Math.min(step + 1, top);
    const first = Math.max(0, shown - 12);
    for (let i = first; i < shown; i++) {
      const j = data.order[i];
      text(ctx, `${j}`, 520, 82 + (i - first) * 24, { size: 14, color: COLORS.muted });
      text(ctx, `${fmt(data.inputs[j])} × ${fmt(data.weights[j])} = ${fmt(data.products[j])}`, 570, 82 + (i - first) * 24,
        { size: 15, weight: i === step ? 700 : 400, color: i === step ? COLORS.hot : COLORS.ink });
    }
    const lines = [];
    lines.push(`Σ ${fmt(step < top ? running[step] : acc)}`);
    if (step >= top && rest) lines.push(t('detail.others', { n: n - top, sum: fmt(restSum) }));
    if (step >= top + rest) lines.push(`+ ${t('detail.bias')} ${fmt(data.bias)} = ${fmt(data.sum)}`);
    if (data.activation && step >= top + rest + 1) {
      const f = data.activation.kind === 'relu' ? `max(0, ${fmt(data.sum)})` : `${data.activation.kind}(${fmt(data.sum)})`;
      lines.push(`${data.activation.layer}: ${f} = ${fmt(data.activation.output)}`);
    }
    lines.forEach((line, i) => text(ctx, line, 520, 400 + i * 30, {
      size: 18, weight: i === lines.length - 1 ? 700 : 400, color: i === lines.length - 1 ? COLORS.accent : COLORS.ink }));
  }

  function describe(step) {
    if (step < top) return t('anim.denseStep', { k: step + 1, i: data.order[step], v: fmt(data.products[data.order[step]]), s: fmt(running[step]) });
    return t('anim.denseDone', { layer: data.layer, i: data.channel, v: fmt(data.sum) });
  }

  return { steps, draw, describe };
}

function mapsLayout([C, H, W]) {
  const cols = Math.ceil(Math.sqrt(C));
  const cell = Math.max(3, Math.floor(Math.min(440 / (cols * (W + 1)), 480 / (Math.ceil(C / cols) * (H + 1)))));
  const origin = (c) => [20 + (c % cols) * (W + 1) * cell, 40 + Math.floor(c / cols) * (H + 1) * cell];
  return { cell, origin, at: (c, y, x) => { const [ox, oy] = origin(c); return [ox + x * cell, oy + y * cell, cell]; } };
}

function stripLayout(n) {
  const cols = Math.min(20, n);
  const rows = Math.ceil(n / cols);
  const cell = Math.max(4, Math.floor(Math.min(440 / cols, 480 / rows)));
  return { cell, cols, rows, origin: () => [20, 40], at: (c, y, x) => [20 + x * cell, 40 + y * cell, cell] };
}

function pad(values, n) {
  return values.concat(new Array(Math.max(0, n - values.length)).fill(0));
}
