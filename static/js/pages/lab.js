// cnnviz Lab: stride, padding, dilation, depth, kernels, a real network's filters, im2col and whole
// architectures — every number computed by the server's engine; the browser only draws.
// All animations share one player clock (lab/clock.js over core/player.js).
import * as api from '../core/api.js';
import { LANGUAGES, apply, chooseLanguage, language, localTitle, startLanguage, t } from '../core/i18n.js';
import { count } from '../lib/grid.js';
import { browserUrl, createStore, types } from '../core/store.js';
import { mountCalculator } from '../lab/calculator.js';
import { createClock } from '../lab/clock.js';
import { mountDepth } from '../lab/depth.js';
import { mountEdit } from '../lab/edit.js';
import { mountIm2col } from '../lab/im2col.js';
import { mountKernel } from '../lab/kernel.js';
import { mountSize } from '../lab/size.js';
import { el, errorText, status } from '../lab/util.js';
import { imagePixels } from '../views/gallery.js';

const $ = (id) => document.getElementById(id);
const clock = createClock();
const net = { models: [], model: null, layer: null, pixels: null, examples: [], classLabel: (i) => i };
const views = [];
const kernelPresets = {}; // filled from /api/lab/examples
const alexnetSizes = {}; // AlexNet conv1's im2col sizes, from /api/lab/shape

async function loadModel(id) {
  net.model = net.models.find((m) => m.id === id) || net.models[0];
  const [detail, examples] = await Promise.all([api.getModel(net.model.id), api.getExamples(net.model.id)]);
  const convs = detail.layers.filter((l) => l.kind === 'conv').map((l) => l.name);
  net.examples = examples.examples;
  net.classLabel = (i) => net.model.class_names?.[language()]?.[i] ?? net.model.classes[i];
  $('edit-layer').replaceChildren(...convs.map((n) => new Option(n, n)));
  net.layer = convs[0];
  im2col.setLayers(convs);
  renderGallery();
  await pickExample(0);
  await edit.loadLayer();
}

function renderGallery() {
  $('edit-gallery').replaceChildren(...net.examples.slice(0, 10).map((ex, i) => el('button', {
    type: 'button', 'aria-label': t('edit.example', { label: net.classLabel(ex.label) }), title: net.classLabel(ex.label),
    onclick: () => pickExample(i),
  }, el('img', { src: ex.image, alt: '' }))));
}

async function pickExample(i) {
  const img = $('edit-gallery').querySelectorAll('img')[i];
  if (!img.complete) await new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
  net.pixels = imagePixels(img);
  $('edit-gallery').querySelectorAll('button').forEach((b, j) => b.setAttribute('aria-pressed', String(i === j)));
  await Promise.all([edit.setInput(), im2col.run()]);
}

const edit = mountEdit({
  filters: $('edit-filters'), channel: $('edit-channel'), title: $('edit-filter-title'), grid: $('edit-grid'),
  actions: $('edit-actions'), compare: $('edit-compare'), status: $('edit-status'),
}, net, kernelPresets);
const im2col = mountIm2col({ layer: $('im2col-layer'), body: $('im2col-body'), status: $('im2col-status') }, net, alexnetSizes);
const calculator = mountCalculator({ preset: $('calc-preset'), add: $('calc-add'), csv: $('calc-csv'), table: $('calc-table'),
  notes: $('calc-notes'), status: $('calc-status') });

const store = createStore({ lang: { type: types.text, initial: null } }, browserUrl()); // this page's URL state

function changeLanguage(lang) {
  chooseLanguage(lang);
  $('lang-select').value = lang;
  store.set({ lang });
  apply();
  views.forEach((v) => v.relabel());
  renderGallery();
}

async function init() {
  startLanguage(store.get('lang'));
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  $('lang-select').value = language();
  store.set({ lang: language() });
  $('lang-select').addEventListener('change', (e) => changeLanguage(e.target.value));
  try {
    const examples = await api.getJSON('/api/lab/examples');
    const alexnet = await api.postJSON('/api/lab/shape', examples.alexnet_conv1);
    Object.assign(kernelPresets, examples.kernels);
    Object.assign(alexnetSizes, {
      xrows: alexnet.im2col.x_col[0], xcols: count(alexnet.im2col.x_col[1]), wrows: alexnet.im2col.w_row[0], wcols: alexnet.im2col.w_row[1],
    });
    views.push(mountSize({
      controls: $('size-controls'), presets: $('size-presets'), formula: $('size-formula'), problem: $('size-problem'),
      canvas: $('size-canvas'), player: $('size-player'), params: $('size-params'),
    }, clock));
    views.push(mountDepth({
      random: $('depth-random'), fields: $('depth-fields'), apply: $('depth-apply'), canvas: $('depth-canvas'),
      player: $('depth-player'), sum: $('depth-sum'), status: $('depth-status'),
    }, clock));
    views.push(mountKernel({
      grid: $('kernel-grid'), size: $('kernel-size'), presets: $('kernel-presets'), sources: $('kernel-sources'),
      draw: $('kernel-draw'), pad: $('kernel-pad'), clear: $('kernel-clear'), gallery: $('kernel-gallery'),
      upload: $('kernel-upload'), file: $('kernel-file'), maps: $('kernel-maps'), status: $('kernel-status'), poolCanvas: $('pool-canvas'), poolPlayer: $('pool-player'), poolSum: $('pool-sum'),
    }, clock, examples, $('tooltip')));
    views.push(edit, calculator);
    net.models = (await api.listModels()).models;
    $('edit-model').replaceChildren(...net.models.map((m) => new Option(localTitle(m.title) || m.id, m.id)));
    $('edit-model').addEventListener('change', (e) => loadModel(e.target.value).catch(edit.fail));
    $('edit-layer').addEventListener('change', (e) => { net.layer = e.target.value; edit.loadLayer(); });
    await Promise.all([loadModel(net.models[0].id), calculator.init()]);
  } catch (error) {
    if (!(error instanceof api.ApiError)) console.error(error); // a bug, not a server answer
    status(errorText(error), true);
  }
  document.body.dataset.ready = 'true';
}

let resizeTimer = null;
addEventListener('resize', () => { // layouts for phones and wide screens differ: redraw at the new width
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => views.forEach((v) => v.relabel()), 150);
});

init();
