// The Explore page's entry: one typed store (mirrored in the URL), the views wired to
// it, and every request to the server. Every number drawn comes from the server's
// engine; the browser only decodes, formats and draws.
import * as api from '../core/api.js';
import { LANGUAGES, apply, chooseLanguage, language, localTitle, startLanguage, t } from '../core/i18n.js';
import { browserUrl, createStore, decodePixels, encodePixels, types } from '../core/store.js';
import { classLayers, strongestOf } from '../kinds/index.js';
import { INK_GRADIENT, legendGradient } from '../lib/colors.js';
import { decodeArray } from '../lib/f16.js';
import { clearDetail, renderDetail, renderGradientDetail } from '../views/detail.js';
import { mountDrawpad } from '../views/drawpad.js';
import { imagePixels, renderGallery } from '../views/gallery.js';
import { mountNetwork } from '../views/network.js';
import { PASSES, mountNetworkControls } from '../views/network-controls.js';
import { SCALINGS } from '../lib/colors.js';
import { showWeights } from '../views/weights.js';
import { clearGuess, guessText, renderChart, renderGuess, renderSteps } from '../views/prediction.js';
import { mountStepper } from '../views/stepper.js';
import { mountPhotoInput } from '../views/photo-input.js';
import { mountBackward } from '../backward/view.js';
import { errorText } from '../core/errors.js';

const $ = (id) => document.getElementById(id);
const MAX_UPLOAD = Number(document.body.dataset.maxUpload); // the server's limit, from the page

const store = createStore({
  model: { type: types.text, initial: null },
  lang: { type: types.text, initial: null },
  input: { type: types.text, initial: null }, // the network input, one byte per pixel
  layer: { type: types.text, initial: null }, // the stepper's layer, or '*' for the whole pass
  channel: { type: types.int, initial: 0 },
  focus: { type: types.int, initial: 0 }, // the input channel shown in a conv animation
  speed: { type: types.int, initial: 10 },
  step: { type: types.int, initial: 0 },
  neuron: { type: types.neuron, initial: null }, // the selected neuron
  large: { type: types.flag, initial: false }, // large type, for a projector
  skip: { type: types.flag, initial: false }, // conv animations skip all-zero patches
  pass: { type: types.oneOf(PASSES), initial: 'forward' }, // the network view: values, or gradients (backward)
  scale: { type: types.oneOf(SCALINGS), initial: 'layer' }, // its colours: per map, per layer, or global
  crop: { type: types.box, initial: null }, // a photo's crop box, fractions [x0, y0, x1, y1]
  invert: { type: types.text, initial: null }, // a photo's colours: 'true' (swap them), 'false', null = automatic
  example: { type: types.int, initial: null }, // the test-set example on show (its index in the gallery)
}, browserUrl());

const app = { models: [], model: null, architecture: null, examples: [], input: null, result: null, explanation: null, seq: 0, explainSeq: 0,
  galleryLabel: null, // the true class of the gallery image on show: how it learns' default right answer
  note: null, // () => the text above the pad, or null
  touched: false }; // has the learner given an input yet (the first one starts the animation)

/** A class's name in the page's language, from the model file (class_names), else its own name. */
function classLabel(i) {
  return app.model.class_names?.[language()]?.[i] ?? app.model.classes[i];
}

const classLabelFor = (name) => (classLayers(app.architecture, app.model.classes.length).has(name) ? classLabel : null);

function status(message, isError = false) {
  $('status').textContent = message || '';
  $('status').classList.toggle('error', isError);
}

const strongestChannel = (name) => strongestOf(app.architecture.layers.find((l) => l.name === name),
  app.result?.layers.find((l) => l.name === name));

const env = { strongestChannel, classLabelFor, errorText: (e) => errorText(e, { maxUpload: MAX_UPLOAD }) };

const stepper = mountStepper({
  panel: $('stepper'), canvas: $('anim-canvas'), layer: $('anim-layer'), channel: $('anim-channel'),
  channelLabel: $('anim-channel-label'), focus: $('anim-focus'), play: $('anim-play'), back: $('anim-back'),
  forward: $('anim-forward'), start: $('anim-start'), end: $('anim-end'), scrub: $('anim-scrub'),
  counter: $('anim-counter'), speed: $('anim-speed'), png: $('anim-png'), gif: $('anim-gif'), gifShort: $('anim-gif-short'),
  status: $('anim-status'), description: $('anim-description'), skip: $('anim-skip'),
}, { store, env, fetchAnimation: (layer, channel, focus) => api.animate(app.model.id, app.input, layer, channel, focus),
  fetchAnimations: (requests) => api.prefetchAnimations(app.model.id, app.input, requests) });

