// cnnviz page: wires the views to the API. Every number drawn comes from the
// server's engine; the browser only decodes and draws.
import * as api from '../core/api.js';
import { LANGUAGES, apply, language, localTitle, preferredLanguage, setLanguage, t } from '../core/i18n.js';
import { decodeArray } from '../lib/f16.js';
import { stepFor } from '../lib/geometry.js';
import { decodePixels, encodePixels, formatNeuron, parseNeuron, readState, writeState } from '../core/state.js';
import { clearDetail, renderDetail } from '../views/detail.js';
import { mountDrawpad } from '../views/drawpad.js';
import { renderGallery } from '../views/gallery.js';
import { mountNetwork } from '../views/network.js';
import { clearGuess, renderChart, renderGuess, renderSteps } from '../views/prediction.js';
import { mountStepper } from '../views/stepper.js';
import { mountUpload } from '../views/upload.js';

const $ = (id) => document.getElementById(id);
const MAX_UPLOAD = Number(document.body.dataset.maxUpload); // the server's limit, from the page
const megabytes = (bytes) => (bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '');
const app = {
  models: [], model: null, architecture: null, examples: [],
  input: null, result: null, selection: null, explanation: null, seq: 0,
};

/** A class's name in the page's language, from the model file (class_names), else its own name. */
function classLabel(i) {
  return app.model.class_names?.[language()]?.[i] ?? app.model.classes[i];
}

function status(message, isError = false) {
  const el = $('status');
  el.textContent = message || '';
  el.classList.toggle('error', isError);
}

function errorText(error) {
  if (error.status === 413) return t('error.overLimit', { limit: megabytes(MAX_UPLOAD) });
  return error.status ? t('error.server', { message: error.message }) : t('error.network');
}

/** The channel (or unit) of a layer that responds most to the current input. */
function strongestChannel(name) {
  const spec = app.architecture.layers.find((l) => l.name === name);
  const layer = app.result?.layers.find((l) => l.name === name);
  if (!layer || !(spec.output_shape.length === 3 || spec.kind === 'dense')) return 0;
  const { data } = decodeArray(layer.output);
  const n = spec.output_shape[0];
  const per = data.length / n;
  let best = 0;
  let bestValue = -Infinity;
  for (let c = 0; c < n; c++) {
    for (let i = c * per; i < (c + 1) * per; i++) {
      if (data[i] > bestValue) [bestValue, best] = [data[i], c];
    }
  }
  return best;
}

const stepper = mountStepper({
  panel: $('stepper'), canvas: $('anim-canvas'), layer: $('anim-layer'), channel: $('anim-channel'),
  channelLabel: $('anim-channel-label'), focus: $('anim-focus'), play: $('anim-play'), back: $('anim-back'),
  forward: $('anim-forward'), start: $('anim-start'), end: $('anim-end'), scrub: $('anim-scrub'),
  counter: $('anim-counter'), speed: $('anim-speed'), png: $('anim-png'), gif: $('anim-gif'),
  status: $('anim-status'), description: $('anim-description'),
}, {
  classLabel: (i) => classLabel(i),
  pickChannel: strongestChannel,
  onState: (s) => writeState({ layer: s.layer, channel: String(s.channel), step: String(s.step) }),
});

const network = mountNetwork({ container: $('network-view'), toggles: $('layer-toggles'), tooltip: $('tooltip') }, {
  onSelect: (layer, neuron) => {
    explainNeuron(layer, neuron);
    const spec = app.architecture.layers.find((l) => l.name === layer);
    const perChannel = spec.output_shape.length === 3 || spec.kind === 'dense';
    stepper.open({ layer, channel: perChannel ? neuron[0] : 0, step: stepFor(spec, neuron) });
  },
  classLabel: (i) => classLabel(i),
});

const drawpad = mountDrawpad({
  canvas: $('draw-canvas'), pen: $('tool-pen'), eraser: $('tool-eraser'), undo: $('tool-undo'),
  clear: $('tool-clear'), size: $('pen-size'),
}, {
  onStroke: (blob) => {
    performance.mark('cnnviz:stroke-sent');
    run({ blob, name: 'drawing.png' });
  },
  onClear: () => clearResult(),
});

mountUpload({ input: $('file-input'), dropzone: $('dropzone') }, (file) => {
  if (file.size > MAX_UPLOAD) { // the server would refuse it before reading it; say so at once
    status(t('error.tooLarge', { size: megabytes(file.size), limit: megabytes(MAX_UPLOAD) }), true);
    return;
  }
  drawpad.clear();
  run({ blob: file, name: file.name || 'photo' });
});

// ------------------------------------------------------------------ running
async function run(input) {
  app.input = input;
  const seq = ++app.seq;
  status(t('loading'));
  try {
    const result = await api.predict(app.model.id, input);
    if (seq !== app.seq) return; // a newer input has been sent meanwhile
    const first = !app.result;
    app.result = result;
    status('');
    renderResult();
    writeState({ input: encodePixels(decodeArray(result.input).data) });
    stepper.setInput(input, { autoplay: first });
    if (app.selection) await explainNeuron(app.selection.layer, app.selection.neuron);
  } catch (error) {
    if (seq === app.seq) status(errorText(error), true);
  }
}

