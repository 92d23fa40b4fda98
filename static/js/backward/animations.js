// Backward animations, one per layer kind, mirroring the forward ones: the gradient flows from a
// layer's output (right) back to its input (left). Each is { steps(f), draw(ctx, f, step), describe(f, step) }
// over the frames /backward/animate sent; they only draw those numbers.
import { t } from '../core/i18n.js';
import { diverging, sequential } from '../lib/colors.js';
import { vectorColumns } from '../lib/geometry.js';
import { sig as fmt } from './format.js';
import { COLORS, MIN_TEXT, box, drawMap, mapImage, numberGrid, text } from '../lib/stage.js';

const limitOf = (rows) => Math.max(1e-30, ...rows.flat(Infinity).map(Math.abs));
const signed = (values) => { const l = limitOf(values); return (v) => diverging(v, l); };
const positive = (values) => { const m = Math.max(1e-30, ...values.flat(Infinity)); return (v) => sequential(v, m); };
const cellFor = (size, room) => Math.max(2, Math.min(24, Math.floor(room / size)));

function labelled(ctx, title, image, x, y, cell) {
  text(ctx, title, x, y - 10, { size: MIN_TEXT, weight: 600 });
  drawMap(ctx, image, x, y, cell);
}

/** Grey out every cell of a map except those where keep(y, x). */
function veil(ctx, rows, cols, x, y, cell, keep) {
  ctx.fillStyle = 'rgba(230, 230, 230, 0.92)';
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (!keep(r, c)) ctx.fillRect(x + c * cell, y + r * cell, cell, cell);
}

const conv = {
  steps: (f) => f.dout.length * f.dout[0].length,
  draw(ctx, f, step) {
    const [ho, wo] = [f.dout.length, f.dout[0].length];
    const oy = Math.floor(step / wo), ox = step % wo;
    const h = f.input.length, w = f.input[0].length;
    const ci = cellFor(Math.max(h, w), 300), co = cellFor(Math.max(ho, wo), 260);
    labelled(ctx, t('bw.anim.input', { c: f.focus }), mapImage(f.input, h, w, positive(f.input)), 20, 60, ci);
    const span = f.dilation * (f.kernel - 1) + 1;
    box(ctx, 20 + (ox * f.stride - f.padding) * ci, 60 + (oy * f.stride - f.padding) * ci, span * ci, span * ci);
    labelled(ctx, t('bw.anim.dout', { f: f.channel }), mapImage(f.dout, ho, wo, signed(f.dout)), 360, 60, co);
    box(ctx, 360 + ox * co, 60 + oy * co, co, co);
    const k = f.kernel;
    text(ctx, t('bw.anim.accumulated'), 660, 50, { size: MIN_TEXT, weight: 600 });
    const cw = Math.min(64, Math.floor(320 / k)), ch = Math.max(MIN_TEXT + 8, Math.min(40, cw)); // letters narrow to fit
    numberGrid(ctx, f.accumulated[step], 660, 60, cw, ch, { color: signed(f.weight_gradient), size: MIN_TEXT });
    text(ctx, `${t('bw.anim.biasSoFar')} ${fmt(f.bias_running[step])}`, 660, 84 + k * ch, { size: MIN_TEXT });
  },
  describe: (f, step) => {
    const wo = f.dout[0].length;
    return t('bw.anim.conv', { y: Math.floor(step / wo), x: step % wo, g: fmt(f.dout[Math.floor(step / wo)][step % wo]) });
  },
};

