// The play bar under the stage: buttons, scrubber, counter, speed and keys, all
// driving the one player clock.
import { t } from '../core/i18n.js';

export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200];

export function mountPlayerControls(els, player, { onSpeed }) {
  els.play.addEventListener('click', () => player.toggle());
  els.back.addEventListener('click', () => player.stepBy(-1));
  els.forward.addEventListener('click', () => player.stepBy(1));
  els.start.addEventListener('click', () => player.seek(0));
  els.end.addEventListener('click', () => player.seek(Infinity));
  els.scrub.addEventListener('input', () => player.seek(Number(els.scrub.value)));
  els.speed.replaceChildren(...SPEEDS.map((s) => new Option(`${s}×`, s)));
  els.speed.addEventListener('change', () => onSpeed(Number(els.speed.value)));
  els.panel.addEventListener('keydown', (e) => {
    if (['SELECT', 'INPUT', 'TEXTAREA'].includes(e.target.tagName) && e.target !== els.scrub) return;
    if (e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return; // the button's own click
    const keys = { ' ': () => player.toggle(), ArrowLeft: () => player.stepBy(-1), ArrowRight: () => player.stepBy(1),
      Home: () => player.seek(0), End: () => player.seek(Infinity) };
    if (!keys[e.key] || (e.target === els.scrub && e.key !== ' ')) return;
    e.preventDefault();
    keys[e.key]();
  });

  return {
    /** Show the player's state: counter, scrubber, play button. */
    show(s) {
      els.counter.textContent = s.steps ? t('anim.stepOf', { i: s.step + 1, n: s.steps }) : '';
      els.scrub.max = Math.max(0, s.steps - 1);
      els.scrub.value = s.step;
      els.play.textContent = s.playing ? '❚❚' : '▶';
      els.play.setAttribute('aria-label', t(s.playing ? 'anim.pause' : 'anim.play'));
      els.play.setAttribute('aria-pressed', String(s.playing));
    },
    setSpeed(speed) {
      els.speed.value = SPEEDS.includes(speed) ? speed : 10;
    },
  };
}
