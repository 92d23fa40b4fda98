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

const mapColumns = (c) => (c <= 8 ? 1 : c <= 32 ? 2 : 4);

/** The one size (CSS px per neuron, 1 to 8) of every feature map in the overview: the largest at
 *  which each layer's column of maps fits `height` CSS px and stays narrow (17 % of it). The same
 *  for every layer, so a pooled map looks smaller than the map it pools. shapes: (C, H, W) or (D,). */
export function overviewCell(shapes, height) {
  let cell = 8;
  for (const shape of shapes) {
    if (shape.length !== 3) continue;
    const [c, h, w] = shape;
    const mapCols = mapColumns(c);
    cell = Math.min(cell, Math.floor((height / Math.ceil(c / mapCols) - 6) / h), Math.floor((0.17 * height) / mapCols / w));
  }
  return Math.max(1, cell);
}

/** The largest cell at which every map of the overview still fits `width` CSS px side by side. */
export function widestCell(shapes, width) {
  let cell = 16;
  for (const shape of shapes) {
    if (shape.length === 3) cell = Math.min(cell, Math.floor(width / mapColumns(shape[0]) / shape[2]) - 1);
  }
  return Math.max(1, cell);
}

/** How a layer's output sits in the network overview: maps in a grid of mapCols columns,
 *  `cell` px per value (overviewCell(), times the zoom); a vector as a strip 4 px a value or
 *  the maps' cell if larger, as many columns as fit `stripHeight` (the tallest the overview
 *  may be, not the height being tried: a strip that widened as the maps shrink could wrap the
 *  overview into one more band and never fit), never thinner than a quarter of its height.
 *  -> {maps, mapCols, rows, cols, cell, size, vector} */
export function overviewLayout(shape, height, cell = overviewCell([shape], height), stripHeight = height) {
  if (shape.length === 3) {
    const [c, h, w] = shape;
    return { maps: c, mapCols: mapColumns(c), rows: h, cols: w, cell, size: h * w };
  }
  const n = shape[0];
  if (n <= 20) { // a few neurons (the classes): one column, tall enough for a label each
    const tall = Math.max(14, Math.min(28, Math.floor(height / n)));
    return { maps: 1, mapCols: 1, rows: n, cols: 1, cell: Math.max(tall, cell), size: n, vector: true };
  }
  const strip = Math.max(4, cell);
  const cols = Math.max(1, Math.ceil((n * strip) / stripHeight), Math.ceil(Math.sqrt(n) / 2));
  return { maps: 1, mapCols: 1, rows: Math.ceil(n / cols), cols, cell: strip, size: n, vector: true };
}

/** How to lay out a flat vector of n values: columns per row. */
export function vectorColumns(n) {
  if (n <= 20) return n;
  return n <= 120 ? 20 : 25;
}