const network = mountNetwork({ container: $('network-view'), toggles: $('layer-toggles'), tooltip: $('tooltip'),
  zoomButtons: { in: $('net-zoom-in'), out: $('net-zoom-out') } }, {
  classLabelFor,
  onSelect: (layer, neuron) => {
    store.set({ neuron: { layer, neuron } });
    showDetail(true); // at once: the network narrows now, not under the learner's next click
    explainNeuron({ reveal: true });
    stepper.open(layer, neuron);
  },
});

const drawpad = mountDrawpad({
  canvas: $('draw-canvas'), pen: $('tool-pen'), eraser: $('tool-eraser'), undo: $('tool-undo'),
  clear: $('tool-clear'), size: $('pen-size'),
}, {
  onStroke: (blob) => {
    performance.mark('cnnviz:stroke-sent');
    forgetPhoto();
    showNote(null);
    store.set({ example: null });
    markGallery(null);
    run({ blob, name: 'drawing.png' });
  },
  onClear: () => {
    forgetPhoto();
    showNote(null);
    markGallery(null);
    clearResult();
  },
});

const photoInput = mountPhotoInput({
  input: $('file-input'), dropzone: $('dropzone'), invert: $('invert-select'),
  cropper: { panel: $('cropper'), stage: $('crop-stage'), photo: $('crop-photo'), box: $('crop-box'),
    where: $('crop-where'), apply: $('crop-apply'), reset: $('crop-reset') },
}, {
  store, status, maxUpload: MAX_UPLOAD,
  onPhoto: () => {
    store.set({ example: null });
    showNote(null);
    markGallery(null);
  },
  read: (input) => run(input, { showOnPad: true }),
});
const forgetPhoto = () => photoInput.forget();

/** A line above the pad saying what it shows (an example, a photo from a link): say() gives
 *  its text in the page's language (kept, to say it again in another); null hides it. */
function showNote(say) {
  app.note = say;
  $('input-note').textContent = say ? say() : '';
  $('input-note').hidden = !say;
}

// How it learns (issue 12): the backward pass and one step, on what the page shows now.
const backward = mountBackward($('backward'), {
  current: () => ({ model: app.model, architecture: app.architecture, input: app.input, result: app.result,
    label: app.input?.json ? app.galleryLabel : null }),
  classLabel: (i) => classLabel(i),
});

// The network view's pass (values or gradients) and colour scaling, from the store.
const controls = mountNetworkControls($('net-controls'), { store, onLabel: (i) => backward.setLabel(i) });
backward.onResult((bw) => {
  network.setGradients(bw);
  controls.setLabels(app.model.classes.map((_, i) => classLabel(i)), bw.label);
  if (store.get('pass') === 'backward' && store.get('neuron')) explainNeuron();
});
async function showPass() {
  network.setPass(store.get('pass'));
  renderColourKey();
  if (store.get('pass') === 'backward' && app.result && !backward.result()) await backward.refresh();
  if (store.get('neuron')) await explainNeuron();
}
store.subscribe((changed) => {
  if (changed.includes('scale')) { network.setScaling(store.get('scale')); renderColourKey(); }
  if (changed.includes('pass')) showPass();
});

// ------------------------------------------------------------------ running
async function run(input, { showOnPad = false, restoring = false, starter = false } = {}) {
  app.input = input;
  const seq = ++app.seq;
  status(t('loading'));
  try {
    const result = await api.predict(app.model.id, input, { animations: stepper.wanted(), explanations: explanationWanted(),
      backward: backward.wanted({ gradients: store.get('pass') === 'backward', explanations: gradientWanted() }) });
    if (seq !== app.seq) return; // a newer input has been sent meanwhile
    const first = !app.touched && !restoring && !starter; // the learner's first input starts the animation
    if (!starter) app.touched = true;
    app.result = result;
    status('');
    const { shape, data } = decodeArray(result.input);
    const [h, w] = shape.slice(-2);
    if (showOnPad) drawpad.show(Array.from({ length: h }, (_, y) => Array.from(data.slice(y * w, (y + 1) * w))));
    renderResult();
    backward.update();
    if (store.get('pass') === 'backward' && !backward.result()) backward.refresh();
    store.set({ input: encodePixels(data) });
    stepper.setInput(input, { first, starter });
    if (store.get('neuron')) await explainNeuron();
  } catch (error) {
    if (seq !== app.seq) return;
    clearResult({ keepInput: true });
    status(env.errorText(error), true);
  }
}

