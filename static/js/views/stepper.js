// "Step by step": one layer's operation (or the whole forward pass) played on
// the stage canvas by the one player clock, with the numbers from the server.
import * as api from '../core/api.js';
import * as activation from '../animations/activation.js';
import * as conv from '../animations/conv.js';
import * as dense from '../animations/dense.js';
import * as flatten from '../animations/flatten.js';
import * as pool from '../animations/pool.js';
import * as softmax from '../animations/softmax.js';
import { t } from '../core/i18n.js';
import { createPlayer } from '../core/player.js';
import { COLORS, STAGE_H, STAGE_W, setupCanvas, text } from '../lib/stage.js';
import { exportGif, exportPng } from './export.js';

const ANIMATIONS = { conv: conv.create, relu: activation.create, tanh: activation.create, sigmoid: activation.create,
  maxpool: pool.create, avgpool: pool.create, flatten: flatten.create, dense: dense.create, softmax: softmax.create };
export const WHOLE = '*';
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200];
const reducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

/** Several layers' animations played one after another as one. */
function sequence(parts) {
  const starts = [];
  let total = 0;
  for (const p of parts) {
    starts.push(total);
    total += p.anim.steps;
  }
  const find = (step) => {
    let i = starts.length - 1;
    while (starts[i] > step) i--;
    return [i, step - starts[i]];
  };
  return {
    steps: total,
    draw(ctx, step, phase) {
      const [i, local] = find(step);
      parts[i].anim.draw(ctx, local, local + 1 < parts[i].anim.steps ? phase : 0);
      text(ctx, t('anim.segment', { layer: parts[i].layer, i: i + 1, n: parts.length }), STAGE_W - 20, STAGE_H - 10,
        { size: 14, align: 'right', color: COLORS.muted, weight: 600 });
    },
    describe(step) {
      const [i, local] = find(step);
      return `${t('anim.segment', { layer: parts[i].layer, i: i + 1, n: parts.length })}: ${parts[i].anim.describe(local)}`;
    },
  };
}

