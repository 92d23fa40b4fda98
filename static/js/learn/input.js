// The learner's own input, shared by every chapter: the drawing pad (the explorer's), an
// "example" button that picks the next test image, and the server's prediction for it.
// subscribe(fn) calls fn(state) now and on every new result: {input, result, pixels, rows, cols}.
import * as api from '../core/api.js';
import { t } from './text.js';
import { decodeArray } from '../lib/f16.js';
import { chance } from '../lib/grid.js';
import { decodePixels, encodePixels } from '../core/store.js';
import { mountDrawpad } from '../views/drawpad.js';
import { imagePixels } from '../views/gallery.js';

export function mountInput(els, { modelId, inputShape, onError }) {
  const listeners = new Set();
  const [, rows, cols] = inputShape;
  let examples = [];
  let nextExample = 0;
  let seq = 0;
  const state = { input: null, result: null, pixels: null, rows, cols, label: null };

  const notify = () => listeners.forEach((fn) => fn(state));

  async function run(input, label = null) {
    const mine = ++seq;
    els.guess.textContent = t('loading');
    try {
      const result = await api.predict(modelId, input);
      if (mine !== seq) return;
      Object.assign(state, { input, result, label, pixels: decodeArray(result.input).data });
      const top = result.prediction;
      els.guess.textContent = t('learn.input.guess', { label: top.label, p: chance(top.probability) });
      const url = new URL(location.href);
      url.searchParams.set('input', encodePixels(state.pixels));
      history.replaceState(null, '', url);
      notify();
    } catch (error) {
      if (mine === seq) {
        els.guess.textContent = '';
        onError(error);
      }
    }
  }

  /** Show the network's input (values 0..1, 1 = ink) on the pad as dark ink on white paper. */
  function paintPad(pixels) {
    const ctx = els.canvas.getContext('2d');
    const small = new OffscreenCanvas(cols, rows);
    const sctx = small.getContext('2d');
    const img = sctx.createImageData(cols, rows);
    pixels.forEach((row, y) => row.forEach((v, x) => {
      const g = Math.round(255 * (1 - v));
      img.data.set([g, g, g, 255], 4 * (y * cols + x));
    }));
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, els.canvas.width, els.canvas.height);
  }

  const pad = mountDrawpad({
    canvas: els.canvas, pen: els.pen, eraser: els.eraser, undo: els.undo, clear: els.clear, size: els.size,
  }, {
    onStroke: (blob) => run({ blob, name: 'drawing.png' }),
    onClear: () => {
      seq++;
      Object.assign(state, { input: null, result: null, pixels: null, label: null });
      els.guess.textContent = t('learn.input.empty');
      notify();
    },
  });

  async function useExample() {
    if (!examples.length) examples = (await api.getExamples(modelId)).examples;
    const ex = examples[nextExample++ % examples.length];
    const img = new Image();
    img.src = ex.image;
    await img.decode();
    const pixels = imagePixels(img);
    pad.clear();
    paintPad(pixels);
    await run({ json: { pixels } }, ex.label);
  }
  els.example.addEventListener('click', () => useExample().catch(onError));

  return {
    state,
    subscribe(fn) {
      listeners.add(fn);
      fn(state);
      return () => listeners.delete(fn);
    },
    /** Reopen an input from the URL (?input=…), else start from the first test image. */
    async start(encoded) {
      const pixels = encoded && decodePixels(encoded, rows, cols);
      if (pixels) {
        paintPad(pixels);
        await run({ json: { pixels } });
      } else {
        await useExample();
      }
    },
    examples: async () => {
      if (!examples.length) examples = (await api.getExamples(modelId)).examples;
      return examples;
    },
  };
}
