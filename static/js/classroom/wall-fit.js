// The teacher's wall, as numbers: which answers count (each student's last drawing for each task, as
// the server's CSV marks them) and how a wall of columns fits one screen. No DOM here.

/** A drawing's side on the wall, px, largest first; names get two lines from LINES_FROM up. */
export const TILE_SIZES = [112, 96, 80, 64, 56, 48, 40, 32];
const LINES_FROM = 64;

/**
 * The answers that count, from the class's events in order: each student's last drawing for each task.
 * answers: answer events ({n, student, task_event?}); taskEvents: the numbers of the events that set a task,
 * ascending. An answer names the task its device showed (task_event); one without it (stored before
 * answers named it) is for the task set last before it.
 * -> Map(task's event number, or null before the first task -> Map(student -> answer)), in order of arrival.
 */
export function lastAnswers(answers, taskEvents) {
  const byTask = new Map();
  let i = 0;
  let current = null;
  for (const a of answers) {
    while (i < taskEvents.length && taskEvents[i] < a.n) current = taskEvents[i++];
    const key = a.task_event === undefined ? current : a.task_event;
    if (!byTask.has(key)) byTask.set(key, new Map());
    const students = byTask.get(key);
    students.delete(a.student); // a new drawing moves the student to the end, in its new column
    students.set(a.student, a);
  }
  return byTask;
}

/**
 * How a wall of columns fits a box: the largest drawings with which every answer fits, or, when even
 * the smallest do not, as many as fit in each column and how many more there are.
 * counts[i]: answers in column i; box {width, height}, px; m, measured on the page (px):
 *   head (a column's heading), line (one line of a name), border (around a drawing, one side),
 *   gap (between drawings), pad (a column's padding and border, one side), columnGap (between columns
 *   and between bands), min[i] (the narrowest column i may be: its heading).
 * Columns too many for one row go in bands (rows of columns), each with its share of the height.
 * -> {size, lines, bands: [[column index]], columns: [{width, shown, more}]}: width is the column's
 *    least width (a page may widen it), shown how many drawings it shows, more how many it does not.
 */
export function fitWall(counts, box, m, start = 0) {
  const bands = [[]];
  let used = -m.columnGap;
  counts.forEach((_, i) => { // as many columns in a band as their headings leave room for
    used += m.min[i] + m.columnGap;
    if (used > box.width && bands.at(-1).length) {
      bands.push([]);
      used = m.min[i];
    }
    bands.at(-1).push(i);
  });
  const height = (box.height - (bands.length - 1) * m.columnGap) / bands.length;
  const fits = (widths) => bands.every((band) => band.reduce((s, i) => s + widths[i], 0) + (band.length - 1) * m.columnGap <= box.width);
  const tile = (size, lines) => {
    const w = size + 2 * m.border;
    const h = w + lines * m.line;
    const rows = Math.floor((height - m.head - 2 * m.pad + m.gap) / (h + m.gap));
    return { w, rows, width: (perRow) => perRow * (w + m.gap) - m.gap + 2 * m.pad };
  };
  for (const size of TILE_SIZES.slice(Math.min(start, TILE_SIZES.length - 1))) {
    const lines = size >= LINES_FROM ? 2 : 1;
    const { rows, width } = tile(size, lines);
    if (rows < 1) continue;
    const widths = counts.map((n, i) => Math.max(m.min[i], n ? width(Math.ceil(n / rows)) : 0));
    if (fits(widths)) {
      return { size, lines, bands, columns: counts.map((n, i) => ({ width: widths[i], shown: n, more: 0 })) };
    }
  }
  // Even the smallest drawings do not all fit: each column as many per row as its heading's width holds,
  // then one more per row at a time to the column with the most left out, while its band has room;
  // a column's last place says how many more there are.
  const size = TILE_SIZES[TILE_SIZES.length - 1];
  const { w, width } = tile(size, 1);
  const rows = Math.max(1, tile(size, 1).rows);
  const perRow = counts.map((n, i) => (n ? Math.max(1, Math.floor((m.min[i] - 2 * m.pad + m.gap) / (w + m.gap))) : 0));
  const least = (i) => Math.max(m.min[i], width(perRow[i]));
  for (const band of bands) {
    let left = box.width - (band.length - 1) * m.columnGap - band.reduce((s, i) => s + least(i), 0);
    for (;;) {
      const wider = band.filter((i) => perRow[i] * rows < counts[i] && width(perRow[i] + 1) - least(i) <= left)
        .sort((a, b) => (counts[b] - perRow[b] * rows) - (counts[a] - perRow[a] * rows))[0];
      if (wider === undefined) break;
      left -= width(perRow[wider] + 1) - least(wider);
      perRow[wider] += 1;
    }
  }
  const columns = counts.map((n, i) => {
    const room = perRow[i] * rows;
    const shown = n <= room ? n : room - 1;
    return { width: least(i), shown, more: n - shown };
  });
  return { size, lines: 1, bands, columns };
}
