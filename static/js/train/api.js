// The training studio's calls, through core/api.js's call: errors keep the server's stable code and
// params, so the page shows them in its own language (core/errors.js).

import { call } from '../core/api.js';

const json = (method, body) => ({ method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

export const options = () => call('/api/studio/options');
export const checkArchitecture = (body) => call('/api/studio/architecture', json('POST', body));
export const submit = (settings) => call('/api/jobs', json('POST', settings));
export const job = (id) => call(`/api/jobs/${id}`);
export const cancel = (id) => call(`/api/jobs/${id}`, { method: 'DELETE' });
export const figure = (id, name, params = {}) => call(`/api/jobs/${id}/figures/${name}?${new URLSearchParams(params)}`);
export const cell = (id, truth, predicted) => call(`/api/jobs/${id}/confusion?true=${truth}&predicted=${predicted}`);
export const mine = () => call('/api/studio/mine');
export const removeModel = (model) => call(`/api/models/${model}`, { method: 'DELETE' });
export const share = (model, shared) => call(`/api/models/${model}`, json('PATCH', { shared }));

export function upload(modelFile, weightsFile) {
  const form = new FormData();
  form.append('model', modelFile);
  form.append('weights', weightsFile);
  return call('/api/models', { method: 'POST', body: form });
}

/** Follow a job's events: onEvent(type, data) for each; EventSource reconnects (Last-Event-ID)
 *  whenever the server ends a stream; closed for good after the last event. -> close(). */
export function follow(id, onEvent) {
  const source = new EventSource(`/api/jobs/${id}/events`);
  const types = ['queued', 'started', 'samples', 'batch', 'epoch', 'predictions', 'filters',
    'finished', 'failed', 'cancelled', 'interrupted'];
  for (const type of types) {
    source.addEventListener(type, (e) => onEvent(type, JSON.parse(e.data)));
  }
  source.addEventListener('end', () => source.close());
  return () => source.close();
}
