// The training studio: choose data and a network, train it on the server's job queue, watch it
// learn (server-sent events), then judge it and use it in the explorer. Every number comes from
// the server; the page draws.
import { LANGUAGES, apply, chooseLanguage, language, startLanguage, t } from '../core/i18n.js';
import { errorText as refusal } from '../core/errors.js';
import { browserUrl, createStore, types } from '../core/store.js';
import * as api from '../train/api.js';
import { KINDS, mountLayers } from '../train/layers.js';
import { mountLive } from '../train/live.js';
import { showResults } from '../train/results.js';

const $ = (id) => document.getElementById(id);
const SIZES = [1000, 5000, 'all'];
const TERMINAL = ['finished', 'failed', 'cancelled', 'interrupted'];
const studio = { options: null, job: null, settings: null, stop: null, final: null, running: false };
// the number fields checked as the learner types: input id -> its message, train.check.<id>
const CHECKED_FIELDS = ['lr', 'batch', 'epochs'];
const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

function dataset() {
  return studio.options.datasets.find((d) => d.id === $('dataset').value);
}

function classLabel(i) {
  const d = dataset();
  return d?.class_names?.[language()]?.[i] ?? d?.classes[i] ?? String(i);
}

// the form's fields as the server names them in a refusal -> their labels on this page
const FIELD_LABELS = { epochs: 'train.epochs', lr: 'train.lr', batch_size: 'train.batch', train_size: 'train.size',
  dataset: 'train.dataset', optimiser: 'train.optimiser', augment: 'train.augment' };

const errorText = (error) => refusal(error, { fields: FIELD_LABELS }); // a field named as the form labels it

function status(message, isError = false, el = $('status')) {
  el.textContent = message || '';
  el.classList.toggle('error', isError);
}

/** The network's size under the layer table, and the job's work when the epochs are set. */
function describeNetwork(result) {
  if (!result.ok) {
    status(errorText(result.error), true, $('arch-summary'));
    return;
  }
  const { parameters, work, max_work: max } = result.check;
  const count = parameters.toLocaleString('en-US');
  if (!fieldOk('epochs')) { // the work of no epochs, or of the server's default, would be a wrong figure
    status(t('train.archSummaryNoEpochs', { parameters: count }), false, $('arch-summary'));
    return;
  }
  status(t('train.archSummary', { parameters: count, work: Math.round(work).toLocaleString('en-US'),
    percent: (100 * work / max).toFixed(work < 0.1 * max ? 1 : 0) }), work > max, $('arch-summary'));
}

const layers = mountLayers({
  tbody: $('layer-rows'), summary: $('arch-summary'),
  inputShape: () => (studio.presetShape || [1, 28, 28]),
  jobSize,
  onChange: (result) => {
    describeNetwork(result);
    updateStart();
  },
});

const fieldOk = (id) => $(id).validity.valid; // in range, a whole number where it must be, not empty

/** Under a number field, what is wrong with it (nothing: no message). */
function sayFieldCheck(id) {
  const input = $(id);
  const ok = fieldOk(id);
  input.setAttribute('aria-invalid', String(!ok));
  $(`${id}-check`).textContent = ok ? '' : t(`train.check.${id}`, { low: input.min, high: input.max });
}

const checkTimers = {};

/** As the learner types: Start follows at once; a problem is said once they pause (typing 0.003
 *  passes through 0), a fixed one is cleared at once. */
function onFieldInput(id) {
  updateStart();
  clearTimeout(checkTimers[id]);
  if (fieldOk(id)) sayFieldCheck(id);
  else checkTimers[id] = setTimeout(() => sayFieldCheck(id), 400);
}

/** Start: for a network the server accepted and settings it will take, while no job of this page runs. */
function updateStart() {
  $('start').disabled = studio.running || !layers.last?.ok || !CHECKED_FIELDS.every(fieldOk);
}

const live = mountLive({
  curves: $('curves'), filters: $('filters'), samples: $('samples'), progress: $('progress'),
  bar: $('progress-bar'), classLabel,
});

function fillChoices() {
  const { datasets, presets } = studio.options;
  const keep = { dataset: $('dataset').value, size: $('train-size').value, preset: $('preset').value, opt: $('optimiser').value };
  $('dataset').replaceChildren(...datasets.map((d) => {
    const o = new Option(t(`train.data.${d.id}`) + (d.available ? '' : ` (${t('train.notInstalled')})`), d.id);
    o.disabled = !d.available;
    return o;
  }));
  $('train-size').replaceChildren(...SIZES.map((n) => new Option(n === 'all' ? t('train.all') : n.toLocaleString('en-US'), n)));
  $('preset').replaceChildren(...presets.map((p) => new Option(p.title[language()] || p.title.en, p.id)));
  $('optimiser').replaceChildren(new Option(t('train.adam'), 'adam'), new Option(t('train.sgd'), 'sgd'));
  $('add-kind').replaceChildren(...KINDS.map((k) => new Option(t(`kind.${k}`), k)));
  if (keep.dataset) {
    $('dataset').value = keep.dataset;
    $('train-size').value = keep.size;
    $('preset').value = keep.preset;
    $('optimiser').value = keep.opt;
  }
  describeDataset();
}

