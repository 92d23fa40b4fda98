// Section 3b: edit a filter of the real network. The trained filters are pictures; the learner edits
// one (or zeroes it, or puts a preset in), and the server runs the network with that filter for this
// request only (POST /api/models/<id>/predict with "weights"); every layer from the edited one on and
// the prediction are drawn beside the trained network's. The shared model is never changed.
import { getJSON, postJSON } from '../core/api.js';
import { t } from '../core/i18n.js';
import { scaleFor } from '../lib/colors.js';
import { decodeArray } from '../lib/f16.js';
import { chance } from '../lib/grid.js';
import { drawMap, mapImage, setupCanvas } from '../lib/stage.js';
import { fitKernel } from './kernel.js';
import { el, matrixEditor, sectionStatus } from './util.js';

/** A layer's output (C, H, W) or (D,) as one canvas: channels side by side, on a fixed scale. */
function strip(layer, scale) {
  const { shape, data } = decodeArray(layer.output);
  const [c, h, w] = shape.length === 3 ? shape : [1, 1, shape[0]];
  const canvas = el('canvas', { class: 'strip' });
  const cell = Math.max(1, Math.min(4, Math.floor(600 / (c * (w + 1)))));
  if (shape.length === 1) { // a vector: a band 12 px tall, so it reads as a row of values
    const ctx = setupCanvas(canvas, w * cell, 12);
    ctx.drawImage(mapImage(data, 1, w, scale.color), 0, 0, w * cell, 12);
    return canvas;
  }
  const ctx = setupCanvas(canvas, c * (w + 1) * cell, h * cell);
  for (let i = 0; i < c; i++) {
    drawMap(ctx, mapImage(data.subarray(i * h * w, (i + 1) * h * w), h, w, scale.color), i * (w + 1) * cell, 0, cell);
  }
  return canvas;
}

/** A small kernel (F x F numbers) as a picture on its own diverging/sequential scale. */
function picture(k) {
  const flat = k.flat();
  const scale = scaleFor(Math.min(...flat), Math.max(...flat));
  const canvas = el('canvas');
  drawMap(setupCanvas(canvas, k.length * 8, k.length * 8), mapImage(flat, k.length, k.length, scale.color), 0, 0, 8);
  return canvas;
}

