// The teacher's wall of answers: one column per class the network read, headed by how many students
// it holds, each answer the student's drawing and nickname. The whole wall fits one screen: its
// drawings are as large as fit (wall-fit.js), and a column with more than fit says how many more,
// which one click shows (the wall then shows that column alone).
import { t } from '../core/i18n.js';
import { el } from '../lib/dom.js';
import { chance } from '../lib/grid.js';
import { TILE_SIZES, fitWall } from './wall-fit.js';

const px = (v) => parseFloat(v) || 0;

/** The network input the server sent (base64url of one byte per pixel) as a small canvas. */
export function inputCanvas(b64, [, h, w]) {
  const bytes = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
  const canvas = el('canvas', { width: w, height: h });
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const g = 255 - bytes.charCodeAt(i); // ink dark on paper, as it was drawn
    img.data.set([g, g, g, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** "16 students" for class `label`, said whole (a column's heading shows only the number). */
const columnText = (label, n) => t(n === 1 ? 'class.column.one' : 'class.column', { label, n });

/**
 * The wall in `wall` (inside `area`, the section with its heading). onFocus(i): the teacher asked to
 * see column i alone (null: every column again).
 */
export function mountWall(wall, area, { model, label, onFocus }) {
  let last = null; // what was drawn last, drawn again when the screen changes size
  let width = 0;
  const canvases = new WeakMap(); // answer -> its drawing, made once
  const drawingOf = (a) => canvases.get(a) ?? canvases.set(a, inputCanvas(a.input, model.input_shape)).get(a);

  /** The room the wall has: from its top to the bottom of the window, or, when it starts below the
   *  first screen (a narrow screen stacks the class's card above it), one screen under its heading. */
  function room() {
    const screen = document.documentElement.clientHeight;
    const rem = px(getComputedStyle(document.documentElement).fontSize);
    const top = wall.getBoundingClientRect().top + scrollY;
    let height = screen - top - rem / 2;
    if (height < screen / 2) height = screen - (top - (area.getBoundingClientRect().top + scrollY)) - rem / 2;
    return { width: wall.clientWidth, height: Math.max(height, 10 * rem) };
  }

  function column(i, n, { target, focus }) {
    const heading = n ? el('button', {
      type: 'button', className: 'wall-head', title: t(focus === i ? 'class.allColumns' : 'class.focusColumn', { label: label(i) }),
    }) : el('span', { className: 'wall-head' });
    heading.setAttribute('aria-label', columnText(label(i), n));
    if (n) {
      heading.dataset.key = `column:${i}`;
      heading.setAttribute('aria-pressed', String(focus === i));
      heading.addEventListener('click', () => onFocus(focus === i ? null : i));
    }
    heading.append(el('span', { className: 'wall-label', textContent: label(i), title: label(i) }),
      el('span', { className: 'count', textContent: String(n) }));
    const col = el('section', { className: `wall-column${target === i ? ' target' : ''}` }, el('h4', {}, heading),
      el('div', { className: 'tiles' }));
    col.style.flex = 'none'; // as wide as its heading, to be measured
    return col;
  }

  function tile(a, task) {
    const wrong = task?.kind === 'draw' && task.target !== a.predicted;
    const link = el('a', {
      className: `answer${wrong ? ' wrong' : ''}`, target: '_blank', rel: 'noopener',
      href: `/?model=${encodeURIComponent(model.id)}&input=${a.input}`,
      title: t(wrong ? 'class.readAsWrong' : 'class.readAs', {
        nick: a.nick, label: label(a.predicted), target: wrong ? label(task.target) : '', p: chance(a.probability) }),
    }, drawingOf(a), el('span', { className: 'nick', textContent: a.nick }));
    link.dataset.key = `student:${a.student}`;
    return link;
  }

  /** What fitWall needs to know of the page, measured on the columns before their drawings go in. */
  function measure(columns, counts) {
    const probe = el('span', { className: 'answer' }, el('span', { className: 'nick', textContent: 'x' }));
    const first = columns[Math.max(0, counts.findIndex((n) => n > 0))]; // a heading on one line
    first.lastChild.append(probe);
    const style = getComputedStyle(first);
    const pad = px(style.paddingTop) + px(style.borderTopWidth);
    const head = first.lastChild.getBoundingClientRect().top - first.getBoundingClientRect().top - pad;
    const line = 1.25 * px(getComputedStyle(probe.lastChild).fontSize);
    const border = px(getComputedStyle(probe).getPropertyValue('--tile-border')) || 2;
    const gap = px(getComputedStyle(first.lastChild).columnGap);
    probe.remove();
    const rem = px(getComputedStyle(document.documentElement).fontSize);
    let min = columns.map((c, i) => { // a heading: its label and its number side by side, or in an
      const [name, count] = c.firstChild.firstChild.children; // empty column one above the other, a long
      const [a, b] = [name.scrollWidth, count.getBoundingClientRect().width]; // label on lines of 3.5 rem
      if (!counts[i]) return Math.ceil(Math.min(Math.max(a, b), 3.5 * rem) + 2 * pad + 1);
      return Math.ceil(a + b + px(getComputedStyle(c.firstChild.firstChild).columnGap) + 2 * pad + 1);
    });
    const columnGap = px(getComputedStyle(wall).rowGap);
    const sum = (widths) => widths.reduce((s, v) => s + v, 0);
    const over = sum(min) + (columns.length - 1) * columnGap - wall.clientWidth;
    const full = sum(min.filter((_, i) => counts[i]));
    const cut = min.map((v, i) => (counts[i] ? Math.max(Math.min(v, 2.6 * rem), Math.floor(v - (over * v) / full)) : v));
    if (over > 0 && sum(cut) - sum(min) <= -over) min = cut; // long labels cut (whole on hover), not two rows of columns
    return { head, line, border, gap, pad, min, columnGap };
  }

  /** answers: Map(student -> answer) of the task shown; task: that task; focus: a column alone, or null. */
  function render({ answers, task, focus }) {
    last = { answers, task, focus };
    const focused = wall.contains(document.activeElement) ? document.activeElement.dataset.key : null; // kept across
    wall.style.minHeight = `${wall.offsetHeight}px`; // the page does not jump while the wall is measured
    const target = task?.kind === 'draw' ? task.target : null;
    const byClass = model.classes.map(() => []);
    for (const a of answers.values()) byClass[a.predicted]?.push(a);
    const shown = focus == null ? byClass.map((_, i) => i) : [focus];
    const counts = shown.map((i) => byClass[i].length);
    const columns = shown.map((i, k) => column(i, counts[k], { target, focus }));
    wall.replaceChildren(el('div', { className: 'wall-band' }, ...columns));
    wall.classList.toggle('words', model.classes.some((_, i) => label(i).length > 3)); // smaller headings than digits
    const m = measure(columns, counts);
    const box = room();
    width = box.width;
    for (let start = 0; ; ) {
      const fit = fitWall(counts, box, m, start);
      wall.style.setProperty('--tile', `${fit.size}px`);
      wall.style.setProperty('--lines', String(fit.lines));
      wall.dataset.lines = String(fit.lines);
      wall.replaceChildren(...fit.bands.map((band) => el('div', { className: 'wall-band' }, ...band.map((k) => {
        const { width: least, shown: n, more } = fit.columns[k];
        const col = columns[k];
        col.style.flex = `${counts[k]} 1 ${least}px`;
        col.lastChild.replaceChildren(...byClass[shown[k]].slice(0, n).map((a) => tile(a, task)));
        if (more) {
          const button = el('button', { type: 'button', className: 'more' },
            el('span', { textContent: `+${more}` }), el('span', { className: 'nick', textContent: t('class.more') }));
          button.setAttribute('aria-label', t('class.showMore', { n: more, label: label(shown[k]) }));
          button.addEventListener('click', () => onFocus(shown[k]));
          button.dataset.key = `more:${shown[k]}`;
          col.lastChild.append(button);
        }
        return col;
      }))));
      const index = TILE_SIZES.indexOf(fit.size);
      const tall = wall.lastChild.getBoundingClientRect().bottom - wall.firstChild.getBoundingClientRect().top;
      if (tall <= box.height + 0.5 || index === TILE_SIZES.length - 1) break;
      start = index + 1; // measured taller than reckoned (a name or a heading wrapped): one size smaller
    }
    wall.style.minHeight = '';
    if (focused) wall.querySelector(`[data-key="${focused}"]`)?.focus();
  }

  let pending = false;
  const again = () => { // the window or the wall's width changed (presenter mode, a phone turned): fit again
    if (pending || !last) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(last); });
  };
  new ResizeObserver(() => { if (Math.abs(wall.clientWidth - width) >= 1) again(); }).observe(wall);
  addEventListener('resize', again);

  return { render };
}