function describeDataset() {
  const d = dataset();
  const fashion = studio.options.datasets.find((x) => x.id === 'fashion');
  const size = $('train-size').value === 'all' ? d.train_images : Number($('train-size').value);
  let note = t('train.split', { train: size.toLocaleString('en-US'), all: d.train_images.toLocaleString('en-US'),
    test: d.test_images.toLocaleString('en-US') });
  if (!fashion.available) note += ' ' + t('train.installFashion');
  $('dataset-note').textContent = note;
}

/** The job's size as the form says it: {epochs, train_size} (images), for the work figure. */
function jobSize() {
  const size = $('train-size').value;
  const images = size === 'all' ? (studio.options && dataset()?.train_images) : Number(size);
  return { ...(fieldOk('epochs') ? { epochs: Number($('epochs').value) } : {}),
    ...(Number.isInteger(images) ? { train_size: images } : {}) };
}

function usePreset(id) {
  const preset = studio.options.presets.find((p) => p.id === id);
  studio.presetShape = preset.input_shape;
  layers.set(preset.layers.map(({ name, ...rest }) => rest));
}

function settings() {
  const size = $('train-size').value;
  return {
    dataset: $('dataset').value, train_size: size === 'all' ? 'all' : Number(size),
    architecture: layers.spec(), optimiser: $('optimiser').value, lr: Number($('lr').value),
    batch_size: Number($('batch').value), epochs: Number($('epochs').value), augment: $('augment').checked,
  };
}

/** The job being watched, kept in the URL (?job=...) so a reload follows it again. */
function jobInUrl(id) {
  const params = new URLSearchParams(location.search);
  if (id) params.set('job', id);
  else params.delete('job');
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

function running(on) {
  studio.running = on;
  $('stop').disabled = !on;
  updateStart();
}

/** As training starts, what the learner is to watch and the button that stops it in the window: the
 *  progress line, Stop beside its bar and the chart under them. On wide screens they are right under the
 *  Start button already (beside the long network panel); else the page scrolls to them or, in a window
 *  too short for all of them (none of the five screens), to Stop and as much of the chart as fits. */
function showTheWatch() {
  const top = $('progress').getBoundingClientRect().top;
  const stop = $('stop').getBoundingClientRect();
  const bottom = $('curves').getBoundingClientRect().bottom;
  if (top >= 0 && bottom <= innerHeight) return;
  const margin = 8; // the progress line at the top: it may grow by a line as the numbers come in
  const fits = bottom - top + 2 * margin <= innerHeight;
  scrollBy({ top: (fits ? top : stop.top) - margin, behavior: reducedMotion() ? 'auto' : 'smooth' });
}

async function start() {
  status(t('train.sending'));
  $('results').hidden = true;
  $('cell').hidden = true;
  try {
    const job = await api.submit(settings());
    await watch(job.id);
    showTheWatch();
    status(job.position > 1 ? t('train.queued', { position: job.position }) : t('train.starting'));
  } catch (error) {
    status(errorText(error), true);
  }
}

async function watch(jobId) {
  studio.job = jobId;
  jobInUrl(jobId);
  const record = await api.job(jobId);
  studio.settings = record.settings;
  if ($('dataset').value !== record.settings.dataset) $('dataset').value = record.settings.dataset;
  await live.reset(jobId, language());
  running(!TERMINAL.includes(record.state));
  studio.stop = api.follow(jobId, (type, data) => onEvent(type, data).catch((e) => status(errorText(e), true)));
}

async function onEvent(type, data) {
  if (type === 'queued') return;
  if (type === 'started') status(t('train.training'));
  else if (type === 'batch') live.onBatch(data);
  else if (type === 'epoch') live.onEpoch(data);
  else if (type === 'filters') live.onFilters(data);
  else if (type === 'samples') live.onSamples(data);
  else if (type === 'predictions') live.onPredictions(data);
  else if (TERMINAL.includes(type)) {
    studio.stop?.();
    studio.stop = null;
    running(false);
    if (type === 'failed' || type === 'interrupted') {
      status(t(`train.state.${type}`, { reason: data.reason || '' }), true);
      document.body.dataset.jobState = type;
      return;
    }
    if (!data.model) { // cancelled before it started: there is no model
      status(t('train.state.cancelledQueued'));
      document.body.dataset.jobState = type;
      return;
    }
    status(t(`train.state.${type}`, { accuracy: (100 * data.test_accuracy).toFixed(1) }));
    studio.final = data;
    await showResults({ jobId: studio.job, final: data, settings: studio.settings, classLabel,
      onError: (e) => status(errorText(e), true) });
    await showMine();
    document.body.dataset.jobState = type; // after the results are drawn
  }
}

async function stop() {
  $('stop').disabled = true;
  status(t('train.stopping')); // said now: the job's end may reach the page before this request's answer
  try {
    await api.cancel(studio.job);
  } catch (error) {
    status(errorText(error), true);
  }
}

/** This browser's models: open, share, delete (the server keeps at most `limit` of them). */
async function showMine() {
  const { models, limit, expires_hours: hours } = await api.mine();
  $('mine-hint').textContent = t('train.mineHint', { count: models.length, limit, hours });
  $('mine-list').replaceChildren(...models.map((m) => {
    const li = document.createElement('li');
    const title = Object.assign(document.createElement('span'), { className: 'title' });
    const accuracy = m.test_accuracy != null ? ` · ${(100 * m.test_accuracy).toFixed(1)}%` : '';
    title.textContent = `${m.title[language()] || m.title.en || m.id} (${m.id})${accuracy}`;
    const open = Object.assign(document.createElement('a'), { className: 'button', href: `/?model=${m.id}&lang=${language()}`,
      textContent: t('train.open') });
    const shared = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: m.shared });
    box.addEventListener('change', () => api.share(m.id, box.checked).catch((e) => status(errorText(e), true)));
    shared.append(box, ` ${t('train.share')}`);
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: t('train.delete') });
    remove.setAttribute('aria-label', `${t('train.delete')} ${m.id}`);
    remove.addEventListener('click', () => api.removeModel(m.id).then(showMine).catch((e) => status(errorText(e), true)));
    li.append(title, open, shared, remove);
    return li;
  }));
}