export function mountEdit(els, net, presets) {
  const state = { trained: null, weight: null, bias: null, filter: 0, channel: 0, original: null, edited: null };
  let readGrid = null;
  let seq = 0;
  const report = sectionStatus(els.status, { results: [els.compare] });

  async function loadLayer() {
    let f;
    try {
      f = await getJSON(`/api/models/${net.model.id}/filters/${net.layer}`);
    } catch (error) {
      report.fail(error);
      return;
    }
    state.trained = f;
    state.original = null; // the trained network's answer, per model and input
    state.weight = structuredClone(f.weight);
    state.bias = [...f.bias];
    state.filter = 0;
    state.channel = 0;
    els.channel.replaceChildren(...f.weight[0].map((_, c) => new Option(String(c), String(c))));
    renderFilters();
    renderEditor();
    await compare();
  }

  function renderFilters() {
    const all = state.weight.flatMap((k) => k[state.channel].flat());
    const scale = scaleFor(Math.min(...all), Math.max(...all));
    els.filters.replaceChildren(...state.weight.map((k, i) => {
      const canvas = el('canvas');
      const size = k[state.channel].length;
      drawMap(setupCanvas(canvas, size * 8, size * 8), mapImage(k[state.channel].flat(), size, size, scale.color), 0, 0, 8);
      return el('button', {
        type: 'button', role: 'radio', 'aria-checked': String(i === state.filter), 'aria-pressed': String(i === state.filter),
        'aria-label': t('edit.filterN', { n: i }), title: t('edit.filterN', { n: i }),
        onclick: () => { state.filter = i; renderFilters(); renderEditor(); },
      }, canvas, el('span', { text: String(i) }));
    }));
  }

  function renderEditor() {
    const f = state.filter;
    els.title.textContent = t('edit.editing', { n: f, c: state.channel, layer: net.layer });
    readGrid = matrixEditor(els.grid, state.weight[f][state.channel], (values) => {
      state.weight[f][state.channel] = values;
      renderFilters();
      compareSoon();
    }, { label: t('edit.weight') });
    const bias = el('input', { type: 'number', step: 'any', value: String(+state.bias[f].toFixed(4)) });
    bias.addEventListener('input', () => { if (Number.isFinite(Number(bias.value)) && bias.value !== '') { state.bias[f] = Number(bias.value); compareSoon(); } });
    const size = state.weight[f][0].length;
    const setAll = (k) => { state.weight[f] = state.weight[f].map(() => k.map((row) => [...row])); renderFilters(); renderEditor(); compare(); };
    els.actions.replaceChildren(
      el('label', { class: 'field' }, el('span', { text: t('edit.bias') }), bias),
      el('button', { type: 'button', text: t('edit.zero'), 'data-action': 'zero', onclick: () => { state.bias[f] = 0; setAll(fitKernel([[0]], size)); } }),
      ...['identity', 'edge1', 'edge2', 'edge3', 'sharpen', 'box_blur'].map((name) => el('button', {
        type: 'button', class: 'preset-picture', 'data-preset': name, onclick: () => setAll(fitKernel(presets[name], size)),
      }, picture(fitKernel(presets[name], size)), el('span', { text: t(`kernel.preset.${name}`) }))),
      el('button', { type: 'button', text: t('edit.reset'), 'data-action': 'reset', onclick: () => {
        state.weight = structuredClone(state.trained.weight);
        state.bias = [...state.trained.bias];
        renderFilters(); renderEditor(); compare();
      } }));
  }

  let timer = null;
  const compareSoon = () => { clearTimeout(timer); timer = setTimeout(compare, 150); };

  async function compare() {
    if (!net.pixels || !state.trained) return;
    const mine = ++seq;
    const changed = JSON.stringify(state.weight) !== JSON.stringify(state.trained.weight) || state.bias.some((b, i) => b !== state.trained.bias[i]);
    try {
      const path = `/api/models/${net.model.id}/predict`;
      const [original, edited] = await Promise.all([
        state.original?.pixels === net.pixels ? state.original : postJSON(path, { pixels: net.pixels }).then((r) => Object.assign(r, { pixels: net.pixels })),
        changed ? postJSON(path, { pixels: net.pixels, weights: allEdits() }) : null]);
      if (mine !== seq) return;
      state.original = original;
      state.edited = edited ?? original;
      report.clear();
      renderCompare();
    } catch (error) {
      if (mine === seq) report.fail(error);
    }
  }

  /** The layer's weights with every filter the learner changed (whole arrays: edits to several
   *  filters all count), for the request's "weights". */
  const allEdits = () => ({ [`${net.layer}.weight`]: state.weight, [`${net.layer}.bias`]: state.bias });

  function renderCompare() {
    const { original: a, edited: b } = state;
    const label = (r) => net.classLabel(r.prediction.index);
    const start = a.layers.findIndex((l) => l.name === net.layer);
    const rows = a.layers.slice(start).map((la, i) => {
      const lb = b.layers[start + i];
      const scale = scaleFor(Math.min(la.min, lb.min), Math.max(la.max, lb.max));
      return el('tr', {}, el('th', { text: `${la.name} (${t(`kind.${la.kind}`)})` }), el('td', {}, strip(la, scale)), el('td', {}, strip(lb, scale)));
    });
    const probs = a.probabilities.map((p, i) => el('tr', {}, el('th', { text: net.classLabel(i) }),
      el('td', { text: chance(p) }), el('td', { text: chance(b.probabilities[i]), class: b.prediction.index === i ? 'best' : '' })));
    els.compare.replaceChildren(
      el('p', { class: 'verdict' }, el('span', { text: t('edit.trainedSays', { label: label(a), p: chance(a.prediction.probability) }) }), ' ',
        el('strong', { 'data-edited': '', text: t('edit.editedSays', { label: label(b), p: chance(b.prediction.probability) }) })),
      el('div', { class: 'table-wrap' }, el('table', { class: 'compare-table' },
        el('tr', {}, el('th', { text: t('edit.layer') }), el('th', { text: t('edit.original') }), el('th', { text: t('edit.edited') })), ...rows)),
      el('details', {}, el('summary', { text: t('edit.probabilities') }), el('table', { class: 'contrib' },
        el('tr', {}, el('th'), el('th', { text: t('edit.original') }), el('th', { text: t('edit.edited') })), ...probs)));
  }

  els.channel.addEventListener('change', () => { state.channel = Number(els.channel.value); renderFilters(); renderEditor(); });
  return {
    loadLayer,
    fail: report.fail, // the section's own line, for what the page loads for it (a model, its examples)
    setInput: () => compare(),
    relabel: () => { if (state.trained) { renderFilters(); renderEditor(); if (state.original) renderCompare(); } },
    pick: (pixels) => { net.pixels = pixels; compare(); },
  };
}
