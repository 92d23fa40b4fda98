// Small DOM pieces the chapters share: number tables (big enough to read on a projector),
// feature maps as crisp canvases, and a note that says where numbers come from.
import { t } from './text.js';
import { scaleFor, textOn } from '../lib/colors.js';
import { fmt, gray, paint } from '../lib/grid.js';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (v != null) node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/** rows of numbers -> a table; mark(r, c) returns a CSS class for a cell; shade colours cells by value. */
export function numberTable(rows, { mark = () => '', shade = false, digits = 2, caption = null } = {}) {
  const flat = rows.flat();
  const scale = shade ? scaleFor(Math.min(0, ...flat), Math.max(...flat)) : null;
  const table = el('table', { class: 'numbers' });
  if (caption) table.append(el('caption', { text: caption }));
  for (const [r, row] of rows.entries()) {
    const tr = el('tr');
    for (const [c, v] of row.entries()) {
      const td = el('td', { class: `num ${mark(r, c) || ''}`.trim(), text: typeof v === 'number' ? fmt(v, digits) : v });
      if (scale && typeof v === 'number') {
        const rgb = scale.color(v);
        td.style.background = `rgb(${rgb.join(',')})`;
        td.style.color = textOn(rgb);
      }
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}

/** A 2-D map (Float32Array slice or rows) as a pixelated canvas, grey for images, the shared scales otherwise. */
export function mapCanvas(values, rows, cols, { image = false, label = '', scale = null } = {}) {
  const flat = Array.isArray(values) ? values.flat() : values;
  const canvas = el('canvas', { class: 'fmap', role: 'img', 'aria-label': label });
  let min = Infinity, max = -Infinity;
  for (const v of flat) { if (v < min) min = v; if (v > max) max = v; }
  const color = image ? gray : (scale || scaleFor(min, max)).color;
  paint(canvas, flat, 0, rows, cols, color);
  return canvas;
}

/** Channel c of a C x H x W array (flat) -> rows of numbers. */
export function channelRows(data, c, h, w) {
  return Array.from({ length: h }, (_, y) => Array.from(data.subarray(c * h * w + y * w, c * h * w + (y + 1) * w)));
}

/** Index of the largest value of channel c: [y, x]. */
export function argmax2d(data, c, h, w) {
  let best = 0;
  for (let i = 1; i < h * w; i++) if (data[c * h * w + i] > data[c * h * w + best]) best = i;
  return [Math.floor(best / w), best % w];
}

/** A line under a widget saying where its numbers come from. */
export const source = (key, params) => el('p', { class: 'source', text: t(key, params) });

export function busy(container) {
  container.replaceChildren(el('p', { class: 'hint', text: t('loading') }));
}
