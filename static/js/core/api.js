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

export async function call(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new ApiError('network', 0, 'network'); // the caller shows a translated message
  }
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
function send(path, input, extra, raw = false) {
  if (input.blob && raw && input.blob.type.startsWith('image/')) {
    const query = new URLSearchParams(Object.entries(extra).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const qs = query.toString();
    const url = qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
    return call(url, { method: 'POST', headers: { 'Content-Type': input.blob.type }, body: input.blob });
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

/** animations: [{layer, channel, focus}] the page will animate for this input, explanations:
 *  [{layer, neuron}] whose arithmetic it will show: the server answers them in the same response
 *  (one request per stroke), and animate() and explain() then find them here, a STRONGEST
 *  animation under the channel the server says it was (a layer without channels: 0). */
export async function predict(id, input, { animations = [], explanations = [] } = {}) {
  const animate = animations.map(({ layer, channel, focus }) => (focus == null ? { layer, channel } : { layer, channel, focus }));
  const explain = explanations.map(({ layer, neuron }) => ({ layer, neuron }));
  const along = { ...(animate.length ? { animate } : {}), ...(explain.length ? { explain } : {}) };
  const body = await post(`/api/models/${encodeURIComponent(id)}/predict`, input, along, { raw: true });
  if (input && typeof input === 'object') {
    const found = new Map();
    const channelOf = (a, answer) => (a.channel === STRONGEST ? answer?.channel ?? 0 : a.channel);
    (Array.isArray(body.animations) ? body.animations : []).forEach((answer, i) => {
      const a = animations[i];
      if (a) found.set(animationKey(id, a.layer, channelOf(a, answer), a.focus), answer);
    });
    (Array.isArray(body.explanations) ? body.explanations : []).forEach((answer, i) => {
      const e = explanations[i];
      if (e) found.set(explanationKey(id, e.layer, e.neuron), answer);
    });
    prefetched.set(input, found);
  }
  delete body.animations;
  delete body.explanations;
  return body;
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
