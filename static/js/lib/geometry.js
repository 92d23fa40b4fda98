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

/** How to lay out a flat vector of n values: columns per row. */
export function vectorColumns(n) {
  if (n <= 20) return n;
  return n <= 120 ? 20 : 25;
}
