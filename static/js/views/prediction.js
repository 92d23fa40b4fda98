// The answer: the top two guesses as text, every class probability as plain DOM
// bars (cheap enough to update on every stroke), and the preprocessing strip.
import { t } from '../core/i18n.js';
import { el } from '../lib/dom.js';
import { chance } from '../lib/numbers.js';

/** What the server noticed about the input (e.g. several blobs, no contrast), said before the answer. */
function warnings(result) {
  return (result.warnings ?? []).map((w) => {
    const key = `warning.${w.code}`;
    const text = t(key, w.params ?? {});
    return el('p', { className: 'warning', role: 'note', textContent: text === key ? t('warning.generic') : text });
  });
}

/** "The network says 3 (97.1%)". */
export function guessText(result, classLabel) {
  const [first] = result.top;
  return t('result.topShare', { top: t('result.top', { label: classLabel(first.index) }), p: chance(first.probability) });
}

export function renderGuess(container, result, classLabel) {
  const [first, second] = result.top;
  container.replaceChildren(...warnings(result),
    el('div', { className: 'top1' }, el('span', { className: 'big', textContent: classLabel(first.index) }),
      el('span', { className: 'text', textContent: guessText(result, classLabel) })),
    el('p', { textContent: t('result.second', { label: classLabel(second.index), p: chance(second.probability) }) }),
    el('p', { className: 'hint', textContent: t('result.mustChoose', { n: result.probabilities.length }) }));
}

export function clearGuess(container, chart) {
  container.replaceChildren(el('p', { textContent: t('result.empty') }));
  chart.replaceChildren();
  chart.removeAttribute('aria-label');
}

/** One bar per class; the text alternative lists every class with its probability. */
export function renderChart(chart, probabilities, labels, highlight) {
  if (chart.children.length !== probabilities.length) {
    chart.replaceChildren(...probabilities.map(() => el('div', { className: 'bar-row' },
      el('span', { className: 'bar-label' }), el('span', { className: 'bar-track' }, el('span', { className: 'bar-fill' })),
      el('span', { className: 'bar-value' }))));
  }
  const alt = [];
  probabilities.forEach((p, i) => {
    const row = chart.children[i];
    row.classList.toggle('winner', i === highlight); // not 'top': the page header's class
    row.children[0].textContent = labels[i];
    row.children[1].firstChild.style.width = `${(100 * p).toFixed(2)}%`;
    row.children[2].textContent = chance(p);
    alt.push(`${labels[i]} ${chance(p)}`);
  });
  chart.setAttribute('aria-label', t('labelled', { label: t('result.chart'), value: alt.join(', ') }));
}

/** A step's thumbnail as the server sends it ({shape: [h, w] or [h, w, 3], data: base64 of
 *  8-bit pixels, row by row}) -> {width, height, rgba: Uint8ClampedArray} for an ImageData. */
export function thumbnailRGBA({ shape, data }) {
  const [height, width, channels = 1] = shape;
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    rgba[4 * i] = bytes[j];
    rgba[4 * i + 1] = bytes[j + (channels > 1 ? 1 : 0)];
    rgba[4 * i + 2] = bytes[j + (channels > 1 ? 2 : 0)];
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba };
}

/** The thumbnail painted on a canvas of its own size (CSS scales it up, pixelated). */
function thumbnailCanvas(pixels, name) {
  const { width, height, rgba } = thumbnailRGBA(pixels);
  const canvas = el('canvas', { width, height, className: 'thumb' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', name);
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas;
}

export function renderSteps(list, steps) {
  list.replaceChildren(...steps.map((step) => {
    const name = t(`prep.${step.step}`);
    return el('li', {}, el('figure', {}, thumbnailCanvas(step.pixels, name),
      el('figcaption', { textContent: `${name} ${step.shape[1]}×${step.shape[0]}` })));
  }));
}
