// The network view's choices, kept in the page's store (so a link keeps them): which pass the
// maps show (the forward values, or the gradients of the loss going backward, for a chosen true
// answer) and how their colours are scaled (per map, per layer, or one range for the network).
import { t } from '../core/i18n.js';
import { SCALINGS } from '../lib/colors.js';
import { el } from '../lib/dom.js';

export const PASSES = ['forward', 'backward'];
const TEXT = { // catalog keys
  forward: ['net.pass.forward', 'net.pass.forward.what'], backward: ['net.pass.backward', 'net.pass.backward.what'],
  unit: 'net.scale.unit', layer: 'net.scale.layer', global: 'net.scale.global',
};

/** box: an empty element; store: keys pass and scale; onLabel(i): the learner chose the true answer. */
export function mountNetworkControls(box, { store, onLabel }) {
  let label = null;
  let labels = [];
  const parts = {};

  function build() {
    const passes = el('span', { className: 'pass-switch', role: 'group' });
    passes.setAttribute('aria-label', t('net.pass'));
    for (const pass of PASSES) {
      const button = el('button', { type: 'button', id: `net-pass-${pass}`, textContent: t(TEXT[pass][0]),
        title: t(TEXT[pass][1]) });
      parts[pass] = button;
      button.addEventListener('click', () => store.set({ pass }));
      passes.append(button);
    }
    label = el('select', { id: 'net-label' });
    label.addEventListener('change', () => onLabel(Number(label.value)));
    const labelBox = parts.labelBox = el('label', { id: 'net-label-box' },
      el('span', { textContent: t('net.label') }), ' ', label);
    const scale = parts.scale = el('select', { id: 'net-scale' }, ...SCALINGS.map((s) => new Option(t(TEXT[s]), s)));
    scale.addEventListener('change', () => store.set({ scale: scale.value }));
    box.replaceChildren(passes, labelBox, el('label', {}, el('span', { textContent: t('net.scale') }), ' ', scale));
    fillLabels();
    sync();
  }

  /** Show the store's choices. */
  function sync() {
    for (const pass of PASSES) parts[pass].setAttribute('aria-pressed', String(store.get('pass') === pass));
    parts.labelBox.hidden = store.get('pass') !== 'backward';
    parts.scale.value = store.get('scale');
  }

  function fillLabels(value = label?.value) {
    label.replaceChildren(...labels.map((name, i) => new Option(name, String(i))));
    if (value != null && value !== '') label.value = String(value);
  }

  build();
  store.subscribe((changed) => (changed.includes('pass') || changed.includes('scale')) && sync());
  return {
    relabel: build,
    /** The classes' names and the true answer in use (the backward panel's). */
    setLabels(names, value) {
      labels = names;
      fillLabels(value);
    },
  };
}