export function mountStepper(els, { classLabel, pickChannel, onState }) {
  let architecture = null;
  let input = null;
  let anim = null;
  let layer = 'conv1';
  let channel = 0;
  let focus = 0;
  let seq = 0;
  let pending = null; // a step to open at once the input arrives (from the URL)
  let ctx = setupCanvas(els.canvas, STAGE_W, STAGE_H);

  const player = createPlayer({
    draw(step, phase) {
      if (!anim) return;
      ctx = setupCanvas(els.canvas, STAGE_W, STAGE_H);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, STAGE_W, STAGE_H);
      anim.draw(ctx, step, phase);
    },
    onChange(s) {
      els.counter.textContent = s.steps ? t('anim.stepOf', { i: s.step + 1, n: s.steps }) : '';
      els.scrub.max = Math.max(0, s.steps - 1);
      els.scrub.value = s.step;
      els.play.textContent = s.playing ? '❚❚' : '▶';
      els.play.setAttribute('aria-label', t(s.playing ? 'anim.pause' : 'anim.play'));
      els.play.setAttribute('aria-pressed', String(s.playing));
      if (!s.playing && anim) {
        els.description.textContent = anim.describe(s.step);
        onState({ layer, channel, step: s.step });
      }
    },
  });

  // ------------------------------------------------------------- controls
  els.play.addEventListener('click', () => player.toggle());
  els.back.addEventListener('click', () => player.stepBy(-1));
  els.forward.addEventListener('click', () => player.stepBy(1));
  els.start.addEventListener('click', () => player.seek(0));
  els.end.addEventListener('click', () => player.seek(Infinity));
  els.scrub.addEventListener('input', () => player.seek(Number(els.scrub.value)));
  els.speed.replaceChildren(...SPEEDS.map((s) => new Option(`${s}×`, s)));
  els.speed.value = 10;
  els.speed.addEventListener('change', () => player.setSpeed(Number(els.speed.value)));
  els.layer.addEventListener('change', () => {
    layer = els.layer.value;
    channel = layer === WHOLE ? 0 : pickChannel(layer);
    load({ autoplay: true });
  });
  els.channel.addEventListener('change', () => {
    channel = Number(els.channel.value);
    load({ step: player.state().step });
  });
  els.focus.addEventListener('change', () => {
    focus = Number(els.focus.value);
    player.redraw();
  });
  els.panel.addEventListener('keydown', (e) => {
    if (['SELECT', 'INPUT', 'TEXTAREA'].includes(e.target.tagName) && e.target !== els.scrub) return;
    if (e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return; // the button's own click
    const keys = { ' ': () => player.toggle(), ArrowLeft: () => player.stepBy(-1), ArrowRight: () => player.stepBy(1),
      Home: () => player.seek(0), End: () => player.seek(Infinity) };
    if (!keys[e.key] || (e.target === els.scrub && e.key !== ' ')) return;
    e.preventDefault();
    keys[e.key]();
  });
  els.png.addEventListener('click', () => anim && exportPng(els.canvas, `cnnviz-${fileName()}-step${player.state().step + 1}.png`));
  els.gif.addEventListener('click', async () => {
    if (!anim) return;
    els.gif.disabled = true;
    els.status.textContent = t('anim.exporting');
    try {
      const frames = await exportGif(anim, Number(els.speed.value), `cnnviz-${fileName()}.gif`);
      els.status.textContent = t('anim.exported', { n: frames });
    } catch (error) {
      els.status.textContent = String(error.message || error);
    } finally {
      els.gif.disabled = false;
    }
  });
  const fileName = () => (layer === WHOLE ? 'forward-pass' : `${layer}-${channel}`);

  // ------------------------------------------------------------ layers
  function fillLayers() {
    els.layer.replaceChildren(new Option(t('anim.whole'), WHOLE),
      ...architecture.layers.map((l) => new Option(`${l.name} · ${t(`kind.${l.kind}`)}`, l.name)));
    els.layer.value = layer;
  }

  /** A new model resets the stepper; the same model again (a language change) only relabels it. */
  function setModel(arch) {
    const same = architecture && architecture.id === arch.id;
    architecture = arch;
    if (same) {
      fillLayers();
      if (layer !== WHOLE) fillChannels();
      if (anim) player.refresh(); // redraws the frame and the controls in the new language
      else showEmpty();
      return;
    }
    layer = arch.layers[0].name;
    fillLayers();
    channel = 0;
    input = null;
    anim = null;
    player.load(0);
    showEmpty();
  }

  function fillChannels() {
    const spec = architecture.layers.find((l) => l.name === layer);
    const count = !spec ? 0 : spec.output_shape.length === 3 ? spec.output_shape[0] : spec.kind === 'dense' ? spec.output_shape[0] : 0;
    els.channelLabel.textContent = t(spec?.kind === 'dense' ? 'anim.unitSel' : 'anim.channelSel');
    els.channel.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(
      spec.kind === 'dense' && count <= 20 ? `${i} (${classLabel(i)})` : String(i), i)));
    els.channel.disabled = !count;
    els.channel.parentElement.hidden = !count;
    if (count) els.channel.value = Math.min(channel, count - 1);
    const inputs = spec?.kind === 'conv' ? spec.input_shape[0] : 0;
    els.focus.replaceChildren(...Array.from({ length: inputs }, (_, i) => new Option(String(i), i)));
    els.focus.disabled = inputs < 2;
    els.focus.parentElement.hidden = inputs < 2;
    focus = Math.min(focus, Math.max(0, inputs - 1));
    els.focus.value = focus;
  }

  /** Switch to a layer by name (or the whole pass); an unknown name is ignored. */
  function useLayer(name) {
    if (name && (name === WHOLE || architecture.layers.some((l) => l.name === name))) {
      layer = name;
      els.layer.value = layer;
    }
  }

  function showEmpty() {
    ctx = setupCanvas(els.canvas, STAGE_W, STAGE_H);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, STAGE_W, STAGE_H);
    text(ctx, t('anim.empty'), STAGE_W / 2, STAGE_H / 2, { size: 20, align: 'center', color: COLORS.muted });
    els.description.textContent = '';
    els.counter.textContent = '';
  }

  async function fetchAnimation(name, ch) {
    const spec = architecture.layers.find((l) => l.name === name);
    const data = await api.animate(architecture.id, input, name, ch);
    return ANIMATIONS[spec.kind](data, { classLabel, get focus() { return focus; } });
  }

  async function load({ step = 0, autoplay = false } = {}) {
    if (!input || !architecture) return;
    const mine = ++seq;
    if (layer !== WHOLE) fillChannels();
    else {
      els.channel.disabled = els.focus.disabled = true;
      els.channel.parentElement.hidden = els.focus.parentElement.hidden = true;
    }
    els.status.textContent = t('loading');
    try {
      let next;
      if (layer === WHOLE) {
        const names = architecture.layers.map((l) => l.name);
        const anims = await Promise.all(names.map((n) => fetchAnimation(n, pickChannel(n))));
        next = sequence(anims.map((a, i) => ({ layer: names[i], anim: a })));
      } else {
        next = await fetchAnimation(layer, channel);
      }
      if (mine !== seq) return;
      anim = next;
      els.status.textContent = '';
      const wasPlaying = player.state().playing;
      player.load(anim.steps, step);
      if ((autoplay || wasPlaying) && !reducedMotion()) player.play();
    } catch (error) {
      if (mine === seq) els.status.textContent = error.message || t('error.network');
    }
  }

  return {
    setModel,
    /** A new input: reload the current animation, keeping layer, channel and step. */
    setInput(next, { autoplay = false } = {}) {
      input = next;
      const step = pending ?? player.state().step ?? 0;
      const restoring = pending != null;
      pending = null;
      return load({ step, autoplay: autoplay && !restoring });
    },
    /** Layer, channel and step to open when the input arrives (a shared link or a reload). */
    preset(state) {
      useLayer(state.layer);
      channel = state.channel || 0;
      pending = state.step || 0;
    },
    clear() {
      input = null;
      anim = null;
      player.load(0);
      showEmpty();
    },
    /** Open a layer, channel and step (from the URL or a click in the network view). */
    open(state) {
      useLayer(state.layer);
      if (state.channel != null) channel = state.channel;
      return load({ step: state.step || 0 });
    },
  };
}