/** The neuron whose arithmetic the next input will show (going forward): asked for with the prediction. */
function explanationWanted() {
  const selected = store.get('neuron');
  return selected && store.get('pass') !== 'backward' ? [{ layer: selected.layer, neuron: selected.neuron }] : [];
}

/** The neuron whose gradient the next input will show (the network view showing gradients): asked for with
 *  the prediction too, with what the "how it learns" panel shows. */
function gradientWanted() {
  const selected = store.get('neuron');
  return selected && store.get('pass') === 'backward' ? [{ layer: selected.layer, neuron: selected.neuron }] : [];
}

async function explainNeuron({ reveal = false } = {}) {
  const selected = store.get('neuron');
  if (!app.input || !selected) return;
  network.mark(selected.layer, selected.neuron);
  const seq = app.seq;
  const mine = ++app.explainSeq; // a later click wins over an earlier answer that arrives late
  const backwardPass = store.get('pass') === 'backward';
  try {
    const explanation = backwardPass ? await backward.explainGradient(selected)
      : await api.explain(app.model.id, app.input, selected.layer, selected.neuron);
    if (seq !== app.seq || mine !== app.explainSeq) return;
    app.explanation = explanation;
    renderExplanation();
    if (reveal) revealDetail();
  } catch (error) {
    status(env.errorText(error), true);
  }
}

/** Open or close the arithmetic: a sheet over the bottom of the screen on narrow screens; on wide
 *  ones a column beside the network, which has the whole width while nothing is chosen (a network
 *  of many layers then fits one band) and refits at once when the column opens or closes. */
function showDetail(open) {
  $('detail').classList.toggle('open', open);
  network.refit();
}

/** Bring the arithmetic into view where the learner is. */
function revealDetail() {
  const panel = $('detail');
  showDetail(true);
  if (getComputedStyle(panel).position === 'fixed') return keepAboveSheet(panel);
  const r = panel.getBoundingClientRect();
  if (r.top < 0 || r.top > innerHeight * 0.6) panel.scrollIntoView({ block: 'start', behavior: 'instant' });
}
/** On a narrow screen the arithmetic is a sheet over the bottom of the screen: the chosen neuron, with
 *  its receptive field's lines, scrolls into the part above the sheet if the sheet covers it. */
function keepAboveSheet(sheet) {
  const mark = network.markedBox();
  if (!mark) return;
  const room = sheet.getBoundingClientRect().top;
  if (mark.top >= 8 && mark.bottom <= room - 8) return;
  scrollBy({ top: (mark.top + mark.bottom) / 2 - room / 2, behavior: 'instant' });
}

/** The selected neuron's arithmetic (forward or backward) and its layer's weights as pictures. */
function renderExplanation() {
  const e = app.explanation;
  if (!e) return clearDetail($('detail-body'));
  if ('gradient' in e) renderGradientDetail($('detail-body'), e);
  else renderDetail($('detail-body'), e, { classLabel: classLabelFor(e.layer) });
  const selected = store.get('neuron');
  if (!selected) return;
  showWeights($('detail-weights'), { model: app.model, architecture: app.architecture, selected,
    gradients: store.get('pass') === 'backward' ? backward.result() : null,
    onPick: async (param, index) => { // a weight's gradient, in the same panel
      const mine = ++app.explainSeq;
      try {
        const g = await backward.explainGradient({ param, index });
        if (mine === app.explainSeq) renderGradientDetail($('detail-body'), g);
      } catch (error) {
        status(env.errorText(error), true);
      }
    } });
}
$('detail-close').addEventListener('click', () => showDetail(false));