async function explainNeuron(layer, neuron) {
  app.selection = { layer, neuron };
  writeState({ neuron: formatNeuron(layer, neuron) });
  if (!app.input) return;
  const seq = app.seq;
  try {
    const explanation = await api.explain(app.model.id, app.input, layer, neuron);
    if (seq !== app.seq) return;
    app.explanation = explanation;
    renderDetail($('detail-body'), explanation, classLabel);
  } catch (error) {
    status(errorText(error), true);
  }
}

function renderResult() {
  const r = app.result;
  renderGuess($('guess'), r, classLabel);
  renderChart($('prob-chart'), r.probabilities, r.probabilities.map((_, i) => classLabel(i)), r.prediction.index);
  renderSteps($('prep-strip'), r.preprocessing);
  network.setResult(r);
  performance.mark('cnnviz:rendered');
}

function clearResult() {
  app.seq++;
  app.input = app.result = app.explanation = app.selection = null;
  writeState({ input: null, neuron: null, step: null });
  stepper.clear();
  status('');
  clearGuess($('guess'), $('prob-chart'));
  $('prep-strip').replaceChildren();
  clearDetail($('detail-body'));
  network.clear();
}

// ------------------------------------------------------------ models, language
async function loadModel(id) {
  app.model = app.models.find((m) => m.id === id) || app.models[0];
  [app.architecture, app.examples] = await Promise.all([
    api.getModel(app.model.id), api.getExamples(app.model.id).then((r) => r.examples)]);
  drawpad.clear();
  clearResult();
  renderModel();
  writeState({ model: app.model.id });
}

function renderModel() {
  network.setModel(app.architecture);
  stepper.setModel(app.architecture);
  renderGallery($('gallery'), app.examples, classLabel, (pixels) => {
    drawpad.clear();
    run({ json: { pixels } });
  });
  $('draw-hint').textContent = t(app.model.id === 'fashion' ? 'draw.hint.fashion' : 'draw.hint');
}

function fillSelects() {
  $('model-select').replaceChildren(...app.models.map((m) => new Option(localTitle(m.title) || m.id, m.id)));
  $('model-select').value = app.model.id;
}

function changeLanguage(lang) {
  setLanguage(lang);
  $('lang-select').value = lang;
  writeState({ lang });
  apply();
  fillSelects();
  renderModel();
  if (app.result) renderResult();
  else clearGuess($('guess'), $('prob-chart'));
  if (app.explanation) renderDetail($('detail-body'), app.explanation, classLabel);
  else clearDetail($('detail-body'));
}

/** Reopen what a shared link or a reload shows: input, animation step, selected neuron. */
async function restore(state) {
  const [, h, w] = app.model.input_shape;
  const pixels = state.input && decodePixels(state.input, h, w);
  if (!pixels) return;
  stepper.preset({ layer: state.layer, channel: Number(state.channel) || 0, step: Number(state.step) || 0 });
  const selected = parseNeuron(state.neuron);
  if (selected) app.selection = selected;
  await run({ json: { pixels } });
}

async function init() {
  const state = readState();
  setLanguage(state.lang in LANGUAGES ? state.lang : preferredLanguage());
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  try {
    app.models = (await api.listModels()).models;
    app.model = app.models.find((m) => m.id === state.model) || app.models[0];
    fillSelects();
    $('lang-select').value = language();
    writeState({ lang: language() });
    await loadModel(app.model.id);
    await restore(state);
  } catch (error) {
    status(errorText(error), true);
  }
  $('model-select').addEventListener('change', (e) => loadModel(e.target.value));
  $('lang-select').addEventListener('change', (e) => changeLanguage(e.target.value));
  document.body.dataset.ready = 'true';
}

init();

// How it learns (issue 12): a self-contained panel (static/js/backward/), fed what the page shows now.
// It refreshes when a new prediction is shown and rebuilds its text when the page's language changes.
import { mountBackward } from '../backward/view.js';

let galleryLabel = null; // the true class of the gallery image picked last (the default right answer)
$('gallery').addEventListener('click', (e) => {
  const label = e.target.closest('button[data-label]')?.dataset.label;
  galleryLabel = label == null ? null : Number(label);
}, true);
const backward = mountBackward($('backward'), {
  current: () => ({ model: app.model, architecture: app.architecture, input: app.input, result: app.result,
    label: app.input?.json ? galleryLabel : null }),
  classLabel: (i) => classLabel(i),
});
new MutationObserver(() => app.result && backward.update()).observe($('guess'), { childList: true });
new MutationObserver(() => backward.relabel()).observe(document.documentElement, { attributeFilter: ['lang'] });
