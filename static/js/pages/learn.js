// The Learn page: a guided lesson in chapters on the learner's own drawing. Every number comes from
// the server's engine (or, for a feature not on this server yet, is the tutorial's worked example, said so).
import * as api from '../core/api.js';
import { errorText } from '../core/errors.js';
import { LANGUAGES, apply, chooseLanguage, language, localTitle, startLanguage, t } from '../core/i18n.js';
import chapters from '../learn/chapters/index.js';
import { mountInput } from '../learn/input.js';
import { createLesson } from '../learn/lesson.js';
import { roleNames, roles } from '../learn/roles.js';
import { useNetwork } from '../learn/text.js';
import { joinLesson } from '../classroom/lesson.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

function status(message) {
  $('status').textContent = message || '';
}

async function init() {
  startLanguage(params.get('lang'));
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  $('lang-select').value = language();
  try {
    const { models } = await api.listModels();
    const wanted = params.get('model');
    const id = models.some((m) => m.id === wanted) ? wanted : (models.find((m) => m.id === 'digits') || models[0]).id;
    const model = await api.getModel(id); // the lesson follows this network by the roles of its layers
    const ctx0 = { roles: roles(model) };
    useNetwork(roleNames(model, ctx0.roles), ctx0.roles.subject === 'digit' ? [] : [ctx0.roles.subject]);
    document.body.dataset.model = model.id;
    document.body.dataset.subject = ctx0.roles.subject;
    const pick = $('model-select');
    const fillModels = () => pick.replaceChildren(...models.map((m) => new Option(localTitle(m.title) || m.id, m.id)));
    fillModels();
    pick.value = model.id;
    pick.addEventListener('change', () => { // another network: the same chapter and step, a fresh input
      const url = new URL(location.href);
      url.searchParams.set('model', pick.value);
      url.searchParams.delete('input');
      location.assign(url);
    });
    const classLabel = (i) => model.class_names?.[language()]?.[i] ?? model.classes[i];
    const input = mountInput({
      canvas: $('draw-canvas'), pen: $('tool-pen'), eraser: $('tool-eraser'), undo: $('tool-undo'), clear: $('tool-clear'),
      size: $('pen-size'), example: $('tool-example'), guess: $('input-guess'),
    }, { modelId: model.id, inputShape: model.input_shape, onError: (e) => status(errorText(e)) });
    const ctx = { model, input, classLabel, roles: ctx0.roles };
    const lesson = createLesson(chapters, {
      article: $('chapter'), title: $('chapter-title'), text: $('step-idea'), widget: $('step-widget'), tryIt: $('step-try'),
      question: $('step-question'), input: $('learner-input'), list: $('chapter-list'), steps: $('step-links'),
      prev: $('lesson-prev'), next: $('lesson-next'), bar: $('progress-bar'), progress: $('progress'), progressText: $('progress-text'),
    }, ctx);
    window.cnnvizLesson = lesson; // class mode's seam: lesson.follow({chapter, step}) and lesson.onChange(fn)
    const fromUrl = () => {
      const at = new URLSearchParams(location.search);
      return { chapter: at.get('chapter') || chapters[0].id, step: at.get('step') || 1 };
    };
    lesson.follow(fromUrl());
    addEventListener('popstate', () => lesson.follow(fromUrl(), { reveal: true })); // Back: the chapter before
    const classCode = params.get('teach') || params.get('class'); // ?teach=CODE: the teacher's page; ?class=CODE: a student's
    const inClass = classCode ? joinLesson(lesson, {
      code: classCode, teacher: params.has('teach'), model: model.id, label: classLabel, onError: (e) => status(errorText(e)),
      els: { box: $('follow-box'), toggle: $('follow-toggle'), note: $('follow-note') },
    }) : null;
    $('lang-select').addEventListener('change', (e) => {
      chooseLanguage(e.target.value);
      const url = new URL(location.href);
      url.searchParams.set('lang', language());
      history.replaceState(null, '', url);
      apply();
      fillModels();
      pick.value = model.id;
      lesson.relabel();
      inClass?.relabel();
    });
    await input.start(params.get('input'));
  } catch (error) {
    status(errorText(error));
  }
  document.body.dataset.ready = 'true';
}

init();
