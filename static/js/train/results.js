// The end of a job: model card, confusion matrix (the server's figure drawn as a table of buttons:
// click a cell for its images), accuracy per class, download, share.
import { language, t } from '../core/i18n.js';
import { percent } from '../lib/grid.js';
import { cell, figure, share } from './api.js';
import { imageCanvas } from './pictures.js';

const $ = (id) => document.getElementById(id);

/** White to the page's accent blue, by count relative to the largest. */
function shade(value, max) {
  const f = max ? value / max : 0;
  const mix = (a, b) => Math.round(a + (b - a) * f);
  return [`rgb(${mix(247, 11)},${mix(251, 92)},${mix(255, 173)})`, f > 0.5 ? '#fff' : '#1b1f24'];
}

export async function showResults({ jobId, final, settings, classLabel, onError }) {
  $('results').hidden = false;
  const model = final.model;
  $('open-explorer').href = `/?model=${encodeURIComponent(model)}&lang=${language()}`;
  $('download-json').href = `/api/models/${model}/file`;
  $('download-npz').href = `/api/models/${model}/weights`;
  $('share').checked = false;
  $('share').onchange = (e) => share(model, e.target.checked).catch(onError);
  $('card').textContent = t('train.card', {
    model, accuracy: percent(final.test_accuracy), dataset: t(`train.data.${settings.dataset}`),
    images: settings.train_size.toLocaleString('en-US'), training: howLong(final, settings.epochs),
    optimiser: t(`train.${settings.optimiser}`), lr: settings.lr, batch: settings.batch_size,
    seconds: final.history.reduce((s, h) => s + h.seconds, 0).toFixed(1),
  });
  renderPerClass(final.per_class, classLabel);
  const fig = await figure(jobId, 'confusion', { lang: language() });
  renderConfusion(fig.data[0], jobId, classLabel, onError);
  $('results').scrollIntoView({ block: 'start', behavior: 'smooth' });
}

/** t(key.one) or t(key.other), as count asks in the page's language (Chinese: always other). */
function plural(key, count, params) {
  return t(`${key}.${new Intl.PluralRules(language()).select(count)}`, params);
}

/** How far it trained: all its epochs, or where it was stopped (by the learner or the time limit),
 *  part-way through an epoch or between two. */
function howLong({ history, stopped_by: stoppedBy }, epochs) {
  const done = history.length;
  if (!stoppedBy) return plural('train.trained', done, { epochs: done });
  const last = history.at(-1);
  if (last?.seen < last?.total) {
    return t(`train.stoppedIn.${stoppedBy}`, { epoch: last.epoch, epochs,
      seen: last.seen.toLocaleString('en-US'), total: last.total.toLocaleString('en-US') });
  }
  return plural(`train.stoppedAfter.${stoppedBy}`, epochs, { done, epochs });
}

function renderConfusion(trace, jobId, classLabel, onError) {
  const table = $('confusion');
  const k = trace.z.length;
  const max = Math.max(...trace.z.flatMap((row, i) => row.filter((_, j) => j !== i)), 1);
  const head = document.createElement('tr');
  const corner = Object.assign(document.createElement('th'), { className: 'axis', textContent: t('train.trueVsPredicted') });
  head.append(corner, ...trace.x.map((_, j) => Object.assign(document.createElement('th'), { scope: 'col', textContent: classLabel(j) })));
  const rows = trace.z.map((row, i) => {
    const tr = document.createElement('tr');
    tr.append(Object.assign(document.createElement('th'), { scope: 'row', textContent: classLabel(i) }));
    row.forEach((count, j) => {
      const td = document.createElement('td');
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: String(count) });
      const [bg, fg] = i === j ? ['#e3f1e6', '#1b1f24'] : shade(count, max);
      Object.assign(b.style, { background: bg, color: fg });
      b.setAttribute('aria-label', t('train.cellAria', { count, truth: classLabel(i), predicted: classLabel(j) }));
      b.setAttribute('aria-pressed', 'false');
      b.dataset.cell = `${i},${j}`;
      b.addEventListener('click', () => {
        table.querySelectorAll('button[aria-pressed=true]').forEach((x) => x.setAttribute('aria-pressed', 'false'));
        b.setAttribute('aria-pressed', 'true');
        showCell(jobId, i, j, classLabel).catch(onError);
      });
      td.append(b);
      tr.append(td);
    });
    return tr;
  });
  table.replaceChildren(head, ...rows);
  table.dataset.classes = k;
}

async function showCell(jobId, truth, predicted, classLabel) {
  const answer = await cell(jobId, truth, predicted);
  $('cell').hidden = false;
  $('cell-heading').textContent = t(truth === predicted ? 'train.cellRight' : 'train.cellWrong', {
    count: answer.count, truth: classLabel(truth), predicted: classLabel(predicted), shown: answer.images.length });
  $('cell-images').replaceChildren(...answer.images.map((img) => imageCanvas(img, classLabel(truth))));
  $('cell').scrollIntoView({ block: 'nearest' });
}

function renderPerClass(perClass, classLabel) {
  const head = document.createElement('tr');
  head.append(...['train.class', 'train.accuracy'].map((k) => Object.assign(document.createElement('th'), { textContent: t(k) })));
  $('per-class').replaceChildren(head, ...perClass.map((p, i) => {
    const tr = document.createElement('tr');
    const bar = Object.assign(document.createElement('span'), { className: 'bar' });
    bar.style.width = `${(4 * p).toFixed(2)}rem`;
    const value = document.createElement('td');
    value.append(bar, ` ${percent(p)}`);
    tr.append(Object.assign(document.createElement('td'), { textContent: classLabel(i) }), value);
    return tr;
  }));
}
