// The whole network at once: one row per layer, one heatmap per channel.
// Hover a neuron to see its receptive field and connections in the layer
// before; click it (or press Enter on a focused map) to ask for its arithmetic.
import { t } from '../core/i18n.js';
import { legendGradient, scaleFor } from '../lib/colors.js';
import { decodeArray } from '../lib/f16.js';
import { cellAt, receptiveField, vectorColumns } from '../lib/geometry.js';
import { fmt, gray, paint } from '../lib/grid.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_LINKS = 24;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** Layout of a layer's output: maps of rows x cols, or a vector wrapped in rows. */
function layout(shape, zoom) {
  if (shape.length === 3) {
    const [c, h, w] = shape;
    const cell = Math.max(2, Math.min(16, Math.round(84 / w))) * zoom;
    return { maps: c, rows: h, cols: w, cell, size: h * w };
  }
  const n = shape[0];
  const cols = vectorColumns(n);
  return { maps: 1, rows: Math.ceil(n / cols), cols, cell: (n <= 20 ? 30 : 14) * zoom, size: n, vector: true };
}

export function mountNetwork({ container, toggles, tooltip }, { onSelect, classLabel }) {
  let rows = [];
  const links = document.createElementNS(SVG, 'svg');
  links.classList.add('links');

  function setModel(model) {
    const input = { name: 'input', kind: 'input', output_shape: model.input_shape, parameters: 0 };
    rows = [input, ...model.layers].map((layer, index) => ({ layer, index, zoom: 1, canvases: [] }));
    container.replaceChildren(...rows.map(buildRow), links);
    toggles.replaceChildren(...rows.map(buildToggle));
  }

  function buildRow(row) {
    const { layer } = row;
    const shape = layer.output_shape;
    const title = el('h3', { textContent: `${layer.name === 'input' ? t('net.input') : layer.name} · ${t(`kind.${layer.kind}`)}` });
    const meta = el('span', { className: 'meta' });
    meta.textContent = `${shape.length === 3 ? `${shape[0]} × ${shape[1]}×${shape[2]}` : shape[0]} · ` +
      (layer.parameters ? t('net.params', { n: layer.parameters.toLocaleString() }) : t('net.noParams'));
    row.range = el('span', { className: 'meta' });
    row.legend = el('span', { className: 'legend' });
    const zoom = el('span', { className: 'zoom' },
      el('button', { type: 'button', textContent: '−', ariaLabel: `${t('net.zoomOut')}: ${layer.name}`, onclick: () => rezoom(row, 0.5) }),
      el('button', { type: 'button', textContent: '+', ariaLabel: `${t('net.zoomIn')}: ${layer.name}`, onclick: () => rezoom(row, 2) }));
    row.maps = el('div', { className: 'maps' });
    row.el = el('section', { className: 'layer', ariaLabel: layer.name },
      el('div', { className: 'layer-info' },
        el('div', { className: 'layer-head' }, title, meta, row.range, row.legend, zoom),
        el('p', { className: 'lesson', textContent: t(`lesson.${layer.kind}`) })),
      row.maps);
    row.el.dataset.layer = layer.name;
    buildMaps(row);
    return row.el;
  }

  function buildMaps(row) {
    const shape = row.layer.output_shape;
    const lay = layout(shape, row.zoom);
    row.layout = lay;
    row.canvases = [];
    row.cursor = [];
    row.maps.replaceChildren();
    for (let c = 0; c < lay.maps; c++) {
      const canvas = el('canvas', { tabIndex: 0, width: lay.cols, height: lay.rows });
      canvas.style.width = `${lay.cols * lay.cell}px`;
      canvas.style.height = `${lay.rows * lay.cell}px`;
      canvas.dataset.channel = c;
      canvas.setAttribute('aria-label', lay.vector ? `${row.layer.name}, ${shape[0]}` : `${row.layer.name}, ${t('detail.channel', { c })}`);
      canvas.addEventListener('mousemove', (e) => hover(row, c, e));
      canvas.addEventListener('mouseleave', unhover);
      canvas.addEventListener('click', (e) => {
        const neuron = neuronAt(row, c, e);
        if (neuron) select(row, neuron);
      });
      canvas.addEventListener('keydown', (e) => keyboard(row, c, e));
      canvas.addEventListener('blur', unhover);
      const figure = el('div', { className: 'map' }, canvas);
      if (!lay.vector && lay.maps > 1) figure.append(el('span', { textContent: String(c) }));
      if (lay.vector && lay.size <= 20 && classLabel) {
        const labels = el('div', { className: 'vector-labels' });
        labels.style.gridTemplateColumns = `repeat(${lay.cols}, ${lay.cell}px)`;
        for (let i = 0; i < lay.size; i++) labels.append(el('span', { textContent: classLabel(i) }));
        figure.append(labels);
      }
      row.canvases.push(canvas);
      row.maps.append(figure);
    }
    if (row.values) paintRow(row);
  }

  function buildToggle(row) {
    const box = el('input', { type: 'checkbox', checked: true });
    box.addEventListener('change', () => {
      row.el.hidden = !box.checked;
      unhover();
    });
    return el('label', {}, box, ` ${row.layer.name}`);
  }

  function rezoom(row, factor) {
    row.zoom = Math.max(0.5, Math.min(4, row.zoom * factor));
    buildMaps(row);
  }

  function setResult(result) {
    const outputs = [result.input, ...result.layers.map((l) => l.output)];
    const ranges = [null, ...result.layers];
    rows.forEach((row, i) => {
      row.values = decodeArray(outputs[i]).data;
      row.min = ranges[i] ? ranges[i].min : 0;
      row.max = ranges[i] ? ranges[i].max : 1;
      paintRow(row);
    });
  }

  function paintRow(row) {
    const { layout: lay } = row;
    const scale = row.layer.kind === 'input' ? { kind: 'gray', color: gray } : scaleFor(row.min, row.max);
    row.canvases.forEach((canvas, c) => paint(canvas, row.values, c * lay.rows * lay.cols, lay.rows, lay.cols, scale.color));
    row.range.textContent = t('net.range', { min: fmt(row.min), max: fmt(row.max) });
    if (scale.kind === 'gray') {
      row.legend.replaceChildren();
      return;
    }
    const bar = el('span', { className: 'bar' });
    bar.style.background = legendGradient(scale.kind);
    row.legend.replaceChildren(el('span', { textContent: fmt(scale.min) }), bar, el('span', { textContent: fmt(scale.max) }));
  }

  function clear() {
    for (const row of rows) {
      row.values = null;
      for (const canvas of row.canvases) canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
      row.range.textContent = '';
    }
    unhover();
  }

  // ------------------------------------------------------------ neurons
  function neuronAt(row, c, e) {
    const lay = row.layout;
    const hit = cellAt(e.offsetX, e.offsetY, lay.cell, lay.rows, lay.cols);
    if (!hit) return null;
    if (!lay.vector) return [c, hit[0], hit[1]];
    const i = hit[0] * lay.cols + hit[1];
    return i < lay.size ? [i] : null;
  }

  function valueOf(row, neuron) {
    if (!row.values) return null;
    const lay = row.layout;
    const i = neuron.length === 3 ? (neuron[0] * lay.rows + neuron[1]) * lay.cols + neuron[2] : neuron[0];
    return row.values[i];
  }

  function cellBox(row, neuron) {
    const lay = row.layout;
    const [c, y, x] = neuron.length === 3 ? neuron : [0, Math.floor(neuron[0] / lay.cols), neuron[0] % lay.cols];
    return { canvas: row.canvases[c], y, x, h: 1, w: 1 };
  }

  function hover(row, c, e) {
    const neuron = neuronAt(row, c, e);
    if (!neuron) return unhover();
    showNeuron(row, neuron, e.clientX, e.clientY);
  }

  function showNeuron(row, neuron, clientX, clientY) {
    const value = valueOf(row, neuron);
    tooltip.hidden = false;
    tooltip.textContent = t('net.value', { layer: row.layer.name, where: `[${neuron.join(', ')}]`, value: value == null ? '…' : fmt(value) });
    tooltip.style.left = `${clientX + 14}px`;
    tooltip.style.top = `${clientY + 14}px`;
    highlight(row, neuron);
  }

  function unhover() {
    tooltip.hidden = true;
    links.replaceChildren();
    for (const c of container.querySelectorAll('canvas.related')) c.classList.remove('related');
  }

  function rectOf(box, cell) {
    const base = container.getBoundingClientRect();
    const r = box.canvas.getBoundingClientRect();
    return {
      x: r.left - base.left + box.x * cell, y: r.top - base.top + box.y * cell,
      w: box.w * cell, h: box.h * cell,
    };
  }

  /** Boxes in the previous row that the neuron reads (whole maps for a dense unit). */
  function targetsFor(row, neuron, prev) {
    const field = receptiveField(row.layer, neuron);
    if (field.all) {
      const base = container.getBoundingClientRect();
      return prev.canvases.map((canvas) => {
        canvas.classList.add('related');
        const r = canvas.getBoundingClientRect();
        return { x: r.left - base.left, y: r.top - base.top, w: r.width, h: r.height, whole: true };
      });
    }
    if (field.index != null) return [rectOf(cellBox(prev, [field.index]), prev.layout.cell)];
    const channels = field.channels === 'all' ? prev.canvases.map((_, i) => i) : field.channels;
    return channels.map((c) => rectOf({
      canvas: prev.canvases[c], y: field.rows[0], x: field.cols[0],
      h: field.rows[1] - field.rows[0] + 1, w: field.cols[1] - field.cols[0] + 1,
    }, prev.layout.cell));
  }

  function highlight(row, neuron) {
    unhover();
    tooltip.hidden = false;
    const self = rectOf(cellBox(row, neuron), row.layout.cell);
    const shapes = [svg('rect', { ...xywh(self), class: 'self' })];
    const prev = rows[row.index - 1];
    if (prev && !prev.el.hidden) {
      for (const target of targetsFor(row, neuron, prev).slice(0, MAX_LINKS)) {
        if (!target.whole) shapes.push(svg('rect', xywh(target)));
        shapes.push(svg('line', { x1: self.x + self.w / 2, y1: self.y + self.h / 2,
          x2: target.x + target.w / 2, y2: target.y + (target.y < self.y ? target.h : 0) }));
      }
    }
    links.setAttribute('width', container.scrollWidth);
    links.setAttribute('height', container.scrollHeight);
    links.replaceChildren(...shapes);
  }

  function select(row, neuron) {
    if (row.layer.kind !== 'input') onSelect(row.layer.name, neuron);
  }

  // Keyboard: arrows move a cursor on the focused map, Enter or Space explains it.
  function keyboard(row, c, e) {
    const lay = row.layout;
    const cursor = row.cursor[c] || [0, 0];
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      cursor[0] = Math.max(0, Math.min(lay.rows - 1, cursor[0] + moves[e.key][0]));
      cursor[1] = Math.max(0, Math.min(lay.cols - 1, cursor[1] + moves[e.key][1]));
      row.cursor[c] = cursor;
    } else if (e.key !== 'Enter' && e.key !== ' ') {
      return;
    }
    const neuron = lay.vector ? [Math.min(lay.size - 1, cursor[0] * lay.cols + cursor[1])] : [c, cursor[0], cursor[1]];
    const r = row.canvases[c].getBoundingClientRect();
    showNeuron(row, neuron, r.left + (cursor[1] + 1) * lay.cell, r.top + (cursor[0] + 1) * lay.cell);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(row, neuron);
    }
  }

  return { setModel, setResult, clear };
}

function xywh(r) {
  return { x: r.x, y: r.y, width: r.w, height: r.h };
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}
