// 3. A filter slides: the feature map. The first convolution's maps of the learner's drawing; for the map
// the learner picks, the filter slides on the one player clock: the picture (input with the filter's
// window, the map filling in) is drawn with the stage's helpers, and this position's numbers are a table
// beside it, large enough for a projector (a canvas of the stage's size cannot hold 32 px numbers).
import * as api from '../../core/api.js';
import { t } from '../text.js';
import { createPlayer } from '../../core/player.js';
import { scaleFor } from '../../lib/colors.js';
import { gray, fmt } from '../../lib/grid.js';
import { COLORS, box, drawMap, mapImage, setupCanvas } from '../../lib/stage.js';
import { layerOutput, strongest } from '../neuron.js';
import { el, mapCanvas, numberTable, source } from '../widgets.js';

const PICTURE_W = 640, PICTURE_H = 300; // canvas units: the input (with padding) left, the map right

/** The input values under the filter at output (y, x), zeros where the window lies on the padding. */
function patchAt(data, c, y, x) {
  const { kernel: K, stride: S, padding: P, dilation: D = 1 } = data;
  const H = data.input[0].length, W = data.input[0][0].length;
  return Array.from({ length: K }, (_, u) => Array.from({ length: K }, (_, v) => {
    const r = y * S - P + u * D, q = x * S - P + v * D;
    return r >= 0 && r < H && q >= 0 && q < W ? data.input[c][r][q] : 0;
  }));
}

/** The sliding picture: input map with the window, output map filled up to the current position. */
function picture(data) {
  const { kernel: K, stride: S, padding: P, dilation: D = 1 } = data;
  const H = data.input[0].length, W = data.input[0][0].length;
  const Ho = data.output.length, Wo = data.output[0].length;
  const flatIn = data.input[0].flat();
  const inColor = data.input_layer == null ? gray : scaleFor(Math.min(...flatIn), Math.max(...flatIn)).color;
  const input = mapImage(data.input[0], H, W, inColor);
  const outFlat = data.output.flat();
  const output = mapImage(data.output, Ho, Wo, scaleFor(Math.min(...outFlat), Math.max(...outFlat)).color);
  const cell = Math.floor(Math.min(290 / (W + 2 * P), PICTURE_H / (H + 2 * P)));
  const outCell = Math.floor(Math.min(290 / Wo, PICTURE_H / Ho));
  const outX = PICTURE_W - Wo * outCell - 4;
  return (ctx, step) => {
    const y = Math.floor(step / Wo), x = step % Wo;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, PICTURE_W, PICTURE_H);
    if (P) {
      ctx.fillStyle = COLORS.pad;
      ctx.fillRect(2, 2, (W + 2 * P) * cell, (H + 2 * P) * cell);
    }
    drawMap(ctx, input, 2 + P * cell, 2 + P * cell, cell);
    const span = (D * (K - 1) + 1) * cell;
    box(ctx, 2 + x * S * cell, 2 + y * S * cell, span, span, COLORS.hot, 3);
    drawMap(ctx, output, outX, 2, outCell, step + 1);
    box(ctx, outX + x * outCell, 2 + y * outCell, outCell, outCell, COLORS.hot, 3);
  };
}

function mount(root, ctx) {
  const conv = ctx.roles.conv;
  const maps = el('div', { class: 'fmaps', role: 'group', 'aria-label': t('learn.featuremap.maps') });
  const canvas = el('canvas', { class: 'stage slide', role: 'img', 'aria-label': t('learn.featuremap.stage') });
  const numbers = el('div', { class: 'side-by-side slide-numbers' });
  const play = el('button', { type: 'button', class: 'play', text: t('learn.player.play') });
  const back = el('button', { type: 'button', text: t('learn.player.back') });
  const forward = el('button', { type: 'button', text: t('learn.player.forward') });
  const counter = el('span', { class: 'counter' });
  const line = el('p', { class: 'sum-line', 'aria-live': 'off' }); // this position's sum, large enough for a projector
  root.append(maps, el('div', { class: 'slide-row' }, canvas, numbers),
    el('div', { class: 'player-bar' }, back, play, forward, counter), line, source('learn.source.animate'));
  let data = null, draw = null, channel = null, seq = 0;
  const player = createPlayer({
    draw(step) {
      if (!draw) return;
      draw(setupCanvas(canvas, PICTURE_W, PICTURE_H), step);
    },
    onChange(s) {
      counter.textContent = s.steps ? t('learn.player.step', { i: s.step + 1, n: s.steps }) : '';
      if (data && s.steps) {
        const w = data.output[0].length, y = Math.floor(s.step / w), x = s.step % w;
        numbers.replaceChildren(
          numberTable(patchAt(data, 0, y, x), { shade: true, caption: t('learn.w.patch') }), el('span', { class: 'op', text: '×' }),
          numberTable(data.weights[0], { shade: true, caption: t('learn.w.weights') }));
        line.textContent = t('learn.featuremap.line', { y: y + 1, x: x + 1, s: fmt(data.channel_sums[0][y][x]), b: fmt(data.bias), v: fmt(data.sums[y][x]) });
      }
      play.textContent = t(s.playing ? 'learn.player.pause' : 'learn.player.play');
    },
  });
  play.addEventListener('click', () => player.toggle());
  back.addEventListener('click', () => player.stepBy(-1));
  forward.addEventListener('click', () => player.stepBy(1));

  async function load(c, s) {
    const mine = ++seq;
    channel = c;
    const next = await api.animate(ctx.model.id, s.input, conv.name, c);
    if (mine !== seq) return;
    data = next;
    draw = picture(data);
    const [, y, x] = strongest(s.result, conv.name, c);
    player.load(data.output.length * data.output[0].length, y * data.output[0].length + x); // open where the filter responds most
    maps.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', String(i === c)));
  }

  const off = ctx.input.subscribe((s) => {
    if (!s.result) { maps.replaceChildren(); draw = null; player.load(0); return; }
    const { shape: [C, H, W], data: values } = layerOutput(s.result, conv.name);
    maps.replaceChildren(...Array.from({ length: C }, (_, c) => {
      const b = el('button', { type: 'button', class: 'map-button', 'aria-pressed': 'false' },
        mapCanvas(values.subarray(c * H * W, (c + 1) * H * W), H, W, { label: t('learn.featuremap.map', { c }) }),
        el('span', { text: t('learn.featuremap.map', { c }) }));
      b.addEventListener('click', () => load(c, s));
      return b;
    }));
    load(channel ?? strongest(s.result, conv.name)[0], s);
  });
  return { destroy() { off(); player.pause(); } };
}

export default {
  id: 'featuremap',
  usesInput: true,
  params(ctx) {
    const c = ctx.roles.conv;
    return { k: c.filters, f: c.kernel, w: c.input_shape[2], n: c.output_shape[2], s: c.stride, pad: c.padding,
      variant: c.stride === 1 && !c.padding ? null : 'padded' };
  },
  widgets: [{ mount }],
  question: { kind: 'number', answer: (ctx) => ctx.roles.conv.output_shape[2] },
};
