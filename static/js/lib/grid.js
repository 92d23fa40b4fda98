// Drawing arrays of values as heatmaps on canvases: one canvas pixel per value,
// scaled up by CSS with crisp (pixelated) edges. fmt/percent live in numbers.js.
export { chance, fmt, percent } from './numbers.js';

/** Fill `canvas` (rows x cols) with values[offset ...] coloured by `color(v) -> [r, g, b]`. */
export function paint(canvas, values, offset, rows, cols, color) {
  if (canvas.width !== cols) canvas.width = cols; // every pixel is put below: no need to clear
  if (canvas.height !== rows) canvas.height = rows;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(cols, rows);
  const px = image.data;
  const n = Math.min(rows * cols, values.length - offset);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = color(values[offset + i]);
    px[4 * i] = r;
    px[4 * i + 1] = g;
    px[4 * i + 2] = b;
    px[4 * i + 3] = 255;
  }
  for (let i = n; i < rows * cols; i++) px[4 * i + 3] = 0; // a short last row of a vector
  ctx.putImageData(image, 0, 0);
}

export { ink as gray } from './colors.js'; // the input image: ink on paper

/** A whole count for people, grouped in thousands: 138344128 -> "138,344,128" (as toLocaleString('en-US'),
 *  whose first call costs ~20 ms of the page's first load: the browser loads its locale data). */
export const count = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');
