// A practice session: the sheet (seed and kind), which item is on screen, the exercises
// fetched so far and the score. Exercises come in batches from the server; checking
// sends (seed, kind, index, answer) and gets the verdict with the worked solution.

import { call } from '../core/api.js';

const BATCH = 10;

const post = (path, body) => call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

export const getKinds = () => call('/api/exercises');

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
