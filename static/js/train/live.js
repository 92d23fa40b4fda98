// What moves while a job trains: the curves (the server's Plotly figure, extended with each
// event's numbers), the first layer's filters as pictures, and test images with current predictions.
import { t } from '../core/i18n.js';
import { chance, percent } from '../lib/grid.js';
import { figure } from './api.js';
import { filterCanvas, imageCanvas } from './pictures.js';

const TRACE = { batchLoss: 0, epochLoss: 1, batchAccuracy: 2, testAccuracy: 3, stoppedAccuracy: 4 }; // cnnviz/figures.py's order
const STACK_BELOW = 560; // CSS px: a narrower chart has its loss and accuracy panels one above the other

/** The server's two panels side by side -> one above the other (on a phone, side by side, the loss
 *  panel's "80k" ran into the accuracy panel's "0%"); the subplot titles move with their panels. */
function stacked(layout) {
  const titles = (layout.annotations ?? []).map((a, i) => (i < 2 ? { ...a, x: 0.5, y: i ? 0.42 : 1 } : a));
  return { ...layout, height: 620, annotations: titles,
    xaxis: { ...layout.xaxis, domain: [0, 1] }, yaxis: { ...layout.yaxis, domain: [0.62, 1] },
    xaxis2: { ...layout.xaxis2, domain: [0, 1] }, yaxis2: { ...layout.yaxis2, domain: [0, 0.42] } };
}

export function mountLive({ curves, filters, samples, progress, bar, classLabel }) {
  let perEpoch = 0;
  let sampleLabels = [];
  let plotted = false;

  async function reset(jobId, lang) {
    filters.replaceChildren();
    samples.replaceChildren();
    progress.textContent = '';
    bar.value = 0;
    plotted = false;
    const fig = await figure(jobId, 'curves', { until: 0, lang });
    if (globalThis.Plotly) {
      const layout = curves.clientWidth < STACK_BELOW ? stacked(fig.layout) : fig.layout;
      await Plotly.newPlot(curves, fig.data, { ...layout, autosize: true }, { responsive: true, displayModeBar: false });
      plotted = true;
    }
  }

  function extend(traces, x, ys) {
    if (plotted) Plotly.extendTraces(curves, { x: ys.map(() => [x]), y: ys.map((y) => [y]) }, traces);
  }

  function onBatch(e) {
    perEpoch = e.total;
    const x = (e.epoch - 1) * e.total + e.seen;
    extend([TRACE.batchLoss, TRACE.batchAccuracy], x, [e.loss, e.accuracy]);
    bar.value = x / (e.total * e.epochs);
    progress.textContent = t('train.progress', {
      epoch: e.epoch, epochs: e.epochs, seen: e.seen.toLocaleString('en-US'), total: e.total.toLocaleString('en-US'),
      loss: e.loss.toFixed(3), accuracy: percent(e.accuracy), rate: Math.round(e.images_per_second).toLocaleString('en-US'),
    });
    curves.dataset.points = Number(curves.dataset.points || 0) + 1;
  }

  /** The held-out check after an epoch, or after the part of it done when the job was stopped
   *  (seen < total): plotted where it happened, in the trace whose legend says so, and said as it happened. */
  function onEpoch(e) {
    const seen = e.seen ?? perEpoch; // events of jobs from before they said how far the epoch got
    const stopped = seen < (e.total ?? perEpoch);
    extend([TRACE.epochLoss, stopped ? TRACE.stoppedAccuracy : TRACE.testAccuracy], (e.epoch - 1) * perEpoch + seen,
      [e.loss, e.test_accuracy]);
    progress.textContent = t(stopped ? 'train.epochStopped' : 'train.epochDone', { epoch: e.epoch,
      seen: seen.toLocaleString('en-US'), total: e.total?.toLocaleString('en-US'),
      accuracy: percent(e.test_accuracy), seconds: e.seconds.toFixed(1) });
  }

  function onFilters(e) {
    filters.replaceChildren(...e.weights.map((w, i) => {
      const fig = document.createElement('figure');
      const caption = document.createElement('figcaption');
      caption.textContent = `${e.layer}[${i}]`;
      fig.append(filterCanvas(w[0], t('train.filterAria', { layer: e.layer, index: i })), caption);
      return fig;
    }));
  }

  function onSamples(e) {
    sampleLabels = e.labels;
    samples.replaceChildren(...e.images.map((img, i) => {
      const li = document.createElement('li');
      const verdict = document.createElement('span');
      verdict.className = 'verdict';
      verdict.textContent = '…';
      li.append(imageCanvas(img, t('train.sampleAria', { label: classLabel(e.labels[i]) })), verdict);
      return li;
    }));
  }

  function onPredictions(e) {
    [...samples.children].forEach((li, i) => {
      const right = e.predicted[i] === sampleLabels[i];
      const verdict = li.querySelector('.verdict');
      verdict.className = `verdict ${right ? 'right' : 'wrong'}`;
      verdict.textContent = `${classLabel(e.predicted[i])} · ${chance(e.confidence[i])}${right ? ' ✓' : ' ✗'}`;
    });
  }

  return { reset, onBatch, onEpoch, onFilters, onSamples, onPredictions };
}