/** What the colours mean, once for the whole network, and which range each map uses. */
const COLOUR_KEY = { unit: 'net.colours.unit', layer: 'net.colours.layer', global: 'net.colours.global' };
function renderColourKey() {
  const key = (gradient, text) => {
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.background = gradient;
    const item = document.createElement('span');
    item.className = 'legend-key';
    item.append(bar, text);
    return item;
  };
  const keys = store.get('pass') === 'backward' ? [key(legendGradient('diverging'), t('legend.gradient'))]
    : [key(legendGradient('diverging'), t('legend.diverging')), key(legendGradient('sequential'), t('legend.sequential')),
      key(INK_GRADIENT, t('legend.gray'))];
  $('colour-key').replaceChildren(t(COLOUR_KEY[store.get('scale')]), ' ', ...keys);
}

function renderResult() {
  const r = app.result;
  renderGuess($('guess'), r, classLabel);
  $('pad-guess').textContent = guessText(r, classLabel); // on one column, the answer where the learner draws
  renderChart($('prob-chart'), r.probabilities, r.probabilities.map((_, i) => classLabel(i)), r.prediction.index);
  renderSteps($('prep-strip'), r.preprocessing);
  network.setResult(r);
  performance.mark('cnnviz:rendered');
}

function clearResult({ keepInput = false } = {}) {
  app.seq++;
  if (!keepInput) app.input = null;
  app.result = app.explanation = null;
  store.set({ input: null, neuron: null, step: 0, ...(keepInput ? {} : { example: null }) });
  stepper.clear();
  status('');
  clearGuess($('guess'), $('prob-chart'));
  $('pad-guess').textContent = '';
  $('prep-strip').replaceChildren();
  clearDetail($('detail-body'));
  $('detail-weights').replaceChildren();
  network.clear();
  network.mark(null);
  showDetail(false); // no neuron chosen: nothing to show beside the network
}

// ------------------------------------------------------------ models, language
async function loadModel(id) {
  const input = app.input;
  const example = store.get('example') != null; // an example of the old network gives way to one of the new
  app.model = app.models.find((m) => m.id === id) || app.models[0];
  [app.architecture, app.examples] = await Promise.all([
    api.getModel(app.model.id), api.getExamples(app.model.id).then((r) => r.examples)]);
  // The first example is the page's starter (and follows a change of network): decoded before the
  // model is drawn, its /predict is sent in the same task, while the browser draws the new model.
  if ((example || !input) && app.examples.length) await examplePixels(app.examples[0]);
  clearResult();
  store.set({ model: app.model.id });
  renderModel();
  if (example) await showExample(0, { starter: true });
  else if (input) await run(input, { showOnPad: photoInput.active() }); // the same drawing or photo, refitted
}

/** Show the gallery's example `index` on the pad and read it. A starter (the page's first
 *  view, before the learner has given anything) is replaced by the learner's first stroke. */
async function showExample(index, { starter = false } = {}) {
  const example = app.examples[index];
  if (!example) return;
  const pixels = await examplePixels(example);
  forgetPhoto();
  drawpad.show(pixels, { replaceOnDraw: starter });
  noteExample(index, { starter });
  store.set({ example: index });
  await run({ json: { pixels } }, { starter });
}

/** An example's pixels (rows of grey values in [0, 1]), decoded once. */
const decoded = new WeakMap(); // example -> Promise of its pixels
function examplePixels(example) {
  if (!decoded.has(example)) {
    const img = new Image();
    img.src = example.image;
    decoded.set(example, img.decode().then(() => imagePixels(img)));
  }
  return decoded.get(example);
}

/** Say which example is on the pad, and mark it in the gallery. */
function noteExample(index, { starter = false } = {}) {
  const example = app.examples[index];
  app.galleryLabel = example.label;
  showNote(() => t(starter ? 'input.starter' : 'input.example', { label: classLabel(example.label) }));
  markGallery(index);
}

/** Mark the gallery's example `index` as the one on show (null: none is). */
function markGallery(index) {
  const buttons = [...$('gallery').querySelectorAll('button')];
  buttons.forEach((b, i) => {
    b.setAttribute('aria-checked', String(i === index));
    b.tabIndex = i === (index ?? 0) ? 0 : -1;
  });
}

