// The worked solution of a checked exercise, drawn from the structured solution the server's
// engine computed (every number here was sent; the page only lays them out and words them).
import { classTable } from './exercise.js';
import { LETTERS, count, el, equals, figure, gridTable, num, term } from './format.js';

const line = (text, className = 'step') => el('p', className, text);
const sumOf = (values, d = 0) => values.map((v) => term(v, d)).join(' + ');

function poolSolution(s, t, kind) {
  const windowOf = new Map(); // which window (numbered) each input cell belongs to, for colour
  s.windows.forEach((w, n) => w.rows.forEach((r) => w.cols.forEach((c) => {
    if (!windowOf.has(`${r},${c}`)) windowOf.set(`${r},${c}`, n);
  })));
  const winners = new Set(kind === 'maxpool' ? s.windows.map((w) => `${w.rows[w.winner[0]]},${w.cols[w.winner[1]]}`) : []);
  const grid = gridTable(s.input, {
    cellClass: (i, j) => [windowOf.has(`${i},${j}`) && s.stride === s.size ? `win-${windowOf.get(`${i},${j}`)}` : '',
      winners.has(`${i},${j}`) ? 'winner' : ''].join(' ').trim(),
  });
  const steps = s.windows.map((w) => {
    const values = w.values.flat();
    const where = t('practice.sol.window', { row: w.row + 1, col: w.col + 1 });
    const say = (value) => line(t('labelled', { label: where, value }));
    return kind === 'maxpool'
      ? say(`max(${values.map((v) => num(v)).join(', ')}) = ${num(w.result)}`)
      : say(`(${sumOf(values)}) / ${w.count} = ${num(w.total)} / ${w.count} ${equals(w.result)} ${num(w.result, 2)}`);
  });
  return [line(t(`practice.sol.${kind}`, { size: s.size, stride: s.stride })), grid, ...steps,
    figure(t('practice.output'), gridTable(s.output, { decimals: kind === 'maxpool' ? 0 : 2 }))];
}

function edgeSolution(s, t, ex) {
  const small = (values) => gridTable(values, { small: true });
  const rows = ex.data.kernels.map((k, i) => el('div', `edge-row${i === s.choice ? ' is-answer' : ''}`,
    figure(`${t('practice.kernel')} ${LETTERS[i]}`, small(k)),
    figure(t('practice.sol.onVertical'), small(s.on_vertical[i])),
    figure(t('practice.sol.onHorizontal'), small(s.on_horizontal[i])),
    line(t(s.detects[i] ? 'practice.sol.detects' : 'practice.sol.notDetects'), 'edge-verdict')));
  return [line(t('practice.sol.vertical_edge')), el('div', 'figures', figure(t('practice.sol.verticalImage'),
    small(s.vertical_image)), figure(t('practice.sol.horizontalImage'), small(s.horizontal_image))), ...rows];
}

function softmaxTable(t, parts) {
  return classTable(t, [
    { label: t('practice.logit'), values: parts.logits, format: (v) => num(v, 1) },
    { label: t('practice.sol.exp', { shift: num(parts.shift, 1) }), values: parts.exps, format: (v) => num(v, 3) },
    { label: t('practice.probability'), values: parts.probabilities, format: (v) => num(v, 3) }]);
}

