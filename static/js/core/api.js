// Talking to the server. An input is either a file (an upload or the drawing,
// sent as multipart) or a JSON body ({pixels} for gallery images).
import { expandSparse } from '../lib/f16.js';

/** An error from the server: its English message, HTTP status, stable code and params
 *  (the page translates code + params with its catalog key error.<code>). */
export class ApiError extends Error {
  constructor(message, status, code = null, params = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.params = params;
  }
}

/** -> the JSON answer, or with blob: true the answer as a Blob (a file to save); a refusal is an ApiError. */
export async function call(path, options = {}, { blob = false } = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new ApiError('network', 0, 'network'); // the caller shows a translated message
  }
  if (blob && response.ok) return response.blob();
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.error || response.statusText, response.status, body.code ?? null, body.params ?? {});
  return body;
}

// An input the server holds: /predict answers with the input's id (its key in the server's
// small cache of prepared inputs), and the same input object's later requests to that model
// (/explain, /animate, /backward ...) send {input_id} instead of the whole image. When the
// server no longer holds it (evicted, or another worker process answered): 409 input.expired,
// and the image is sent again, once.
const held = new WeakMap(); // input object -> Map(model's URL prefix -> input_id)
const modelPrefix = (path) => path.match(/^\/api\/models\/[^/]+\//)?.[0] ?? null;

/** raw: a file goes as the body itself (Content-Type image/...), its fields in the query string:
 *  cheaper for the server to read than multipart (the stroke's /predict). */
const MAX_QUERY = 8192; // longer fields (a learner's stepped weights) go in a form: a URL that long is refused
function send(path, input, extra, raw = false) {
  if (input.blob && raw && input.blob.type.startsWith('image/')) {
    const query = new URLSearchParams(Object.entries(extra).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const qs = query.toString();
    const url = qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
    if (qs.length <= MAX_QUERY) return call(url, { method: 'POST', headers: { 'Content-Type': input.blob.type }, body: input.blob });
  }
  if (input.blob) {
    const form = new FormData();
    form.append('image', input.blob, input.name || 'input.png');
    for (const [k, v] of Object.entries(extra)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return call(path, { method: 'POST', body: form });
  }
  return call(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...input.json, ...extra }),
  });
}

/** input: {blob, name} or {json}, with optional options (e.g. {invert, crop}) sent beside it;
 *  raw: send a file as the request's body (see send). */
export async function post(path, input, fields = {}, { raw = false } = {}) {
  const prefix = modelPrefix(path);
  const inputId = prefix && held.get(input)?.get(prefix);
  if (inputId) {
    try {
      return await postJSON(path, { input_id: inputId, ...fields }); // crop and invert are in the id
    } catch (e) {
      if (e.code !== 'input.expired') throw e;
      held.get(input).delete(prefix);
    }
  }
  const body = await send(path, input, { ...input.options, ...fields }, raw);
  if (prefix && typeof body.input_id === 'string' && input && typeof input === 'object') {
    if (!held.has(input)) held.set(input, new Map());
    held.get(input).set(prefix, body.input_id);
  }
  return body;
}

/** POST a JSON body; -> the JSON answer (or ApiError). */
export const postJSON = (path, body) => call(path, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});
export const getJSON = (path) => call(path);

export const listModels = () => call('/api/models');
export const getModel = (id) => call(`/api/models/${encodeURIComponent(id)}`);
export const getExamples = (id) => call(`/api/models/${encodeURIComponent(id)}/examples`);
/** What a /predict answered beside the prediction, for later animate() and explain() calls of the
 *  same input: input object -> Map(key -> the answer, or that entry's error body). */
const prefetched = new WeakMap();
const animationKey = (id, layer, channel, focus) => JSON.stringify(['animate', id, layer, channel, focus ?? null]);
const explanationKey = (id, layer, neuron) => JSON.stringify(['explain', id, layer, neuron]);

/** A channel asked for by what it holds: the one with the layer's largest output in the answer. */
export const STRONGEST = 'strongest';

/** The label of a backward pass asked for with /predict: the class its answer predicts. */
export const PREDICTED = 'predicted';

/** animations: [{layer, channel, focus}] the page will animate for this input, explanations:
 *  [{layer, neuron}] whose arithmetic it will show: the server answers them in the same response
 *  (one request per stroke), and animate() and explain() then find them here, a STRONGEST
 *  animation under the channel the server says it was (a layer without channels: 0).
 *  backward (the "how it learns" views, or null): {label (a class or PREDICTED), loss, weights (the
 *  learner's own, or none), animations: /backward/animate's fields [{layer, channel, focus}],
 *  explanations: /backward/explain's fields}: backwardPass(), backwardAnimate() and
 *  backwardExplain() then find the answers here. */
export async function predict(id, input, { animations = [], explanations = [], backward = null } = {}) {
  const animate = animations.map(({ layer, channel, focus }) => (focus == null ? { layer, channel } : { layer, channel, focus }));
  const explain = explanations.map(({ layer, neuron }) => ({ layer, neuron }));
  const along = { ...(animate.length ? { animate } : {}), ...(explain.length ? { explain } : {}),
    ...(backward ? { backward: backwardEntry(backward) } : {}) };
  const body = await post(`/api/models/${encodeURIComponent(id)}/predict`, input, along, { raw: true });
  if (input && typeof input === 'object') {
    prefetched.set(input, fileAnimations(id, animations, body.animations, new Map()));
    (Array.isArray(body.explanations) ? body.explanations : []).forEach((answer, i) => {
      const e = explanations[i];
      if (e) prefetched.get(input).set(explanationKey(id, e.layer, e.neuron), answer);
    });
    fileBackward(id, input, backward, body);
  }
  delete body.animations;
  delete body.explanations;
  delete body.backward;
  return body;
}

