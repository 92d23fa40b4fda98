// "Step by step": one layer's operation (or the whole forward pass) played on the
// stage by the one player clock. Layer, channel, input channel, speed and step live
// in the store; the animation data comes from fetchAnimation (the page fetches; fetchAnimations(requests)
// asks for several at once).
import { STRONGEST } from '../core/api.js';
import { t } from '../core/i18n.js';
import { createPlayer } from '../core/player.js';
import { kindOf } from '../kinds/index.js';
import { sequence } from '../lib/sequence.js';
import { COLORS, STAGE_H, STAGE_W, TALL_W, paragraph, setupCanvas, stageSize } from '../lib/stage.js';
import { exportGif, exportPng } from './export.js';
import { mountPlayerControls } from './player-controls.js';

const WHOLE = '*'; // the layer value of the whole forward pass
const reducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
const TALL_BELOW = 600; // CSS px: a narrower stage (a phone) gets the tall layout, its text readable unzoomed

export function mountStepper(els, { store, fetchAnimation, fetchAnimations = async () => {}, env }) {
  let architecture = null;
  let input = null;
  let anim = null;
  let seq = 0;

  let layout = null;
  let rebuild = null; // the current animation for another layout, from the same data
  const layoutNow = () => ((els.canvas.parentElement?.clientWidth || STAGE_W) < TALL_BELOW ? 'tall' : 'wide');
  const emptySize = () => (layout === 'tall' ? [TALL_W, 300] : [STAGE_W, STAGE_H]);
  const stage = () => {
    const [w, h] = anim ? stageSize(anim) : emptySize();
    els.canvas.classList.toggle('tall', layout === 'tall');
    const ctx = setupCanvas(els.canvas, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    return ctx;
  };
  layout = layoutNow();
  // a phone turned sideways, a window resized: the other layout, drawn afresh at the same step
  new ResizeObserver(() => {
    if (layoutNow() === layout) return;
    layout = layoutNow();
    if (anim && rebuild) {
      anim = rebuild(layout);
      player.refresh();
    } else showEmpty();
  }).observe(els.canvas.parentElement ?? els.canvas);
  const player = createPlayer({
    draw(step, phase) {
      if (anim) anim.draw(stage(), step, phase);
    },
    onChange(s) {
      controls.show(s);
      // picture, counter and caption always show the same step, playing or not
      els.description.textContent = anim && s.steps ? anim.describe(s.step) : '';
      if (!s.playing && anim) store.set({ step: s.step });
    },
  });
  const controls = mountPlayerControls(els, player, { onSpeed: (speed) => store.set({ speed }) });
  controls.setSpeed(store.get('speed'));
  player.setSpeed(store.get('speed'));

  const spec = (name) => architecture?.layers.find((l) => l.name === name);
  const layer = () => store.get('layer');

  els.layer.addEventListener('change', () => {
    const name = els.layer.value;
    store.set({ layer: name, channel: name === WHOLE ? 0 : env.strongestChannel(name) });
    if (name === WHOLE) store.set({ speed: 1 }); // the story: one meaningful step a second
    load({ start: 'strongest', autoplay: true });
  });
  els.channel.addEventListener('change', () => {
    store.set({ channel: Number(els.channel.value) });
    load({ start: 'current' }); // the same positions: stay on the step the learner is on when it arrives
  });
  els.skip.checked = store.get('skip');
  els.skip.addEventListener('change', () => {
    store.set({ skip: els.skip.checked });
    load({ start: 'strongest' });
  });
  els.focus.addEventListener('change', () => {
    store.set({ focus: Number(els.focus.value) });
    load({ start: 'current' }); // the server sends that input channel's products; the step stays
  });
  store.subscribe((changed) => {
    if (changed.includes('speed')) {
      player.setSpeed(store.get('speed'));
      controls.setSpeed(store.get('speed'));
    }
  });
  els.png.addEventListener('click', () => anim && exportPng(rebuild('wide'), player.state().step, `cnnviz-${fileName()}-step${player.state().step + 1}.png`));
  els.gif.addEventListener('click', () => saveGif(false));
  els.gifShort?.addEventListener('click', () => saveGif(true));
  const fileName = () => (layer() === WHOLE ? 'forward-pass' : `${layer()}-${store.get('channel')}`);

  async function saveGif(short) {
    if (!anim) return;
    els.gif.disabled = true;
    els.status.textContent = t('anim.exporting');
    try {
      const frames = await exportGif(rebuild('wide'), store.get('speed'), `cnnviz-${fileName()}${short ? '-short' : ''}.gif`, { short });
      els.status.textContent = t('anim.exported', { n: frames });
    } catch (error) {
      els.status.textContent = String(error.message || error);
    } finally {
      els.gif.disabled = false;
    }
  }

  function fillLayers() {
    els.layer.replaceChildren(new Option(t('anim.whole'), WHOLE),
      ...architecture.layers.map((l) => new Option(`${l.name} · ${t(`kind.${l.kind}`)}`, l.name)));
    els.layer.value = layer();
  }

  function fillChannels() {
    const s = spec(layer());
    const count = s ? kindOf(s.kind).channels(s) : 0;
    els.channelLabel.textContent = t(s?.kind === 'dense' ? 'anim.unitSel' : 'anim.channelSel');
    const label = s && env.classLabelFor(s.name);
    els.channel.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(label ? `${i} (${label(i)})` : String(i), i)));
    els.channel.disabled = !count;
    els.channel.parentElement.hidden = !count;
    if (count) els.channel.value = Math.min(store.get('channel'), count - 1);
    const inputs = s?.kind === 'conv' ? s.input_shape[0] : 0;
    els.focus.replaceChildren(...Array.from({ length: inputs }, (_, i) => new Option(String(i), i)));
    els.focus.disabled = inputs < 2;
    els.focus.parentElement.hidden = inputs < 2;
    if (store.get('focus') >= inputs) store.set({ focus: 0 });
    els.focus.value = store.get('focus');
  }

  function showEmpty() {
    const [w, h] = emptySize();
    paragraph(stage(), t('anim.empty'), 20, h / 2 - 20, w - 40, { size: 20, color: COLORS.muted, lineHeight: 28 });
    els.description.textContent = '';
    els.counter.textContent = '';
  }

  /** What fetchAnimation will be asked for one layer: focus only for a conv (the whole pass shows channel 0). */
  const request = (name, channel, focus = null) => ({ layer: name, channel, focus: spec(name).kind === 'conv' ? focus ?? 0 : null });

  /** Fetch one layer's animation data -> a builder of its animation for a layout ('wide' or 'tall'). */
  async function builderOf(name, channel, focus = null) {
    const r = request(name, channel, focus);
    const data = await fetchAnimation(r.layer, r.channel, r.focus);
    const kind = kindOf(spec(name).kind);
    const options = { classLabel: env.classLabelFor(name), skipZero: store.get('skip') };
    return (lay) => kind.animation(data, { ...options, layout: lay });
  }

  /** Fetch and show the current layer; start at `step`, a neuron's step, or the strongest one. */
  async function load({ step = 0, neuron = null, start = null, autoplay = false } = {}) {
    if (!input || !architecture) return;
    const mine = ++seq;
    const name = layer();
    if (name !== WHOLE) fillChannels();
    else {
      els.channel.disabled = els.focus.disabled = true;
      els.channel.parentElement.hidden = els.focus.parentElement.hidden = true;
    }
    els.status.textContent = t('loading');
    try {
      let build;
      if (name === WHOLE) {
        const names = architecture.layers.map((l) => l.name);
        await fetchAnimations(names.map((n) => request(n, env.strongestChannel(n)))); // one request, not thirteen
        const builders = await Promise.all(names.map((n) => builderOf(n, env.strongestChannel(n))));
        build = (lay) => sequence(builders.map((b, i) => ({ layer: names[i], anim: b(lay) })));
      } else {
        build = await builderOf(name, store.get('channel'), store.get('focus'));
      }
      if (mine !== seq) return;
      rebuild = build;
      anim = build(layout);
      els.status.textContent = '';
      const at = neuron ? anim.stepOf(neuron) : start === 'strongest' ? anim.strongest()
        : start === 'current' ? Math.min(player.state().step, anim.steps - 1) : step;
      player.load(anim.steps, at);
      if (autoplay && !neuron && !reducedMotion()) player.play();
    } catch (error) {
      if (mine === seq) els.status.textContent = env.errorText(error);
    }
  }

  return {
    /** The animations the next input will show, [{layer, channel, focus}]: the page asks for them with
     *  the prediction. The whole pass shows every layer's strongest channel, which only the answer
     *  knows: it asks for channel 'strongest' (api.predict files each under the channel it was). */
    wanted() {
      const name = layer();
      if (!architecture) return [];
      if (name === WHOLE) return architecture.layers.map((l) => request(l.name, STRONGEST));
      return spec(name) ? [request(name, store.get('channel'), store.get('focus'))] : [];
    },
    /** A new model resets the stepper; the same model again (a language change) only relabels it. */
    setModel(arch) {
      const same = architecture && architecture.id === arch.id;
      architecture = arch;
      if (!same && !spec(layer()) && layer() !== WHOLE) store.set({ layer: arch.layers[0].name, channel: 0, step: 0 });
      fillLayers();
      if (same) {
        if (layer() !== WHOLE) fillChannels();
        if (anim) player.refresh(); else showEmpty();
        return;
      }
      input = null;
      anim = rebuild = null;
      if (layer() !== WHOLE) fillChannels(); // the choices are there before any input
      player.load(0);
      showEmpty();
    },
    /** A new input: reload the current animation at the stored step (or the strongest, the first time). */
    /** A new input; the learner's first one plays from the strongest neuron, the page's
     *  starter example waits there (nothing moves before the learner does something). */
    setInput(next, { first = false, starter = false } = {}) {
      input = next;
      const neuron = store.get('neuron');
      const here = neuron && neuron.layer === layer() ? neuron.neuron : null;
      if ((first || starter) && !here) return load({ start: 'strongest', autoplay: first });
      return load({ step: store.get('step') ?? 0 });
    },
    clear() {
      input = null;
      anim = rebuild = null;
      player.load(0);
      showEmpty();
    },
    /** Pause on a neuron: its layer, its channel, the step that computes it. */
    open(layerName, neuron) {
      player.pause();
      const s = spec(layerName);
      const channel = kindOf(s.kind).channels(s) ? neuron[0] : 0;
      store.set({ layer: layerName, channel });
      els.layer.value = layerName;
      return load({ neuron });
    },
  };
}
