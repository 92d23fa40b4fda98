// Section 4: im2col. One conv layer of the real network on the chosen input as one matrix multiply,
// computed by the server (POST /api/models/<id>/im2col): X_col, W_row, their product and the product
// reshaped, which equals the layer's output in the explorer. Sizes spelled out, with AlexNet's.
import { postJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { decodeArray } from '../lib/f16.js';
import { count, fmt } from '../lib/grid.js';
import { mapImage, setupCanvas } from '../lib/stage.js';
import { el, sectionStatus } from './util.js';

/** A matrix (rows x cols, flat data) as a heatmap canvas at most maxWidth logical pixels wide. */
function matrix(data, rows, cols, { maxWidth = 900, maxHeight = 320 } = {}) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const scale = scaleFor(lo, hi);
  // cells may be taller than wide, so a 25 x 784 matrix stays visible as a band, not a hairline
  const cw = Math.max(0.25, Math.min(8, maxWidth / cols, maxHeight / rows));
  const ch = Math.max(cw, Math.min(8, maxHeight / rows));
  const canvas = el('canvas', { class: 'matrix' });
  const [w, h] = [Math.ceil(cols * cw), Math.ceil(rows * ch)];
  const ctx = setupCanvas(canvas, w, h);
  ctx.drawImage(mapImage(data, rows, cols, scale.color), 0, 0, cols * cw, rows * ch);
  canvas.style.width = `min(100%, ${w / 16}rem)`;
  return canvas;
}

export function mountIm2col(els, net, alexnet) {
  let seq = 0;
  const report = sectionStatus(els.status, { results: [els.body] });
  async function run() {
    if (!net.pixels) return;
    const mine = ++seq;
    try {
      const r = await postJSON(`/api/models/${net.model.id}/im2col`, { pixels: net.pixels, layer: els.layer.value });
      if (mine !== seq) return;
      report.clear();
      render(r);
    } catch (error) {
      if (mine === seq) report.fail(error);
    }
  }

  function render(r) {
    const s = r.shapes;
    const [c, h, w] = s.input;
    const [k, ho, wo] = s.output;
    const f = r.kernel;
    const x = decodeArray(r.x_col).data;
    const wr = decodeArray(r.w_row).data;
    const prod = decodeArray(r.product).data;
    const size = (a) => `${a[0]} × ${a[1]}`;
    const figure = (key, params, canvas, attr) => el('figure', { 'data-matrix': attr }, el('figcaption', { text: t(key, params) }), canvas);
    const reshaped = decodeArray(r.reshaped);
    const maps = el('div', { class: 'maps' }, ...Array.from({ length: k }, (_, i) => matrix(reshaped.data.subarray(i * ho * wo, (i + 1) * ho * wo), ho, wo, { maxWidth: 84, maxHeight: 84 })));
    els.body.replaceChildren(
      el('ol', { class: 'im2col-steps' },
        el('li', { 'data-size': 'x_col' }, t('im2col.xcol', { rows: s.x_col[0], cols: count(s.x_col[1]), c, f, ho, wo })),
        el('li', { 'data-size': 'w_row' }, t('im2col.wrow', { rows: s.w_row[0], cols: s.w_row[1], k, c, f })),
        el('li', { 'data-size': 'product' }, t('im2col.product', { wrow: size(s.w_row), xcol: `${s.x_col[0]} × ${count(s.x_col[1])}`, rows: s.product[0], cols: count(s.product[1]), k, ho, wo })),
        el('li', { 'data-equal': '' }, t('im2col.equal', { diff: fmt(r.max_difference, 3) }))),
      figure('im2col.wrowFig', { size: size(s.w_row) }, matrix(wr, ...s.w_row), 'w_row'),
      figure('im2col.xcolFig', { size: `${s.x_col[0]} × ${count(s.x_col[1])}` }, matrix(x, ...s.x_col), 'x_col'),
      figure('im2col.productFig', { size: `${s.product[0]} × ${count(s.product[1])}` }, matrix(prod, ...s.product, { maxHeight: 160 }), 'product'),
      figure('im2col.reshapedFig', { k, ho, wo }, maps, 'reshaped'),
      el('p', { class: 'cost', 'data-cost': '' }, t('im2col.cost', {
        input: count(r.copies.input_values), xcol: count(r.copies.x_col_values), times: fmt(r.copies.ratio, 2) })),
      el('p', { class: 'alexnet', 'data-alexnet': '' }, t('im2col.alexnet', alexnet)));
  }

  els.layer.addEventListener('change', run);
  return {
    setLayers(convs) { els.layer.replaceChildren(...convs.map((n) => new Option(n, n))); },
    run,
  };
}
