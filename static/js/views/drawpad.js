// The drawing pad: pen, eraser, undo, clear, pen size; mouse, pen and touch
// through pointer events. Calls onStroke(blob) with a PNG when a stroke ends.

const PAPER = '#ffffff';
const INK = '#000000';
const UNDO_LIMIT = 30;

export function mountDrawpad({ canvas, pen, eraser, undo, clear, size }, { onStroke, onClear }) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const history = [];
  let erasing = false;
  let drawing = null; // {x, y} of the last point while a stroke is under way

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

  const send = () => canvas.toBlob((blob) => blob && onStroke(blob), 'image/png');

  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    history.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
    if (history.length > UNDO_LIMIT) history.shift();
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
    /** Show what is being classified: rows of ink values in [0, 1] (1 = full ink), scaled to the pad. */
    show(pixels) {
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
    },
  };
}
