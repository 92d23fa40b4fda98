// The teacher's side of a class: the join card (code, link, QR), tasks, the live wall of answers
// grouped by what the network read, the class confusion matrix, CSV export and ending the class.
import { t } from '../core/i18n.js';
import { el } from '../lib/dom.js';
import { call, classPath } from './client.js';
import { taskText } from './task-text.js';
import { lastAnswers } from './wall-fit.js';
import { mountWall } from './wall.js';

const BEFORE = 'before'; // the wall's menu: drawings sent before the first task

/** An address as text that a narrow card breaks after "//" and before ":" or "/", not mid-word. */
const breakable = (url) => (url.match(/^[a-z]+:\/\/|[:/]?[^:/]+|[:/]/g) ?? [url]).flatMap((part, i) => (i ? [el('wbr'), part] : [part]));

export function mountTeacher(els, { model, label, onError }) {
  const answers = []; // every answer event, in order
  const tasks = []; // every task event {n, task}, in order
  const students = new Map();
  let source = null;
  let code = null;

  const exercises = new Map(); // student -> Map("kind:index" -> correct on the first try)
  let task = null; // the current task
  let ended = false;
  let localOnly = false; // students cannot reach this server: said until the class ends
  let pinned; // the task whose answers the wall shows, chosen in its menu (undefined: the latest)
  let focus = null; // a column the wall shows alone, or null
  /** Every column again; the keyboard's focus on the heading of the column that was shown alone
   *  (the first heading had it: another column's, or an empty column's, which takes no focus). */
  function showAll() {
    const was = focus;
    focus = null;
    render();
    els.wall.querySelector(`[data-key="column:${was}"]`)?.focus();
  }
  const wall = mountWall(els.wall, els.wallArea, { model, label, onFocus: (i) => {
    if (i == null) return showAll();
    focus = i;
    render();
    els.wallAll.focus();
  } });

  /** The current task, or that the class has ended: what is left to do is exporting the answers. */
  function showState() {
    els.task.textContent = ended ? t('class.endedTeacher') : t('class.current', { task: taskText(task, label, t('class.noTask')) });
    for (const part of [els.card, els.form, els.end, els.lesson]) part.hidden = ended;
    els.local.hidden = ended || !localOnly;
    if (ended) els.confirm.hidden = true;
  }

  function render() {
    els.count.textContent = String(students.size);
    const byTask = lastAnswers(answers, tasks.map((e) => e.n));
    renderWall(byTask);
    renderConfusion(byTask);
    renderExercises();
  }

  /** The wall shows one task's answers, each student's last drawing once: the latest task students
   *  draw for (an exercise sheet leaves the wall as it was), or the one chosen in its menu. */
  function renderWall(byTask) {
    const drawn = tasks.filter((e) => e.task.kind !== 'exercise');
    const latest = drawn.at(-1)?.n ?? null;
    const choices = drawn.filter((e) => e.n === latest || byTask.has(e.n)).reverse()
      .map((e) => new Option(t('class.taskNumber', { number: tasks.indexOf(e) + 1, task: taskText(e.task, label) }), e.n));
    if (byTask.has(null)) choices.push(new Option(t('class.beforeTasks'), BEFORE));
    const key = pinned !== undefined && byTask.has(pinned) ? pinned : latest;
    els.wallTask.replaceChildren(...choices);
    els.wallTask.value = key === null ? BEFORE : String(key);
    // the menu says which task the wall shows when there is a choice, or when it is not the current task
    // (an exercise sheet is: the wall still shows the drawings for the task before it)
    els.wallTaskLabel.hidden = choices.length < 2 && key === (tasks.at(-1)?.n ?? null);
    els.wallAll.hidden = focus == null;
    const shown = byTask.get(key) ?? new Map();
    els.summary.replaceChildren(
      el('strong', { textContent: t(students.size === 1 ? 'class.answered.one' : 'class.answered', { answered: shown.size, students: students.size }) }),
      ` ${t('class.countMeans')}`);
    wall.render({ answers: shown, task: tasks.find((e) => e.n === key)?.task ?? null, focus });
  }

  function renderExercises() {
    if (!exercises.size) {
      els.exercises.replaceChildren(el('p', { className: 'hint', textContent: t('class.noExercises') }));
      return;
    }
    const rows = [...exercises].map(([sid, done]) => {
      const tried = done.size;
      const right = [...done.values()].filter(Boolean).length;
      return el('tr', {}, el('th', { textContent: students.get(sid) ?? String(sid) }),
        el('td', { textContent: String(tried) }), el('td', { textContent: String(right) }));
    });
    const head = el('tr', {}, el('th', { textContent: t('class.nickname') }), el('th', { textContent: t('class.tried') }),
      el('th', { textContent: t('class.right') }));
    els.exercises.replaceChildren(el('table', { className: 'confusion' }, el('thead', {}, head), el('tbody', {}, ...rows)));
  }

  /** Rows: what the students were asked to draw; columns: what the network read; each student once
   *  per task, with their last drawing (as on the wall). */
  function renderConfusion(byTask) {
    const n = model.classes.length;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    let total = 0;
    for (const e of tasks) {
      for (const a of byTask.get(e.n)?.values() ?? []) {
        if (a.task?.kind === 'draw' && a.task.target < n) {
          counts[a.task.target][a.predicted] += 1;
          total += 1;
        }
      }
    }
    if (!total) {
      els.confusion.replaceChildren(el('p', { className: 'hint', textContent: t('class.noConfusion') }));
      return;
    }
    const head = el('tr', {}, el('th', { textContent: t('class.trueVsRead') }), ...model.classes.map((_, j) => el('th', { textContent: label(j) })));
    const rows = counts.map((row, i) => el('tr', {}, el('th', { textContent: label(i) }),
      ...row.map((v, j) => el('td', { textContent: v ? String(v) : '', className: v ? (i === j ? 'right' : 'wrong') : '' }))));
    els.confusion.replaceChildren(el('table', { className: 'confusion' }, el('thead', {}, head), el('tbody', {}, ...rows)));
  }

  function onEvent(e) {
    if (e.type === 'joined') students.set(e.student, e.nick);
    else if (e.type === 'answer') answers.push(e);
    else if (e.type === 'exercise') {
      if (!exercises.has(e.student)) exercises.set(e.student, new Map());
      const done = exercises.get(e.student);
      const key = `${e.kind}:${e.index}`;
      if (!done.has(key)) done.set(key, e.correct); // the first try counts
    }
    else if (e.type === 'task') {
      task = e.task;
      tasks.push({ n: e.n, task: e.task });
      if (task.kind !== 'exercise') focus = null; // the wall moves on to the new task's answers
      showState();
    } else if (e.type === 'ended') {
      ended = true;
      showState();
      source?.close();
    }
  }

  function listen() {
    source?.close();
    source = new EventSource(classPath(code, '/events'));
    let pending = false;
    source.onmessage = (m) => {
      onEvent(JSON.parse(m.data));
      if (!pending) { // many answers at once: one repaint per frame
        pending = true;
        requestAnimationFrame(() => { pending = false; render(); });
      }
    };
  }

  els.wallTask.addEventListener('change', () => {
    const value = els.wallTask.value;
    pinned = els.wallTask.selectedIndex === 0 ? undefined : value === BEFORE ? null : Number(value); // the first: the latest
    focus = null;
    render();
  });
  els.wallAll.addEventListener('click', showAll);
  els.kind.addEventListener('change', () => {
    els.targetLabel.hidden = els.kind.value !== 'draw';
    els.textLabel.hidden = els.kind.value !== 'free';
    els.sheetLabel.hidden = els.kind.value !== 'exercise';
  });
  fetch('/api/exercises').then((r) => r.json()).then((info) => {
    els.sheet.replaceChildren(...[info.mixed, ...info.kinds].map((k) => new Option(t(`practice.kind.${k}`), k)));
    els.sheetLimit = info.limits.seed;
  }).catch(() => { els.kind.querySelector('option[value=exercise]').hidden = true; });
  els.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const task = { kind: els.kind.value };
    if (task.kind === 'draw') task.target = Number(els.target.value);
    if (task.kind === 'free') task.text = els.text.value;
    if (task.kind === 'exercise') { // one seeded sheet: every device gets the same exercises
      const [seed] = crypto.getRandomValues(new Uint32Array(1));
      task.exercise = { kind: els.sheet.value, seed: seed % ((els.sheetLimit ?? 2 ** 31 - 1) + 1) };
    }
    try {
      await call('POST', classPath(code, '/tasks'), { task });
    } catch (error) { onError(error); }
  });
  // Ending is for every device at once and cannot be undone: asked once more, beside the button.
  els.end.addEventListener('click', () => {
    els.confirm.hidden = false;
    els.endNo.focus();
  });
  els.endNo.addEventListener('click', () => {
    els.confirm.hidden = true;
    els.end.focus();
  });
  els.endYes.addEventListener('click', async () => {
    try {
      await call('DELETE', classPath(code));
      ended = true; // the stream says so too; the page need not wait for it
      showState();
      // the card, the form and the buttons above went: what the page now says, and the CSV link it
      // points to, in sight (the window kept its scroll and showed the foot of the page)
      els.task.scrollIntoView({ block: 'nearest' });
      els.csv.focus({ preventScroll: true });
    } catch (error) { onError(error); }
  });

  return {
    /** Show class `info` (from create or from the URL) and follow its events. */
    start(info) {
      code = info.code;
      els.code.textContent = code;
      els.url.replaceChildren(...breakable(info.join_url.replace(/\?join=.*/, '')));
      localOnly = Boolean(info.local_only);
      els.qr.src = classPath(code, '/qr.svg');
      els.qr.alt = t('class.qrAlt', { url: info.join_url });
      els.csv.href = classPath(code, '/results.csv');
      els.target.replaceChildren(...model.classes.map((_, i) => new Option(label(i), i)));
      task = info.task;
      ended = info.ended;
      showState();
      render();
      listen(); // from the first event: the wall of a class that has ended too (its stream then closes)
    },
    /** The page's language changed: every text again. */
    relabel() {
      showState();
      render();
    },
  };
}
