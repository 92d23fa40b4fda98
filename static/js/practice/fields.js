// The answer boxes of one exercise, built from its fields (integer, number, size, grid, choice,
// order) and read back as the JSON answer the server checks. Enter anywhere checks (the form's
// submit); every box works with touch and with the keyboard.
import { LETTERS, el, parseNumber, parseOrder } from './format.js';

let uid = 0;

function numberInput(field, label) {
  const input = document.createElement('input');
  input.type = 'text';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.inputMode = field.signed ? 'text' : field.decimals ? 'decimal' : 'numeric';
  input.enterKeyHint = 'done';
  input.className = 'answer-number';
  input.setAttribute('aria-label', label);
  return input;
}

const readNumber = (input) => {
  const v = parseNumber(input.value);
  if (Number.isNaN(v)) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  return v;
};

function scalarField(field, t, labelKey) {
  const label = t(labelKey);
  const input = numberInput(field, label);
  const id = `answer-${++uid}`;
  input.id = id;
  const lab = el('label', 'answer-label', label);
  lab.htmlFor = id;
  const row = el('div', 'answer-row', lab, input);
  let invalid = null;
  if (field.type === 'size') {
    invalid = el('button', 'toggle-invalid', t('practice.invalid'));
    invalid.type = 'button';
    invalid.setAttribute('aria-pressed', 'false');
    invalid.addEventListener('click', () => {
      const on = invalid.getAttribute('aria-pressed') !== 'true';
      invalid.setAttribute('aria-pressed', String(on));
      input.disabled = on;
      if (!on) input.focus();
    });
    row.append(invalid);
  }
  return {
    node: row, first: input,
    read: () => {
      if (invalid?.getAttribute('aria-pressed') === 'true') return 'invalid';
      return readNumber(input);
    },
    mark: (ok) => row.classList.add(ok ? 'is-right' : 'is-wrong'),
  };
}

function gridField(field, t) {
  const [rows, cols] = field.shape;
  const table = el('table', 'num-grid answer-grid');
  table.setAttribute('aria-label', t('practice.field.grid', { rows, cols }));
  const inputs = [];
  for (let i = 0; i < rows; i++) {
    const tr = table.insertRow();
    inputs.push([]);
    for (let j = 0; j < cols; j++) {
      const input = numberInput(field, t('practice.field.cell', { row: i + 1, col: j + 1 }));
      inputs[i].push(input);
      tr.insertCell().append(input);
    }
  }
  // arrow keys move between cells (a caret at either end of the text moves on)
  table.addEventListener('keydown', (e) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (!(e.key in moves) || !(e.target instanceof HTMLInputElement)) return;
    const [i, j] = [e.target.closest('tr').rowIndex, e.target.closest('td').cellIndex];
    const next = inputs[i + moves[e.key][0]]?.[j + moves[e.key][1]];
    if (next) { e.preventDefault(); next.focus(); next.select(); }
  });
  return {
    node: el('div', 'answer-row answer-grid-row', el('span', 'answer-label', t('practice.field.answer')), table), first: inputs[0][0],
    read: () => inputs.map((r) => r.map(readNumber)),
    mark: (ok, cells) => inputs.forEach((r, i) => r.forEach((input, j) =>
      input.parentElement.classList.add(cells?.[i]?.[j] ?? ok ? 'is-right' : 'is-wrong'))),
  };
}

function choiceField(field, t, renderOption) {
  const group = el('div', 'choices');
  group.setAttribute('role', 'radiogroup');
  group.setAttribute('aria-label', t('practice.field.choice'));
  const name = `choice-${++uid}`;
  const radios = [];
  for (let i = 0; i < field.options; i++) {
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = name;
    radio.value = String(i);
    radios.push(radio);
    const option = el('label', 'choice', el('span', 'choice-head', radio, el('span', 'choice-letter', LETTERS[i])),
      renderOption(i));
    group.append(option);
  }
  return {
    node: group, first: radios[0],
    read: () => {
      const picked = radios.findIndex((r) => r.checked);
      return picked < 0 ? NaN : picked;
    },
    mark: (ok, cells, right) => radios.forEach((r, i) => {
      if (i === right) r.closest('.choice').classList.add('is-right');
      else if (r.checked) r.closest('.choice').classList.add('is-wrong');
    }),
  };
}

function orderField(field, t) {
  const label = t('practice.field.order');
  const input = numberInput({ signed: true }, label);
  input.inputMode = 'text';
  input.className = 'answer-order';
  input.id = `answer-${++uid}`;
  input.placeholder = LETTERS.slice(0, field.options).split('').reverse().join(' ');
  const lab = el('label', 'answer-label', label);
  lab.htmlFor = input.id;
  const taps = el('div', 'letter-taps');
  for (const letter of LETTERS.slice(0, field.options)) {
    const b = el('button', null, letter);
    b.type = 'button';
    b.addEventListener('click', () => { input.value = `${input.value.trim()} ${letter}`.trim(); });
    taps.append(b);
  }
  const clear = el('button', null, t('practice.clear'));
  clear.type = 'button';
  clear.addEventListener('click', () => { input.value = ''; input.focus(); });
  taps.append(clear);
  const row = el('div', 'answer-row', lab, input, taps);
  return {
    node: row, first: input,
    read: () => parseOrder(input.value),
    mark: (ok) => row.classList.add(ok ? 'is-right' : 'is-wrong'),
  };
}

/** Build the answer boxes into `container`. renderOption(i) draws option i of a choice.
 *  -> {read() -> {answer} or {problem: catalog key}, focus(), mark(verdict), disable()} */
export function mountFields(container, exercise, t, renderOption) {
  const single = exercise.fields.length === 1;
  const parts = exercise.fields.map((field) => {
    const labelKey = single ? 'practice.field.answer' : `practice.field.${field.name}`;
    if (field.type === 'grid') return gridField(field, t);
    if (field.type === 'choice') return choiceField(field, t, renderOption);
    if (field.type === 'order') return orderField(field, t);
    return scalarField(field, t, labelKey);
  });
  container.replaceChildren(...parts.map((p) => p.node));
  const hasNaN = (v) => (Array.isArray(v) ? v.some(hasNaN) : Number.isNaN(v));
  return {
    read() {
      const answer = {};
      for (const [i, field] of exercise.fields.entries()) {
        const value = parts[i].read();
        if (field.type === 'choice' && Number.isNaN(value)) return { problem: 'practice.needChoice' };
        if (field.type === 'order' && [...value].sort().join() !== [...Array(field.options).keys()].join()) {
          return { problem: 'practice.needOrder', params: { letters: LETTERS.slice(0, field.options).split('').join(', ') } };
        }
        if (hasNaN(value)) return { problem: 'practice.needNumber' };
        answer[field.name] = value;
      }
      return { answer };
    },
    focus: () => parts[0].first.focus(),
    mark(verdict) {
      exercise.fields.forEach((field, i) => {
        const r = verdict.fields[field.name];
        parts[i].mark(r.correct, r.cells, r.right);
      });
    },
    disable: () => container.querySelectorAll('input, button').forEach((n) => { n.disabled = true; }),
  };
}
