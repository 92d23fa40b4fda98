// The answer: the top two guesses as text, every class probability as a Plotly
// bar chart, and the strip of preprocessing steps.
import { t } from '../core/i18n.js';
import { percent } from '../lib/grid.js';

const el = (tag, props, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

export function renderGuess(container, result, classLabel) {
  const [first, second] = result.top;
  container.replaceChildren();
  const top = document.createElement('div');
  top.className = 'top1';
  top.innerHTML = '<span class="big"></span><span class="text"></span>';
  top.querySelector('.big').textContent = classLabel(first.index);
  top.querySelector('.text').textContent = `${t('result.top', { label: classLabel(first.index) })} (${percent(first.probability)})`;
  const next = document.createElement('p');
  next.textContent = t('result.second', { label: classLabel(second.index), p: percent(second.probability) });
  container.append(top, next);
}

export function clearGuess(container, chart) {
  container.replaceChildren(Object.assign(document.createElement('p'), { textContent: t('result.empty') }));
  if (globalThis.Plotly && chart.data) Plotly.purge(chart);
}

export function renderChart(chart, probabilities, labels, highlight) {
  if (!globalThis.Plotly) return;
  const colors = probabilities.map((_, i) => (i === highlight ? '#e8590c' : '#0b5cad'));
  const fontSize = parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.8;
  Plotly.react(chart, [{
    type: 'bar', orientation: 'h', x: probabilities, y: labels,
    text: probabilities.map(percent), textposition: 'outside', cliponaxis: false,
    marker: { color: colors }, hoverinfo: 'skip',
  }], {
    margin: { l: 10, r: 90, t: 4, b: 30 }, font: { size: fontSize },
    xaxis: { range: [0, 1], tickformat: '.0%', fixedrange: true },
    yaxis: { autorange: 'reversed', automargin: true, fixedrange: true, type: 'category' },
    paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', transition: { duration: 0 },
  }, { displayModeBar: false, responsive: true });
}

export function renderSteps(list, steps) {
  list.replaceChildren();
  for (const step of steps) {
    const li = document.createElement('li');
    const img = document.createElement('img');
    img.src = step.image;
    const name = t(`prep.${step.step}`);
    img.alt = name;
    const caption = document.createElement('figcaption');
    caption.textContent = `${name} ${step.shape[1]}×${step.shape[0]}`;
    li.append(el('figure', {}, img, caption));
    list.append(li);
  }
}