const SOLUTIONS = {
  output_size(s, t) {
    const formula = `(W − F + 2P) / S + 1 = (${s.W} − ${s.F} + 2 × ${s.P}) / ${s.S} + 1 = ${num(s.numerator)} / ${s.S} + 1`;
    return [line(`${formula} ${equals(s.value)} ${num(s.value, 2)}`, 'step formula'),
      line(s.valid ? t('practice.sol.sizeValid', { output: s.output }) : t('practice.sol.sizeInvalid', { value: num(s.value, 2) }))];
  },
  conv_value(s, t) {
    const products = gridTable(s.products);
    return [el('div', 'figures', figure(t('practice.patch'), gridTable(s.patch)), el('span', 'op', '×'),
      figure(t('practice.kernel'), gridTable(s.kernel)), el('span', 'op', '='), figure(t('practice.products'), products)),
    line(`${sumOf(s.products.flat())} = ${num(s.products_sum)}`, 'step formula'),
    line(`${num(s.products_sum)} + ${term(s.bias)} = ${num(s.value)}`, 'step formula'),
    line(t('practice.sol.conv_value', { sum: num(s.products_sum), bias: num(s.bias), value: num(s.value) }))];
  },
  maxpool: (s, t) => poolSolution(s, t, 'maxpool'),
  avgpool: (s, t) => poolSolution(s, t, 'avgpool'),
  relu(s, t) {
    const zeroed = (i, j) => (s.zeroed[i][j] ? 'zeroed' : '');
    return [line(t('practice.sol.relu')), el('div', 'figures',
      figure(t('practice.input'), gridTable(s.input, { decimals: 1, cellClass: zeroed })), el('span', 'op', '→'),
      figure(t('practice.output'), gridTable(s.output, { decimals: 1, cellClass: zeroed })))];
  },
  conv_params(s, t) {
    const [f, c, k] = s.weight_shape;
    return [line(t('practice.sol.perFilter', { k, c, weights: count(s.weights_per_filter), total: count(s.per_filter) })),
      line(t('labelled', { label: t('practice.field.shared'), value: `${count(s.per_filter)} × ${f} = ${count(s.shared)}` }), 'step formula'),
      line(t('practice.sol.neurons', { shape: s.output_shape.join(' × '), neurons: count(s.neurons) })),
      line(t('labelled', { label: t('practice.field.unshared'), value: `${count(s.neurons)} × ${count(s.per_filter)} = ${count(s.unshared)}` }), 'step formula'),
      line(t('practice.sol.sharing', { ratio: count(s.positions) }))];
  },
  vertical_edge: edgeSolution,
  softmax_order(s, t) {
    return [softmaxTable(t, s), line(t('practice.sol.expSum', { sum: num(s.exp_sum, 3) })),
      line(t('labelled', { label: t('practice.sol.order'), value: s.order.map((i) => LETTERS[i]).join(' > ') }), 'step formula'),
      line(t('practice.sol.softmax_order'))];
  },
  softmax_grow(s, t) {
    const sums = s.options.map((o, i) => t('labelled', { label: LETTERS[i], value: num(o.sum, 3) })).join(t('practice.listSep'));
    return [figure(t('practice.sol.before'), softmaxTable(t, s.before)),
      figure(t('practice.sol.after', { grown: LETTERS[s.grown], delta: num(s.delta, 1) }), softmaxTable(t, s.after)),
      line(t('practice.sol.softmax_grow', { grown: LETTERS[s.grown] })),
      line(t('labelled', { label: t('practice.sol.optionSums'), value: sums }), 'step formula'),
      line(t('practice.sol.optionRight', { choice: LETTERS[s.choice] }))];
  },
  maxpool_grad(s, t) {
    const [r, c] = s.winner;
    const win = (i, j) => (i === r && j === c ? 'winner' : '');
    return [el('div', 'figures', figure(t('practice.window'), gridTable(s.input, { cellClass: win })), el('span', 'op', '→'),
      figure(t('practice.sol.gradientOut'), gridTable(s.output, { decimals: 1, cellClass: win }))),
    line(t('practice.sol.maxpool_grad', { max: num(s.max), row: r + 1, col: c + 1, gradient: num(s.gradient, 1) }))];
  },
};

/** The worked solution for a verdict into `container`. */
export function renderSolution(container, exercise, verdict, t) {
  container.replaceChildren(...SOLUTIONS[exercise.kind](verdict.solution, t, exercise));
}

/** The right answer in words/numbers, for the verdict line. */
export function rightAnswerText(exercise, verdict, t) {
  return exercise.fields.map((field) => {
    const v = verdict.answer[field.name];
    const labelled = (value) => (exercise.fields.length > 1
      ? t('labelled', { label: t(`practice.field.${field.name}`), value }) : value);
    if (field.type === 'size') return labelled(v === 'invalid' ? t('practice.invalid') : num(v));
    if (field.type === 'grid') return null; // the output grid is in the solution
    if (field.type === 'choice') return labelled(LETTERS[v]);
    if (field.type === 'order') return labelled(v.map((i) => LETTERS[i]).join(' > '));
    return labelled(field.type === 'integer' ? count(v) : num(v, field.decimals));
  }).filter(Boolean).join(t('practice.listSep'));
}
