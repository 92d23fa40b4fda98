// The uploaded photo with a crop box. Mouse, pen and touch: drag on the photo to draw a
// box, drag inside it to move it (a box around the whole photo: draw a new one), drag a
// corner to resize it; the box is applied when
// the finger or button lifts. Keyboard (the box is focusable): arrow keys move it,
// Shift + arrow keys resize it, Enter applies it, Escape resets to the whole photo.
// A box is [x0, y0, x1, y1], fractions 0..1 of the upright photo, as the API's "crop".

export const WHOLE = Object.freeze([0, 0, 1, 1]);
const MIN_SIDE = 0.05; // a smaller box is a slip of the finger, not a choice
const KEY_STEP = 0.02; // one arrow press moves or resizes by 2 % of the photo
const CORNERS = ['nw', 'ne', 'sw', 'se'];

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
const round = (v) => Math.round(v * 1000) / 1000; // 0.1 % of the photo: finer than a finger, short in a URL
export const isWhole = (box) => !box || box.every((v, i) => Math.abs(v - WHOLE[i]) < 1e-9);

/** A box moved by (dx, dy) without leaving the photo. */
function moved([x0, y0, x1, y1], dx, dy) {
  const mx = clamp(dx, -x0, 1 - x1), my = clamp(dy, -y0, 1 - y1);
  return [x0 + mx, y0 + my, x1 + mx, y1 + my].map(round);
}

/** A box whose corner `corner` ('nw', 'se', ...) is dragged to (x, y), at least MIN_SIDE wide and tall. */
function resized([x0, y0, x1, y1], corner, x, y) {
  x = clamp(x, 0, 1);
  y = clamp(y, 0, 1);
  if (corner.includes('w')) x0 = Math.min(x, x1 - MIN_SIDE); else x1 = Math.max(x, x0 + MIN_SIDE);
  if (corner.includes('n')) y0 = Math.min(y, y1 - MIN_SIDE); else y1 = Math.max(y, y0 + MIN_SIDE);
  return [clamp(x0, 0, 1), clamp(y0, 0, 1), clamp(x1, 0, 1), clamp(y1, 0, 1)].map(round);
}

/** The box spanned by two points. */
function spanned(a, b) {
  return [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)].map((v) => round(clamp(v, 0, 1)));
}

export function mountCropper({ panel, stage, photo, box, where, apply, reset }, { onApply, describe }) {
  let current = [...WHOLE];
  let applied = [...WHOLE];
  let drag = null; // { mode: 'draw' | 'move' | corner, start: {x, y}, from: box }
  let url = null;

  for (const corner of CORNERS) {
    const handle = document.createElement('span');
    handle.className = `crop-handle ${corner}`;
    handle.dataset.corner = corner;
    box.append(handle);
  }

  const draw = () => {
    const [x0, y0, x1, y1] = current;
    Object.assign(box.style, { left: `${100 * x0}%`, top: `${100 * y0}%`, width: `${100 * (x1 - x0)}%`, height: `${100 * (y1 - y0)}%` });
    where.textContent = describe(current, !sameBox(current, applied));
    apply.disabled = sameBox(current, applied);
  };
  const sameBox = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 1e-9);
  const commit = () => {
    applied = [...current];
    draw();
    onApply(isWhole(applied) ? null : [...applied]);
  };
  const point = (e) => {
    const r = photo.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width, 0, 1), y: clamp((e.clientY - r.top) / r.height, 0, 1) };
  };

  stage.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    stage.setPointerCapture(e.pointerId);
    const corner = e.target.dataset?.corner;
    const mode = corner || (e.target === box && !isWhole(current) ? 'move' : 'draw'); // the whole photo: draw a box
    drag = { mode, start: point(e), from: [...current] };
    box.focus({ preventScroll: true });
  });
  stage.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const p = point(e);
    if (drag.mode === 'move') current = moved(drag.from, p.x - drag.start.x, p.y - drag.start.y);
    else if (drag.mode === 'draw') current = spanned(drag.start, p);
    else current = resized(drag.from, drag.mode, p.x, p.y);
    draw();
  });
  const end = () => {
    if (!drag) return;
    const tiny = current[2] - current[0] < MIN_SIDE || current[3] - current[1] < MIN_SIDE;
    if (tiny) current = drag.from; // a tap, not a box
    drag = null;
    draw();
    if (!sameBox(current, applied)) commit();
  };
  stage.addEventListener('pointerup', end);
  stage.addEventListener('pointercancel', end);

  box.addEventListener('keydown', (e) => {
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (arrows[e.key]) {
      const [dx, dy] = arrows[e.key].map((v) => v * KEY_STEP);
      // Shift: the right or bottom edge moves, so the box grows (→ ↓) or shrinks (← ↑)
      current = e.shiftKey ? resized(current, 'se', current[2] + dx, current[3] + dy) : moved(current, dx, dy);
    } else if (e.key === 'Enter') {
      commit();
    } else if (e.key === 'Escape') {
      current = [...WHOLE];
      commit();
    } else {
      return;
    }
    e.preventDefault();
    draw();
  });
  apply.addEventListener('click', commit);
  reset.addEventListener('click', () => {
    current = [...WHOLE];
    commit();
  });

  return {
    /** Show a photo (a Blob) with the box `crop` (null: the whole photo). */
    show(blob, crop = null) {
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(blob);
      photo.src = url;
      current = [...(crop ?? WHOLE)];
      applied = [...current];
      panel.hidden = false;
      draw();
    },
    hide() {
      panel.hidden = true;
      if (url) URL.revokeObjectURL(url);
      url = null;
      photo.removeAttribute('src');
    },
    /** Say the box again (the page's language changed). */
    relabel: () => panel.hidden || draw(),
  };
}
