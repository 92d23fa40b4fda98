// ReLU, tanh and the sigmoid on the real feature map, one row per step: each value
// goes through the function, drawn beside it with this row's points.
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { el, formula, num } from '../lib/dom.js';
import { decimalsFor, fixed } from '../lib/numbers.js';
import { COLORS, MIN_TEXT, STAGE_H, STAGE_W, TALL_W, box, drawMap, mapImage, text } from '../lib/stage.js';

// The curve drawn on the stage (a picture of the function, not the page's arithmetic:
// every value shown comes from the server).
const CURVES = { relu: (x) => Math.max(0, x), tanh: Math.tanh, sigmoid: (x) => 1 / (1 + Math.exp(-x)) };
const VECTOR_COLS = 20;

export const channels = (spec) => (spec.output_shape.length === 3 ? spec.output_shape[0] : 0);

export function field(spec, neuron) {
  return neuron.length === 3
    ? { channels: [neuron[0]], all: false, rows: [neuron[1], neuron[1]], cols: [neuron[2], neuron[2]] }
    : { channels: 'all', all: false, index: neuron[0] };
}

const formulaText = (kind, x, y, d) => (kind === 'relu'
  ? `max(0, ${fixed(x, d)}) = ${fixed(y, d)}` : `${kind}(${fixed(x, d)}) = ${fixed(y, d)}`);

export function animation(data, env = {}) {
  const isMap = Array.isArray(data.input[0]);
  const flatIn = isMap ? data.input.flat() : data.input;
  const flatOut = isMap ? data.output.flat() : data.output;
  const cols = isMap ? data.input[0].length : Math.min(VECTOR_COLS, flatIn.length);
  const rows = Math.ceil(flatIn.length / cols);
  const lo = Math.min(...flatIn), hi = Math.max(...flatIn);
  const inImg = mapImage(padded(flatIn, rows * cols), rows, cols, scaleFor(lo, hi).color);
  const outImg = mapImage(padded(flatOut, rows * cols), rows, cols, scaleFor(Math.min(...flatOut), Math.max(...flatOut)).color);
  // wide: maps above, the curve and this row's values side by side below; tall (a phone): one under another
  const tall = env.layout === 'tall';
  const cell = Math.max(2, Math.floor(tall ? Math.min(170 / rows, 170 / cols) : Math.min(300 / rows, 400 / cols)));
  const outX = tall ? 210 : 520;
  const graph = tall ? [20, 40 + rows * cell + 30, 360, 150] : [20, 370, 360, 190]; // x, y, width, height
  const list = tall ? [20, graph[1] + graph[3] + 36, 190] : [420, 360, 270]; // x, heading y, column width
  const dims = tall ? [TALL_W, list[1] + 30 + 5 * 30 + 36] : [STAGE_W, STAGE_H];
  const f = CURVES[data.kind];
  const rowOf = (step) => ({ x: flatIn.slice(step * cols, (step + 1) * cols), y: flatOut.slice(step * cols, (step + 1) * cols) });

  function draw(ctx, step) {
    const where = data.channel != null && isMap ? ` [${data.channel}]` : '';
    text(ctx, t('anim.input', { layer: `${data.input_layer ?? t('net.input')}${where}` }), 20, 26, { size: MIN_TEXT, weight: 600, maxWidth: outX - 30 });
    drawMap(ctx, inImg, 20, 40, cell);
    box(ctx, 20, 40 + step * cell, cols * cell, cell);
    text(ctx, data.channel != null && isMap ? t('anim.output', { layer: data.layer, c: data.channel }) : t('anim.outputPlain', { layer: data.layer }), outX, 26, { size: MIN_TEXT, weight: 600, maxWidth: dims[0] - outX - 10 });
    drawMap(ctx, outImg, outX, 40, cell, Math.min(flatOut.length, (step + 1) * cols));
    box(ctx, outX, 40 + step * cell, cols * cell, cell);

    const [gx, gy, gw, gh] = graph;
    const xmin = Math.min(lo, -1), xmax = Math.max(hi, 1);
    const ys = [f(xmin), f(xmax), 0, 1].concat(data.kind === 'tanh' ? [-1] : []);
    const ymin = Math.min(...ys), ymax = Math.max(...ys);
    const X = (v) => gx + ((v - xmin) / (xmax - xmin)) * gw;
    const Y = (v) => gy + gh - ((v - ymin) / (ymax - ymin)) * gh;
    ctx.strokeStyle = COLORS.line;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(gx, Y(0)); ctx.lineTo(gx + gw, Y(0));
    ctx.moveTo(X(0), gy); ctx.lineTo(X(0), gy + gh);
    ctx.stroke();
    ctx.strokeStyle = COLORS.accent;
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (let i = 0; i <= 100; i++) {
      const v = xmin + ((xmax - xmin) * i) / 100;
      if (i) ctx.lineTo(X(v), Y(f(v))); else ctx.moveTo(X(v), Y(f(v)));
    }
    ctx.stroke();
    const { x: row, y: out } = rowOf(step);
    ctx.fillStyle = COLORS.hot;
    row.forEach((v, i) => {
      ctx.beginPath();
      ctx.arc(X(v), Y(out[i]), 4, 0, 2 * Math.PI);
      ctx.fill();
    });
    text(ctx, data.kind === 'relu' ? 'max(0, x)' : `${data.kind}(x)`, gx + 4, gy + 14, { size: MIN_TEXT, color: COLORS.accent, weight: 600 });

    const d = decimalsFor([...row, ...out], 3);
    const [lx, ly, lw] = list;
    text(ctx, t('anim.row', { r: step }), lx, ly, { size: MIN_TEXT, weight: 600 });
    row.slice(0, 10).forEach((v, i) => {
      const changed = out[i] !== v;
      text(ctx, `${fixed(v, d)} → ${fixed(out[i], d)}`, lx + Math.floor(i / 5) * lw, ly + 30 + (i % 5) * 30,
        { size: MIN_TEXT, color: changed ? COLORS.hot : COLORS.ink, weight: changed ? 700 : 400 });
    });
    if (row.length > 10) text(ctx, t('anim.more', { n: row.length - 10 }), lx, ly + 30 + 5 * 30 + 8, { size: MIN_TEXT, color: COLORS.muted, maxWidth: dims[0] - lx - 10 });
  }

  function describe(step) {
    const { x: row } = rowOf(step);
    const negatives = row.filter((v) => v < 0).length;
    return t(data.kind === 'relu' ? 'anim.reluStep' : 'anim.actStep', { layer: data.layer, r: step, n: negatives, f: data.kind });
  }

  const stepOf = (neuron) => (neuron.length === 3 ? neuron[1] : Math.floor(neuron[0] / cols));
  const strongest = () => Math.floor(flatOut.indexOf(Math.max(...flatOut)) / cols);
  return { steps: rows, size: dims, draw, describe, stepOf, strongest, story: () => [strongest()] };
}

export function explain(e) {
  const d = decimalsFor([e.input, e.output]);
  const head = e.kind === 'relu' ? 'max(0, ' : `${e.kind}(`;
  return [formula(head, num(e.input, d), ') = ', el('strong', {}, num(e.output, d))),
    el('p', { className: 'hint', textContent: t(`detail.${e.kind}`) })];
}

function padded(values, n) {
  return values.length >= n ? values : values.concat(new Array(n - values.length).fill(0));
}
