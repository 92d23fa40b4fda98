// Small helpers the lab's views share: elements, translated errors, number inputs.

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

export { errorText } from '../core/errors.js'; // an API error in the page's language

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

/** Show a status line (the page's one status element). */
export function status(message, isError = false) {
  const node = document.getElementById('status');
  node.textContent = message || '';
  node.classList.toggle('error', isError);
}
