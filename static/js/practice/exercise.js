// One exercise on screen: its prompt (a catalog key with params) and its numbers (grids,
// tables), drawn from the language-neutral data the server sent. One view per kind.
import { LETTERS, el, figure, gridTable, num } from './format.js';

const PROB_DECIMALS = 3;

/** A prompt's or hint's params as text: numbers with a true minus, a class index as its letter. */
export function textParams(params) {
  const p = { ...params };
  for (const [k, v] of Object.entries(p)) if (typeof v === 'number') p[k] = num(v, 2);
  if ('grown' in p) p.grown = LETTERS[params.grown];
  return p;
}

function settings(t, pairs) {
  const dl = el('dl', 'settings-list');
  for (const [key, value] of pairs) dl.append(el('div', null, el('dt', null, t(key)), el('dd', null, value)));
  return dl;
}

/** A table with one row per class: the letter and the given columns. */
export function classTable(t, columns) {
  const table = el('table', 'class-table');
  const head = table.createTHead().insertRow();
  for (const label of [t('practice.class'), ...columns.map((c) => c.label)]) head.append(el('th', null, label));
  const body = table.createTBody();
  columns[0].values.forEach((_, i) => {
    const tr = body.insertRow();
    tr.append(el('th', null, LETTERS[i]));
    for (const c of columns) tr.insertCell().textContent = c.format(c.values[i], i);
  });
  return table;
}

const VIEWS = {
  output_size: (ex, t) => settings(t, [['practice.W', String(ex.prompt.params.W)], ['practice.F', String(ex.prompt.params.F)],
    ['practice.S', String(ex.prompt.params.S)], ['practice.P', String(ex.prompt.params.P)]]),
  conv_value: (ex, t) => el('div', 'figures',
    figure(t('practice.patch'), gridTable(ex.data.patch)), el('span', 'op', '×'),
    figure(t('practice.kernel'), gridTable(ex.data.kernel)), el('span', 'op', '+'),
    figure(t('practice.bias'), el('span', 'scalar', num(ex.data.bias)))),
  maxpool: (ex, t) => figure(t('practice.input'), gridTable(ex.data.input)),
  avgpool: (ex, t) => figure(t('practice.input'), gridTable(ex.data.input)),
  relu: (ex, t) => figure(t('practice.input'), gridTable(ex.data.input, { decimals: 1 })),
  conv_params: (ex, t) => {
    const p = ex.prompt.params;
    return settings(t, [['practice.inputSize', `${p.W} × ${p.W} × ${p.C}`], ['practice.filters', String(p.F)],
      ['practice.kernelSize', `${p.K} × ${p.K}`], ['practice.S', String(p.S)], ['practice.P', String(p.P)]]);
  },
  vertical_edge: () => null, // the four kernels are the options
  softmax_order: (ex, t) => classTable(t, [{ label: t('practice.logit'), values: ex.data.logits, format: (v) => num(v, 1) }]),
  softmax_grow: (ex, t) => classTable(t, [
    { label: t('practice.logit'), values: ex.data.logits, format: (v) => num(v, 1) },
    { label: t('practice.probability'), values: ex.data.probabilities, format: (v) => num(v, PROB_DECIMALS) }]),
  maxpool_grad: (ex, t) => el('div', 'figures',
    figure(t('practice.window'), gridTable(ex.data.input)),
    figure(t('practice.gradientIn'), el('span', 'scalar', num(ex.data.gradient, 1)))),
};

/** The content of choice option i (a kernel, or a list of probabilities). */
export function optionView(exercise, t, i) {
  if (exercise.kind === 'vertical_edge') return gridTable(exercise.data.kernels[i], { label: `${t('practice.kernel')} ${LETTERS[i]}` });
  if (exercise.kind === 'softmax_grow') {
    const list = el('ol', 'prob-list');
    exercise.data.options[i].forEach((p, c) => list.append(el('li', null, t('labelled', { label: LETTERS[c], value: num(p, PROB_DECIMALS) }))));
    return list;
  }
  return el('span', null, LETTERS[i]);
}

/** Draw the prompt and the numbers of one exercise into `container`. */
export function renderExercise(container, exercise, t) {
  const prompt = el('p', 'prompt', t(exercise.prompt.key, textParams(exercise.prompt.params)));
  prompt.id = 'exercise-prompt';
  container.replaceChildren(prompt, VIEWS[exercise.kind](exercise, t) ?? '');
}
