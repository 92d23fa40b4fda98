// Drawing helpers for the animation stage: one canvas, drawn in logical pixels.
// Maps are rendered once to small offscreen canvases and scaled up crisply.
import { textOn } from './colors.js';
import { fixed } from './numbers.js';

/** Every animation draws on one stage of this many logical pixels. */
export const STAGE_W = 1000;
export const STAGE_H = 600;
/** On a phone the stage is tall: this many logical pixels wide (its height is the animation's
 *  `size`), so 18 px text reads ≥ 14 CSS px on a 390 px phone. */
export const TALL_W = 400;
/** [width, height] in logical pixels of an animation's stage (the wide 1000 × 600 unless it says). */
export const stageSize = (anim) => anim?.size ?? [STAGE_W, STAGE_H];

export const COLORS = { ink: '#1b1f24', muted: '#55606e', accent: '#0b5cad', hot: '#e8590c', pad: '#d9d9d9', line: '#c3c9d1' };
/** No text on the stage is smaller: 18 of the stage's 1000 logical px read ≥ 24 CSS px on a
 *  1080p projector in large type (stage 1360 px wide) and ≥ 14 px on a phone. */
export const MIN_TEXT = 18;

export const FONT = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

/** Size the canvas for w x h logical pixels at the screen's pixel density; returns its 2-D context. */
export function setupCanvas(canvas, w, h) {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  if (canvas.width !== w * dpr || canvas.height !== h * dpr) {
    canvas.width = w * dpr;
    canvas.height = h * dpr;
  }
  canvas.style.aspectRatio = `${w} / ${h}`;
  delete canvas.dataset.minNumberPx; // a new frame: text() notes its smallest number again
  if (canvas.isConnected) onScreen.set(canvas, { width: w, scale: null });
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.imageSmoothingEnabled = false;
  return ctx;
}

/** A 2-D array (or flat values with rows/cols) -> an offscreen canvas, one pixel per value. */
export function mapImage(values, rows, cols, color) {
  const flat = Array.isArray(values[0]) ? values.flat() : values;
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = color(flat[i]);
    img.data.set([r, g, b, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** Draw a map image at (x, y) with `cell` px per value; only the first `count` cells if given. */
export function drawMap(ctx, image, x, y, cell, count = null) {
  const { width: cols, height: rows } = image;
  if (count == null || count >= rows * cols) {
    ctx.drawImage(image, x, y, cols * cell, rows * cell);
  } else {
    const full = Math.floor(count / cols);
    if (full) ctx.drawImage(image, 0, 0, cols, full, x, y, cols * cell, full * cell);
    const rest = count % cols;
    if (rest) ctx.drawImage(image, 0, full, rest, 1, x, y + full * cell, rest * cell, cell);
  }
  ctx.strokeStyle = COLORS.line;
  ctx.lineWidth = 1;
  ctx.strokeRect(x - 0.5, y - 0.5, cols * cell + 1, rows * cell + 1);
}

export function box(ctx, x, y, w, h, color = COLORS.hot, width = 3) {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.strokeRect(x, y, w, h);
}

/** One line of text; maxWidth (optional) narrows the letters, never the font size, to fit a cell. */
export function text(ctx, str, x, y, { size = 15, color = COLORS.ink, align = 'left', weight = 400, baseline = 'alphabetic', maxWidth } = {}) {
  ctx.font = `${weight} ${size}px ${FONT}`;
  ctx.fillStyle = color;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  if (maxWidth) ctx.fillText(str, x, y, maxWidth); else ctx.fillText(str, x, y);
  noteNumberSize(ctx, str, size);
}

/** Text wrapped to maxWidth (breaking after spaces and Chinese punctuation), lines `lineHeight`
 *  apart from baseline y; -> the number of lines drawn. */
export function paragraph(ctx, str, x, y, maxWidth, { lineHeight = 24, ...style } = {}) {
  ctx.font = `${style.weight ?? 400} ${style.size ?? 15}px ${FONT}`;
  const words = str.split(/(?<=[\s，：；、。])/);
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line && ctx.measureText(line + word).width > maxWidth) {
      lines.push(line.trimEnd());
      line = word;
    } else line += word;
  }
  if (line) lines.push(line.trimEnd());
  lines.forEach((l, i) => text(ctx, l, x, y + i * lineHeight, style));
  return lines.length;
}

/** The smallest size (CSS px, as the learner sees it) of any text with a digit drawn on an on-screen
 *  canvas since its last setupCanvas, as data-min-number-px: what the layout tests measure. An export's
 *  offscreen canvas is not set up by setupCanvas, so it is not noted. */
const onScreen = new WeakMap(); // on-screen canvas -> {width: logical px, scale: CSS px per logical px}

function noteNumberSize(ctx, str, size) {
  const stage = onScreen.get(ctx.canvas);
  if (!stage || !/\d/.test(str)) return;
  // measured at the first number drawn, not in setupCanvas: a stage set up and not drawn on (the
  // page's first load, a panel below the fold) then costs no layout of the page
  stage.scale ??= ctx.canvas.clientWidth / stage.width;
  const px = size * stage.scale;
  if (!(Number(ctx.canvas.dataset.minNumberPx) <= px)) ctx.canvas.dataset.minNumberPx = px.toFixed(2);
}

/** A grid of numbers with `decimals` decimals (or decimals(y, x) per cell); mark(y, x) may return 'pad', 'win' or '' per cell; color(v) shades a cell. */
export function numberGrid(ctx, values, x, y, cw, ch, { mark = () => '', color = null, size = 12, decimals = 2 } = {}) {
  values.forEach((row, r) => row.forEach((v, c) => {
    const kind = mark(r, c);
    const bg = kind === 'pad' ? [217, 217, 217] : color ? color(v) : [255, 255, 255];
    ctx.fillStyle = `rgb(${bg.join(',')})`;
    ctx.fillRect(x + c * cw, y + r * ch, cw, ch);
    ctx.strokeStyle = COLORS.line;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + c * cw + 0.5, y + r * ch + 0.5, cw - 1, ch - 1);
    if (kind === 'win') box(ctx, x + c * cw + 1.5, y + r * ch + 1.5, cw - 3, ch - 3, COLORS.hot, 3);
    text(ctx, fixed(v, typeof decimals === 'function' ? decimals(r, c) : decimals), x + (c + 0.5) * cw, y + (r + 0.5) * ch, {
      size, align: 'center', baseline: 'middle', color: kind === 'pad' ? '#777' : textOn(bg), weight: kind === 'win' ? 700 : 400, maxWidth: cw - 4,
    });
  }));
}

/** The most decimals, from `most` down to `least`, with which every value's text fits `width`
 *  logical px at `size` px (`least` if none does): more digits where a grid's cells have room. */
export function fittingDecimals(ctx, values, most, least, width, size) {
  ctx.font = `400 ${size}px ${FONT}`;
  for (let d = most; d > least; d--) {
    if (values.every((v) => ctx.measureText(fixed(v, d)).width <= width)) return d;
  }
  return least;
}

/** Linear interpolation between two step positions, for smooth motion between steps. */
export const lerp = (a, b, t) => a + (b - a) * t;
