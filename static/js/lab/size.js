// Section 1: output size and the sliding window. The learner sets W, H, D, F, S, P, dilation, K;
// the server (POST /api/lab/shape) computes the formula, the output shape, every window position
// and the parameter counts; this view draws them and steps the window on the one clock.
import { postJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { count, fmt } from '../lib/grid.js';
import { COLORS, box, setupCanvas, text } from '../lib/stage.js';
import { el, errorText, numberField } from './util.js';

const W = 1000;
const H_MAX = 470;
const FIELDS = [ // name, catalog key, min, max
  ['width', 'size.w', 1, 4096], ['height', 'size.h', 1, 4096], ['channels', 'size.d', 1, 4096],
  ['kernel', 'size.f', 1, 64], ['stride', 'size.s', 1, 64], ['padding', 'size.p', 0, 64],
  ['dilation', 'size.dil', 1, 16], ['filters', 'size.k', 1, 4096],
];
const FIELD_LABELS = Object.fromEntries(FIELDS.map(([name, key]) => [name, key])); // a refusal's field -> its label
export const SIZE_PRESETS = {
  cs231n: { width: 7, height: 7, channels: 1, kernel: 3, stride: 1, padding: 0, dilation: 1, filters: 1 },
  stride2: { width: 7, height: 7, channels: 1, kernel: 3, stride: 2, padding: 0, dilation: 1, filters: 1 },
  invalid: { width: 10, height: 10, channels: 1, kernel: 3, stride: 2, padding: 0, dilation: 1, filters: 1 },
  same: { width: 5, height: 5, channels: 1, kernel: 3, stride: 1, padding: 1, dilation: 1, filters: 1 },
  dilated: { width: 9, height: 9, channels: 1, kernel: 3, stride: 1, padding: 0, dilation: 2, filters: 1 },
  alexnet: { width: 227, height: 227, channels: 3, kernel: 11, stride: 4, padding: 0, dilation: 1, filters: 96 },
};

export function mountSize(els, clock) {
  const settings = { ...SIZE_PRESETS.cs231n };
  let shape = null; // the server's answer
  let seq = 0;

  const widget = {
    steps: () => (shape ? shape.window.row_starts.length * shape.window.col_starts.length : 0),
    draw: (step) => draw(step),
  };
  const control = clock.mount(els.player, widget);

  function renderControls() {
    els.controls.replaceChildren(...FIELDS.map(([name, key, min, max]) => numberField(t(key), settings[name], {
      min, max, id: `size-${name}`, onChange: (v) => { settings[name] = v; update(); },
    })));
    els.presets.replaceChildren(...Object.keys(SIZE_PRESETS).map((name) => el('button', {
      type: 'button', text: t(`size.preset.${name}`), onclick: () => { Object.assign(settings, SIZE_PRESETS[name]); renderControls(); update(); },
    })));
  }

  /** One axis of the formula with its numbers, e.g. (10 - 3 + 0) / 2 + 1 = 4.5. */
  const axis = (f) => `(${f.size} − ${f.span} + ${f.double_padding}) / ${f.stride} + 1 = ${fmt(f.value, 3)}`;

  async function update() {
    const mine = ++seq;
    const body = { input_shape: [settings.channels, settings.height, settings.width], kernel: settings.kernel,
      stride: settings.stride, padding: settings.padding, dilation: settings.dilation, filters: settings.filters };
    try {
      const answer = await postJSON('/api/lab/shape', body);
      if (mine !== seq) return;
      shape = answer;
      els.problem.hidden = true;
      renderFormula();
      renderParams();
      control.reload(0);
    } catch (error) {
      if (mine !== seq) return;
      shape = null;
      renderProblem(error);
      control.reload(0);
      draw(0);
    }
  }

  function renderFormula() {
    const { rows, cols } = shape.formula;
    const [k, ho, wo] = shape.output_shape;
    els.formula.replaceChildren(
      el('span', { class: 'general', text: t('size.general') }), el('br'),
      el('span', { class: 'axis', 'data-axis': 'rows', text: t('labelled', { label: t('size.rows'), value: axis(rows) }) }), el('br'),
      el('span', { class: 'axis', 'data-axis': 'cols', text: t('labelled', { label: t('size.cols'), value: axis(cols) }) }), el('br'),
      el('strong', { 'data-output': '', text: t('size.output', { h: ho, w: wo, k }) }),
      shape.same_padding != null ? el('span', { class: 'hint same', text: ` ${t('size.same', { p: shape.same_padding, f: settings.kernel, d: settings.dilation })}` }) : null);
  }

  function renderProblem(error) {
    const p = error.params || {};
    els.formula.replaceChildren(el('span', { class: 'general', text: t('size.general') }));
    if (error.code !== 'shape.output_size') {
      els.problem.hidden = false;
      els.problem.replaceChildren(el('p', { text: errorText(error, { fields: FIELD_LABELS }) }));
      els.params.replaceChildren();
      return;
    }
    const f = { size: p.size, span: p.span, double_padding: 2 * p.pad, stride: p.stride, value: p.value };
    const choices = Object.entries(p.choices || {}).filter(([k]) => k !== 'same_padding');
    const apply = (name, v) => {
      if (name !== 'size') settings[name] = v;
      else for (const side of ['width', 'height']) if (settings[side] === p.size) settings[side] = v;
      renderControls();
      update();
    };
    const reason = p.case === 'does_not_fit' // no place at all for the window: not a rounding problem
      ? [el('p', { 'data-reason': p.case, text: errorText(error) })]
      : [el('p', { class: 'axis', 'data-axis': 'bad', text: axis(f) }),
        el('p', { 'data-reason': p.case, text: t('size.notWhole', { value: fmt(p.value, 3), stride: p.stride }) })];
    els.problem.hidden = false;
    els.problem.replaceChildren(...reason,
      el('p', {}, el('span', { text: t('size.choices') }), ...choices.map(([name, v]) => el('button', {
        type: 'button', class: 'choice', text: t(`size.choice.${name}`, { value: v }), onclick: () => apply(name, v),
      }))));
    els.params.replaceChildren();
  }

  function renderParams() {
    const p = shape.parameters;
    const [c, , ] = shape.input_shape;
    const f = settings.kernel;
    const row = (key, formula, value, attr) => [el('dt', { text: t(key) }), el('dd', { 'data-figure': attr },
      el('span', { class: 'work', text: formula }), el('strong', { text: count(value) }))];
    els.params.replaceChildren(
      ...row('size.neurons', `${shape.output_shape.join(' × ')} = `, p.neurons, 'neurons'),
      ...row('size.shared', `${settings.filters} × (${c}·${f}·${f} + 1) = ${settings.filters} × ${count(p.per_neuron)} = `, p.shared, 'shared'),
      ...row('size.unshared', `${count(p.neurons)} × ${count(p.per_neuron)} = `, p.unshared, 'unshared'),
      ...row('size.macs', '', shape.macs, 'macs'));
  }

  const position = el('p', { class: 'position', 'aria-live': 'polite' });
  els.canvas.after(position);

  function draw(step) {
    const narrow = els.canvas.parentElement.clientWidth < 640; // phones: output under the input
    const width = narrow ? 460 : W;
    if (!shape) {
      const ctx = setupCanvas(els.canvas, width, 120);
      ctx.clearRect(0, 0, width, 120);
      text(ctx, t('size.noOutput'), width / 2, 60, { align: 'center', color: COLORS.muted, size: 22 });
      position.textContent = '';
      return;
    }
    const [, h, w] = shape.input_shape;
    const p = settings.padding;
    const { row_starts: rs, col_starts: cs, offsets } = shape.window;
    const [, ho, wo] = shape.output_shape;
    const cell = Math.min(40, 420 / (Math.max(h, w) + 2 * p));
    const ocell = Math.min(40, 420 / Math.max(ho, wo));
    const x0 = 20;
    const y0 = 30;
    const inputH = (h + 2 * p) * cell;
    const [ox0, oy0] = narrow ? [x0, y0 + inputH + 40] : [540, y0];
    const height = Math.min(H_MAX * (narrow ? 2 : 1), (narrow ? oy0 + ho * ocell : y0 + Math.max(inputH, ho * ocell)) + 12);
    const ctx = setupCanvas(els.canvas, width, height);
    ctx.clearRect(0, 0, width, height);
    text(ctx, t('size.inputLabel', { h, w, p }), x0, 20, { size: 16, color: COLORS.muted });
    // input with its padding ring
    ctx.fillStyle = COLORS.pad;
    ctx.fillRect(x0, y0, (w + 2 * p) * cell, inputH);
    ctx.fillStyle = '#dbe8f6';
    ctx.fillRect(x0 + p * cell, y0 + p * cell, w * cell, h * cell);
    if (cell >= 6) {
      ctx.strokeStyle = COLORS.line;
      ctx.lineWidth = 1;
      for (let i = 0; i <= w + 2 * p; i++) ctx.strokeRect(x0 + i * cell, y0, 0, inputH);
      for (let i = 0; i <= h + 2 * p; i++) ctx.strokeRect(x0, y0 + i * cell, (w + 2 * p) * cell, 0);
    }
    // the kernel's footprint at this step: F x F cells (holes between them when dilated)
    const oy = Math.floor(step / wo);
    const ox = step % wo;
    ctx.fillStyle = 'rgba(232, 89, 12, 0.55)';
    for (const dy of offsets) for (const dx of offsets) {
      ctx.fillRect(x0 + (cs[ox] + dx + p) * cell, y0 + (rs[oy] + dy + p) * cell, cell, cell);
    }
    box(ctx, x0 + (cs[ox] + p) * cell, y0 + (rs[oy] + p) * cell, shape.window.span * cell, shape.window.span * cell, COLORS.hot, 2);
    // the output grid fills in
    text(ctx, t('size.outputLabel', { h: ho, w: wo }), ox0, oy0 - 10, { size: 16, color: COLORS.muted });
    const gap = ocell >= 6 ? 1 : 0;
    for (let i = 0; i < ho * wo; i++) {
      ctx.fillStyle = i < step ? '#9cc3e8' : i === step ? COLORS.hot : '#f1f3f5';
      ctx.fillRect(ox0 + (i % wo) * ocell, oy0 + Math.floor(i / wo) * ocell, ocell - gap, ocell - gap);
    }
    position.textContent = t('size.position', { row: oy, col: ox, y: rs[oy], x: cs[ox] });
  }

  renderControls();
  update();
  return { relabel: () => { renderControls(); if (shape) { renderFormula(); renderParams(); } draw(widget.step); }, set: (name) => { Object.assign(settings, SIZE_PRESETS[name]); renderControls(); return update(); } };
}
