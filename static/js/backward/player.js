// The backward animation stage: choose a layer and a channel (or unit), then play, pause, step or
// scrub on the one player clock (core/player.js).
import { STRONGEST } from '../core/api.js';
import { createPlayer } from '../core/player.js';
import { t } from '../core/i18n.js';
import { STAGE_H, STAGE_W, setupCanvas } from '../lib/stage.js';
import { el } from './arithmetic.js';
import { ANIMATIONS } from './animations.js';

export function mountBackwardPlayer(container, { request }) {
  const $ = {};
  const make = (name, tag, props = {}, ...children) => ($[name] = el(tag, props, ...children));
  let frames = null;
  let architecture = null;
  let strongest = () => 0;
  let seq = 0;

  container.replaceChildren(
    el('h3', { textContent: t('bw.anim.heading') }),
    el('div', { className: 'bw-controls' },
      el('label', {}, el('span', { textContent: t('anim.layer') }), ' ', make('layer', 'select', { id: 'bw-anim-layer' })),
      el('label', {}, el('span', { textContent: t('anim.channelSel') }), ' ', make('channel', 'select', { id: 'bw-anim-channel' })),
      el('label', {}, el('span', { textContent: t('anim.focus') }), ' ', make('focus', 'select', { id: 'bw-anim-focus' }))),
    el('div', { className: 'stage-wrap' }, make('canvas', 'canvas', { className: 'stage', id: 'bw-anim-canvas', tabIndex: 0 })),
    el('div', { className: 'player', role: 'group' },
      make('start', 'button', { type: 'button', textContent: '⇤', ariaLabel: t('anim.start') }),
      make('back', 'button', { type: 'button', textContent: '←', ariaLabel: t('anim.back') }),
      make('play', 'button', { type: 'button', className: 'play', id: 'bw-anim-play', textContent: '▶', ariaLabel: t('anim.play') }),
      make('forward', 'button', { type: 'button', textContent: '→', ariaLabel: t('anim.forward') }),
      make('end', 'button', { type: 'button', textContent: '⇥', ariaLabel: t('anim.end') }),
      make('scrub', 'input', { type: 'range', min: 0, max: 0, value: 0, ariaLabel: t('anim.scrub') }),
      make('counter', 'span', { className: 'counter', id: 'bw-anim-counter' })),
    make('description', 'p', { className: 'anim-description', id: 'bw-anim-description' }));

  const ctx = setupCanvas($.canvas, STAGE_W, STAGE_H);
  const player = createPlayer({
    draw(step) {
      ctx.clearRect(0, 0, STAGE_W, STAGE_H);
      if (!frames) return;
      const anim = ANIMATIONS[frames.kind];
      anim.draw(ctx, frames, step);
      $.description.textContent = anim.describe(frames, step);
    },
    onChange(state) {
      $.scrub.max = String(Math.max(0, state.steps - 1));
      $.scrub.value = String(state.step);
      $.counter.textContent = state.steps ? `${state.step + 1} / ${state.steps}` : '';
      $.play.textContent = state.playing ? '❚❚' : '▶';
      $.play.setAttribute('aria-pressed', String(state.playing));
    },
  });

  const spec = () => architecture?.layers.find((l) => l.name === $.layer.value);

  function fillChannels() {
    const layer = spec();
    if (!layer) return;
    const perChannel = layer.output_shape.length === 3 || layer.kind === 'dense';
    const count = perChannel ? layer.output_shape[0] : 1;
    $.channel.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(String(i), String(i))));
    $.channel.disabled = !perChannel;
    if (perChannel) $.channel.value = String(strongest(layer.name));
    const inputs = layer.kind === 'conv' ? layer.input_shape[0] : 1;
    $.focus.replaceChildren(...Array.from({ length: inputs }, (_, i) => new Option(String(i), String(i))));
    $.focus.disabled = layer.kind !== 'conv';
  }

  async function load() {
    const mine = ++seq;
    try {
      const f = await request({ layer: $.layer.value, channel: Number($.channel.value) || 0,
        focus: Number($.focus.value) || 0 });
      if (mine !== seq) return;
      frames = f;
      player.load(ANIMATIONS[f.kind].steps(f), 0);
    } catch (error) {
      $.description.textContent = t('error.server', { message: error.message });
    }
  }

  $.layer.addEventListener('change', () => { fillChannels(); load(); });
  $.channel.addEventListener('change', load);
  $.focus.addEventListener('change', load);
  $.play.addEventListener('click', () => player.toggle());
  $.back.addEventListener('click', () => player.stepBy(-1));
  $.forward.addEventListener('click', () => player.stepBy(1));
  $.start.addEventListener('click', () => player.seek(0));
  $.end.addEventListener('click', () => player.seek(Infinity));
  $.scrub.addEventListener('input', () => player.seek(Number($.scrub.value)));
  $.canvas.addEventListener('keydown', (e) => {
    const keys = { ' ': () => player.toggle(), ArrowLeft: () => player.stepBy(-1), ArrowRight: () => player.stepBy(1),
      Home: () => player.seek(0), End: () => player.seek(Infinity) };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });

  return {
    /** The fields load() will send after setModel(arch): the layer, channel and input channel on show, or
     *  for another architecture the layer setModel keeps (else its first) at its STRONGEST channel. */
    wanted(arch) {
      if (arch === architecture) return { layer: $.layer.value, channel: Number($.channel.value) || 0, focus: Number($.focus.value) || 0 };
      const layer = arch.layers.find((l) => l.name === $.layer.value) ?? arch.layers[0];
      const perChannel = layer.output_shape.length === 3 || layer.kind === 'dense';
      return { layer: layer.name, channel: perChannel ? STRONGEST : 0, focus: 0 };
    },
    /** A new gradient result: keep the chosen layer if the model has it, and reload its frames.
     *  pick(layer name): the channel to show first (the one with the most gradient). */
    setModel(arch, pick = () => 0) {
      strongest = pick;
      const keep = $.layer.value;
      if (arch !== architecture) {
        architecture = arch;
        $.layer.replaceChildren(...arch.layers.map((l) => new Option(`${l.name} · ${t(`kind.${l.kind}`)}`, l.name)));
        $.layer.value = arch.layers.some((l) => l.name === keep) ? keep : arch.layers[0].name;
        fillChannels();
      }
      load();
    },
  };
}
