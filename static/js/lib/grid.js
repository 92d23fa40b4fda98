// Drawing arrays of values as heatmaps on canvases: one canvas pixel per value,
// scaled up by CSS with crisp (pixelated) edges.

/** Fill `canvas` (rows x cols) with values[offset ...] coloured by `color(v) -> [r, g, b]`. */
export function paint(canvas, values, offset, rows, cols, color) {
  canvas.width = cols;
  canvas.height = rows;
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

export const gray = (v) => {
  const g = Math.round(255 * Math.min(1, Math.max(0, v)));
  return [g, g, g];
};

/** Format a number for people: a few significant digits; a non-zero value that would
 *  round to 0 is shown in e-notation instead, so nothing non-zero ever reads as 0. */
export function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const decimals = abs >= 100 ? 1 : abs >= 1 ? digits : digits + 1;
  if (abs < 0.5 * 10 ** -decimals) return v.toExponential(1);
  return v.toFixed(decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export const percent = (p) => `${(100 * p).toFixed(p > 0.999 || p < 0.001 ? 2 : 1)}%`;

/** A whole count for people, grouped in thousands: 138344128 -> "138,344,128". */
export const count = (n) => Math.round(n).toLocaleString('en-US');
