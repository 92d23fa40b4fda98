// The lesson follows any network by the ROLE of its layers, not their names: the first convolution,
// the activation after it, the first pooling, the deepest convolution, the first fully connected layer
// and the softmax, all found in the model description GET /api/models/<id> returns ({name, kind, ...}).
// What the network recognises ("digit" or "garment") comes from its dataset.

const ACTIVATIONS = new Set(['relu', 'tanh', 'sigmoid']);
const POOLS = new Set(['maxpool', 'avgpool']);

/** model description -> {conv, act, actInput, pool, poolInput, deep, dense, softmax, subject}; each a layer or null. */
export function roles(model) {
  const layers = model.layers;
  const at = (i) => (i >= 0 ? layers[i] : null);
  const first = (test, from = 0) => layers.findIndex((l, i) => i >= from && test(l));
  const before = (i) => (i > 0 ? layers[i - 1] : null);
  const conv = first((l) => l.kind === 'conv');
  // ReLU is the activation the lesson teaches: the first ReLU that follows a convolution's maps, else
  // the first activation after the first convolution.
  let act = first((l, i) => l.kind === 'relu' && l.output_shape.length === 3);
  if (act < 0) act = first((l) => ACTIVATIONS.has(l.kind), conv);
  let pool = first((l) => l.kind === 'maxpool');
  if (pool < 0) pool = first((l) => POOLS.has(l.kind));
  const convs = layers.map((l, i) => (l.kind === 'conv' ? i : -1)).filter((i) => i >= 0);
  return {
    conv: at(conv), act: at(act), actInput: before(act), pool: at(pool), poolInput: before(pool),
    deep: at(convs[convs.length - 1] ?? -1), dense: at(first((l) => l.kind === 'dense')),
    softmax: at(first((l) => l.kind === 'softmax')), subject: subject(model),
  };
}

/** 'garment' for a network trained on clothes (Fashion-MNIST), else 'digit'. */
export const subject = (model) => (/fashion/i.test(model.dataset || '') ? 'garment' : 'digit');

/** Names every text of the lesson may use: {model}, {conv}, {act}, {pool}, {deep}, ... */
export function roleNames(model, r = roles(model)) {
  const name = (l) => l?.name ?? '—';
  return { model: model.id, conv: name(r.conv), act: name(r.act), actInput: name(r.actInput), pool: name(r.pool),
    poolInput: name(r.poolInput), deep: name(r.deep), dense: name(r.dense), softmax: name(r.softmax) };
}
