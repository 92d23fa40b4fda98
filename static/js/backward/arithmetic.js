// The arithmetic behind one gradient, exactly as /backward/explain returned it. One renderer per
// rule (the loss, or the kind of the layer that passed the gradient back) and per parameter kind.
// Every line that adds numbers up is a `.sum-check` with its `.term`s and its `.total`, every
// difference a `.difference-check` with its two `.term`s, and every product a `.product-check` with
// its `.factor`s: what the browser test reads and re-adds.
import { t } from '../core/i18n.js';
import { lnParts, sig as fmt } from './format.js';

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const p = (text, className = '') => el('p', { className, textContent: text });
const term = (v) => el('span', { className: 'term', textContent: fmt(v) });
const total = (v) => el('strong', { className: 'total', textContent: fmt(v) });

/** A negative term after the first in brackets: "a + (−b)". */
const signed = (v, i) => (v < 0 && i ? el('span', {}, '(', term(v), ')') : term(v));

/** "a + b + c = total". */
export function sumLine(values, sum, { lead = '' } = {}) {
  const line = el('p', { className: 'formula sum-check' }, lead);
  values.forEach((v, i) => {
    if (i) line.append(' + ');
    line.append(signed(v, i));
  });
  line.append(' = ', total(sum));
  return line;
}

/** "what − what = a − b = total": the rule in words, then its two numbers. */
export function differenceLine([a, b], difference, [nameA, nameB]) {
  return el('p', { className: 'formula difference-check' }, `${nameA} − ${nameB} = `, term(a), ' − ', signed(b, 1),
    ' = ', total(difference));
}

/** "a × b = total". */
export function productLine(factors, product, lead = '') {
  const line = el('p', { className: 'formula product-check' }, lead);
  factors.forEach((v, i) => {
    if (i) line.append(' × ');
    line.append(el('span', { className: 'factor', textContent: fmt(v) }));
  });
  line.append(' = ', total(product));
  return line;
}

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

/** Largest terms one by one, the rest as one sum: terms + rest = total. */
function orderedSum(e, lead) {
  const values = [...e.largest_terms, ...(e.rest_count ? [e.rest_sum] : [])];
  const out = [sumLine(values, e.sum, { lead })];
  if (e.rest_count) out.push(p(t(e.filter_sums ? 'bw.restFilters' : 'bw.rest', { n: e.rest_count }), 'hint'));
  return out;
}

// ------------------------------------------------------------- a layer output's gradient
const RULES = {
  cross_entropy: (e) => (e.is_label
    ? [p(t('bw.rule.ceProb')), el('p', { className: 'formula' }, `−1 / ${fmt(e.probability)} = `, total(e.sum))]
    : [p(t('bw.rule.ceOther'))]),
  softmax_cross_entropy: (e) => [p(t('bw.rule.softmaxCe')),
    differenceLine([e.probability, e.one_hot], e.sum, [t('bw.prob'), t('bw.oneHot')])],
  squared_error: (e) => [p(t('bw.rule.se')),
    differenceLine([e.output, e.target], e.sum, [t('bw.output'), t('bw.target')])],
  relu: (e) => [p(t(e.local ? 'bw.rule.reluPass' : 'bw.rule.reluBlock', { x: fmt(e.input) })),
    productLine([e.local, e.dout], e.sum)],
  tanh: (e) => [p(t('bw.rule.tanh', { y: fmt(e.output) })), productLine([e.local, e.dout], e.sum)],
  sigmoid: (e) => [p(t('bw.rule.sigmoid', { y: fmt(e.output) })), productLine([e.local, e.dout], e.sum)],
  flatten: (e) => [p(t('bw.rule.flatten', { i: e.index })), productLine([1, e.dout], e.sum)],
  maxpool: (e) => [p(t('bw.rule.maxpool')), ...e.windows.map((w) => p(t(w.is_winner ? 'bw.window.won' : 'bw.window.lost',
    { where: `[${w.output.join(', ')}]`, g: fmt(w.dout) }))), sumLine(e.windows.map((w) => w.share), e.sum)],
  avgpool: (e) => [p(t('bw.rule.avgpool', { n: e.size * e.size })),
    sumLine(e.windows.map((w) => w.share), e.sum)],
  dense: (e) => [p(t('bw.rule.dense', { layer: e.via_layer })), ...orderedSum(e)],
  softmax: (e) => [p(t('bw.rule.softmax', { s: fmt(e.weighted_sum) })),
    productLine([e.probability, e.dout - e.weighted_sum], e.sum, `${fmt(e.probability)} × (${fmt(e.dout)} − ${fmt(e.weighted_sum)}) → `)],
  conv: (e) => {
    const f = e.largest[0]; // the filter that contributes most
    return [p(t('bw.rule.conv', { layer: e.via_layer })),
      el('div', { className: 'grids' },
        figure(t('bw.doutPatch', { f }), numGrid(e.dout_patches[f], (y, x) => (e.inside[y][x] ? '' : 'pad'))),
        figure(t('bw.flipped', { f }), numGrid(e.flipped_weights[f])),
        figure(t('bw.products'), numGrid(e.products[f]))),
      ...orderedSum(e, `${t('bw.perFilter')}: `)];
  },
};

