// Section 3: what a filter does. A 3 x 3 or 5 x 5 kernel (presets from the tutorial) applied by the
// server (POST /api/lab/convolve with "then": ReLU and 2 x 2 max pooling) to the tutorial's 5 x 5
// binary image, the learner's drawing, a gallery digit or an uploaded photo (grey, at most 256 x 256);
// and the tutorial's 4 x 4 max-pooling example stepped on the one clock.
import { call, getJSON, postJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { decodeArray } from '../lib/f16.js';
import { fmt } from '../lib/grid.js';
import { COLORS, numberGrid, setupCanvas, text } from '../lib/stage.js';
import { mapFigure } from './maps.js';
import { el, matrixEditor, sectionStatus } from './util.js';

const SOURCES = ['tutorial', 'drawing', 'gallery', 'photo'];
const PRESETS = ['tutorial', 'identity', 'edge1', 'edge2', 'edge3', 'sharpen', 'box_blur', 'gaussian_blur'];
const SMALL_SIDE = 28; // drawings and gallery digits at the network's scale
const FIELD_LABELS = { kernel: 'kernel.filter' }; // a refusal's field -> its label here

/** The server's (C, H, W) array, exact lists or float16 -> C maps of H rows of numbers. */
function maps(encoded) {
  if (Array.isArray(encoded)) return encoded;
  const { shape: [c, h, w], data } = decodeArray(encoded);
  return Array.from({ length: c }, (_, i) => Array.from({ length: h }, (_, y) => Array.from(data.subarray((i * h + y) * w, (i * h + y + 1) * w))));
}

/** A 3 x 3 preset centred in a size x size kernel of zeros. */
export function fitKernel(k3, size) {
  const o = (size - k3.length) / 2;
  return Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => k3[y - o]?.[x - o] ?? 0));
}

