// The lesson: chapters in order, each in four steps (idea, live widget, try this, question).
// One state {chapter, step} drives the page, the URL (?chapter=relu&step=2 reopens it) and,
// later, class mode: follow(state) applies a state from outside (the teacher's), and
// onChange(fn) reports every change (what a teacher's page would broadcast).
import { t } from './text.js';
import { choose } from './features.js';
import { createFitter } from './fit.js';
import { mountQuestion } from './question.js';
import { el } from './widgets.js';

export const STEPS = ['idea', 'widget', 'try', 'question'];

export function createLesson(chapters, els, ctx) {
  let chapter = 0;
  let step = 0;
  let widget = null; // {destroy()} of the mounted widget
  let mountedId = null;
  let mountSeq = 0;
  const listeners = new Set();
  const fitter = createFitter(els.article, () => els.article.querySelector('.step.current'));

  const clamp = (i, n) => Math.max(0, Math.min(n - 1, i));
  const link = (c, s) => {
    const url = new URL(location.href);
    url.searchParams.set('chapter', chapters[c].id);
    url.searchParams.set('step', String(s + 1));
    return `${url.pathname}${url.search}`;
  };

  function renderNav() {
    els.list.replaceChildren(...chapters.map((ch, i) => {
      const a = el('a', { href: link(i, 0), 'data-chapter': ch.id, text: `${i + 1}. ${t(`learn.${ch.id}.title`)}` });
      if (i === chapter) a.setAttribute('aria-current', 'step');
      a.addEventListener('click', (e) => { e.preventDefault(); go(i, 0); });
      return el('li', {}, a);
    }));
    els.steps.replaceChildren(...STEPS.map((name, s) => {
      const a = el('a', { href: link(chapter, s), 'data-step': String(s + 1), text: `${s + 1} · ${t(`learn.step.${name}`)}` });
      if (s === step) a.setAttribute('aria-current', 'step');
      a.addEventListener('click', (e) => { e.preventDefault(); go(chapter, s); });
      return a;
    }));
    const done = chapter * STEPS.length + step + 1;
    const total = chapters.length * STEPS.length;
    els.bar.style.width = `${(100 * done) / total}%`;
    els.progress.setAttribute('aria-valuenow', String(done));
    els.progress.setAttribute('aria-valuemax', String(total));
    els.progressText.textContent = t('learn.progress', { c: chapter + 1, n: chapters.length, s: step + 1, m: STEPS.length });
    els.prev.disabled = chapter === 0 && step === 0;
    els.next.disabled = chapter === chapters.length - 1 && step === STEPS.length - 1;
  }

  function renderText() {
    const ch = chapters[chapter];
    const id = ch.id;
    const p = ch.params?.(ctx) ?? {}; // the network's own numbers in the text (from the API)
    els.title.textContent = `${chapter + 1}. ${t(`learn.${id}.title`)}`;
    els.text.replaceChildren(...t(`learn.${id}.text`, p).split('\n\n').map((p) => el('p', { text: p })));
    els.tryIt.replaceChildren(el('h3', { text: t('learn.step.try') }), el('p', { text: t(`learn.${id}.try`, p) }));
    els.question.replaceChildren(el('h3', { text: t('learn.step.question') }));
    mountQuestion(els.question, ch.question, id, ctx, p);
    els.input.hidden = !ch.usesInput;
    els.article.dataset.chapter = id;
  }

  async function mountWidget() {
    const ch = chapters[chapter];
    if (mountedId === ch.id) return;
    widget?.destroy?.();
    widget = null;
    mountedId = ch.id;
    const mine = ++mountSeq;
    els.widget.replaceChildren();
    const chosen = await choose(ch.widgets);
    if (mine !== mountSeq) return;
    const body = el('div', { class: 'widget-body' });
    els.widget.replaceChildren(body);
    els.widget.dataset.widget = chosen.feature || 'base';
    widget = chosen.mount(body, ctx) || null;
  }

  function renderStep() {
    for (const [s, section] of [els.text, els.widget, els.tryIt, els.question].entries()) {
      section.classList.toggle('current', s === step);
      section.classList.toggle('later', s > step);
    }
    els.article.dataset.step = String(step + 1);
    document.body.dataset.lessonStep = STEPS[step];
    fitter.schedule();
  }

  /** push: a new chapter becomes an entry of the browser's history (Back returns to the last one);
   *  steps within a chapter, the first load and states applied from outside replace the entry. */
  function go(c, s, { focus = true, reveal = false, push = true } = {}) {
    const nextChapter = clamp(c, chapters.length);
    const first = mountedId == null;
    const changed = nextChapter !== chapter || first;
    chapter = nextChapter;
    step = clamp(s, STEPS.length);
    if (changed) {
      renderText();
      mountWidget();
    }
    renderStep();
    renderNav();
    const url = new URL(location.href);
    url.searchParams.set('chapter', chapters[chapter].id);
    url.searchParams.set('step', String(step + 1));
    if (changed && !first && push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    const current = [els.text, els.widget, els.tryIt, els.question][step];
    if ((focus || reveal) && !document.body.classList.contains('presenting')) showStep(current);
    listeners.forEach((fn) => fn(state()));
  }

  const state = () => ({ chapter: chapters[chapter].id, step: step + 1 });

  /** A step into view above the lesson's bar (Previous, Next), read from its top: a step taller than
   *  the room is scrolled to its beginning, not its end; a step already in view stays where it is. */
  function showStep(section) {
    const r = section.getBoundingClientRect();
    const room = innerHeight - (document.querySelector('.lesson-nav')?.offsetHeight ?? 0);
    if (r.top >= 0 && r.bottom <= room) return;
    section.scrollIntoView({ block: r.height <= room - 16 ? 'nearest' : 'start' });
  }

  function next() {
    if (step < STEPS.length - 1) go(chapter, step + 1);
    else if (chapter < chapters.length - 1) go(chapter + 1, 0);
  }
  function prev() {
    if (step > 0) go(chapter, step - 1);
    else if (chapter > 0) go(chapter - 1, STEPS.length - 1);
  }

  /** Apply {chapter: id or 1-based number, step: 1-based} from outside (the URL, Back and Forward, or a
   *  teacher in class mode). reveal: scroll the new step into view (a student following the teacher,
   *  Back), without taking the focus. */
  function follow(s, { reveal = false } = {}) {
    const byId = chapters.findIndex((ch) => ch.id === s.chapter);
    const c = byId >= 0 ? byId : (Number(s.chapter) || 1) - 1;
    go(c, (Number(s.step) || 1) - 1, { focus: false, reveal, push: false });
  }

  els.prev.addEventListener('click', prev);
  els.next.addEventListener('click', next);
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const tag = e.target.tagName;
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(tag)) return;
    if ((tag === 'BUTTON' || tag === 'A') && (e.key === ' ' || e.key === 'Enter')) return; // the control's own action
    const keys = { PageDown: next, ArrowRight: next, ' ': next, PageUp: prev, ArrowLeft: prev };
    const action = e.key === ' ' && e.shiftKey ? prev : keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  });
  // class mode's seam: another module may dispatch this event with {chapter, step}
  document.addEventListener('cnnviz:follow', (e) => follow(e.detail || {}));

  return {
    go, next, prev, follow, state,
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    /** Redraw every text in the current language, and the widget with it. */
    relabel() {
      mountedId = null;
      renderText();
      mountWidget();
      renderStep();
      renderNav();
    },
  };
}
