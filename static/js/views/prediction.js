// The answer: the top two guesses as text, every class probability as plain DOM
// bars (cheap enough to update on every stroke), and the preprocessing strip.
import { t } from '../core/i18n.js';
import { el } from '../lib/dom.js';
import { percent } from '../lib/numbers.js';

/** What the server noticed about the input (e.g. several blobs, no contrast), said before the answer. */
function warnings(result) {
  return (result.warnings ?? []).map((w) => {
    const key = `warning.${w.code}`;
    const text = t(key, w.params ?? {});
    return el('p', { className: 'warning', role: 'note', textContent: text === key ? t('warning.generic') : text });
  });
}

export function renderGuess(container, result, classLabel) {
  const [first, second] = result.top;
  container.replaceChildren(...warnings(result),
    el('div', { className: 'top1' }, el('span', { className: 'big', textContent: classLabel(first.index) }),
      el('span', { className: 'text', textContent: `${t('result.top', { label: classLabel(first.index) })} (${percent(first.probability)})` })),
    el('p', { textContent: t('result.second', { label: classLabel(second.index), p: percent(second.probability) }) }),
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
    row.children[2].textContent = percent(p);
    alt.push(`${labels[i]} ${percent(p)}`);
  });
  chart.setAttribute('aria-label', `${t('result.chart')}: ${alt.join(', ')}`);
}

export function renderSteps(list, steps) {
  list.replaceChildren(...steps.map((step) => {
    const name = t(`prep.${step.step}`);
    return el('li', {}, el('figure', {}, el('img', { src: step.image, alt: name }),
      el('figcaption', { textContent: `${name} ${step.shape[1]}×${step.shape[0]}` })));
  }));
}
