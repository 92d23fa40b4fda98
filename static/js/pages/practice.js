// Practice page: one exercise at a time with fresh numbers, checked by the server's engine,
// with hints, the worked solution and a score. The sheet (seed, kind) and the item are in the
// URL, so a teacher's "sheet 42, exercise 3" is the same on every device.
import { errorText } from '../core/errors.js';
import { LANGUAGES, apply, chooseLanguage, language, startLanguage, t } from '../core/i18n.js';
import { optionView, renderExercise, textParams } from '../practice/exercise.js';
import { mountFields } from '../practice/fields.js';
import { rightAnswerText, renderSolution } from '../practice/solution.js';
import { createSession, getKinds, randomSeed } from '../practice/session.js';
import { call, classPath } from '../classroom/client.js';

const $ = (id) => document.getElementById(id);
const classCode = new URLSearchParams(location.search).get('class');
const view = { exercise: null, fields: null, verdict: null, hints: 0, kinds: [], mixed: 'mixed', limits: null };
let session;

function writeUrl() {
  const params = new URLSearchParams(location.search);
  params.set('lang', language());
  params.set('seed', String(session.seed));
  params.set('kind', session.kind);
  params.set('item', String(session.item + 1));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

function showScore() {
  const { right, tried } = session.score;
  $('score').textContent = t('practice.score', { right, tried });
}

function kindName(kind) {
  return t(`practice.kind.${kind}`);
}

function fillControls() {
  $('kind-select').replaceChildren(...[view.mixed, ...view.kinds].map((k) => new Option(kindName(k), k)));
  $('kind-select').value = session.kind;
  $('seed-input').value = String(session.seed);
  $('lang-select').value = language();
  // in a class the sheet is the teacher's: its answers are counted on that sheet, so no other to pick
  $('sheet-controls').hidden = $('seed-hint').hidden = Boolean(classCode);
  $('class-sheet').hidden = !classCode;
  if (classCode) $('class-sheet').textContent = t('practice.classSheet', { kind: kindName(session.kind), code: classCode });
}

function renderHints() {
  const list = $('hints');
  list.replaceChildren(...view.exercise.hints.slice(0, view.hints).map((h) => {
    const li = document.createElement('li');
    li.textContent = t(h.key, textParams(h.params));
    return li;
  }));
  $('hint').disabled = view.hints >= view.exercise.hints.length || Boolean(view.verdict);
}

function renderVerdict() {
  const { verdict, exercise } = view;
  const box = $('verdict');
  box.className = 'verdict';
  if (!verdict) {
    box.textContent = '';
    $('solution').replaceChildren();
    return;
  }
  box.classList.add(verdict.correct ? 'is-right' : 'is-wrong');
  const answer = rightAnswerText(exercise, verdict, t);
  box.textContent = verdict.correct ? t('practice.right') : answer ? t('practice.wrongAnswer', { answer }) : t('practice.wrong');
  renderSolution($('solution'), exercise, verdict, t);
}

/** What the learner has typed, ticked and pressed, to put back when the boxes are rebuilt. */
function snapshot() {
  const root = $('answer-fields');
  return {
    values: [...root.querySelectorAll('input[type=text]')].map((i) => i.value),
    checked: [...root.querySelectorAll('input[type=radio]')].findIndex((r) => r.checked),
    invalid: root.querySelector('.toggle-invalid')?.getAttribute('aria-pressed') === 'true',
  };
}

function restore(snap) {
  const root = $('answer-fields');
  root.querySelectorAll('input[type=text]').forEach((input, i) => { input.value = snap.values[i] ?? ''; });
  if (snap.checked >= 0) root.querySelectorAll('input[type=radio]')[snap.checked].checked = true;
  if (snap.invalid) root.querySelector('.toggle-invalid').click();
}

/** Draw the exercise on screen (and its feedback when it was checked), in the current language. */
function render() {
  const ex = view.exercise;
  $('exercise-heading').textContent = t('practice.exerciseTitle', { n: session.item + 1, kind: kindName(ex.kind) });
  renderExercise($('exercise-body'), ex, t);
  const snap = snapshot();
  view.fields = mountFields($('answer-fields'), ex, t, (i) => optionView(ex, t, i));
  restore(snap);
  if (view.verdict) {
    view.fields.mark(view.verdict);
    view.fields.disable();
  }
  $('check').disabled = Boolean(view.verdict);
  renderHints();
  renderVerdict();
  showScore();
}

async function show() {
  $('status').textContent = '';
  try {
    view.exercise = await session.current();
  } catch (e) {
    $('status').textContent = errorText(e);
    return;
  }
  view.verdict = null;
  view.hints = 0;
  $('answer-fields').replaceChildren();
  render();
  writeUrl();
  document.body.dataset.ready = 'true';
}

async function check(event) {
  event.preventDefault();
  if (view.verdict) return;
  const read = view.fields.read();
  if (read.problem) {
    $('status').textContent = t(read.problem, read.params);
    return;
  }
  $('status').textContent = '';
  try {
    view.verdict = await session.check(view.exercise, read.answer);
  } catch (e) {
    $('status').textContent = errorText(e);
    return;
  }
  if (classCode) reportToClass(view.exercise, read.answer);
  render();
  $('next').focus();
  $('verdict').scrollIntoView({ block: 'nearest' });
}

/** In a class (?class=CODE), the teacher's wall hears each answer; the server checks it again, against
 *  the class's sheet (the seed says which sheet this page shows: another one is refused, not miscounted). */
async function reportToClass(exercise, answer) {
  try {
    await call('POST', classPath(classCode, '/answers'),
      { exercise: { kind: exercise.kind, index: exercise.index, seed: session.seed, answer } });
  } catch (error) {
    $('status').textContent = error.code?.startsWith('class.') ? errorText(error) : t('practice.classUnreachable');
  }
}

async function next() {
  if (session.item >= session.maxItem) return;
  session.next();
  await show();
  view.fields.focus();
}

function changeSheet(seed, kind) {
  session.setSheet(seed, kind);
  fillControls();
  show();
}

function readSeed() {
  const v = Number($('seed-input').value.normalize('NFKC').trim());
  if (!Number.isInteger(v) || v < 0 || v > view.limits.seed) {
    $('status').textContent = t('practice.badSeed', { max: view.limits.seed });
    $('seed-input').value = String(session.seed);
    return null;
  }
  return v;
}

function wire() {
  $('answer-form').addEventListener('submit', check);
  $('answer-form').addEventListener('keydown', (e) => {
    // Enter checks from any answer control; Space still presses a button or picks a radio
    const inAnswer = $('answer-fields').contains(e.target) && (e.target.type === 'radio' || e.target.type === 'button');
    if (e.key === 'Enter' && inAnswer) { e.preventDefault(); $('answer-form').requestSubmit(); }
  });
  $('next').addEventListener('click', next);
  $('hint').addEventListener('click', () => { view.hints += 1; renderHints(); });
  $('kind-select').addEventListener('change', () => changeSheet(session.seed, $('kind-select').value));
  $('seed-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const seed = readSeed();
    if (seed !== null) changeSheet(seed, session.kind);
  });
  $('new-sheet').addEventListener('click', () => changeSheet(randomSeed(view.limits.seed), session.kind));
  $('lang-select').addEventListener('change', () => {
    chooseLanguage($('lang-select').value);
    apply();
    fillControls();
    if (view.exercise) render();
    writeUrl();
  });
}

async function init() {
  const params = new URLSearchParams(location.search);
  const lang = params.get('lang');
  startLanguage(lang);
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  try {
    Object.assign(view, await getKinds());
  } catch (e) {
    $('status').textContent = errorText(e);
    return;
  }
  const seed = Number(params.get('seed'));
  const kind = params.get('kind');
  const item = Number(params.get('item')) - 1;
  const maxItem = view.limits.index;
  session = createSession({
    seed: Number.isInteger(seed) && params.get('seed') && seed >= 0 && seed <= view.limits.seed ? seed : randomSeed(view.limits.seed),
    kind: [view.mixed, ...view.kinds].includes(kind) ? kind : view.mixed,
    item: Number.isInteger(item) && item >= 0 && item <= maxItem ? item : 0,
    maxItem,
  });
  fillControls();
  wire();
  await show();
}

init();
