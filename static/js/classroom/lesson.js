// The lesson in a class. The teacher's Learn page (?teach=CODE; the secret is the teacher's HttpOnly
// cookie) sends every chapter and step change to the class (POST /api/classes/<code>/lesson: an event
// in the class's one event log). A student's Learn page (?class=CODE, after joining on the Class page)
// reads where the lesson is with the class's task poll and, while "Follow the teacher" is on, goes there.
import { language, t } from '../core/i18n.js';
import { call, classPath } from './client.js';
import { taskText } from './task-text.js';

export const POLL_MS = 1000;

/** Sends places one at a time, always the latest: a clicker held down never queues up old steps. */
function sender(code, model, onError) {
  let busy = false;
  let pending = null;
  async function flush() {
    if (busy || !pending) return;
    busy = true;
    const lesson = pending;
    pending = null;
    try {
      await call('POST', classPath(code, '/lesson'), { lesson: { ...lesson, model } });
    } catch (error) {
      onError(error);
    }
    busy = false;
    flush();
  }
  return (place) => { pending = place; flush(); };
}

export function joinLesson(lesson, { code, teacher, model, label, els, onError }) {
  els.box.hidden = false;
  let note = ['learn.follow.connecting', {}];
  const say = (key, params = {}, link = null) => { // link: [catalog key, href] after the note
    note = [key, params, link];
    els.note.textContent = t(key, params);
    if (link) {
      const a = document.createElement('a');
      a.href = link[1];
      a.textContent = t(link[0], params);
      els.note.append(' ', a);
    }
  };

  if (teacher) {
    els.toggle.closest('label').hidden = true;
    const send = sender(code, model, (error) => { say('learn.follow.teacherError'); onError(error); });
    lesson.onChange(send);
    send(lesson.state());
    say('learn.follow.presenting', { code });
    return { relabel: () => say(...note) };
  }

  let latest = null; // the teacher's place, as last read
  let applied = 0; // the event number of the place this page went to
  let taskSeen; // the number of the task the class had when this page first asked (undefined: not asked yet)
  let newTask = null; // a task the teacher sent since: said here, with the way back to the class page
  const taskNote = document.createElement('p');
  taskNote.className = 'follow-task';
  taskNote.setAttribute('role', 'alert');
  taskNote.hidden = true;
  els.box.append(taskNote);

  /** A task sent while this student is in the lesson: its words and a link to answer it on the class page. */
  function sayTask() {
    taskNote.hidden = !newTask;
    if (!newTask) return;
    const a = document.createElement('a');
    a.href = `/class?join=${encodeURIComponent(code)}&lang=${language()}`;
    a.textContent = t('learn.follow.answerTask');
    taskNote.replaceChildren(t('learn.follow.newTask', { task: taskText(newTask, label, '') }), ' ', a);
  }
  let timer = null;
  const following = () => els.toggle.checked;

  function go(place) {
    if (!place || !following()) return;
    applied = place.event;
    if (place.model && place.model !== model) { // the teacher changed network: this page opens it there
      const url = new URL(location.href);
      Object.entries({ model: place.model, chapter: place.chapter, step: place.step }).forEach(([k, v]) => url.searchParams.set(k, v));
      url.searchParams.delete('input');
      location.assign(url);
      return;
    }
    lesson.follow(place, { reveal: true }); // the new step comes into view on the follower's screen
  }

  async function poll() {
    try {
      const info = await call('GET', classPath(code, '/task'));
      if (info.ended) {
        clearInterval(timer);
        els.toggle.checked = false;
        els.toggle.disabled = true;
        say('class.ended');
        return;
      }
      if (taskSeen === undefined) taskSeen = info.task_event;
      else if (info.task && info.task_event !== taskSeen) {
        taskSeen = info.task_event;
        newTask = info.task;
        sayTask();
      }
      latest = info.lesson;
      if (following()) say(latest ? 'learn.follow.on' : 'learn.follow.waiting', { code });
      if (latest && latest.event !== applied) go(latest);
    } catch (error) {
      if (error.status === 403 || error.status === 404) { // not in this class, or it is gone: stop asking
        clearInterval(timer);
        els.toggle.checked = false;
        els.toggle.disabled = true;
        if (error.status === 404) say('learn.follow.gone', { code });
        else say('learn.follow.notJoined', { code }, ['learn.follow.join', `/class?join=${encodeURIComponent(code)}&lang=${language()}`]);
        return; // said here, once: not also as the page's error
      }
      onError(error);
    }
  }

  els.toggle.checked = true;
  els.toggle.addEventListener('change', () => {
    if (following()) { // rejoin: straight to where the teacher is now
      say(latest ? 'learn.follow.on' : 'learn.follow.waiting', { code });
      go(latest);
    } else {
      say('learn.follow.off', { code });
    }
  });
  poll();
  timer = setInterval(poll, POLL_MS);
  return { relabel: () => { say(...note); sayTask(); } };
}
