// A class's task in words, the same on the teacher's page, a student's device and a student's lesson.
import { t } from '../core/i18n.js';

/** task ({kind, target | text | exercise} or null) -> its sentence; label(i): class i's name; none:
 *  what to say when there is no task. */
export function taskText(task, label, none) {
  if (!task) return none;
  if (task.kind === 'draw') return t('class.task.drawOne', { label: label(task.target) });
  if (task.kind === 'free') return task.text;
  if (task.kind === 'exercise') return t('class.task.exerciseOne', { kind: t(`practice.kind.${task.exercise.kind}`) });
  return t(`class.task.${task.kind}`);
}
