// The Class page: a teacher opens a class and follows the wall; a student joins with the code
// and a nickname and answers the tasks on their own device. ?teach=CODE reopens the teacher's
// wall (the secret is in the teacher's cookie); ?join=CODE fills in the code for a student.
import { errorText } from '../core/errors.js';
import { LANGUAGES, apply, chooseLanguage, language, localTitle, startLanguage, t } from '../core/i18n.js';
import { call, classPath } from '../classroom/client.js';
import { mountStudent } from '../classroom/student.js';
import { mountTeacher } from '../classroom/teacher.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let models = [];
let model = null;
let teacher = null;
let student = null;

const label = (i) => model.class_names?.[language()]?.[i] ?? model.classes[i];

function setUrl(changes) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) if (v) p.set(k, v); else p.delete(k);
  history.replaceState(null, '', `${location.pathname}?${p}`);
}

/** An error where the person looks: under the teacher's task form, or the class start's form. (A
 *  student's device says its own, under its Send button.) */
function showError(error) {
  const status = $('teacher').hidden ? $('class-status') : $('teacher-status');
  status.textContent = errorText(error);
  status.classList.add('error');
}

/** The Learn page in this class: ?teach=CODE for the teacher, ?class=CODE for a student. */
const lessonLink = (query) => `/learn?${new URLSearchParams({ ...query, lang: language() })}`;

async function useModel(id) {
  model = await call('GET', `/api/models/${encodeURIComponent(id)}`);
}

async function openAsTeacher(info) {
  await useModel(info.model);
  $('class-start').hidden = true;
  $('teacher').hidden = false;
  teacher = mountTeacher({
    card: $('join-card'), lesson: $('class-lesson'), confirm: $('end-confirm'), endYes: $('class-end-yes'),
    endNo: $('class-end-no'),
    code: $('class-code'), url: $('join-url'), qr: $('join-qr'), count: $('student-count'), wall: $('wall'),
    confusion: $('confusion'), form: $('task-form'), kind: $('task-kind'), target: $('task-target'),
    targetLabel: $('task-target-label'), text: $('task-text'), textLabel: $('task-text-label'),
    task: $('teacher-task'), csv: $('results-csv'), end: $('class-end'), local: $('local-only'),
    sheet: $('task-sheet'), sheetLabel: $('task-sheet-label'), exercises: $('exercise-results'),
    wallArea: $('wall-area'), wallTask: $('wall-task'), wallTaskLabel: $('wall-task-label'), wallAll: $('wall-all'),
    summary: $('wall-summary'),
  }, { model, label, onError: showError });
  teacher.start(info);
  setUrl({ teach: info.code, join: null });
  $('class-lesson').href = lessonLink({ teach: info.code, model: info.model, present: '1' }); // the teacher presents; students follow
}

async function openAsStudent(info) {
  await useModel(info.model);
  $('class-start').hidden = true;
  $('student').hidden = false;
  student = mountStudent({
    hello: $('student-hello'), task: $('student-task'), send: $('send-drawing'), verdict: $('student-verdict'),
    exercise: $('student-exercise'), exerciseLink: $('student-exercise-link'), padArea: $('student-pad'),
    status: $('student-status'), lesson: $('student-lesson-row'),
    pad: { canvas: $('draw-canvas'), pen: $('tool-pen'), eraser: $('tool-eraser'), undo: $('tool-undo'),
      clear: $('tool-clear'), size: $('pen-size') },
  }, { label });
  student.start(info);
  $('student-lesson').href = lessonLink({ class: info.code, model: info.model });
  localStorage.setItem(`cnnviz.class.${info.code}`, '1'); // the token itself stays in an HttpOnly cookie
  setUrl({ join: info.code, teach: null });
}

$('class-open').addEventListener('click', async () => {
  try {
    await openAsTeacher(await call('POST', '/api/classes', { model: $('class-model').value }));
  } catch (error) { showError(error); }
});

$('join-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('join-code').value.trim().toUpperCase();
  try {
    await openAsStudent(await call('POST', classPath(code, '/join'), { nickname: $('join-nick').value }));
  } catch (error) { showError(error); }
});

function changeLanguage(lang) {
  chooseLanguage(lang);
  setUrl({ lang });
  apply();
  $('class-model').replaceChildren(...models.map((m) => new Option(localTitle(m.title) || m.id, m.id)));
  teacher?.relabel();
  student?.relabel();
  for (const link of [$('class-lesson'), $('student-lesson')]) { // the lesson opens in the page's language
    if (!link.getAttribute('href')) continue;
    const url = new URL(link.href);
    url.searchParams.set('lang', lang);
    link.href = `${url.pathname}${url.search}`;
  }
}

async function init() {
  startLanguage(params.get('lang'));
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([c, name]) => new Option(name, c)));
  $('lang-select').value = language();
  $('lang-select').addEventListener('change', (e) => changeLanguage(e.target.value));
  try {
    models = (await call('GET', '/api/models')).models;
    $('class-model').replaceChildren(...models.map((m) => new Option(localTitle(m.title) || m.id, m.id)));
    if (params.get('join')) {
      $('join-code').value = params.get('join');
      const joined = localStorage.getItem(`cnnviz.class.${params.get('join').toUpperCase()}`);
      const mine = joined && await call('GET', classPath(params.get('join'), '/task')).catch(() => null);
      if (mine) await openAsStudent(mine); // this device joined before: back to the task
    }
    if (params.get('teach')) {
      const info = await call('GET', classPath(params.get('teach')));
      if (info.teacher) await openAsTeacher(info);
      else { // the teacher's link (on the projector) opened on another device: the student's way in
        $('join-code').value = info.code;
        $('class-status').textContent = t('class.notTeacher', { code: info.code });
        setUrl({ teach: null, join: info.code });
      }
    }
  } catch (error) {
    showError(error);
  }
  document.body.dataset.ready = 'true';
}

init();
