// What a neuron reads, drawn over the network view: its own cell, the boxes of its
// receptive field in the layer before and lines to them; plus the hover tooltip.
import { t } from '../core/i18n.js';
import { kindOf } from '../kinds/index.js';
import { decimalsFor, fixed } from '../lib/numbers.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_LINKS = 24;

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}
const xywh = (r) => ({ x: r.x, y: r.y, width: r.w, height: r.h });

/** The overlay for `container`; rows are the network view's rows ({layer, layout, canvases, el}). */
export function createLinks(container, tooltip) {
  const layer = document.createElementNS(SVG, 'svg');
  layer.classList.add('links');
  const selection = document.createElementNS(SVG, 'g');
  const hover = document.createElementNS(SVG, 'g');
  layer.append(selection, hover);

  /** The container's content origin in the viewport (it may be scrolled sideways). */
  function origin() {
    const r = container.getBoundingClientRect();
    return { left: r.left - container.scrollLeft, top: r.top - container.scrollTop };
  }

  function rectOf(row, neuron) {
    const lay = row.layout;
    const [c, y, x] = neuron.length === 3 ? neuron : [0, Math.floor(neuron[0] / lay.cols), neuron[0] % lay.cols];
    return boxRect(row.canvases[c], y, x, 1, 1, lay.cell);
  }

  function boxRect(canvas, y, x, h, w, cell) {
    const base = origin();
    const r = canvas.getBoundingClientRect();
    const scale = r.width / canvas.width; // the map's CSS pixels per value
    return { x: r.left - base.left + x * scale, y: r.top - base.top + y * scale, w: w * scale, h: h * scale };
  }

  /** Boxes in the previous row that the neuron reads (whole maps for a dense neuron). */
  function targetsFor(row, neuron, prev) {
    const field = kindOf(row.layer.kind).field(row.layer, neuron);
    const base = origin();
    if (field.all) {
      return prev.canvases.map((canvas) => {
        const r = canvas.getBoundingClientRect();
        return { x: r.left - base.left, y: r.top - base.top, w: r.width, h: r.height, whole: true };
      });
    }
    if (field.index != null) return [rectOf(prev, [field.index])];
    const channels = field.channels === 'all' ? prev.canvases.map((_, i) => i) : field.channels;
    return channels.map((c) => boxRect(prev.canvases[c], field.rows[0], field.cols[0],
      field.rows[1] - field.rows[0] + 1, field.cols[1] - field.cols[0] + 1, prev.layout.cell));
  }

  function shapesFor(row, neuron, prev, cls) {
    const self = rectOf(row, neuron);
    const shapes = [svg('rect', { ...xywh(self), class: `self ${cls}` })];
    if (prev && !prev.el.hidden) {
      for (const target of targetsFor(row, neuron, prev).slice(0, MAX_LINKS)) {
        shapes.push(svg('rect', { ...xywh(target), class: `${cls}${target.whole ? ' whole' : ''}` }));
        shapes.push(svg('line', { x1: self.x + self.w / 2, y1: self.y + self.h / 2, class: cls,
          x2: target.x + target.w / 2, y2: target.y + target.h / 2 }));
      }
    }
    layer.setAttribute('width', container.scrollWidth);
    layer.setAttribute('height', container.scrollHeight);
    return shapes;
  }

  return {
    element: layer,
    /** Hovered (or keyboard-focused) neuron: tooltip with its value and its field. */
    hover(row, neuron, prev, value, clientX, clientY) {
      tooltip.hidden = false;
      const shown = value == null ? '…' : typeof value === 'string' ? value // already written (a gradient)
        : fixed(value, decimalsFor([value], 3)); // the map holds 3 significant digits
      tooltip.textContent = t('net.value', { layer: row.layer.name, where: `[${neuron.join(', ')}]`, value: shown });
      tooltip.style.left = `${Math.min(clientX + 14, innerWidth - tooltip.offsetWidth - 4)}px`;
      tooltip.style.top = `${clientY + 14}px`;
      hover.replaceChildren(...shapesFor(row, neuron, prev, 'hover'));
    },
    unhover() {
      tooltip.hidden = true;
      hover.replaceChildren();
    },
    /** The selected neuron stays marked until another is chosen. */
    select(row, neuron, prev) {
      selection.replaceChildren(...(row ? shapesFor(row, neuron, prev, 'selected') : []));
    },
  };
}