function renderModel() {
  renderColourKey();
  network.setModel(app.architecture);
  stepper.setModel(app.architecture);
  renderGallery($('gallery'), app.examples, classLabel, (pixels, example) => {
    const index = app.examples.indexOf(example);
    forgetPhoto();
    drawpad.show(pixels);
    noteExample(index);
    store.set({ example: index });
    run({ json: { pixels } });
  });
  $('draw-hint').textContent = t(`draw.hint.${app.model.id}`) === `draw.hint.${app.model.id}` ? t('draw.hint') : t(`draw.hint.${app.model.id}`);
  document.querySelector('.brand p').textContent = t(`explore.tagline.${app.model.id}`) === `explore.tagline.${app.model.id}`
    ? t('explore.tagline') : t(`explore.tagline.${app.model.id}`);
}

function fillSelects() {
  $('model-select').replaceChildren(...app.models.map((m) => new Option(localTitle(m.title) || m.id, m.id)));
  $('model-select').value = app.model.id;
}

function changeLanguage(lang) {
  chooseLanguage(lang);
  $('lang-select').value = lang;
  store.set({ lang });
  apply();
  fillSelects();
  renderModel();
  if (app.result) renderResult();
  else clearGuess($('guess'), $('prob-chart'));
  renderExplanation();
  controls.relabel();
  const selected = store.get('neuron');
  if (selected) network.mark(selected.layer, selected.neuron);
  backward.relabel();
  photoInput.relabel();
  if (app.note) showNote(app.note);
  markGallery(store.get('example')); // the gallery was drawn again: mark the example on show
}

/** Reopen what a shared link or a reload shows: the input on the pad, the stepper, the selected
 *  neuron; what it is (an example, or a photo with its crop and colours). -> false if nothing to restore. */
async function restore() {
  const [, h, w] = app.model.input_shape;
  const text = store.get('input');
  const pixels = text && decodePixels(text, h, w);
  if (!pixels) return false;
  drawpad.show(pixels);
  const example = store.get('example');
  if (example != null && app.examples[example]) noteExample(example);
  else if (store.get('crop') || store.get('invert')) restorePhotoNote();
  await run({ json: { pixels } }, { restoring: true });
  const selected = store.get('neuron');
  if (!selected) return true;
  showDetail(true);
  network.rowElement(selected.layer)?.scrollIntoView({ block: 'center', behavior: 'instant' });
  return true;
}

/** A link to a photo's input: the link has what the network read, its crop and colours, not the photo
 *  (photoInput.restore() sets the colours menu and says the crop). */
function restorePhotoNote() {
  showNote(() => [t('input.linkedPhoto'), photoInput.restore()].filter(Boolean).join(' '));
}

/** Large type for a projector: every size in rem grows, the stage is drawn larger. */
function applyLargeType() {
  document.documentElement.classList.toggle('large-type', store.get('large'));
  $('large-type').checked = store.get('large');
  network.fit(); // the network refits its maps to the new type size at once (a resize waits 200 ms)
}
store.subscribe((changed) => changed.includes('large') && applyLargeType());

async function init() {
  applyLargeType();
  network.setScaling(store.get('scale'));
  network.setPass(store.get('pass'));
  startLanguage(store.get('lang'));
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  $('lang-select').value = language();
  store.set({ lang: language() });
  backward.relabel(); // mounted before the page's language was known
  controls.relabel();
  try {
    app.models = (await api.listModels()).models;
    app.model = app.models.find((m) => m.id === store.get('model')) || app.models[0];
    fillSelects();
    const saved = store.snapshot(); // loadModel clears the input; a shared link restores it
    store.set({ example: null });
    await loadModel(app.model.id);
    store.set({ input: saved.input, neuron: saved.neuron, step: saved.step, example: saved.example, crop: saved.crop,
      invert: saved.invert });
    if (!(await restore())) await showExample(0, { starter: true }); // a first example: every view live at once
  } catch (error) {
    status(env.errorText(error), true);
  }
  $('model-select').addEventListener('change', (e) => {
    history.pushState(null, '', location.href); // the other network is a page of its own: Back returns here
    loadModel(e.target.value);
  });
  // Back or Forward to the other network: the page as its URL says (the store reads the URL at load)
  addEventListener('popstate', () => {
    if ((new URLSearchParams(location.search).get('model') || app.models[0]?.id) !== app.model?.id) location.reload();
  });
  $('large-type').addEventListener('change', (e) => store.set({ large: e.target.checked }));
  $('lang-select').addEventListener('change', (e) => changeLanguage(e.target.value));
  document.body.dataset.ready = 'true';
}

init();
