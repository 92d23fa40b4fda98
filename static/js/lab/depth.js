// Section 2: depth — CS231n's demo. A 5 x 5 x 3 input padded to 7 x 7 x 3, two 3 x 3 x 3 filters with
// biases, stride 2 -> 3 x 3 x 2. The server convolves (POST /api/lab/convolve) and sends every step:
// each channel's products and partial sum, the bias and the value; this view draws them on the clock.
import { getJSON, postJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { fmt } from '../lib/grid.js';
import { COLORS, numberGrid, setupCanvas, text } from '../lib/stage.js';
import { el, sectionStatus } from './util.js';

const W = 1000;
const H = 330;
const signed = (v) => (v < 0 ? `(${fmt(v, 2)})` : fmt(v, 2));
// the request's fields as a refusal names them -> the editor's labels
const FIELD_LABELS = { input: 'depth.field.input', kernel: 'depth.field.filters', bias: 'depth.biases',
  channels: 'depth.field.channels', side: 'depth.field.side', kernel_size: 'depth.field.kernelSize' };

/** "1 2 0\n0 1 1" blocks separated by blank lines -> nested arrays; null if not numbers. */
export function parseBlocks(textValue) {
  const blocks = textValue.trim().split(/\n\s*\n/).map((b) => b.trim().split('\n').map((line) => line.trim().split(/[\s,]+/).map(Number)));
  return blocks.flat(2).every(Number.isFinite) ? blocks : null;
}
const formatBlocks = (blocks) => blocks.map((b) => b.map((row) => row.join(' ')).join('\n')).join('\n\n');

export function mountDepth(els, clock) {
  let seed = 0;
  let request = null; // {input, kernel, bias, stride, padding}
  let result = null;
  const widget = { steps: () => result?.steps.length ?? 0, draw: (step) => draw(step) };
  const control = clock.mount(els.player, widget);
  const report = sectionStatus(els.status, { results: [els.canvas, els.sum], fields: FIELD_LABELS });

  async function run(body) {
    try {
      result = await postJSON('/api/lab/convolve', body);
      request = body;
      report.clear();
      fillEditor();
      control.reload(0);
    } catch (error) {
      report.fail(error);
    }
  }

  async function random() {
    try {
      const ex = await getJSON(`/api/lab/examples?seed=${seed}`);
      const { input, kernel, bias, stride, padding, dilation } = ex.demo;
      await run({ input, kernel, bias, stride, padding, dilation });
    } catch (error) {
      report.fail(error);
    }
  }

  function fillEditor() {
    const area = (key, value, rows) => el('label', { class: 'block' }, el('span', { text: t(key) }),
      el('textarea', { rows: String(rows), spellcheck: 'false', 'data-field': key, value }));
    els.fields.replaceChildren(
      area('depth.input', formatBlocks(request.input), 17),
      ...request.kernel.map((k, i) => area(`depth.filter${i}`, formatBlocks(k), 11)),
      area('depth.biases', request.bias.join(' '), 1));
  }

  function applyEdits() {
    const fields = [...els.fields.querySelectorAll('textarea')].map((a) => a.value);
    const input = parseBlocks(fields[0]);
    const kernel = fields.slice(1, -1).map(parseBlocks);
    const bias = fields.at(-1).trim().split(/[\s,]+/).map(Number);
    if (!input || kernel.some((k) => !k) || !bias.every(Number.isFinite)) {
      report.say(t('depth.badNumbers'));
      return;
    }
    run({ ...request, input, kernel, bias });
  }

  function draw(step) {
    if (!result) return;
    const narrow = els.canvas.parentElement.clientWidth < 640; // phones: one row per channel
    const s = result.steps[step];
    const p = request.padding;
    const [c, h, w] = result.input_shape;
    const cell = narrow ? 30 : 27;
    const side = (w + 2 * p) * cell;
    const [k, ho, wo] = result.output_shape;
    const ocell = 38;
    const width = narrow ? side + 3 * cell + 50 : W;
    const outY = narrow ? 32 + c * (side + 34) + 20 : 200;
    const height = narrow ? outY + ho * ocell + 10 : H;
    const ctx = setupCanvas(els.canvas, width, height);
    ctx.clearRect(0, 0, width, height);
    const padded = (ch) => Array.from({ length: h + 2 * p }, (_, y) => Array.from({ length: w + 2 * p }, (_, x) => {
      const yy = y - p;
      const xx = x - p;
      return yy >= 0 && yy < h && xx >= 0 && xx < w ? result.input[ch][yy][xx] : 0;
    }));
    const inWin = (y, x) => s.rows.includes(y - p) && s.cols.includes(x - p);
    const filter = request.kernel[s.filter];
    for (let ch = 0; ch < c; ch++) {
      const [x0, y0] = narrow ? [10, 32 + ch * (side + 34)] : [10 + ch * (side + 20), 32];
      text(ctx, t('depth.channel', { c: ch }), x0, y0 - 10, { size: 15, color: COLORS.muted });
      numberGrid(ctx, padded(ch), x0, y0, cell, cell, {
        size: 13, mark: (y, x) => (inWin(y, x) ? 'win' : (y < p || x < p || y >= h + p || x >= w + p) ? 'pad' : ''),
      });
      if (narrow) numberGrid(ctx, filter[ch], x0 + side + 30, y0, cell, cell, { size: 13 });
    }
    const fx = narrow ? 10 + side + 30 : 640;
    text(ctx, t('depth.filterN', { k: s.filter }), fx, 22, { size: 15, color: COLORS.muted });
    if (!narrow) filter.forEach((kk, ch) => numberGrid(ctx, kk, fx + ch * 115, 32, cell, cell, { size: 13 }));
    text(ctx, t('depth.biasN', { k: s.filter, b: fmt(s.bias, 2) }), narrow ? 10 : fx, narrow ? outY - 26 : 140, { size: 15 });
    for (let f = 0; f < k; f++) {
      const x0 = (narrow ? 10 : fx) + f * (wo * ocell + 30);
      text(ctx, t('depth.outputN', { k: f }), x0, outY - 10, { size: 15, color: COLORS.muted });
      const index = (y, x) => f * ho * wo + y * wo + x;
      const filled = result.output[f].map((row, y) => row.map((v, x) => (index(y, x) <= step ? v : ''))); // the output fills in
      numberGrid(ctx, filled, x0, outY, ocell, ocell, { size: 15, mark: (y, x) => (index(y, x) === step ? 'win' : index(y, x) > step ? 'pad' : '') });
    }
    drawSums(s);
  }

  function drawSums(s) {
    const lines = s.products.map((ch, i) => {
      const terms = ch.flatMap((row, y) => row.map((_, x) => `${signed(s.patch[i][y][x])}·${signed(request.kernel[s.filter][i][y][x])}`));
      return el('li', { 'data-channel': String(i) }, t('depth.channelSum', { c: i, terms: terms.join(' + ') }), el('strong', { text: fmt(s.channel_sums[i], 3) }));
    });
    const total = el('li', { class: 'total', 'data-total': '' },
      `${s.channel_sums.map(signed).join(' + ')} + ${t('depth.bias')} ${signed(s.bias)} = `, el('strong', { text: fmt(s.value, 3) }),
      ` → ${t('depth.at', { k: s.filter, row: s.row, col: s.col })}`);
    els.sum.replaceChildren(el('ol', { class: 'sums by-channel' }, ...lines, total)); // named by channel index, not numbered
  }

  els.random.addEventListener('click', () => { seed += 1; random(); });
  els.apply.addEventListener('click', applyEdits);
  random();
  return { relabel: () => { if (request) fillEditor(); draw(widget.step); } };
}
