import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TILE_SIZES, fitWall, lastAnswers } from '../classroom/wall-fit.js';

test('a student counts once per task, with their last drawing', () => {
  const answers = [
    { n: 3, student: 1, task_event: 2, predicted: 7 },
    { n: 4, student: 2, task_event: 2, predicted: 1 },
    { n: 5, student: 1, task_event: 2, predicted: 1 }, // Ada again: her 1 replaces her 7
    { n: 7, student: 1, task_event: 6, predicted: 3 }, // the next task
    { n: 8, student: 2, task_event: 2, predicted: 7 }, // a drawing for the task Bo's device still showed
  ];
  const byTask = lastAnswers(answers, [2, 6]);
  assert.deepEqual([...byTask.keys()], [2, 6]);
  assert.deepEqual([...byTask.get(2)].map(([s, a]) => [s, a.n]), [[1, 5], [2, 8]]);
  assert.deepEqual([...byTask.get(6).values()].map((a) => a.predicted), [3]);
});

test('an answer stored without its task is for the task set last before it', () => {
  const byTask = lastAnswers([{ n: 1, student: 1 }, { n: 3, student: 1 }, { n: 5, student: 1 }], [2, 4]);
  assert.deepEqual([...byTask.keys()], [null, 2, 4]);
});

// what a 1366x768 laptop measured: heading 40 px, a name's line 15 px, 2 px borders, 4 px gaps
const M = { head: 40, line: 15, border: 2, gap: 4, pad: 7, columnGap: 10 };
const mins = (counts) => counts.map((n) => (n ? 60 : 33));

/** How tall a band of columns is drawn, and whether its columns fit side by side. */
function drawn(fit, counts, m, box) {
  const w = fit.size + 2 * m.border;
  const h = w + fit.lines * m.line;
  return fit.bands.map((band) => {
    const width = band.reduce((s, i) => s + fit.columns[i].width, 0) + (band.length - 1) * m.columnGap;
    const tall = Math.max(...band.map((i) => {
      const { width: cw, shown, more } = fit.columns[i];
      const perRow = Math.floor((cw - 2 * m.pad + m.gap) / (w + m.gap));
      const places = shown + (more ? 1 : 0);
      return m.head + 2 * m.pad + (places ? Math.ceil(places / perRow) * (h + m.gap) - m.gap : 0);
    }));
    assert.ok(width <= box.width, `a band ${width} px wide in ${box.width}`);
    return tall;
  });
}

test('sixty students in one column fit a laptop, every one shown', () => {
  const counts = [0, 0, 0, 0, 0, 0, 0, 60, 0, 0];
  const box = { width: 925, height: 460 };
  const fit = fitWall(counts, box, { ...M, min: mins(counts) });
  assert.equal(fit.columns[7].shown, 60);
  assert.ok(fit.columns.every((c) => c.more === 0));
  assert.ok(drawn(fit, counts, M, box)[0] <= box.height);
  assert.ok(fit.size >= 40, fit.size);
});

test('fewer students, larger drawings, names on two lines', () => {
  const counts = [0, 1, 0, 0, 0, 0, 0, 3, 0, 0];
  const fit = fitWall(counts, { width: 925, height: 460 }, { ...M, min: mins(counts) });
  assert.equal(fit.size, TILE_SIZES[0]);
  assert.equal(fit.lines, 2);
});

test('more than fit: each column shows what fits and says how many more, the counts exact', () => {
  const counts = [120, 0, 80, 0, 0, 0, 0, 0, 0, 0];
  const box = { width: 600, height: 300 };
  const fit = fitWall(counts, box, { ...M, min: mins(counts) });
  assert.equal(fit.size, TILE_SIZES.at(-1));
  counts.forEach((n, i) => assert.equal(fit.columns[i].shown + fit.columns[i].more, n));
  assert.ok(fit.columns[0].more > 0 && fit.columns[2].more > 0);
  assert.ok(drawn(fit, counts, M, box)[0] <= box.height);
});

test('a phone puts the columns in bands, each with its share of the height', () => {
  const counts = [20, 20, 0, 0, 0, 0, 0, 20, 0, 0];
  const box = { width: 326, height: 700 };
  const fit = fitWall(counts, box, { ...M, min: mins(counts) });
  assert.ok(fit.bands.length >= 2);
  assert.deepEqual(fit.bands.flat(), counts.map((_, i) => i));
  const heights = drawn(fit, counts, M, box);
  assert.ok(heights.reduce((s, h) => s + h, 0) + (heights.length - 1) * M.columnGap <= box.height, heights);
  counts.forEach((n, i) => assert.equal(fit.columns[i].shown + fit.columns[i].more, n));
});

test('starting smaller gives smaller drawings (the page measured the wall taller than reckoned)', () => {
  const counts = [0, 0, 0, 0, 0, 0, 0, 3, 0, 0];
  const box = { width: 925, height: 460 };
  assert.equal(fitWall(counts, box, { ...M, min: mins(counts) }, 2).size, TILE_SIZES[2]);
});
