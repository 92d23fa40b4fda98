// Small pictures drawn from the numbers the server sent: a 28x28 image, a filter's weights.

/** A uint8 image (rows of 0..255, ink bright) on a canvas of its own size. */
export function imageCanvas(rows, label) {
  const h = rows.length;
  const w = rows[0].length;
  const canvas = Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  rows.flat().forEach((v, i) => { img.data.set([v, v, v, 255], 4 * i); });
  ctx.putImageData(img, 0, 0);
  if (label) canvas.setAttribute('aria-label', label);
  canvas.setAttribute('role', 'img');
  return canvas;
}

/** One filter (k x k weights) in grey: white the largest positive, black the largest negative weight. */
export function filterCanvas(weights, label) {
  const bound = Math.max(1e-12, ...weights.flat().map(Math.abs));
  return imageCanvas(weights.map((row) => row.map((v) => Math.round(127.5 + 127.5 * v / bound))), label);
}
