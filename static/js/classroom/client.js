// The class API: JSON in and out; errors carry the server's stable code and params so the page
// can say them in the learner's language.

export class ClassApiError extends Error {
  constructor(body, status) {
    super(body.error || String(status));
    this.code = body.code || (status ? `http.${status}` : 'error.network');
    this.params = body.params || {};
    this.status = status;
  }
}

export async function call(method, path, body) {
  const options = { method, credentials: 'same-origin' };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers = { 'Content-Type': 'application/json' };
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new ClassApiError({}, 0);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ClassApiError(data, response.status);
  return data;
}

export const classPath = (code, rest = '') => `/api/classes/${encodeURIComponent(code)}${rest}`;
