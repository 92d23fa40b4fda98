// The arithmetic behind one neuron, exactly as the explain endpoint returned it.
// One renderer per layer kind, looked up by kind.
import { t } from '../core/i18n.js';
import { fmt, percent } from '../lib/grid.js';

const MAX_CHANNELS = 8;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A table of numbers; cellClass(y, x) may mark padding or the winner. */
function numGrid(rows, cellClass = () => '') {
  const table = el('table', { className: 'num-grid' });
  rows.forEach((row, y) => {
    const tr = el('tr');
    row.forEach((v, x) => tr.append(el('td', { textContent: fmt(v), className: cellClass(y, x) })));
    table.append(tr);
  });
  return table;
}

const figure = (caption, content) => el('figure', {}, el('figcaption', { textContent: caption }), content);
const formula = (text) => el('p', { className: 'formula', textContent: text });

function conv(e) {
  const out = [];
  const [, height, width] = e.input_shape;
  const padded = (y, x) => (e.rows[y] < 0 || e.cols[x] < 0 || e.rows[y] >= height || e.cols[x] >= width ? 'pad' : '');
  const channels = e.patch.length;
  e.patch.slice(0, MAX_CHANNELS).forEach((patch, c) => {
    out.push(el('div', { className: 'channel' },
      el('p', { textContent: t('detail.channel', { c }) }),
      el('div', { className: 'grids' },
        figure(t('detail.patch'), numGrid(patch, padded)),
        figure(t('detail.weights'), numGrid(e.weights[c])),
        figure(t('detail.products'), numGrid(e.products[c]))),
      formula(`${t('detail.channelSum', { c })} = ${fmt(e.channel_sums[c])}`)));
  });
  if (channels > MAX_CHANNELS) {
    const rest = e.channel_sums.slice(MAX_CHANNELS).reduce((a, b) => a + b, 0);
    out.push(formula(t('detail.otherChannels', { n: channels - MAX_CHANNELS, sum: fmt(rest) })));
  }
  if (e.padding) out.push(el('p', { className: 'hint', textContent: t('detail.padding') }));
  const terms = e.channel_sums.length <= MAX_CHANNELS ? e.channel_sums.map(fmt).join(' + ') : `Σ ${channels}`;
  out.push(el('p', { className: 'formula' },
    `${terms} + ${t('detail.bias')} ${fmt(e.bias)} = `, el('strong', { textContent: fmt(e.sum) }),
    ` → ${t('detail.output')} ${fmt(e.output)}`));
  return out;
}

function pool(e) {
  const winner = e.winner ? (y, x) => (y === e.winner[0] && x === e.winner[1] ? 'win' : '') : undefined;
  return [
    figure(t('detail.window', { layer: e.input_layer ?? t('net.input') }), numGrid(e.window, winner)),
    el('p', { className: 'formula' }, e.winner ? `${t('detail.winner')}: max = ` : `${t('detail.mean')} = `,
      el('strong', { textContent: fmt(e.output) })),
  ];
}

function elementwise(e) {
  const text = e.kind === 'relu' ? t('detail.relu', { x: fmt(e.input), y: fmt(e.output) })
    : `${e.kind}(${fmt(e.input)}) = ${fmt(e.output)}`;
  return [formula(text)];
}

function flatten(e) {
  const [c, y, x] = e.source;
  return [formula(t('detail.flatten', { layer: e.input_layer ?? t('net.input'), c, y, x })), formula(`= ${fmt(e.output)}`)];
}

function dense(e) {
  const table = el('table', { className: 'contrib' },
    el('tr', {}, el('th', { textContent: '#' }), el('th', { textContent: t('detail.input') }),
      el('th', { textContent: t('detail.weight') }), el('th', { textContent: t('detail.product') })));
  for (const i of e.largest) {
    table.append(el('tr', {}, el('td', { textContent: String(i) }), el('td', { textContent: fmt(e.inputs[i]) }),
      el('td', { textContent: fmt(e.weights[i]) }), el('td', { textContent: fmt(e.products[i]) })));
  }
  const shown = e.largest.reduce((a, i) => a + e.products[i], 0);
  const rest = e.products.reduce((a, b) => a + b, 0) - shown;
  return [
    el('p', { textContent: t('detail.largest') }), table,
    formula(t('detail.others', { n: e.products.length - e.largest.length, sum: fmt(rest) })),
    el('p', { className: 'formula' }, `Σ ${fmt(shown + rest)} + ${t('detail.bias')} ${fmt(e.bias)} = `,
      el('strong', { textContent: fmt(e.sum) }), ` → ${t('detail.output')} ${fmt(e.output)}`),
  ];
}

function softmax(e, classLabel) {
  const table = el('table', { className: 'contrib' },
    el('tr', {}, el('th', { textContent: '' }), el('th', { textContent: t('detail.logits') }),
      el('th', { textContent: t('detail.exp') }), el('th', { textContent: t('detail.prob') })));
  e.logits.forEach((z, i) => {
    const tr = el('tr', {}, el('td', { textContent: classLabel(i) }), el('td', { textContent: fmt(z) }),
      el('td', { textContent: fmt(e.exps[i]) }), el('td', { textContent: percent(e.probabilities[i]) }));
    if (i === e.index) tr.style.fontWeight = '700';
    table.append(tr);
  });
  return [table, formula(t('detail.softmaxSum', { sum: fmt(e.exp_sum) })),
    el('p', { className: 'formula' }, `${fmt(e.exps[e.index])} / ${fmt(e.exp_sum)} = `,
      el('strong', { textContent: percent(e.output) }))];
}

const RENDERERS = { conv, maxpool: pool, avgpool: pool, relu: elementwise, tanh: elementwise,
  sigmoid: elementwise, flatten, dense, softmax };

export function renderDetail(container, explanation, classLabel) {
  const heading = el('p', { className: 'formula' },
    el('strong', { textContent: t('detail.neuron', { layer: explanation.layer, where: `[${explanation.neuron.join(', ')}]` }) }),
    ` · ${t(`kind.${explanation.kind}`)}`);
  container.replaceChildren(heading, ...RENDERERS[explanation.kind](explanation, classLabel));
}

export function clearDetail(container) {
  container.replaceChildren(el('p', { textContent: t('detail.empty') }));
}
