// A map (2-D array of the server's numbers): a table of numbers on the shared colour scale when
// small, a heatmap canvas when large; the exact value on hover in both cases.
import { scaleFor, textOn } from '../lib/colors.js';
import { fmt } from '../lib/grid.js';
import { drawMap, mapImage, setupCanvas } from '../lib/stage.js';
import { el } from './util.js';

const NUMBERS_UP_TO = 12; // sides up to this show their numbers

function hover(node, rows, cols, values, tooltip) {
  node.addEventListener('pointermove', (e) => {
    const r = node.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * cols);
    const y = Math.floor(((e.clientY - r.top) / r.height) * rows);
    if (y < 0 || x < 0 || y >= rows || x >= cols) return;
    tooltip.hidden = false;
    tooltip.textContent = `[${y}, ${x}] = ${fmt(values[y][x], 3)}`; // indices from 0, as the Explore page and the tutorials' V[0,0,0]
    tooltip.style.left = `${Math.min(e.clientX + 12, innerWidth - tooltip.offsetWidth - 4)}px`;
    tooltip.style.top = `${e.clientY + 14}px`;
  });
  node.addEventListener('pointerleave', () => { tooltip.hidden = true; });
}

/** A table of numbers, each cell shaded by color(v) (or marked by mark(y, x) -> class). */
export function numberTable(values, { color = null, mark = () => '' } = {}) {
  return el('table', { class: 'num-grid lab-grid' }, ...values.map((row, y) => el('tr', {}, ...row.map((v, x) => {
    const td = el('td', { text: v === '' ? '' : fmt(v, 3) });
    const cls = mark(y, x);
    if (cls) td.className = cls;
    if (color && v !== '') {
      const rgb = color(v);
      td.style.background = `rgb(${rgb.join(',')})`;
      td.style.color = textOn(rgb);
    }
    return td;
  }))));
}

/** -> a <figure> with the map and its caption. */
export function mapFigure(values, caption, tooltip, { attr = '' } = {}) {
  const rows = values.length;
  const cols = values[0].length;
  const flat = values.flat();
  const scale = scaleFor(Math.min(...flat), Math.max(...flat));
  let body;
  if (Math.max(rows, cols) <= NUMBERS_UP_TO) {
    body = numberTable(values, { color: scale.color });
  } else {
    const cell = Math.max(1, Math.floor(256 / Math.max(rows, cols)));
    body = el('canvas', { class: 'map-canvas' });
    const ctx = setupCanvas(body, cols * cell, rows * cell);
    body.style.width = `min(100%, ${(cols * cell) / 16}rem)`;
    drawMap(ctx, mapImage(flat, rows, cols, scale.color), 0, 0, cell);
  }
  hover(body, rows, cols, values, tooltip);
  const figure = el('figure', { class: 'map-figure' }, body, el('figcaption', { text: caption }));
  if (attr) figure.dataset.map = attr;
  return figure;
}
