// Index geometry shared by the views: flat index <-> (c, y, x), the cell under a
// point, how a vector wraps. Each layer kind's receptive field lives in its kind
// module (static/js/kinds/); receptiveField dispatches to it.

/** Flat index into a (C, H, W) array -> [c, y, x]. */
export function unflatten(i, [, h, w]) {
  return [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
}

/** Pixel under a point on a map drawn `cell` px per value. */
export function cellAt(px, py, cell, rows, cols) {
  const y = Math.floor(py / cell), x = Math.floor(px / cell);
  return y >= 0 && y < rows && x >= 0 && x < cols ? [y, x] : null;
}

/** How a layer's output sits in the network overview, so the whole network fits in
 *  `height` CSS px: maps in a grid of mapCols columns, `cell` px per value; a vector as
 *  a strip `cols` values wide. -> {maps, mapCols, rows, cols, cell, size, vector} */
export function overviewLayout(shape, height, zoom = 1) {
  if (shape.length === 3) {
    const [c, h, w] = shape;
    const mapCols = c <= 8 ? 1 : c <= 32 ? 2 : 4;
    const mapRows = Math.ceil(c / mapCols);
    const fit = Math.floor((height / mapRows - 6) / h); // the column's height
    const narrow = Math.floor((0.17 * height) / mapCols / w); // and a width in proportion
    const cell = Math.max(1, Math.min(8, fit, narrow)) * zoom;
    return { maps: c, mapCols, rows: h, cols: w, cell, size: h * w };
  }
  const n = shape[0];
  if (n <= 20) { // a few neurons (the classes): one column, tall enough for a label each
    const cell = Math.max(14, Math.min(28, Math.floor(height / n))) * zoom;
    return { maps: 1, mapCols: 1, rows: n, cols: 1, cell, size: n, vector: true };
  }
  const cell = 4 * zoom;
  const cols = Math.max(1, Math.ceil((n * cell) / (height * zoom)));
  return { maps: 1, mapCols: 1, rows: Math.ceil(n / cols), cols, cell, size: n, vector: true };
}

/** How to lay out a flat vector of n values: columns per row. */
export function vectorColumns(n) {
  if (n <= 20) return n;
  return n <= 120 ? 20 : 25;
}
