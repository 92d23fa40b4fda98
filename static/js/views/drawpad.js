// The drawing pad: pen, eraser, undo, clear, pen size; mouse, pen and touch
// through pointer events. Calls onStroke(blob) with a PNG when a stroke ends: the canvas's
// grey levels as an 8-bit grey PNG (a quarter of the RGBA canvas's bytes for the server to
// decode), marked so the server treats it exactly as the canvas (cnnviz/teach/decode.py PAD_MARK).

import { greyPng } from '../lib/png.js';

const PAPER = '#ffffff';
const INK = '#000000';
const UNDO_LIMIT = 30;

export function mountDrawpad({ canvas, pen, eraser, undo, clear, size }, { onStroke, onClear }) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const history = [];
  let erasing = false;
  let drawing = null; // {x, y} of the last point while a stroke is under way
  let replaceNext = false; // an example on show gives way to the learner's first stroke

  const wipe = () => {
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  wipe();

  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * (canvas.width / r.width), y: (e.clientY - r.top) * (canvas.height / r.height) };
  };

  const line = (a, b) => {
    ctx.strokeStyle = ctx.fillStyle = erasing ? PAPER : INK;
    ctx.lineWidth = Number(size.value) * (erasing ? 1.6 : 1);
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  };

  const PAD_MARK = { Software: 'cnnviz drawing pad' };
  const send = () => {
    if (typeof CompressionStream === 'undefined') { // an older browser: the canvas's own RGBA PNG
      canvas.toBlob((blob) => blob && onStroke(blob), 'image/png');
      return;
    }
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = data[4 * i]; // paper and ink are grey: R = G = B
    greyPng(grey, width, height, PAD_MARK).then(onStroke);
  };
  const startStroke = () => { // undo goes back to before the stroke (to the example it replaced, too)
    history.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
    if (history.length > UNDO_LIMIT) history.shift();
    if (replaceNext) wipe();
    replaceNext = false;
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    startStroke();
    drawing = point(e);
    line(drawing, drawing);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = point(e);
    line(drawing, p);
    drawing = p;
  });
  const end = () => {
    if (!drawing) return;
    performance.mark('cnnviz:stroke-end');
    drawing = null;
    send();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  // Keyboard drawing: arrow keys move a pen (shown as a ring), space puts the ink down or lifts it
  // (lifting sends the drawing, like lifting a real pen); Escape lifts without moving.
  const cursor = document.createElement('span');
  cursor.className = 'pen-cursor';
  cursor.hidden = true;
  canvas.after(cursor);
  const nib = { x: canvas.width / 2, y: canvas.height / 2, down: false };
  const showCursor = () => {
    const scale = canvas.clientWidth / canvas.width;
    cursor.hidden = false;
    cursor.classList.toggle('down', nib.down);
    cursor.style.left = `${canvas.offsetLeft + nib.x * scale}px`;
    cursor.style.top = `${canvas.offsetTop + nib.y * scale}px`;
  };
  const lift = () => {
    if (!nib.down) return;
    nib.down = false;
    send();
  };
  canvas.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 4 : 12;
    const moves = { ArrowUp: [0, -step], ArrowDown: [0, step], ArrowLeft: [-step, 0], ArrowRight: [step, 0] };
    if (moves[e.key]) {
      e.preventDefault();
      const from = { x: nib.x, y: nib.y };
      nib.x = Math.max(0, Math.min(canvas.width, nib.x + moves[e.key][0]));
      nib.y = Math.max(0, Math.min(canvas.height, nib.y + moves[e.key][1]));
      if (nib.down) line(from, nib);
    } else if (e.key === ' ') {
      e.preventDefault();
      if (nib.down) lift();
      else {
        startStroke();
        nib.down = true;
        line(nib, nib);
      }
    } else if (e.key === 'Escape') {
      lift();
    } else {
      return;
    }
    showCursor();
  });
  canvas.addEventListener('focus', showCursor);
  canvas.addEventListener('blur', () => {
    lift();
    cursor.hidden = true;
  });

  const setTool = (toEraser) => {
    erasing = toEraser;
    pen.setAttribute('aria-pressed', String(!toEraser));
    eraser.setAttribute('aria-pressed', String(toEraser));
  };
  pen.addEventListener('click', () => setTool(false));
  eraser.addEventListener('click', () => setTool(true));
  undo.addEventListener('click', () => {
    if (!history.length) return;
    ctx.putImageData(history.pop(), 0, 0);
    send();
  });
  clear.addEventListener('click', () => {
    history.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
    wipe();
    onClear();
  });

  return {
    clear: wipe,
    /** Show what is being classified: rows of ink values in [0, 1] (1 = full ink), scaled to the pad;
     *  replaceOnDraw: the next stroke starts on a blank page (an example the learner replaces). */
    show(pixels, { replaceOnDraw = false } = {}) {
      const h = pixels.length, w = pixels[0].length;
      const small = document.createElement('canvas');
      small.width = w;
      small.height = h;
      const sctx = small.getContext('2d');
      const img = sctx.createImageData(w, h);
      pixels.flat().forEach((v, i) => {
        const g = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
        img.data.set([g, g, g, 255], 4 * i);
      });
      sctx.putImageData(img, 0, 0);
      wipe();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
      history.length = 0;
      replaceNext = replaceOnDraw;
    },
  };
}