/** Answers to animations asked for, filed in `found` under the channel the server says (STRONGEST). */
function fileAnimations(id, animations, answers, found) {
  const channelOf = (a, answer) => (a.channel === STRONGEST ? answer?.channel ?? 0 : a.channel);
  (Array.isArray(answers) ? answers : []).forEach((answer, i) => {
    const a = animations[i];
    if (a) found.set(animationKey(id, a.layer, channelOf(a, answer), a.focus), answer);
  });
  return found;
}

/** Animations of an input /predict has answered, [{layer, channel, focus}] (channels as the page
 *  picked them): those not held yet are asked for in ONE request (/predict by the input's id, e.g.
 *  the stepper's whole pass, thirteen layers), for animate() to find. */
export async function prefetchAnimations(id, input, animations) {
  const found = prefetched.get(input) ?? new Map();
  const missing = animations.filter((a) => !found.has(animationKey(id, a.layer, a.channel, a.focus)));
  if (missing.length < 2 || !input || typeof input !== 'object') return; // one: animate() asks for it alone
  const animate = missing.map(({ layer, channel, focus }) => (focus == null ? { layer, channel } : { layer, channel, focus }));
  const body = await post(`/api/models/${encodeURIComponent(id)}/predict`, input, { animate }, { raw: true });
  prefetched.set(input, fileAnimations(id, missing, body.animations, prefetched.get(input) ?? found));
}

// ------------------------------------------------------------------ how it learns
/** The backward entry /predict reads: /backward's fields and what to animate and explain with them. */
function backwardEntry({ label, loss = 'cross_entropy', weights = null, animations = [], explanations = [] }) {
  return { label, loss, ...(weights ? { weights } : {}), animate: animations.map(({ layer, channel, focus }) => ({ layer, channel, focus })),
    explain: explanations.map(gradientFields) };
}
const gradientFields = ({ layer, neuron, param, index, loss_parts: parts }) => Object.fromEntries(
  Object.entries({ layer, neuron, param, index, loss_parts: parts }).filter(([, v]) => v !== undefined));
const backwardAnimationKey = ({ layer, channel, focus }) => JSON.stringify([layer, channel, focus ?? 0]);
const backwardExplanationKey = (fields) => JSON.stringify(gradientFields(fields));

const prefetchedBackward = new WeakMap(); // input object -> {id, label, loss, weights, answer, along: Map}

function fileBackward(id, input, asked, body) {
  const answered = body.backward;
  if (!asked || !answered || typeof answered !== 'object') return prefetchedBackward.delete(input);
  const label = asked.label === PREDICTED ? body.prediction?.index : asked.label;
  const along = new Map();
  (asked.animations ?? []).forEach((a, i) => {
    const answer = answered.animations?.[i];
    if (answer) along.set(backwardAnimationKey({ ...a, channel: a.channel === STRONGEST ? answer.channel ?? 0 : a.channel }), answer);
  });
  (asked.explanations ?? []).forEach((e, i) => {
    if (answered.explanations?.[i]) along.set(backwardExplanationKey(e), answered.explanations[i]);
  });
  prefetchedBackward.set(input, { id, label, loss: asked.loss ?? 'cross_entropy', weights: asked.weights ?? null,
    answer: answered.answer, along });
}

/** What /predict answered for these /backward fields (same model, label, loss and weights object), or null. */
function backwardAlong(id, input, fields, key = null) {
  const filed = input && typeof input === 'object' ? prefetchedBackward.get(input) : null;
  if (!filed || filed.id !== id || filed.label !== fields.label || filed.loss !== (fields.loss ?? 'cross_entropy')
    || filed.weights !== (fields.weights ?? null)) return null;
  const ready = key == null ? filed.answer : filed.along.get(key);
  if (ready?.code && ready.error) throw new ApiError(ready.error, ready.status, ready.code, ready.params ?? {});
  return ready ?? null;
}

const learnPath = (id, what) => `/api/models/${encodeURIComponent(id)}/${what}`;
/** fields: {label, loss, weights?}: the loss and every gradient (/backward). */
export async function backwardPass(id, input, fields) {
  return backwardAlong(id, input, fields) ?? post(learnPath(id, 'backward'), input, fields);
}
/** fields: /backward's and {layer, channel, focus}: one layer's backward animation. */
export async function backwardAnimate(id, input, fields) {
  return backwardAlong(id, input, fields, backwardAnimationKey(fields)) ?? post(learnPath(id, 'backward/animate'), input, fields);
}
/** fields: /backward's and {layer, neuron} or {param, index}: one gradient's arithmetic. */
export async function backwardExplain(id, input, fields) {
  return backwardAlong(id, input, fields, backwardExplanationKey(fields)) ?? post(learnPath(id, 'backward/explain'), input, fields);
}

/** The answer /predict gave beside the prediction under this key (its error thrown), or null. */
function answeredAlong(input, key) {
  const ready = input && typeof input === 'object' ? prefetched.get(input)?.get(key) : null;
  if (ready?.code && ready.error) throw new ApiError(ready.error, ready.status, ready.code, ready.params ?? {});
  return ready ?? null;
}

export async function explain(id, input, layer, neuron) {
  return answeredAlong(input, explanationKey(id, layer, neuron))
    ?? post(`/api/models/${encodeURIComponent(id)}/explain`, input, { layer, neuron });
}
/** focus: the input channel whose products a conv animation shows (conv only; default 0). */
export async function animate(id, input, layer, channel, focus) {
  const ready = answeredAlong(input, animationKey(id, layer, channel, focus));
  if (ready) return expandSparse(ready);
  const body = await post(`/api/models/${encodeURIComponent(id)}/animate`, input, focus == null ? { layer, channel } : { layer, channel, focus });
  return expandSparse(body);
}
