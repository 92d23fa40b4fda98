// Gradient maps: d loss / d every layer's output and every parameter, drawn like the activations
// but always on the diverging scale around zero (orange: raising this value raises the loss;
// purple: raising it lowers the loss). Click a value for its arithmetic.
import { t } from '../core/i18n.js';
import { diverging, legendGradient } from '../lib/colors.js';
import { decodeArray } from '../lib/f16.js';
import { cellAt, vectorColumns } from '../lib/geometry.js';
import { paint } from '../lib/grid.js';
import { sig as fmt } from './format.js';
import { el } from './arithmetic.js';

const MAX_CHANNELS_PER_FILTER = 8;
const MAX_DENSE_PX = 240; // a dense weight matrix at most this wide (CSS px) before it shrinks to 1 px a weight

function legend(limit) {
  return el('span', { className: 'legend bw-legend' },
    el('span', { textContent: fmt(-limit) }),
    el('span', { className: 'bar', style: `background: ${legendGradient('diverging')}` }),
    el('span', { textContent: fmt(limit) }));
}

/** One canvas of rows x cols values starting at offset; click -> onCell(y, x). */
function mapCanvas(values, offset, rows, cols, cell, color, label, onCell) {
  const canvas = el('canvas', { tabIndex: 0 });
  paint(canvas, values, offset, rows, cols, color);
  canvas.style.width = `${cols * cell}px`;
  canvas.style.height = `${rows * cell}px`;
  canvas.setAttribute('aria-label', label);
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const hit = cellAt(e.clientX - r.left, e.clientY - r.top, r.width / cols, rows, cols);
    if (hit) onCell(...hit);
  });
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onCell(Math.floor(rows / 2), Math.floor(cols / 2));
    }
  });
  return canvas;
}

function header(name, kind, entry, limit) {
  return el('div', { className: 'layer-head' },
    el('h4', { textContent: kind ? `${name} · ${t(`kind.${kind}`)}` : name }),
    el('span', { className: 'meta', textContent: `${t('bw.range')} ${fmt(entry.min)} … ${fmt(entry.max)}` }),
    legend(limit));
}

/** The side (CSS px) of one channel's map: 84, or six to a row on a narrow screen. */
const mapSide = (width) => Math.max(40, Math.min(84, Math.floor((width - 5 * 4) / 6)));

/** A layer output's gradient (C, H, W) or (D,): one map per channel, or the vector wrapped. */
function outputRow(entry, kind, onPick, side) {
  const { shape, data } = decodeArray(entry.gradient);
  const limit = Math.max(Math.abs(entry.min), Math.abs(entry.max));
  const color = (v) => diverging(v, limit);
  const maps = el('div', { className: 'maps' });
  if (shape.length === 3) {
    const [c, h, w] = shape;
    const cell = Math.max(2, Math.min(12, Math.round(side / w)));
    for (let k = 0; k < c; k++) {
      maps.append(mapCanvas(data, k * h * w, h, w, cell, color, `${entry.name} ${k}`,
        (y, x) => onPick({ layer: entry.name, neuron: [k, y, x] })));
    }
  } else {
    const n = shape[0];
    const cols = vectorColumns(n);
    maps.append(mapCanvas(data, 0, Math.ceil(n / cols), cols, n <= 20 ? 26 : 12, color, entry.name,
      (y, x) => (y * cols + x < n ? onPick({ layer: entry.name, neuron: [y * cols + x] }) : null)));
  }
  const row = el('section', { className: 'layer bw-layer' }, header(entry.name, kind, entry, limit), maps);
  row.dataset.layer = entry.name;
  return row;
}

/** A parameter's gradient: conv weights as small maps per filter, dense weights as one map. */
function paramRow(entry, onPick) {
  const { shape, data } = decodeArray(entry.gradient);
  const limit = Math.max(Math.abs(entry.min), Math.abs(entry.max));
  const color = (v) => diverging(v, limit);
  const maps = el('div', { className: 'maps' });
  const pick = (index) => onPick({ param: entry.name, index });
  if (shape.length === 4) {
    const [f, c, k] = shape;
    for (let i = 0; i < f; i++) {
      const group = el('div', { className: 'filter-group' });
      for (let j = 0; j < Math.min(c, MAX_CHANNELS_PER_FILTER); j++) {
        group.append(mapCanvas(data, (i * c + j) * k * k, k, k, Math.max(4, Math.round(24 / k)), color,
          `${entry.name} [${i}, ${j}]`, (y, x) => pick([i, j, y, x])));
      }
      maps.append(group);
    }
  } else if (shape.length === 2) {
    const [m, d] = shape;
    const cell = Math.max(1, Math.min(4, Math.floor(MAX_DENSE_PX / d)));
    maps.append(mapCanvas(data, 0, m, d, cell, color, entry.name, (y, x) => pick([y, x])));
  } else {
    const n = shape[0];
    const cols = vectorColumns(n);
    maps.append(mapCanvas(data, 0, Math.ceil(n / cols), cols, n <= 20 ? 26 : 12, color, entry.name,
      (y, x) => (y * cols + x < n ? pick([y * cols + x]) : null)));
  }
  const row = el('section', { className: 'layer bw-param' }, header(entry.name, null, entry, limit), maps);
  row.dataset.param = entry.name;
  return row;
}

/** result: the /backward response. Layers from the output back to the input: the way gradients flow. */
export function renderGradientMaps(layersBox, paramsBox, result, onPick) {
  const side = mapSide(layersBox.clientWidth);
  const rows = [outputRow(result.input_gradient, 'input', onPick, side),
    ...result.layers.map((l) => outputRow(l, l.kind, onPick, side))];
  layersBox.replaceChildren(...rows.reverse());
  paramsBox.replaceChildren(...result.params.map((entry) => paramRow(entry, onPick)));
}

/** The channel (or unit) of a layer's output gradient with the largest total |gradient|: the one
 *  whose backward animation shows the most. entry: one of the /backward response's layers. */
export function strongestChannel(entry) {
  const { shape, data } = decodeArray(entry.gradient);
  const count = shape[0];
  const per = data.length / count;
  let best = 0;
  let bestTotal = -1;
  for (let c = 0; c < count; c++) {
    let total = 0;
    for (let i = c * per; i < (c + 1) * per; i++) total += Math.abs(data[i]);
    if (total > bestTotal) [best, bestTotal] = [c, total];
  }
  return best;
}