export function mountKernel(els, clock, examples, tooltip) {
  const presets = { tutorial: examples.binary.kernel, ...examples.kernels };
  let kernel = presets.tutorial;
  let readKernel = null;
  let source = 'tutorial';
  let input = { json: { input: examples.binary.input } };
  let last = null;
  let seq = 0;
  const report = sectionStatus(els.status, { results: [els.maps], fields: FIELD_LABELS });

  function renderKernel() {
    readKernel = matrixEditor(els.grid, kernel, (values) => { kernel = values; run(); }, { label: t('kernel.filter') });
    els.size.value = String(kernel.length);
  }

  function renderButtons() {
    els.presets.replaceChildren(...PRESETS.map((name) => el('button', {
      type: 'button', text: t(`kernel.preset.${name}`), 'data-preset': name,
      onclick: () => { kernel = fitKernel(presets[name], Number(els.size.value)); renderKernel(); run(); },
    })));
    els.sources.replaceChildren(...SOURCES.map((name) => el('button', {
      type: 'button', role: 'radio', 'aria-checked': String(name === source), 'aria-pressed': String(name === source),
      text: t(`kernel.source.${name}`), 'data-source': name, onclick: () => pickSource(name),
    })));
  }

  function pickSource(name) {
    source = name;
    renderButtons();
    els.draw.hidden = name !== 'drawing';
    els.gallery.hidden = name !== 'gallery';
    els.upload.hidden = name !== 'photo';
    if (name === 'tutorial') { input = { json: { input: examples.binary.input } }; run(); }
    if (name === 'drawing') sendDrawing(); // the maps show the pad as it is, even blank
    if (name === 'gallery' && !els.gallery.childElementCount) loadGallery();
  }

  async function loadGallery() {
    let items;
    try {
      items = (await getJSON('/api/models/digits/examples')).examples;
    } catch (error) {
      report.fail(error);
      return;
    }
    els.gallery.replaceChildren(...items.slice(0, 10).map((ex) => el('button', {
      type: 'button', 'aria-label': t('kernel.galleryItem', { label: ex.label }),
      onclick: () => { input = { json: { image: ex.image, max_side: SMALL_SIDE } }; run(); },
    }, el('img', { src: ex.image, alt: '' }))));
  }

  async function run() {
    const mine = ++seq;
    const k = readKernel ? readKernel() : kernel;
    try {
      let result;
      if (input.blob) {
        const form = new FormData();
        form.append('image', input.blob, input.name || 'photo');
        for (const [key, v] of Object.entries({ kernel: k, then: true, steps: 0, max_side: 256 })) form.append(key, JSON.stringify(v));
        result = await call('/api/lab/convolve?encoding=f16', { method: 'POST', body: form });
      } else {
        const path = input.json.input ? '/api/lab/convolve' : '/api/lab/convolve?encoding=f16'; // images: compact maps
        result = await postJSON(path, { ...input.json, kernel: k, then: true, steps: 0 });
      }
      for (const key of ['input', 'output', 'relu', 'pooled']) if (result[key]) result[key] = maps(result[key]);
      if (mine !== seq) return;
      last = result;
      report.clear();
      renderMaps();
    } catch (error) {
      if (mine === seq) report.fail(error);
    }
  }

  function renderMaps() {
    const r = last;
    const [, h, w] = r.output_shape;
    const figures = [
      mapFigure(r.input[0], t('kernel.map.input', { h: r.input[0].length, w: r.input[0][0].length }), tooltip, { attr: 'input' }),
      mapFigure(r.output[0], t('kernel.map.feature', { h, w }), tooltip, { attr: 'feature' }),
      mapFigure(r.relu[0], t('kernel.map.relu'), tooltip, { attr: 'relu' }),
    ];
    if (r.pooled) figures.push(mapFigure(r.pooled[0], t('kernel.map.pooled', { h: r.pooled[0].length, w: r.pooled[0][0].length }), tooltip, { attr: 'pooled' }));
    else figures.push(el('p', { class: 'hint', text: t('kernel.noPool', { h, w }) }));
    els.maps.replaceChildren(...figures.flatMap((f, i) => (i && f.tagName === 'FIGURE' ? [el('span', { class: 'arrow', text: '→' }), f] : [f])));
  }

  // a small drawing pad: black ink on white paper, sent when a stroke ends
  const pad = els.pad.getContext('2d');
  const clearPad = () => { pad.fillStyle = '#fff'; pad.fillRect(0, 0, els.pad.width, els.pad.height); };
  clearPad();

  /** The pad as a PNG with its tones swapped: the gallery's digits (and the tutorial's image) are ink 1
   *  on paper 0, so the drawing must be too, or the same filter would answer with the opposite sign. */
  function inkAsOne() {
    const copy = el('canvas', { width: els.pad.width, height: els.pad.height });
    const ctx = copy.getContext('2d');
    ctx.drawImage(els.pad, 0, 0);
    ctx.globalCompositeOperation = 'difference'; // white minus each pixel: an inversion every browser draws
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, copy.width, copy.height);
    return copy.toDataURL('image/png');
  }

  function sendDrawing() {
    input = { json: { image: inkAsOne(), max_side: SMALL_SIDE } };
    run();
  }

  let drawing = null;
  const point = (e) => {
    const r = els.pad.getBoundingClientRect();
    return [(e.clientX - r.left) * (els.pad.width / r.width), (e.clientY - r.top) * (els.pad.height / r.height)];
  };
  els.pad.addEventListener('pointerdown', (e) => { els.pad.setPointerCapture(e.pointerId); drawing = point(e); });
  els.pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = point(e);
    Object.assign(pad, { strokeStyle: '#000', lineWidth: 16, lineCap: 'round' });
    pad.beginPath();
    pad.moveTo(...drawing);
    pad.lineTo(...p);
    pad.stroke();
    drawing = p;
  });
  const endStroke = () => {
    if (!drawing) return;
    drawing = null;
    sendDrawing();
  };
  els.pad.addEventListener('pointerup', endStroke);
  els.pad.addEventListener('pointercancel', endStroke);
  els.clear.addEventListener('click', () => { clearPad(); sendDrawing(); }); // the maps follow the pad
  els.file.addEventListener('change', () => {
    const file = els.file.files[0];
    if (file) { input = { blob: file, name: file.name }; run(); }
  });
  els.size.addEventListener('change', () => {
    const size = Number(els.size.value);
    const k = readKernel();
    kernel = size > k.length ? fitKernel(k, size) : k.slice(1, 4).map((row) => row.slice(1, 4));
    renderKernel();
    run();
  });

  // the tutorial's 4 x 4 max pooling, one window per step
  let pooled = null;
  const widget = { steps: () => pooled?.steps.length ?? 0, draw: (step) => drawPool(step) };
  const control = clock.mount(els.poolPlayer, widget);
  postJSON('/api/lab/pool', { input: examples.pool.input, size: 2, stride: 2, mode: 'max' }).then((r) => { pooled = r; control.reload(0); })
    .catch(report.fail);

  function drawPool(step) {
    const ctx = setupCanvas(els.poolCanvas, 560, 260);
    ctx.clearRect(0, 0, 560, 260);
    if (!pooled) return;
    const s = pooled.steps[step];
    const cell = 52;
    const win = (y, x) => s.rows.includes(y) && s.cols.includes(x);
    const winner = (y, x) => y === s.rows[s.winner[0]] && x === s.cols[s.winner[1]];
    text(ctx, t('pool.input'), 20, 24, { size: 17, color: COLORS.muted });
    numberGrid(ctx, examples.pool.input, 20, 36, cell, cell, { size: 22, mark: (y, x) => (winner(y, x) ? 'win' : win(y, x) ? '' : 'pad') });
    const out = pooled.output[0].map((row, y) => row.map((v, x) => (y * row.length + x <= step ? v : '')));
    text(ctx, t('pool.output'), 300, 24, { size: 17, color: COLORS.muted });
    numberGrid(ctx, out, 300, 36, cell * 1.4, cell * 1.4, { size: 26, mark: (y, x) => (y === s.row && x === s.col ? 'win' : '') });
    const values = s.window.flat().map((v) => fmt(v, 2)).join(', ');
    els.poolSum.textContent = t('pool.step', { values, max: fmt(s.value, 2) });
  }

  renderButtons();
  renderKernel();
  run();
  return { relabel: () => { renderButtons(); if (last) renderMaps(); drawPool(widget.step); } };
}
