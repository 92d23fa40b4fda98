// A practice session: the sheet (seed and kind), which item is on screen, the exercises
// fetched so far and the score. Exercises come in batches from the server; checking
// sends (seed, kind, index, answer) and gets the verdict with the worked solution.

const BATCH = 10;

export class ApiError extends Error {
  constructor(message, status, code, params) {
    super(message);
    Object.assign(this, { status, code, params });
  }
}

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(null, 0);
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(json.error || response.statusText, response.status, json.code, json.params);
  return json;
}

export const getKinds = () => fetch('/api/exercises').then((r) => r.json());

export function randomSeed(max) {
  const [v] = crypto.getRandomValues(new Uint32Array(1));
  return v % (max + 1);
}

export function createSession({ seed, kind, item = 0, maxItem }) {
  const cache = new Map(); // item -> exercise
  const results = new Map(); // "kind:index" -> correct on the first check
  const s = {
    seed, kind, item, maxItem,
    get score() {
      const all = [...results.values()];
      return { tried: all.length, right: all.filter(Boolean).length };
    },
    setSheet(seed, kind) {
      if (seed !== s.seed || kind !== s.kind) cache.clear();
      Object.assign(s, { seed, kind, item: 0 });
    },
    async current() {
      if (!cache.has(s.item)) {
        const start = Math.min(Math.floor(s.item / BATCH) * BATCH, s.maxItem + 1 - BATCH);
        const set = await post('/api/exercises', { seed: s.seed, kind: s.kind, start, count: BATCH });
        set.exercises.forEach((e, i) => cache.set(start + i, e));
      }
      return cache.get(s.item);
    },
    async check(exercise, answer) {
      const verdict = await post('/api/exercises/check',
        { seed: exercise.seed, kind: exercise.kind, index: exercise.index, answer });
      const key = `${exercise.seed}:${exercise.kind}:${exercise.index}`;
      if (!results.has(key)) results.set(key, verdict.correct);
      return verdict;
    },
    next() {
      s.item = Math.min(s.item + 1, s.maxItem);
    },
  };
  return s;
}
