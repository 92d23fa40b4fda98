// The class API: JSON in and out; errors carry the server's stable code and params so the page
// can say them in the learner's language (core/errors.js).
import { call as request } from '../core/api.js';

/** method, path and a JSON body (or a FormData) -> the answer; a refusal throws core/api.js's ApiError. */
export function call(method, path, body) {
  const options = { method };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers = { 'Content-Type': 'application/json' };
    options.body = JSON.stringify(body);
  }
  return request(path, options);
}

export const classPath = (code, rest = '') => `/api/classes/${encodeURIComponent(code)}${rest}`;
