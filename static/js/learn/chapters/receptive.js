// 9. Deeper layers see larger regions (receptive fields). The lab's calculator gives each layer's
// receptive field when it is here; otherwise the network's layers from the API and the tutorial's 3 x 3 stack.
import { t } from '../text.js';
import { tryPost } from '../features.js';
import { el, source } from '../widgets.js';

const shape = (s) => s.join('×');
const SPEC_KEYS = ['name', 'kind', 'filters', 'kernel', 'stride', 'padding', 'dilation', 'size', 'units'];

function layersTable(ctx, fields = null) {
  const head = ['learn.receptive.layer', 'learn.receptive.window', 'learn.receptive.shape', ...(fields ? ['learn.receptive.field'] : [])];
  const rows = ctx.model.layers.filter((l) => l.output_shape.length === 3).map((l, i) => {
    const win = l.kind === 'conv' ? `${l.kernel}×${l.kernel}` : l.size ? `${l.size}×${l.size}` : '—';
    const rf = fields?.find((f) => f.name === l.name)?.receptive_field;
    return el('tr', {}, el('th', { text: l.name }), el('td', { class: 'num', text: win }), el('td', { class: 'num', text: shape(l.output_shape) }),
      ...(fields ? [el('td', { class: 'num', text: rf == null ? '—' : Array.isArray(rf) ? rf.join('×') : `${rf}×${rf}` })] : []));
  });
  return el('table', { class: 'sums' }, el('tr', {}, ...head.map((k) => el('th', { text: t(k) }))), ...rows);
}

export default {
  id: 'receptive',
  usesInput: false,
  widgets: [
    { feature: 'labArchitecture', mount(root, ctx) {
      // the network's own layers (from GET /api/models/<id>), so any network works, not only the lab's presets
      const layers = ctx.model.layers.map((l) => Object.fromEntries(SPEC_KEYS.filter((k) => k in l).map((k) => [k, l[k]])));
      tryPost('/api/lab/architecture', { input_shape: ctx.model.input_shape, layers }).then((r) => {
        const layers = r?.layers?.map((l, i) => ({ name: l.name ?? ctx.model.layers[i]?.name, receptive_field: l.receptive_field }));
        root.append(layersTable(ctx, layers || null), source(layers ? 'learn.source.labArchitecture' : 'learn.source.model'));
      });
    } },
    { mount(root, ctx) { root.append(layersTable(ctx), source('learn.source.model'), el('p', { class: 'big-line', text: t('learn.receptive.stack') })); } },
  ],
  question: { kind: 'number', answer: () => 3 + 2 + 2 }, // CS231n: each further 3 x 3 layer adds 2
};
