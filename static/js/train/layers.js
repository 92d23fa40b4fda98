// The layer list editor: one row per layer with its settings; the server's Architecture computes
// every shape and parameter count (POST /api/studio/architecture), the page only shows them.
import { t } from '../core/i18n.js';
import { checkArchitecture } from './api.js';

// Which settings each kind has, with the range the inputs offer.
export const FIELDS = {
  conv: [['filters', 1, 64, 8], ['kernel', 1, 11, 3], ['stride', 1, 4, 1], ['padding', 0, 5, 0]],
  maxpool: [['size', 1, 4, 2], ['stride', 1, 4, 2]],
  avgpool: [['size', 1, 4, 2], ['stride', 1, 4, 2]],
  dense: [['units', 1, 512, 10]],
  relu: [], tanh: [], sigmoid: [], flatten: [], softmax: [],
};
export const KINDS = Object.keys(FIELDS);

const PREFIX = { conv: 'conv', maxpool: 'pool', avgpool: 'pool', dense: 'fc', relu: 'relu', tanh: 'tanh',
  sigmoid: 'sigmoid', flatten: 'flatten', softmax: 'softmax' };

/** Layers with fresh unique names in order (conv1, relu1, pool1, ... fc1) so edits never clash. */
export function renamed(layers) {
  const counts = {};
  return layers.map((given) => {
    const layer = { ...newLayer(given.kind), ...given }; // settings a spec leaves out take their defaults
    const prefix = PREFIX[layer.kind] || layer.kind;
    counts[prefix] = (counts[prefix] || 0) + 1;
    const single = ['flatten', 'softmax'].includes(prefix);
    return { ...layer, name: single ? prefix : `${prefix}${counts[prefix]}` };
  });
}

export function newLayer(kind) {
  const layer = { kind };
  for (const [field, , , initial] of FIELDS[kind] || []) layer[field] = initial;
  return layer;
}

const fmtInt = (n) => n.toLocaleString('en-US');

/** Mount the editor on tbody; onChange(result) gets the checker's answer {ok, spec, check | error}. */
export function mountLayers({ tbody, summary, inputShape, jobSize = () => ({}), onChange }) {
  let layers = [];
  let timer = null;
  let seq = 0;
  let last = null;

  // Rows are built when the list changes (set) or the language does (rerender); the checker's
  // answer only fills them in: rebuilding them would take away the input a learner is typing
  // in, and what they type next would go nowhere.
  function render(described = null, badLayer = null, rebuild = false) {
    if (rebuild || tbody.rows.length !== layers.length) tbody.replaceChildren(...layers.map(row));
    layers.forEach((layer, i) => fill(tbody.rows[i], described?.[i], badLayer === layer.name));
  }

  function fill(tr, described, bad) {
    tr.classList.toggle('bad', bad);
    tr.querySelector('td.shape').textContent = described ? described.output_shape.join('×') : '';
    tr.querySelector('td.params').textContent = described ? fmtInt(described.parameters) : '';
  }

  function row(layer, i) {
    const tr = document.createElement('tr');
    tr.dataset.index = i;
    const kind = Object.assign(document.createElement('td'), { className: 'kind' });
    kind.textContent = `${layer.name} · ${t(`kind.${layer.kind}`)}`;
    const cell = Object.assign(document.createElement('td'), { className: 'settings-cell' });
    const settings = Object.assign(document.createElement('div'), { className: 'settings' });
    cell.append(settings);
    for (const [field, low, high] of FIELDS[layer.kind] || []) {
      const label = document.createElement('label');
      const input = Object.assign(document.createElement('input'), { type: 'number', min: low, max: high, value: layer[field] });
      input.dataset.field = field;
      input.addEventListener('input', () => {
        const value = Number(input.value);
        layer[field] = Number.isInteger(value) ? value : input.value;
        schedule();
      });
      label.append(t(`train.field.${field}`), input);
      settings.append(label);
    }
    const out = Object.assign(document.createElement('td'), { className: 'num shape' });
    out.dataset.label = t('train.col.output'); // a phone stacks the row: each number says what it is
    const params = Object.assign(document.createElement('td'), { className: 'num params' });
    params.dataset.label = t('train.col.params');
    const actions = Object.assign(document.createElement('td'), { className: 'actions' });
    const buttons = [['↑', 'train.up', -1], ['↓', 'train.down', 1], ['✕', 'train.remove', 0]];
    for (const [glyph, key, move] of buttons) {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: glyph });
      b.setAttribute('aria-label', `${t(key)} ${layer.name}`);
      b.title = t(key);
      b.addEventListener('click', () => {
        if (move === 0) layers.splice(i, 1);
        else if (layers[i + move]) [layers[i], layers[i + move]] = [layers[i + move], layers[i]];
        set(layers);
      });
      actions.append(b);
    }
    tr.append(kind, cell, out, params, actions);
    return tr;
  }

  function spec() {
    return { input_shape: inputShape(), layers: layers.map((l) => ({ ...l })) };
  }

  async function check(extra = {}) {
    clearTimeout(timer); // a check waiting for the typing to stop would ask about this same list
    const mine = ++seq;
    const architecture = spec();
    try {
      const result = await checkArchitecture({ architecture, ...jobSize(), ...extra }); // its work: epochs x images
      if (mine !== seq) return;
      last = { ok: true, spec: architecture, check: result };
      render(result.layers);
      summary.classList.remove('error');
    } catch (error) {
      if (mine !== seq) return;
      last = { ok: false, spec: architecture, error };
      render(null, error.params?.layer);
      summary.classList.add('error');
    }
    onChange(last);
  }

  function schedule() {
    seq += 1; // an answer still on its way describes the list before this change
    clearTimeout(timer);
    timer = setTimeout(() => check(), 250);
  }

  function set(next) {
    layers = renamed(next);
    render(null, null, true);
    schedule();
  }

  return {
    set,
    add(kind) {
      // feature-map layers go before flatten; the rest before a trailing softmax; move with ↑ ↓
      const flatten = layers.findIndex((l) => l.kind === 'flatten');
      const softmax = layers.at(-1)?.kind === 'softmax' ? layers.length - 1 : layers.length;
      const at = ['conv', 'maxpool', 'avgpool'].includes(kind) && flatten >= 0 ? flatten
        : kind === 'softmax' ? layers.length : softmax;
      set([...layers.slice(0, at), newLayer(kind), ...layers.slice(at)]);
    },
    spec,
    recheck: (extra) => check(extra),
    get last() { return last; },
    rerender() { render(last?.ok ? last.check.layers : null, last?.ok ? null : last?.error?.params?.layer, true); },
  };
}
