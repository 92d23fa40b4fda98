// Small helpers the lab's views share: elements, translated errors, number inputs.
import { ApiError } from '../core/api.js';
import { errorText } from '../core/errors.js';

export { errorText }; // an API error in the page's language

/** document.createElement with properties/attributes and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'value') node.value = v; // a textarea has no value attribute
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/** A labelled number input (bounded); onChange(value) after edits. */
export function numberField(label, value, { min, max, step = 1, onChange, id }) {
  const input = el('input', { type: 'number', value: String(value), min: String(min), max: String(max), step: String(step), inputmode: 'numeric' });
  if (id) input.id = id;
  input.addEventListener('change', () => onChange(Number(input.value)));
  return el('label', { class: 'field' }, el('span', { text: label }), input);
}

/** A rows x cols grid of number inputs holding values (2-D); onInput(values) on every edit. */
export function matrixEditor(container, values, onInput, { label = '' } = {}) {
  const rows = values.length;
  const cols = values[0].length;
  container.style.setProperty('--cols', cols);
  const inputs = values.flatMap((row, r) => row.map((v, c) => {
    const input = el('input', { type: 'number', step: 'any', value: String(+v.toFixed(4)), 'aria-label': `${label} [${r}, ${c}]` });
    input.addEventListener('input', () => {
      if (input.value === '' || !Number.isFinite(Number(input.value))) return;
      onInput(read());
    });
    return input;
  }));
  const read = () => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => Number(inputs[r * cols + c].value)));
  container.replaceChildren(...inputs);
  return read;
}

/** Show the page's status line, at the top: for what concerns the whole page (it failed to start). */
export function status(message, isError = false) {
  const node = document.getElementById('status');
  node.textContent = message || '';
  node.classList.toggle('error', isError);
}

/** A section's own message line, next to the controls that caused it (the page's status is a long
 *  scroll away). A problem is brought into view and dims the section's results (results: elements),
 *  which no longer match what the learner asked for ({keepResults: true}: a problem that leaves them
 *  right, e.g. a failed download of them); clear() after the next answer.
 *  fields: the server's field names -> catalog keys of this section's labels, for errorText. */
export function sectionStatus(node, { results = [], fields = {} } = {}) {
  const show = (message, { keepResults = false } = {}) => {
    node.textContent = message;
    node.classList.toggle('error', Boolean(message));
    if (!keepResults) for (const r of results) r.classList.toggle('stale', Boolean(message));
  };
  const say = (message, options) => {
    show(message, options);
    node.scrollIntoView({ block: 'nearest' });
  };
  const fail = (error, options) => {
    if (!(error instanceof ApiError)) console.error(error); // a bug, not the server's answer
    say(errorText(error, { fields }), options);
  };
  return { say, fail, clear: (options) => show('', options) };
}
