// The lab's animations share the one player clock (core/player.js). Each animated widget has its own
// row of controls; pressing any of them hands the clock to that widget (its steps, its draw), so only
// one thing moves at a time and play, pause, step and scrub work the same everywhere.
import { createPlayer } from '../core/player.js';
import { t } from '../core/i18n.js';
import { count } from '../lib/grid.js';

export function createClock() {
  let owner = null;
  const widgets = new Set();
  const player = createPlayer({
    draw: (step, frac) => owner?.draw(step, frac),
    onChange: (s) => widgets.forEach((w) => w.sync(w === owner ? s : null)),
  });

  /** Give the clock to widget (if it does not have it) at its current step. */
  function claim(widget) {
    if (owner === widget) return;
    const previous = owner;
    owner = widget;
    previous?.sync(null);
    player.load(widget.steps(), widget.step);
  }

  return {
    player,
    /** A widget: {steps(): n, draw(step, frac), container} -> its controls; returns reload(step). */
    mount(container, widget) {
      widget.step = 0;
      const button = (glyph, label, action, cls = '') => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = glyph;
        b.dataset.i18nAria = label;
        b.setAttribute('aria-label', t(label));
        if (cls) b.className = cls;
        b.addEventListener('click', () => { claim(widget); action(); });
        return b;
      };
      const play = button('▶', 'clock.play', () => player.toggle(), 'play');
      const scrub = document.createElement('input');
      scrub.type = 'range';
      scrub.min = 0;
      scrub.dataset.i18nAria = 'clock.scrub';
      scrub.setAttribute('aria-label', t('clock.scrub'));
      scrub.addEventListener('input', () => { claim(widget); player.seek(Number(scrub.value)); });
      const counter = document.createElement('span');
      counter.className = 'counter';
      container.replaceChildren(
        button('⇤', 'clock.start', () => player.seek(0)), button('←', 'clock.back', () => player.stepBy(-1)), play,
        button('→', 'clock.forward', () => player.stepBy(1)), button('⇥', 'clock.end', () => player.seek(Infinity)),
        scrub, counter);
      widget.sync = (s) => {
        const n = widget.steps();
        if (s) widget.step = s.step;
        scrub.max = Math.max(0, n - 1);
        scrub.value = widget.step;
        counter.textContent = n ? t('clock.counter', { step: count(widget.step + 1), steps: count(n) }) : '';
        play.textContent = s?.playing ? '❚❚' : '▶';
        play.setAttribute('aria-pressed', String(Boolean(s?.playing)));
      };
      widgets.add(widget);
      return {
        /** New steps for this widget: redraw at step (kept within range). */
        reload(step = 0) {
          widget.step = Math.max(0, Math.min(widget.steps() - 1, step));
          if (owner === widget) player.load(widget.steps(), widget.step);
          else widget.draw(widget.step, 0);
          widget.sync(owner === widget ? player.state() : null);
        },
        claim: () => claim(widget),
      };
    },
  };
}