function pool(kind) {
  return {
    steps: (f) => f.dout.length * f.dout[0].length,
    draw(ctx, f, step) {
      const [ho, wo] = [f.dout.length, f.dout[0].length];
      const oy = Math.floor(step / wo), ox = step % wo;
      const h = f.input.length, w = f.input[0].length;
      const ci = cellFor(Math.max(h, w), 280), co = cellFor(Math.max(ho, wo), 200);
      labelled(ctx, t('bw.anim.layerInput'), mapImage(f.input, h, w, positive(f.input)), 20, 60, ci);
      box(ctx, 20 + ox * f.stride * ci, 60 + oy * f.stride * ci, f.size * ci, f.size * ci);
      if (kind === 'maxpool') {
        const [r, c] = f.winners[oy][ox];
        box(ctx, 20 + (ox * f.stride + c) * ci + 2, 60 + (oy * f.stride + r) * ci + 2, ci - 4, ci - 4, COLORS.accent, 3);
      }
      labelled(ctx, t('bw.anim.doutPool'), mapImage(f.dout, ho, wo, signed(f.dout)), 340, 60, co);
      box(ctx, 340 + ox * co, 60 + oy * co, co, co);
      labelled(ctx, t('bw.anim.dx'), mapImage(f.dx, h, w, signed(f.dx)), 600, 60, ci);
      const done = (r, c) => Math.floor(r / f.stride) * wo + Math.floor(c / f.stride) <= step;
      veil(ctx, h, w, 600, 60, ci, done);
    },
    describe: (f, step) => {
      const wo = f.dout[0].length;
      const [oy, ox] = [Math.floor(step / wo), step % wo];
      return kind === 'maxpool' ? t('bw.anim.maxpool', { g: fmt(f.dout[oy][ox]) })
        : t('bw.anim.avgpool', { g: fmt(f.dout[oy][ox]), n: f.size * f.size, s: fmt(f.shares[oy][ox]) });
    },
  };
}

/** A map as it is, or a vector wrapped into rows as the network view draws it. */
function asRows(v) {
  if (Array.isArray(v[0])) return v;
  const cols = vectorColumns(v.length);
  const padded = [...v, ...Array((cols - (v.length % cols)) % cols).fill(0)]; // a short last row reads as 0
  return Array.from({ length: padded.length / cols }, (_, r) => padded.slice(r * cols, (r + 1) * cols));
}

const elementwise = {
  steps: (f) => asRows(f.dout).length,
  draw(ctx, f, step) {
    const dout = asRows(f.dout), local = asRows(f.local), dx = asRows(f.dx);
    const h = dout.length, w = dout[0].length;
    const cell = cellFor(Math.max(h, w), 280);
    labelled(ctx, t('bw.anim.doutAct'), mapImage(dout, h, w, signed(dout)), 20, 60, cell);
    labelled(ctx, t('bw.anim.local'), mapImage(local, h, w, positive(local)), 340, 60, cell);
    labelled(ctx, t('bw.anim.dx'), mapImage(dx, h, w, signed(dx)), 660, 60, cell);
    veil(ctx, h, w, 660, 60, cell, (r) => r <= step);
    for (const x of [20, 340, 660]) box(ctx, x, 60 + step * cell, w * cell, cell, COLORS.hot, 2);
  },
  describe: (f) => t(`bw.anim.${f.kind}`),
};

const dense = {
  steps: (f) => f.largest.length,
  draw(ctx, f, step) {
    text(ctx, t('bw.anim.denseHead', { i: f.channel, g: fmt(f.dout_unit) }), 20, 40, { size: MIN_TEXT, weight: 600 });
    f.largest.slice(0, step + 1).forEach((j, r) => {
      text(ctx, `∂L/∂W[${f.channel}, ${j}] = ${fmt(f.dout_unit)} × ${fmt(f.input[j])} = ${fmt(f.weight_gradient[j])}`,
        40, 90 + r * 44, { size: 18, color: r === step ? COLORS.hot : COLORS.ink });
    });
  },
  describe: (f) => t('bw.anim.dense', { g: fmt(f.dout_unit), b: fmt(f.bias_gradient) }),
};

const softmax = {
  steps: (f) => f.probabilities.length,
  draw(ctx, f, step) {
    text(ctx, t('bw.anim.softmaxHead'), 20, 40, { size: MIN_TEXT, weight: 600 });
    f.probabilities.slice(0, step + 1).forEach((pk, k) => {
      text(ctx, `${k}: p = ${fmt(pk)}   ∂L/∂p = ${fmt(f.dout[k])}   ∂L/∂z = ${fmt(f.dx[k])}`, 40, 80 + k * 44,
        { size: 18, color: k === step ? COLORS.hot : COLORS.ink });
    });
  },
  describe: (f) => t(f.loss === 'cross_entropy' ? 'bw.anim.softmaxCe' : 'bw.anim.softmaxSe'),
};

const flatten = {
  steps: () => 1,
  draw(ctx, f) { text(ctx, t('bw.anim.flatten', { shape: f.input_shape.join(' × ') }), 20, 60, { size: 18 }); },
  describe: () => t('bw.anim.flattenWhat'),
};

export const ANIMATIONS = { conv, maxpool: pool('maxpool'), avgpool: pool('avgpool'), relu: elementwise,
  tanh: elementwise, sigmoid: elementwise, dense, softmax, flatten };
