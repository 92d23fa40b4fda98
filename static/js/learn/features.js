// Which optional server features are here. A feature is an endpoint; a 404 (or 405) means it has
// not landed on this server yet, so a chapter shows its static explanation instead.
// Adding a feature is one line in PROBES.

const PROBES = {
  lab: { method: 'POST', path: '/api/lab/convolve' }, // the convolution lab (issue 11)
  labShape: { method: 'POST', path: '/api/lab/shape' },
  labPool: { method: 'POST', path: '/api/lab/pool' },
  labArchitecture: { method: 'POST', path: '/api/lab/architecture' },
  backward: { method: 'POST', path: '/api/models/digits/backward' }, // the backward view (issue 12)
  step: { method: 'POST', path: '/api/models/digits/step' },
  karn: { method: 'GET', path: '/api/backward/example' },
};
const known = new Map();

/** Resolves true when the endpoint exists (any answer but 404/405), false otherwise. */
export function has(name) {
  if (!known.has(name)) {
    const probe = PROBES[name];
    known.set(name, !probe ? Promise.resolve(false) : fetch(probe.path, {
      method: probe.method,
      headers: { 'Content-Type': 'application/json' },
      body: probe.method === 'POST' ? '{}' : undefined,
    }).then((r) => r.status !== 404 && r.status !== 405, () => false));
  }
  return known.get(name);
}

/** The first widget of a list whose feature is here: [{feature?, mount}] -> mount function. */
export async function choose(widgets) {
  for (const w of widgets) if (!w.feature || (await has(w.feature))) return w;
  return widgets[widgets.length - 1];
}

/** POST JSON to an optional endpoint; resolves null when the feature is missing or fails. */
export async function tryPost(path, body) {
  try {
    const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await r.json().catch(() => null);
    return r.ok ? json : { error: json?.error || r.statusText, code: json?.code, status: r.status, params: json?.params };
  } catch {
    return null;
  }
}

export async function tryGet(path) {
  try {
    const r = await fetch(path);
    return r.ok ? r.json() : null;
  } catch {
    return null;
  }
}
