// A layer's weights as pictures in the neuron panel: a conv layer's kernels (one small map per
// output channel × input channel, or per output channel when the input has one channel) and a
// dense neuron's weights drawn over the shape of what it reads (16 maps of 5 × 5 after a flatten).
// Forward: the trained weights (GET /api/models/<id>/params/<layer>); backward: their gradients
// dLoss/dW (the /backward response's params). Diverging colours around 0, with a legend.
// The page draws what the server sent; it computes nothing.
import { getJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { legendGradient, scaleFor } from '../lib/colors.js';
import { el } from '../lib/dom.js';
import { decodeArray } from '../lib/f16.js';
import { vectorColumns } from '../lib/geometry.js';
import { exact, fmt } from '../lib/numbers.js';
import { sig } from '../backward/format.js';

const GAP = 1; // px between tiles
const FRAME = [200, 200, 200];
const MARK = [20, 20, 20]; // the selected neuron's tiles: a dark frame (≥ 3:1 on white)
const cache = new Map(); // "model/layer" -> the params response (trained weights never change)

/** The trained parameters of one layer (cached per model). */
export function trainedParams(modelId, layer) {
  const key = `${modelId}/${layer}`;
  if (!cache.has(key)) cache.set(key, getJSON(`/api/models/${encodeURIComponent(modelId)}/params/${encodeURIComponent(layer)}`)
    .catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}

/**
 * count tiles of h x w values (values[offset + i*h*w ...]) in `cols` columns on one canvas, framed;
 * marked(i): whether tile i is framed dark. -> { canvas, tileAt(px, py) -> [tile, y, x] | null }
 */
function tiles(values, offset, count, h, w, cols, color, marked) {
  const rows = Math.ceil(count / cols);
  const width = cols * (w + GAP) + GAP;
  const height = rows * (h + GAP) + GAP;
  const canvas = el('canvas', { width, height, className: 'weight-tiles' });
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  const put = (x, y, [r, g, b]) => image.data.set([r, g, b, 255], 4 * (y * width + x));
  for (let i = 0; i < count; i++) {
    const left = (i % cols) * (w + GAP), top = Math.floor(i / cols) * (h + GAP);
    const frame = marked(i) ? MARK : FRAME;
    for (let y = -1; y <= h; y++) {
      for (let x = -1; x <= w; x++) {
        const inside = y >= 0 && y < h && x >= 0 && x < w;
        const k = offset + (i * h + y) * w + x;
        if (!inside) put(left + GAP + x, top + GAP + y, frame);
        else if (y * w + x < values.length - offset - i * h * w) put(left + GAP + x, top + GAP + y, color(values[k]));
      }
    }
  }
  ctx.putImageData(image, 0, 0);
  const tileAt = (px, py) => {
    const col = Math.floor((px - GAP) / (w + GAP)), row = Math.floor((py - GAP) / (h + GAP));
    const x = px - GAP - col * (w + GAP), y = py - GAP - row * (h + GAP);
    const tile = row * cols + col;
    return col >= 0 && col < cols && tile < count && x >= 0 && x < w && y >= 0 && y < h ? [tile, y, x] : null;
  };
  return { canvas, tileAt };
}

/** CSS size: whole pixels per value, as large as fits `room` px wide and 420 px high (at most 10). */
function size(canvas, room, high = 420, most = 10) {
  const scale = Math.max(1, Math.min(most, Math.floor(room / canvas.width), Math.floor(high / canvas.height)));
  canvas.style.width = `${canvas.width * scale}px`;
  canvas.style.height = `${canvas.height * scale}px`;
  return scale;
}

function legend(min, max, num, what) {
  const scale = scaleFor(min, max, { signed: true });
  return el('p', { className: 'legend weights-legend', title: `${exact(scale.min)} … ${exact(scale.max)}` },
    el('span', { className: 'legend-min', textContent: num(scale.min) }),
    el('span', { className: 'bar', style: `background: ${legendGradient('diverging')}` }),
    el('span', { className: 'legend-max', textContent: num(scale.max) }), ` ${what}`);
}

/**
 * Fill `box` with the pictures of a layer's weights for the selected neuron.
 * { layer (architecture entry: name, kind, input_shape), neuron, weight ({shape, min, max, values}),
 *   reads (what the layer reads, for a dense layer after a flatten), backward (true: gradients),
 *   onPick(index) (a weight clicked: its [k, c, y, x] or [unit, i]) }
 */
export function renderWeights(box, { layer, neuron, weight, reads, backward = false, onPick = null }) {
  const { data } = decodeArray(weight.values);
  const { color } = scaleFor(weight.min, weight.max, { signed: true });
  const num = backward ? (v) => sig(v, 2) : (v) => fmt(v, 2);
  const room = Math.max(160, Math.min(560, box.clientWidth || box.parentElement?.clientWidth || 320) - 8);
  let picture;
  let caption;
  let pick;
  let close = null; // the selected neuron's own filter, larger
  if (layer.kind === 'conv') {
    const [k, c, f] = weight.shape;
    const cols = c === 1 ? Math.min(k, 8) : c;
    if (c > 1) {
      const own = tiles(data, neuron[0] * c * f * f, c, f, f, Math.min(c, 8), color, () => false);
      const ownScale = size(own.canvas, room, 200, 14);
      own.canvas.setAttribute('role', 'img');
      own.canvas.setAttribute('aria-label', t('weights.filter', { filter: neuron[0], c }));
      if (backward && onPick) {
        own.canvas.classList.add('pickable');
        own.canvas.addEventListener('click', (e) => {
          const hit = own.tileAt(Math.floor(e.offsetX / ownScale), Math.floor(e.offsetY / ownScale));
          if (hit) onPick([neuron[0], hit[0], hit[1], hit[2]]);
        });
      }
      close = el('figure', { className: 'own-filter' }, el('figcaption', { textContent: t('weights.filter', { filter: neuron[0], c }) }), own.canvas);
    }
    picture = tiles(data, 0, k * c, f, f, cols, color, (i) => Math.floor(i / c) === neuron[0]);
    caption = t(c === 1 ? (backward ? 'weights.conv1Grad' : 'weights.conv1') : (backward ? 'weights.convGrad' : 'weights.conv'), { layer: layer.name, k, c, f, filter: neuron[0] });
    pick = ([tile, y, x]) => [Math.floor(tile / c), tile % c, y, x];
  } else {
    const unit = neuron[0];
    const d = weight.shape[1];
    const shape = reads.length === 3 && reads[0] * reads[1] * reads[2] === d ? reads : null;
    const [n, h, w] = shape ?? [1, Math.ceil(d / vectorColumns(d)), vectorColumns(d)];
    picture = tiles(data, unit * d, n, h, w, Math.min(n, 8), color, () => false);
    caption = t(backward ? 'weights.denseGrad' : 'weights.dense', { layer: layer.name, unit, d,
      shape: shape ? shape.join(' × ') : String(d) });
    pick = ([tile, y, x]) => [unit, (tile * h + y) * w + x];
  }
  const scale = size(picture.canvas, room);
  picture.canvas.setAttribute('role', 'img');
  picture.canvas.setAttribute('aria-label', caption);
  if (backward && onPick) {
    picture.canvas.classList.add('pickable');
    picture.canvas.addEventListener('click', (e) => {
      const hit = picture.tileAt(Math.floor(e.offsetX / scale), Math.floor(e.offsetY / scale));
      if (hit) onPick(pick(hit));
    });
  }
  box.replaceChildren(el('h3', { textContent: t(backward ? 'weights.headingGrad' : 'weights.heading') }),
    ...(close ? [close] : []), el('p', { className: 'hint', textContent: caption }), picture.canvas,
    legend(weight.min, weight.max, num, t(backward ? 'weights.legendGrad' : 'weights.legend', { layer: layer.name })));
}

/** What a layer reads: before a flatten for a dense layer right after one (architecture entries). */
function readsOf(architecture, index) {
  const before = architecture.layers[index - 1];
  return before?.kind === 'flatten' ? before.input_shape : architecture.layers[index].input_shape;
}

/**
 * The selected neuron's weights in `box`: the trained ones, or with `gradients` (a /backward response)
 * their gradients, whose tiles can be clicked: onPick(param name, index). Empty for a layer without weights.
 */
export async function showWeights(box, { model, architecture, selected, gradients = null, onPick }) {
  const index = architecture.layers.findIndex((l) => l.name === selected.layer);
  const layer = architecture.layers[index];
  if (!layer || !['conv', 'dense'].includes(layer.kind)) return box.replaceChildren();
  const param = `${layer.name}.weight`;
  let weight;
  if (gradients) {
    const g = gradients.params.find((p) => p.name === param);
    weight = { shape: g.shape, min: g.min, max: g.max, values: g.gradient };
  } else {
    weight = (await trainedParams(model.id, layer.name)).params.weight;
  }
  box.dataset.layer = layer.name;
  box.dataset.pass = gradients ? 'backward' : 'forward';
  renderWeights(box, { layer, neuron: selected.neuron, weight, reads: readsOf(architecture, index),
    backward: Boolean(gradients), onPick: (i) => onPick(param, i) });
}
