// A chapter's question with instant feedback, checked in the page.
// question: {kind: 'choice', options: n, answer: index} or {kind: 'number', answer: (ctx) => number, tolerance}.
// Texts: learn.<id>.q, learn.<id>.o1…, learn.<id>.why (shown when right), learn.<id>.hint (when wrong).
import { t } from './text.js';
import { el } from './widgets.js';

/** "1,024", "1 024", "０.５５", "75%" -> number (NaN if it is not one). */
export function parseAnswer(text) {
  const ascii = String(text).replace(/[０-９．－]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[,\s，%％]/g, '');
  return /^-?\d+(\.\d+)?$|^-?\.\d+$/.test(ascii) ? Number(ascii) : NaN;
}

export function mountQuestion(container, question, id, ctx, params = {}) {
  const feedback = el('p', { class: 'feedback', role: 'status', 'aria-live': 'polite' });
  const show = (right) => {
    container.dataset.result = right ? 'right' : 'wrong';
    feedback.textContent = right ? `${t('learn.q.right')} ${t(`learn.${id}.why`, params)}` : `${t('learn.q.wrong')} ${t(`learn.${id}.hint`, params)}`;
  };
  const prompt = el('p', { class: 'prompt', id: `q-${id}`, text: t(`learn.${id}.q`, params) });
  delete container.dataset.result;
  if (question.kind === 'choice') {
    const group = el('div', { class: 'choices', role: 'radiogroup', 'aria-labelledby': `q-${id}` });
    for (let i = 0; i < question.options; i++) {
      const input = el('input', { type: 'radio', name: `answer-${id}`, value: String(i) });
      input.addEventListener('change', () => show(i === question.answer));
      group.append(el('label', { class: 'choice' }, input, el('span', { text: t(`learn.${id}.o${i + 1}`, params) })));
    }
    container.append(prompt, group, feedback);
    return;
  }
  const input = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-labelledby': `q-${id}`, class: 'answer' });
  const check = el('button', { type: 'button', class: 'check', text: t('learn.q.check') });
  const verify = async () => {
    const value = parseAnswer(input.value);
    const answer = await question.answer(ctx);
    const tolerance = question.tolerance ?? 0;
    show(Number.isFinite(value) && Math.abs(value - answer) <= tolerance + 1e-9);
  };
  check.addEventListener('click', verify);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); verify(); }
  });
  container.append(prompt, el('div', { class: 'number-answer' }, input, check), feedback);
}
