// The one animation clock. Animations never start timers of their own: the
// player owns requestAnimationFrame and tells the current animation which step
// (and how far towards the next one) to draw, so play, pause, step and scrub
// work the same everywhere.

export function createPlayer({ draw, onChange = () => {} }) {
  let steps = 0;
  let position = 0; // fractional step
  let playing = false;
  let speed = 10; // steps per second
  let raf = null;
  let last = null;

  const render = () => {
    if (!steps) return;
    const step = Math.min(steps - 1, Math.floor(position));
    const t0 = performance.now();
    draw(step, playing ? position - step : 0);
    if (playing) performance.measure('cnnviz:frame', { start: t0 }); // read by python -m cnnviz bench-frames
  };

  const tick = (now) => {
    raf = null;
    if (!playing) return;
    if (last != null) position += ((now - last) / 1000) * speed;
    last = now;
    if (position >= steps - 1) {
      position = steps - 1;
      playing = false;
    }
    render();
    onChange(state());
    if (playing) raf = requestAnimationFrame(tick);
  };

  const state = () => ({ step: Math.min(steps - 1, Math.floor(position)), steps, playing, speed });

  function play() {
    if (!steps) return;
    if (position >= steps - 1) position = 0;
    playing = true;
    last = null;
    if (raf == null) raf = requestAnimationFrame(tick);
    onChange(state());
  }

  function pause() {
    playing = false;
    position = Math.floor(position);
    render();
    onChange(state());
  }

  function seek(step) {
    position = Math.max(0, Math.min(steps - 1, Math.round(step)));
    render();
    onChange(state());
  }

  return {
    /** Start a new animation of n steps at `step` (paused), replacing the old one. */
    load(n, step = 0) {
      playing = false;
      steps = n;
      position = Math.max(0, Math.min(n - 1, step));
      render();
      onChange(state());
    },
    play,
    pause,
    toggle: () => (playing ? pause() : play()),
    stepBy: (n) => {
      playing = false;
      seek(Math.floor(position) + n);
    },
    seek: (step) => {
      playing = false;
      seek(step);
    },
    setSpeed(s) {
      speed = s;
      onChange(state());
    },
    redraw: render,
    refresh() {
      render();
      onChange(state());
    },
    state,
  };
}
