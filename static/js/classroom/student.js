// A student's device in a class: the current task (asked for every few seconds), a drawing pad,
// sending the drawing, what the network read, and what went wrong, said where the student looks.
import { errorText } from '../core/errors.js';
import { t } from '../core/i18n.js';
import { chance } from '../lib/grid.js';
import { mountDrawpad } from '../views/drawpad.js';
import { call, classPath } from './client.js';
import { taskText } from './task-text.js';

const POLL_MS = 2000;

export function mountStudent(els, { label }) {
  let code = null;
  let info = null; // the class as last read: its task, the task's event number, whether it ended
  let drawing = null;
  let timer = null;
  let failure = null; // what the status line says went wrong: {error, from: 'poll' (the task could not be read) or 'send'}
  let read = null; // what the network read in the last drawing sent for the task on screen

  const pad = mountDrawpad(els.pad, {
    onStroke: (blob) => {
      drawing = blob;
      els.send.disabled = Boolean(info?.ended);
    },
    onClear: () => {
      drawing = null;
      els.send.disabled = true;
    },
  });

  function say(error, from) {
    failure = error ? { error, from } : null;
    els.status.textContent = error ? errorText(error) : '';
  }

  function showRead(r) {
    read = r;
    els.verdict.textContent = r ? t('class.verdict', { label: label(r.predicted), p: chance(r.probability) }) : '';
  }

  function render() {
    els.hello.textContent = t('class.hello', { nick: info.nick, code });
    if (info.ended) {
      els.task.textContent = t('class.ended');
      els.send.disabled = true;
      els.padArea.hidden = els.send.hidden = els.exercise.hidden = true;
      els.lesson.hidden = true; // no lesson to follow any more
      return;
    }
    els.task.textContent = taskText(info.task, label, t('class.waiting'));
    const sheet = info.task?.kind === 'exercise' ? info.task.exercise : null;
    els.exercise.hidden = !sheet;
    els.padArea.hidden = Boolean(sheet);
    els.send.hidden = Boolean(sheet);
    if (sheet) {
      els.exerciseLink.href = `/practice?seed=${sheet.seed}&kind=${encodeURIComponent(sheet.kind)}&class=${code}`;
    }
  }

  /** The class as the server says it now; a new task clears what the network read for the last one. */
  function show(now) {
    if (info && (now.task_event !== info.task_event || now.ended)) showRead(null);
    info = { ...info, ...now };
    if (info.ended) clearInterval(timer);
    render();
  }

  async function poll() {
    try {
      show(await call('GET', classPath(code, '/task')));
      if (failure?.from === 'poll') say(null);
    } catch (error) {
      if (error.status === 403 || error.status === 404) clearInterval(timer);
      say(error, 'poll');
    }
  }

  els.send.addEventListener('click', async () => {
    if (!drawing || info.ended) return;
    const form = new FormData();
    form.append('image', drawing, 'drawing.png');
    if (info.task_event != null) form.append('task_event', String(info.task_event)); // counted for the task on screen
    els.send.disabled = true;
    try {
      const r = await call('POST', classPath(code, '/answers'), form);
      showRead(r);
      say(null);
      pad.clear();
      drawing = null;
      els.verdict.scrollIntoView({ block: 'nearest' }); // under the button: on a phone, below the window's edge
    } catch (error) {
      showRead(null); // what the network read in the last drawing is not this one's answer
      els.send.disabled = false;
      say(error, 'send');
      if (error.code === 'class.ended') show({ ended: true });
    }
  });

  return {
    start(joined) {
      code = joined.code;
      info = null;
      show(joined);
      clearInterval(timer);
      if (!info.ended) timer = setInterval(poll, POLL_MS);
    },
    /** The page's language changed: every text again. */
    relabel() {
      if (!info) return;
      render();
      showRead(read);
      if (failure) say(failure.error, failure.from);
    },
  };
}
