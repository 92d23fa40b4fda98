// Section 5: the architecture calculator. A table of layers (presets or the learner's own edits);
// the server (POST /api/lab/architecture) computes every shape and count from shapes alone and
// flags the first layer that does not fit; this view draws the table and exports it as CSV.
import { call, getJSON, postJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { count, fmt } from '../lib/grid.js';
import { el, errorText, sectionStatus } from './util.js';

const KINDS = ['conv', 'maxpool', 'avgpool', 'relu', 'tanh', 'sigmoid', 'flatten', 'dense', 'softmax'];
const HYPER = { // kind -> [field, default, min, max]
  conv: [['filters', 8, 1, 65536], ['kernel', 3, 1, 64], ['stride', 1, 1, 64], ['padding', 0, 0, 64], ['dilation', 1, 1, 64]],
  maxpool: [['size', 2, 1, 64], ['stride', 2, 1, 64]],
  avgpool: [['size', 2, 1, 64], ['stride', 2, 1, 64]],
  dense: [['units', 10, 1, 65536]],
};
const PRESETS = ['vgg16', 'alexnet', 'lenet5', 'digits', 'fashion'];
const shapeText = (s) => (s ? s.join(' × ') : '—');

export function mountCalculator(els) {
  let presets = {};
  let spec = null; // {input_shape, layers}
  let result = null;
  let preset = 'vgg16';
  let seq = 0;
  let added = 0;
  let exportFailed = false; // the section's message is the export's (cleared by the next export)
  const report = sectionStatus(els.status, { results: [els.table, els.notes] });

  async function init() {
    presets = (await getJSON('/api/lab/presets')).presets;
    els.preset.replaceChildren(...[...PRESETS, 'custom'].map((p) => new Option(t(`calc.preset.${p}`), p)));
    load('vgg16');
  }

  function load(name) {
    preset = name;
    els.preset.value = name;
    spec = structuredClone(presets[name]);
    // the rows on screen are the last preset's until this one's answer comes: an edit there would
    // change a layer no longer in the list, and be lost
    els.table.inert = true;
    run();
  }

  const body = () => (preset !== 'custom' ? { preset } : { input_shape: spec.input_shape, layers: spec.layers });

  async function run() {
    const mine = ++seq;
    try {
      const r = await postJSON('/api/lab/architecture', body());
      if (mine !== seq) return;
      result = r;
      report.clear();
      render();
    } catch (error) {
      if (mine === seq) report.fail(error);
    } finally {
      if (mine === seq) els.table.inert = false;
    }
  }

  function edited() {
    preset = 'custom';
    els.preset.value = 'custom';
    run();
  }

  function number(value, min, max, onChange, label) {
    const input = el('input', { type: 'number', value: String(value), min: String(min), max: String(max), 'aria-label': label });
    input.addEventListener('change', () => { onChange(Number(input.value)); edited(); });
    return input;
  }

  function layerCells(layer, i) {
    const kind = el('select', { 'aria-label': t('calc.kind') }, ...KINDS.map((k) => new Option(t(`kind.${k}`), k)));
    kind.value = layer.kind;
    kind.addEventListener('change', () => {
      const name = layer.name;
      spec.layers[i] = { name, kind: kind.value, ...Object.fromEntries((HYPER[kind.value] || []).map(([f, d]) => [f, d])) };
      edited();
    });
    const hyper = el('span', { class: 'hyper' }, ...(HYPER[layer.kind] || []).map(([f, d, lo, hi]) => el('label', {},
      el('span', { text: t(`calc.h.${f}`) }), number(layer[f] ?? d, lo, hi, (v) => { layer[f] = v; }, t(`calc.h.${f}`)))));
    return [el('td', {}, kind), el('td', {}, hyper)];
  }

  function render() {
    const r = result;
    // results first, settings after them: on a laptop the numbers stay in view and the editor scrolls
    const head = el('tr', {}, ...['calc.col.layer', 'calc.col.output', 'calc.col.activations', 'calc.col.memory', 'calc.col.weights',
      'calc.col.biases', 'calc.col.macs', 'calc.col.rf', 'calc.col.kind', 'calc.col.hyper', ''].map((k) => el('th', { scope: 'col', text: k ? t(k) : '' })));
    const [c, h, w] = spec.input_shape;
    const inputRow = el('tr', { class: 'input-row' }, el('th', { scope: 'row', text: t('calc.input') }),
      el('td', { text: shapeText([c, h, w].filter((v) => v != null)) }), el('td', { 'data-col': 'activations', text: count(r.input_activations) }),
      el('td', { text: count(r.input_bytes) }), el('td', { text: '0' }), el('td', { text: '0' }), el('td', { text: '0' }),
      el('td', { text: '1 × 1' }), el('td', { text: t('kind.input') }),
      el('td', {}, el('span', { class: 'hyper' }, ...['C', 'H', 'W'].map((n, j) => el('label', {}, el('span', { text: n }),
        number(spec.input_shape[j], 1, 4096, (v) => { spec.input_shape[j] = v; }, `${t('calc.input')} ${n}`))))), el('td'));
    const rows = r.layers.map((row, i) => {
      const tr = el('tr', { 'data-layer': row.name || '' });
      const remove = el('button', { type: 'button', class: 'remove', text: '✕', 'aria-label': t('calc.remove', { name: row.name }),
        onclick: () => { spec.layers.splice(i, 1); edited(); } });
      if (row.error || row.unknown) {
        tr.classList.add(row.error ? 'invalid' : 'unknown');
        const reason = row.error ? errorText({ status: 422, code: row.error.code, params: row.error.params, message: row.error.message }) : t('calc.unknown');
        tr.append(el('th', { scope: 'row', text: row.name || '' }), el('td', { colspan: '7', class: 'reason', text: reason }), ...layerCells(spec.layers[i], i), el('td', {}, remove));
        return tr;
      }
      tr.append(el('th', { scope: 'row', text: row.name }),
        el('td', { 'data-col': 'output', text: shapeText(row.output_shape) }),
        el('td', { 'data-col': 'activations', class: row.counted ? '' : 'in-place', title: row.counted ? '' : t('calc.inPlace'), text: row.counted ? count(row.activations) : `(${count(row.activations)})` }),
        el('td', { 'data-col': 'bytes', text: count(row.bytes) }), el('td', { 'data-col': 'weights', text: count(row.weights) }),
        el('td', { 'data-col': 'biases', text: count(row.biases) }), el('td', { 'data-col': 'macs', text: count(row.macs) }),
        el('td', { 'data-col': 'rf', text: row.receptive_field ? shapeText(row.receptive_field) : '—' }),
        ...layerCells(spec.layers[i], i), el('td', {}, remove));
      return tr;
    });
    // a network with a layer that does not fit has no totals: the sums of the layers before it would
    // read as the network's (and "about 0 million numbers ≈ 0 MB" when the first layer is the one)
    const tt = r.totals;
    const sum = (key) => (r.error ? '—' : count(tt[key]));
    const total = el('tr', { class: 'total' }, el('th', { scope: 'row', text: t('calc.total') }), el('td'),
      el('td', { 'data-total': 'activations', text: sum('activations') }), el('td', { 'data-total': 'bytes', text: sum('bytes_forward') }),
      el('td', { 'data-total': 'weights', text: sum('weights') }), el('td', { 'data-total': 'biases', text: sum('biases') }),
      el('td', { 'data-total': 'macs', text: sum('macs') }), el('td'), el('td'), el('td'), el('td'));
    els.table.replaceChildren(el('thead', {}, head), el('tbody', {}, inputRow, ...rows), el('tfoot', {}, total));
    els.notes.replaceChildren(...(r.error ? [el('p', { class: 'error', 'data-note': 'error' }, t('calc.invalid', { name: r.error.layer }))]
      : totalNotes(r)));
  }

  function totalNotes(r) {
    const tt = r.totals;
    const notes = [
      el('p', { 'data-note': 'parameters' }, t('calc.parameters', { weights: count(tt.weights), biases: count(tt.biases), parameters: count(tt.parameters) })),
      el('p', { 'data-note': 'memory' }, t('calc.memory', { activations: count(tt.activations), millions: fmt(tt.activations_millions, 3), mb: fmt(tt.megabytes_forward, 3) })),
      el('p', { class: 'hint' }, t('calc.counting')),
    ];
    if (r.claims) notes.push(el('p', { class: 'claim', 'data-note': 'claim' }, t('calc.claim', {
      claimed: fmt(r.claims.millions, 3), mb: r.claims.megabytes, millions: fmt(tt.activations_millions, 3), actual: fmt(tt.megabytes_forward, 3) })));
    return notes;
  }

  /** The table as a CSV file; a refusal said by its code (e.g. a side over the server's bound), and
   *  "cannot reach the server" only when the request itself failed. */
  async function exportCsv() {
    let csv;
    try {
      csv = await call('/api/lab/architecture?format=csv', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body()) }, { blob: true });
    } catch (error) {
      exportFailed = true;
      report.fail(error, { keepResults: true }); // the table is as right (or as refused) as it was
      return;
    }
    if (exportFailed) report.clear({ keepResults: true });
    exportFailed = false;
    const url = URL.createObjectURL(csv);
    const a = el('a', { href: url, download: `${preset}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  els.preset.addEventListener('change', () => (els.preset.value === 'custom' ? edited() : load(els.preset.value)));
  els.add.addEventListener('click', () => {
    added += 1;
    spec.layers.push({ name: `new${added}`, kind: 'conv', filters: 8, kernel: 3, stride: 1, padding: 1, dilation: 1 });
    edited();
  });
  els.csv.addEventListener('click', exportCsv);
  return { init, relabel: () => { els.preset.replaceChildren(...[...PRESETS, 'custom'].map((p) => new Option(t(`calc.preset.${p}`), p))); els.preset.value = preset; if (result) render(); } };
}
