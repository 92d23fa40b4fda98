// Small DOM helpers shared by the views and the kinds' arithmetic panels.
import { textOn } from './colors.js';
import { exact, fixed } from './numbers.js';

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c != null));
  return node;
}

/** A number as a learner reads it, with the exact value on hover. */
export function num(v, decimals, className = 'num') {
  return el('span', { className, textContent: fixed(v, decimals), title: exact(v) });
}

/** A table of numbers with `decimals` decimals, coloured by value when color(v) is given;
 *  cellClass(y, x) may mark padding ('pad') or the winner ('win'). */
export function numGrid(rows, decimals, { cellClass = () => '', color = null } = {}) {
  const table = el('table', { className: 'num-grid' });
  rows.forEach((row, y) => {
    const tr = el('tr');
    row.forEach((v, x) => {
      const kind = cellClass(y, x);
      const td = el('td', { textContent: fixed(v, decimals), title: exact(v), className: kind });
      if (color && kind !== 'pad') {
        const rgb = color(v);
        td.style.background = `rgb(${rgb.join(',')})`;
        td.style.color = textOn(rgb);
      }
      tr.append(td);
    });
    table.append(tr);
  });
  return table;
}

export const figure = (caption, content) => el('figure', {}, el('figcaption', { textContent: caption }), content);

/** A formula line: parts are strings or nodes; the total (a node) ends it. */
export const formula = (...parts) => el('p', { className: 'formula' }, ...parts);
