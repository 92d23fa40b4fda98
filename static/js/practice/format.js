// Numbers for the practice page: shown at the exercise's rounding with a true minus sign,
// and read back from what a learner types (full-width digits, a comma for the point, − or -).

export const LETTERS = 'ABCDEFGH';
const MINUS = '\u2212';

/** v rounded to `decimals` places, trailing zeros dropped: num(2.50, 2) -> "2.5", num(-3) -> "−3". */
export function num(v, decimals = 0) {
  if (!Number.isFinite(v)) return String(v);
  let text = v.toFixed(decimals);
  if (decimals) text = text.replace(/\.?0+$/, '');
  if (/^-0(\.0*)?$/.test(text)) text = '0';
  return text.replace('-', MINUS);
}

/** A number in parentheses when negative, for sums written out: 3 + (−2). */
export const term = (v, decimals = 0) => (v < 0 ? `(${num(v, decimals)})` : num(v, decimals));

/** With thousands separators, for parameter counts: 1219680 -> "1,219,680". */
export const count = (v) => v.toLocaleString('en-US').replace('-', MINUS);

/** '=' when v shows exactly at `decimals` places, else '≈'. */
export const equals = (v, decimals = 2) => (Math.abs(v * 10 ** decimals - Math.round(v * 10 ** decimals)) < 1e-6 ? '=' : '≈');

/** Text typed by a learner -> a number, or NaN when it is not one. */
export function parseNumber(text) {
  const s = String(text ?? '').normalize('NFKC').trim().replace(/[\u2212\u2013]/g, '-').replace(',', '.');
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN;
}

/** "B, d a C" -> [1, 3, 0, 2]: the letters typed, in order (anything else is ignored). */
export function parseOrder(text) {
  return [...String(text ?? '').normalize('NFKC').toUpperCase()]
    .filter((ch) => LETTERS.includes(ch)).map((ch) => LETTERS.indexOf(ch));
}

/** A grid of numbers as a <table>; cellClass(i, j) may add a class to a cell. */
export function gridTable(values, { decimals = 0, cellClass, label, small = false } = {}) {
  const table = document.createElement('table');
  table.className = small ? 'num-grid small' : 'num-grid';
  if (label) table.setAttribute('aria-label', label);
  values.forEach((row, i) => {
    const tr = table.insertRow();
    row.forEach((v, j) => {
      const td = tr.insertCell();
      td.textContent = num(v, decimals);
      const extra = cellClass?.(i, j);
      if (extra) td.className = extra;
    });
  });
  return table;
}

/** An element with a class and children (strings become text). */
export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A labelled figure: a caption above one child (a grid, a table). */
export const figure = (caption, child) => el('figure', 'num-figure', el('figcaption', null, caption), child);
