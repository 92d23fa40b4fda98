// 3. A filter slides: the feature map. conv1's maps of the learner's drawing, and the explorer's
// convolution animation on the one player clock for the map the learner picks.
import * as api from '../../core/api.js';
import { t } from '../text.js';
import { createPlayer } from '../../core/player.js';
import { animation as convAnimation } from '../../kinds/conv.js';
import { STAGE_H, STAGE_W, setupCanvas } from '../../lib/stage.js';
import { fmt } from '../../lib/grid.js';
import { layerOutput, strongest } from '../neuron.js';
import { el, mapCanvas, source } from '../widgets.js';

function mount(root, ctx) {
  const maps = el('div', { class: 'fmaps', role: 'group', 'aria-label': t('learn.featuremap.maps') });
  const canvas = el('canvas', { class: 'stage', role: 'img', 'aria-label': t('learn.featuremap.stage') });
  const play = el('button', { type: 'button', class: 'play', text: t('learn.player.play') });
  const back = el('button', { type: 'button', text: t('learn.player.back') });
  const forward = el('button', { type: 'button', text: t('learn.player.forward') });
  const counter = el('span', { class: 'counter' });
  const line = el('p', { class: 'sum-line', 'aria-live': 'off' }); // this position's sum, large enough for a projector
  root.append(maps, canvas, el('div', { class: 'player-bar' }, back, play, forward, counter), line, source('learn.source.animate'));
  let data = null;
  let anim = null, channel = null, seq = 0, ctx2d = setupCanvas(canvas, STAGE_W, STAGE_H);
  const player = createPlayer({
    draw(step, phase) {
      if (!anim) return;
      ctx2d = setupCanvas(canvas, STAGE_W, STAGE_H);
      ctx2d.fillStyle = '#fff';
      ctx2d.fillRect(0, 0, STAGE_W, STAGE_H);
      anim.draw(ctx2d, step, phase);
    },
    onChange(s) {
      counter.textContent = s.steps ? t('learn.player.step', { i: s.step + 1, n: s.steps }) : '';
      if (data && s.steps) {
        const w = data.output[0].length, y = Math.floor(s.step / w), x = s.step % w;
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
    const next = await api.animate(ctx.model.id, s.input, ctx.roles.conv.name, c);
    if (mine !== seq) return;
    data = next;
    anim = convAnimation(data, { focus: 0 });
    const [, y, x] = strongest(s.result, ctx.roles.conv.name, c);
    player.load(anim.steps, y * data.output[0].length + x); // open where the filter responds most
    maps.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', String(i === c)));
  }

  const off = ctx.input.subscribe((s) => {
    if (!s.result) { maps.replaceChildren(); anim = null; player.load(0); return; }
    const { shape: [C, H, W], data: values } = layerOutput(s.result, ctx.roles.conv.name);
    maps.replaceChildren(...Array.from({ length: C }, (_, c) => {
      const b = el('button', { type: 'button', class: 'map-button', 'aria-pressed': 'false' },
        mapCanvas(values.subarray(c * H * W, (c + 1) * H * W), H, W, { label: t('learn.featuremap.map', { c }) }),
        el('span', { text: t('learn.featuremap.map', { c }) }));
      b.addEventListener('click', () => load(c, s));
      return b;
    }));
    load(channel ?? strongest(s.result, ctx.roles.conv.name)[0], s);
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
