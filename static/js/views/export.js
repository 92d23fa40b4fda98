// Teaching artefacts: the current frame as PNG, the whole animation as a GIF
// (encoded in the browser with gifenc, vendored; nothing leaves the machine).
import { GIFEncoder, applyPalette, quantize } from '../../vendor/gifenc-1.0.3.esm.js';
import { stageSize } from '../lib/stage.js';

const MAX_FRAMES = 120; // the full version: every step, or 120 evenly spaced ones
const SHORT_FRAMES = 24; // the short version for a slide
const GIF_SCALE = 1.28; // 1280 x 768 px: numbers legible on a slide (18 px text drawn 23 px)
const PNG_SCALE = 1.92; // 1920 x 1152 px: one frame, sharp on a full-HD slide

function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** One step drawn afresh at slide size (not the on-screen canvas, whose size depends on the screen). */
function frameCanvas(anim, scale) {
  const [width, height] = stageSize(anim);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const render = (step) => {
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    anim.draw(ctx, step, 0);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  return { canvas, render };
}

export function exportPng(anim, step, name) {
  const { canvas, render } = frameCanvas(anim, PNG_SCALE);
  render(step);
  canvas.toBlob((blob) => blob && download(blob, name), 'image/png');
}

/** Which steps become GIF frames: all of them, or evenly spaced ones (last included) if too many. */
function gifSteps(steps, max) {
  if (steps <= max) return Array.from({ length: steps }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (steps - 1)) / (max - 1)));
}

export async function exportGif(anim, stepsPerSecond, name, { short = false } = {}) {
  const { canvas, render } = frameCanvas(anim, GIF_SCALE);
  const [w, h] = [canvas.width, canvas.height];
  const chosen = gifSteps(anim.steps, short ? SHORT_FRAMES : MAX_FRAMES);
  const delay = short ? 600 : Math.max(40, Math.round((1000 / stepsPerSecond) * (anim.steps / chosen.length)));
  const palette = quantize(render(anim.steps - 1), 256); // the last frame has the most colours
  const gif = GIFEncoder();
  for (const [k, step] of chosen.entries()) {
    gif.writeFrame(applyPalette(render(step), palette), w, h, { palette: k === 0 ? palette : undefined, delay });
    if (k % 4 === 3) await new Promise((r) => setTimeout(r)); // keep the page responsive
  }
  gif.finish();
  download(new Blob([gif.bytes()], { type: 'image/gif' }), name);
  return chosen.length;
}