async function uploadModel(e) {
  e.preventDefault();
  const el = $('upload-status');
  try {
    const { id } = await api.upload($('upload-json').files[0], $('upload-npz').files[0]);
    showMine();
    el.replaceChildren(t('train.uploaded', { id }) + ' ');
    const link = Object.assign(document.createElement('a'), { href: `/?model=${id}&lang=${language()}`, textContent: t('train.open') });
    el.append(link);
    el.classList.remove('error');
  } catch (error) {
    status(errorText(error), true, el);
  }
}

const store = createStore({ lang: { type: types.text, initial: null } }, browserUrl()); // this page's URL state

function changeLanguage(lang) {
  chooseLanguage(lang);
  store.set({ lang });
  apply();
  fillChoices();
  layers.rerender();
  showMine().catch(() => {});
  CHECKED_FIELDS.forEach(sayFieldCheck);
  if (layers.last) layers.recheck();
}

async function init() {
  startLanguage(store.get('lang'));
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  $('lang-select').value = language();
  try {
    studio.options = await api.options();
    fillChoices();
    $('preset').value = 'tiny';
    $('train-size').value = 'all';
    describeDataset();
    usePreset('tiny');
    await layers.recheck(); // the shapes and parameter counts on screen when the page says it is ready
    await showMine();
    const jobId = new URLSearchParams(location.search).get('job');
    if (jobId) await watch(jobId).catch(() => jobInUrl(null));
  } catch (error) {
    status(errorText(error), true);
  }
  const resized = () => { describeDataset(); layers.recheck(); }; // the work figure follows the job's size
  $('dataset').addEventListener('change', resized);
  $('train-size').addEventListener('change', resized);
  for (const id of CHECKED_FIELDS) $(id).addEventListener('input', () => onFieldInput(id));
  $('epochs').addEventListener('input', () => layers.recheck());
  $('preset').addEventListener('change', (e) => usePreset(e.target.value));
  $('add-layer').addEventListener('click', () => layers.add($('add-kind').value));
  $('optimiser').addEventListener('change', (e) => {
    $('lr').value = e.target.value === 'adam' ? 0.003 : 0.05;
    onFieldInput('lr');
  });
  $('start').addEventListener('click', start);
  $('stop').addEventListener('click', stop);
  $('upload-form').addEventListener('submit', uploadModel);
  $('lang-select').addEventListener('change', (e) => changeLanguage(e.target.value));
  document.body.dataset.ready = 'true';
}

init();
