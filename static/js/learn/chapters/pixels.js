// 1. An image is a grid of numbers: the network's own input for the learner's drawing.
import { t } from '../text.js';
import { el, mapCanvas, numberTable, source } from '../widgets.js';

const N = 6; // the window of numbers shown

/** Top-left corner of the N x N window holding the most ink (a choice of what to show, not a computation shown). */
function inkWindow(pixels, rows, cols) {
  let best = [0, 0], bestSum = -1;
  for (let y = 0; y + N <= rows; y++) for (let x = 0; x + N <= cols; x++) {
    let s = 0;
    for (let u = 0; u < N; u++) for (let v = 0; v < N; v++) s += pixels[(y + u) * cols + x + v];
    if (s > bestSum) [bestSum, best] = [s, [y, x]];
  }
  return best;
}

function mount(root, ctx) {
  const picture = el('div', { class: 'picture' });
  const numbers = el('div', { class: 'numbers-box' });
  const shape = el('p', { class: 'big-line' });
  root.append(shape, el('div', { class: 'side-by-side' }, picture, numbers), source('learn.source.input'));
  let corner = null;
  const render = (s) => {
    if (!s.pixels) { picture.replaceChildren(); numbers.replaceChildren(); shape.textContent = t('learn.input.empty'); return; }
    const { rows, cols, pixels } = s;
    corner = corner && corner[0] + N <= rows ? corner : inkWindow(pixels, rows, cols);
    const canvas = mapCanvas(pixels, rows, cols, { image: true, label: t('learn.pixels.picture') });
    const frame = el('div', { class: 'window-box' });
    Object.assign(frame.style, { top: `${(100 * corner[0]) / rows}%`, left: `${(100 * corner[1]) / cols}%`,
      width: `${(100 * N) / cols}%`, height: `${(100 * N) / rows}%` });
    canvas.addEventListener('click', (e) => {
      const r = canvas.getBoundingClientRect();
      const y = Math.floor(((e.clientY - r.top) / r.height) * rows), x = Math.floor(((e.clientX - r.left) / r.width) * cols);
      corner = [Math.max(0, Math.min(rows - N, y - N / 2)), Math.max(0, Math.min(cols - N, x - N / 2))];
      render(s);
    });
    canvas.tabIndex = 0; // arrow keys move the square when the picture has focus
    canvas.addEventListener('keydown', (e) => {
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (!moves[e.key]) return;
      e.preventDefault();
      e.stopPropagation(); // not the lesson's next/back
      const [dy, dx] = moves[e.key];
      corner = [Math.max(0, Math.min(rows - N, corner[0] + dy)), Math.max(0, Math.min(cols - N, corner[1] + dx))];
      render(s);
      picture.querySelector('canvas').focus();
    });
    picture.replaceChildren(el('div', { class: 'framed' }, canvas, frame));
    const window = Array.from({ length: N }, (_, u) => Array.from({ length: N }, (_, v) => pixels[(corner[0] + u) * cols + corner[1] + v]));
    numbers.replaceChildren(numberTable(window, { shade: true, caption: t('learn.pixels.window', { y: corner[0] + 1, x: corner[1] + 1, n: N }) }));
    shape.textContent = t('learn.pixels.shape', { rows, cols });
  };
  return { destroy: ctx.input.subscribe(render) };
}

export default {
  id: 'pixels',
  usesInput: true,
  params: (ctx) => ({ rows: ctx.model.input_shape[1], cols: ctx.model.input_shape[2],
    n: (ctx.model.input_shape[1] * ctx.model.input_shape[2]).toLocaleString('en-US') }),
  widgets: [{ mount }],
  question: { kind: 'number', answer: (ctx) => ctx.model.input_shape[1] * ctx.model.input_shape[2] },
};
