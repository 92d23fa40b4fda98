// cnnviz page: wires the views to the API. Every number drawn comes from the
// server's engine; the browser only decodes and draws.
import * as api from './api.js';
import { LANGUAGES, apply, localTitle, preferredLanguage, setLanguage, t } from './i18n.js';
import { readState, writeState } from './state.js';
import { clearDetail, renderDetail } from './views/detail.js';
import { mountDrawpad } from './views/drawpad.js';
import { renderGallery } from './views/gallery.js';
import { mountNetwork } from './views/network.js';
import { clearGuess, renderChart, renderGuess, renderSteps } from './views/prediction.js';
import { mountUpload } from './views/upload.js';

const $ = (id) => document.getElementById(id);
const app = {
  models: [], model: null, architecture: null, examples: [],
  input: null, result: null, selection: null, explanation: null, seq: 0,
};

function classLabel(i) {
  const key = `class.${app.model.id}.${i}`;
  const text = t(key);
  return text === key ? app.model.classes[i] : text;
}

function status(message, isError = false) {
  const el = $('status');
  el.textContent = message || '';
  el.classList.toggle('error', isError);
}

function errorText(error) {
  return error.status ? t('error.server', { message: error.message }) : t('error.network');
}

const network = mountNetwork({ container: $('network-view'), toggles: $('layer-toggles'), tooltip: $('tooltip') }, {
  onSelect: (layer, neuron) => explainNeuron(layer, neuron),
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
    app.result = result;
    status('');
    renderResult();
    if (app.selection) await explainNeuron(app.selection.layer, app.selection.neuron);
  } catch (error) {
    if (seq === app.seq) status(errorText(error), true);
  }
}

async function explainNeuron(layer, neuron) {
  app.selection = { layer, neuron };
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

async function init() {
  const state = readState();
  setLanguage(state.lang in LANGUAGES ? state.lang : preferredLanguage());
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  try {
    app.models = (await api.listModels()).models;
    app.model = app.models.find((m) => m.id === state.model) || app.models[0];
    fillSelects();
    await loadModel(app.model.id);
    changeLanguage(document.documentElement.lang === 'zh-CN' ? 'zh' : 'en');
  } catch (error) {
    status(errorText(error), true);
  }
  $('model-select').addEventListener('change', (e) => loadModel(e.target.value));
  $('lang-select').addEventListener('change', (e) => changeLanguage(e.target.value));
  document.body.dataset.ready = 'true';
}

init();