// ---------------------------------------------------------------- a parameter's gradient
function paramRule(e) {
  if (e.kind === 'dense') {
    return e.part === 'bias' ? [p(t('bw.param.denseBias')), productLine([1, e.dout], e.sum)]
      : [p(t('bw.param.denseWeight')), productLine([e.dout, e.input], e.sum)];
  }
  if (e.part === 'bias') return [p(t('bw.param.convBias')), ...orderedSum(e)];
  return [p(t('bw.param.convWeight', { n: e.positions })), ...orderedSum(e)];
}

function check(c) {
  return el('div', { className: 'grad-check' },
    el('h4', { textContent: t('bw.check.heading') }),
    p(t('bw.check.what', { eps: fmt(c.epsilon) })),
    p(`L(w + ε) = ${c.loss_plus.toPrecision(10)}`, 'formula'),
    p(`L(w − ε) = ${c.loss_minus.toPrecision(10)}`, 'formula'),
    el('p', { className: 'formula check-numeric' }, `(L(w + ε) − L(w − ε)) / 2ε = `,
      el('strong', { className: 'numeric', textContent: fmt(c.numeric, 5) })),
    el('p', { className: 'formula' }, `${t('bw.check.backprop')} = `,
      el('strong', { className: 'backprop', textContent: fmt(c.backprop, 5) })),
    p(t('bw.check.diff', { d: fmt(c.relative_difference, 2) }), 'hint'));
}

export function renderGradient(container, e) {
  const where = e.param ? `${e.param}[${e.index.join(', ')}]` : `${e.layer}[${e.neuron.join(', ')}]`;
  const head = el('p', { className: 'formula' }, el('strong', { textContent: `∂L/∂${where}` }),
    ` = ${fmt(e.gradient)}`);
  const parts = e.param ? paramRule(e) : RULES[e.rule](e);
  container.replaceChildren(head, ...parts, ...(e.check ? [check(e.check)] : []));
}

// --------------------------------------------------------------------------- the loss
export function renderLoss(container, parts, classLabel) {
  if (parts.loss === 'cross_entropy') {
    const [probability, value] = lnParts(parts.probability, parts.value);
    const bound = probability.startsWith('>');
    const formula = bound // p so close to 1 that float32 may round it to 1: bounds, not "−ln 1 = 0"
      ? el('p', { className: 'formula' }, `p[${classLabel(parts.label)}] ${probability}, L = −ln p[${classLabel(parts.label)}] `,
        el('strong', { className: 'loss-value', textContent: value }))
      : el('p', { className: 'formula' }, `L = −ln p[${classLabel(parts.label)}] = −ln ${probability} = `,
        el('strong', { className: 'loss-value', textContent: value }));
    container.replaceChildren(p(t('bw.loss.ce', { label: classLabel(parts.label) })), formula);
    return;
  }
  container.replaceChildren(...squaredError(parts, classLabel));
}

/** Σ ½ (target − output)²: one term per class (Karn's formula). */
export function squaredError(parts, classLabel) {
  const table = el('table', { className: 'contrib' },
    el('tr', {}, ...['', t('bw.target'), t('bw.output'), '½ (t − o)²'].map((h) => el('th', { textContent: h }))));
  parts.output.forEach((o, i) => table.append(el('tr', {}, el('td', { textContent: classLabel(i) }),
    el('td', { textContent: fmt(parts.target[i]) }), el('td', { textContent: fmt(o) }), el('td', { textContent: fmt(parts.terms[i]) }))));
  return [p(t('bw.loss.se')), table, sumLine(parts.terms, parts.value, { lead: `${t('bw.totalError')} = ` })];
}
