// A student's device in a class: the current task (asked for every few seconds), a drawing pad,
// sending the drawing, and what the network read.
import { t } from '../core/i18n.js';
import { percent } from '../lib/grid.js';
import { mountDrawpad } from '../views/drawpad.js';
import { call, classPath } from './client.js';

const POLL_MS = 2000;

export function mountStudent(els, { label, onError }) {
  let code = null;
  let drawing = null;
  let timer = null;

  const pad = mountDrawpad(els.pad, {
    onStroke: (blob) => {
      drawing = blob;
      els.send.disabled = false;
    },
    onClear: () => {
      drawing = null;
      els.send.disabled = true;
    },
  });

  function showTask(info) {
    if (info.ended) {
      els.task.textContent = t('class.ended');
      els.send.disabled = true;
      clearInterval(timer);
      return;
    }
    const task = info.task;
    els.task.textContent = !task ? t('class.waiting')
      : task.kind === 'draw' ? t('class.task.drawOne', { label: label(task.target) })
        : task.kind === 'free' ? task.text
          : task.kind === 'exercise' ? t('class.task.exerciseOne', { kind: t(`practice.kind.${task.exercise.kind}`), seed: task.exercise.seed })
            : t(`class.task.${task.kind}`);
    const sheet = task?.kind === 'exercise' ? task.exercise : null;
    els.exercise.hidden = !sheet;
    els.padArea.hidden = Boolean(sheet);
    els.send.hidden = Boolean(sheet);
    if (sheet) {
      els.exerciseLink.href = `/practice?seed=${sheet.seed}&kind=${encodeURIComponent(sheet.kind)}&class=${code}`;
    }
  }

  async function poll() {
    try {
      showTask(await call('GET', classPath(code, '/task')));
    } catch (error) {
      if (error.status === 403 || error.status === 404) clearInterval(timer);
      onError(error);
    }
  }

  els.send.addEventListener('click', async () => {
    if (!drawing) return;
    const form = new FormData();
    form.append('image', drawing, 'drawing.png');
    els.send.disabled = true;
    try {
      const r = await call('POST', classPath(code, '/answers'), form);
      els.verdict.textContent = t('class.verdict', { label: label(r.predicted), p: percent(r.probability) });
      pad.clear();
      drawing = null;
    } catch (error) {
      els.send.disabled = false;
      onError(error);
    }
  });

  return {
    start(info) {
      code = info.code;
      els.hello.textContent = t('class.hello', { nick: info.nick, code });
      showTask(info);
      clearInterval(timer);
      timer = setInterval(poll, POLL_MS);
    },
  };
}
