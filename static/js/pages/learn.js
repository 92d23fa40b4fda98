// The Learn page: a guided lesson in chapters on the learner's own drawing. Every number comes from
// the server's engine (or, for a feature not on this server yet, is the tutorial's worked example, said so).
import * as api from '../core/api.js';
import { LANGUAGES, apply, language, preferredLanguage, setLanguage, t } from '../core/i18n.js';
import chapters from '../learn/chapters/index.js';
import { mountInput } from '../learn/input.js';
import { createLesson } from '../learn/lesson.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

function status(message) {
  $('status').textContent = message || '';
}

const errorText = (error) => (error?.status ? t('error.server', { message: error.message }) : t('error.network'));

async function init() {
  setLanguage(params.get('lang') in LANGUAGES ? params.get('lang') : preferredLanguage());
  apply();
  $('lang-select').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
  $('lang-select').value = language();
  try {
    const model = await api.getModel('digits'); // the lesson follows the digits network (its layer names)
    const classLabel = (i) => model.class_names?.[language()]?.[i] ?? model.classes[i];
    const input = mountInput({
      canvas: $('draw-canvas'), pen: $('tool-pen'), eraser: $('tool-eraser'), undo: $('tool-undo'), clear: $('tool-clear'),
      size: $('pen-size'), example: $('tool-example'), guess: $('input-guess'),
    }, { modelId: model.id, inputShape: model.input_shape, onError: (e) => status(errorText(e)) });
    const ctx = { model, input, classLabel };
    const lesson = createLesson(chapters, {
      article: $('chapter'), title: $('chapter-title'), text: $('step-idea'), widget: $('step-widget'), tryIt: $('step-try'),
      question: $('step-question'), input: $('learner-input'), list: $('chapter-list'), steps: $('step-links'),
      prev: $('lesson-prev'), next: $('lesson-next'), bar: $('progress-bar'), progress: $('progress'), progressText: $('progress-text'),
    }, ctx);
    window.cnnvizLesson = lesson; // class mode's seam: lesson.follow({chapter, step}) and lesson.onChange(fn)
    lesson.follow({ chapter: params.get('chapter') || chapters[0].id, step: params.get('step') || 1 });
    $('lang-select').addEventListener('change', (e) => {
      setLanguage(e.target.value);
      const url = new URL(location.href);
      url.searchParams.set('lang', language());
      history.replaceState(null, '', url);
      apply();
      lesson.relabel();
    });
    await input.start(params.get('input'));
  } catch (error) {
    status(errorText(error));
  }
  document.body.dataset.ready = 'true';
}

init();
