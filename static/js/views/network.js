// The whole network at once: one row per layer, one heatmap per channel. Hover a
// neuron to see its receptive field in the layer before; click it (or press Enter on
// a focused map) to select it: it stays marked and its arithmetic opens.
// Two passes on the same maps: the forward values (predict) or, going backward, the gradient of
// the loss with respect to every layer's output (backward), always diverging around zero.
// Colours are scaled per map (unit), per layer or for the whole network (global); each layer's
// legend gives the range in use.
import { t } from '../core/i18n.js';
import { INK_GRADIENT, legendGradient, rangeOf, scaleFor, unionRange } from '../lib/colors.js';
import { el } from '../lib/dom.js';
import { decodeArray } from '../lib/f16.js';
import { cellAt, overviewCell, overviewLayout, widestCell } from '../lib/geometry.js';
import { count, gray, paint } from '../lib/grid.js';
import { exact, fmt } from '../lib/numbers.js';
import { sig } from '../backward/format.js';
import { createLinks } from './network-links.js';

/** The height the overview's maps may take: the viewport minus the page header and the
 *  layer headings, so the whole network is in view at once. */
const overviewHeight = () => Math.max(160, Math.min(760, innerHeight - 300));
/** On a touch screen a neuron is at least this many CSS px (the page scrolls rather than
 *  shrink the maps below a finger's reach); with a mouse the whole network fits one screen. */
const touchCell = () => (matchMedia('(pointer: coarse)').matches ? 6 : 1);

export function mountNetwork({ container, toggles, tooltip, zoomButtons }, { onSelect, classLabelFor }) {
  let rows = [];
  let selected = null; // { row, neuron }
  let height = overviewHeight();
  let zoom = 1; // the learner's factor on the fitted cell: 1 (the whole network in view) up to the widest map filling the view
  let columnHeight = height; // the classes' column at most this tall: the fitted height times the zoom
  let stripHeight = height; // a long vector's strip: the tallest the overview may be, times the zoom
  let cell = 1; // CSS px per neuron of every feature map (the same for all: pooling shrinks a map)
  let pass = 'forward'; // or 'backward': the gradients
  let fittedFor = null; // the pass the layout was last fitted for (a new input then only repaints)
  let scaling = 'layer'; // 'unit' | 'layer' | 'global'
  const links = createLinks(container, tooltip);
  let resizing = null;
  let bracket = null; // the last fit's {lo, hi}: lo fitted, hi did not
  let fittedScreen = null; // the window, type size and width of the network the layout was fitted for
  const screenNow = () =>
    `${innerWidth}x${innerHeight}@${getComputedStyle(document.documentElement).fontSize}:${container.clientWidth}`;
  /** Fit again if the window, the type size or the network's own width (the arithmetic opened beside
   *  it, or closed) changed since the last fit. */
  const refit = () => {
    if (rows.length && screenNow() !== fittedScreen) fit();
  };
  addEventListener('resize', () => { // refit the overview to the new window or type size
    clearTimeout(resizing);
    resizing = setTimeout(refit, 200);
  });

  function setModel(model) {
    const input = { name: 'input', kind: 'input', output_shape: model.input_shape, parameters: 0 };
    rows = [input, ...model.layers].map((layer, index) => ({ layer, index, canvases: [] }));
    selected = null;
    fittedFor = null;
    container.replaceChildren(...rows.map(buildRow), links.element);
    toggles.replaceChildren(...rows.map(buildToggle));
    fit();
  }

  function buildRow(row) {
    const { layer } = row;
    const shape = layer.output_shape;
    const title = el('h3', { textContent: layer.name === 'input' ? t('net.input') : layer.name,
      title: t('labelled', { label: t(`kind.${layer.kind}`), value: t(`lesson.${layer.kind}`) }) });
    const meta = el('span', { className: 'meta', title: layer.parameters ? t('net.params', { n: count(layer.parameters) }) : t('net.noParams'),
      textContent: shape.length === 3 ? `${shape[0]}×\u200b${shape[1]}×${shape[2]}` : `${shape[0]}` });
    row.legend = el('span', { className: 'legend' });
    row.maps = el('div', { className: 'maps' });
    row.el = el('section', { className: 'layer', ariaLabel: `${layer.name}, ${t(`kind.${layer.kind}`)}` },
      el('div', { className: 'layer-head' }, title, meta), row.legend, row.maps);
    row.el.dataset.layer = layer.name;
    return row.el;
  }

  /** Make a row's canvases (one per map) and their labels; sizeMaps() gives them their size. */
  function buildMaps(row) {
    const shape = row.layer.output_shape;
    const lay = overviewLayout(shape, height, cell);
    row.layout = lay; // sizeMaps() sets it for the height fitted
    row.canvases = [];
    row.cursor = [];
    row.labels = [];
    row.maps.replaceChildren();
    const labels = lay.vector && classLabelFor(row.layer.name);
    for (let c = 0; c < lay.maps; c++) {
      const canvas = el('canvas', { tabIndex: 0 });
      canvas.dataset.channel = c;
      canvas.setAttribute('aria-label', lay.vector ? t('net.vectorLabel', { layer: row.layer.name, n: shape[0] })
        : t('net.mapLabel', { layer: row.layer.name, c }));
      canvas.addEventListener('mousemove', (e) => hover(row, c, e));
      canvas.addEventListener('focus', () => showMapRange(row, c));
      canvas.addEventListener('mouseleave', links.unhover);
      canvas.addEventListener('click', (e) => {
        showMapRange(row, c); // a tap on a phone: no hover
        const neuron = neuronAt(row, c, e);
        if (neuron) choose(row, neuron);
      });
      canvas.addEventListener('keydown', (e) => keyboard(row, c, e));
      canvas.addEventListener('blur', links.unhover);
      const figure = el('div', { className: 'map' }, canvas);
      if (!lay.vector && lay.maps > 1) figure.title = t('net.mapLabel', { layer: row.layer.name, c });
      if (labels) {
        figure.classList.add('labelled');
        const names = el('div', { className: 'vector-labels' });
        for (let i = 0; i < lay.size; i++) names.append(el('span', { textContent: labels(i) }));
        figure.append(names);
        row.labels.push(names);
      }
      row.canvases.push(canvas);
      row.maps.append(figure);
    }
  }

  /** Size a row's canvases for the overview `height` (CSS px); a canvas whose grid of values
   *  changes shape is cleared (the caller paints). */
  function sizeMaps(row) {
    const lay = overviewLayout(row.layer.output_shape, columnHeight, cell, stripHeight);
    row.layout = lay;
    row.maps.style.gridTemplateColumns = `repeat(${lay.mapCols}, auto)`;
    for (const canvas of row.canvases) {
      if (canvas.width !== lay.cols) canvas.width = lay.cols;
      if (canvas.height !== lay.rows) canvas.height = lay.rows;
      canvas.style.width = `${lay.cols * lay.cell}px`;
      canvas.style.height = `${lay.rows * lay.cell}px`;
    }
    for (const names of row.labels) names.style.gridTemplateRows = `repeat(${lay.rows}, ${lay.cell}px)`;
  }

  function buildToggle(row) {
    const box = el('input', { type: 'checkbox', checked: true });
    box.addEventListener('change', () => {
      row.el.hidden = !box.checked;
      links.unhover();
      fit();
    });
    return el('label', {}, box, ` ${row.layer.name}`);
  }

  /** Lay every layer out so the whole network fits the screen: the columns wrap into bands
   *  when they are wider than the view, and the maps take the largest size (found by
   *  bisection) at which every band fits the viewport's height. zoom: the learner's factor.
   *  A trial only resizes the canvases (one layout pass, 1–5 ms); the maps are painted once, at
   *  the end. The last fit's answer is tried first: a new result (its legends) rarely moves it. */
  function fit() {
    if (!rows.length) return; // no model yet
    const panel = container.closest('.panel') ?? container;
    const above = container.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    const room = Math.max(200, innerHeight - above - 28); // the panel's heading and the maps in one screen
    for (const row of rows) {
      if (!row.canvases.length) buildMaps(row);
      if (row.values) showMapRange(row, row.legendMap ?? 0); // the legends take room too
    }
    const shown = rows.filter((row) => !row.el.hidden).map((row) => row.layer.output_shape);
    const size = (h, z) => {
      height = h;
      columnHeight = h * z;
      stripHeight = overviewHeight() * z;
      cell = Math.round(Math.max(touchCell(), overviewCell(shown, h)) * z);
      for (const row of rows) sizeMaps(row);
    };
    const fits = (h) => {
      size(h, 1);
      return container.scrollHeight <= room;
    };
    const tallest = overviewHeight();
    if (!fits(tallest)) {
      let [lo, hi] = [60, tallest];
      const close = (tallest - lo) / 64; // as close as six halvings of [60, tallest] come
      if (bracket && bracket.lo >= lo && bracket.hi <= hi) { // the last fit's answer, checked: two trials if still right
        if (fits(bracket.hi)) lo = bracket.hi; else hi = bracket.hi;
        if (hi === bracket.hi) { if (fits(bracket.lo)) lo = bracket.lo; else hi = bracket.lo; }
      }
      while (hi - lo > close * 1.001) {
        const mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid; else hi = mid;
      }
      if (height !== lo) fits(lo);
      bracket = { lo, hi };
    }
    const fitted = cell;
    const widest = Math.max(fitted, widestCell(shown, container.clientWidth - 16));
    zoom = Math.min(zoom, widest / fitted); // "+" stops where the widest map fills the view
    if (zoom > 1) size(height, zoom);
    zoomButtons.out.disabled = zoom <= 1;
    zoomButtons.in.disabled = fitted * zoom >= widest;
    for (const row of rows) if (row.values) paintMaps(row);
    remark();
    fittedScreen = screenNow();
  }

  function rezoom(factor) {
    zoom = Math.max(1, zoom * factor);
    fit();
  }
  zoomButtons.out.addEventListener('click', () => rezoom(0.5));
  zoomButtons.in.addEventListener('click', () => rezoom(2));

  /** The predict response: every layer's output (the forward pass). */
  function setResult(result) {
    const ranges = [{ min: 0, max: 1 }, ...result.layers];
    [result.input, ...result.layers.map((l) => l.output)].forEach((encoded, i) => {
      rows[i].forward = { values: decodeArray(encoded).data, min: ranges[i].min, max: ranges[i].max };
    });
    showPass();
  }

  /** The /backward response: dLoss/dOutput for every layer and dLoss/dInput (the backward pass). */
  function setGradients(bw) {
    const byName = new Map([['input', bw.input_gradient], ...bw.layers.map((l) => [l.name, l])]);
    container.dataset.gradientsFor = bw.label; // the true label these gradients are for
    for (const row of rows) {
      const g = byName.get(row.layer.name);
      row.backward = g ? { values: decodeArray(g.gradient).data, min: g.min, max: g.max } : null;
    }
    if (pass === 'backward') showPass();
  }

  /** Show the forward values or the gradients; the same maps, the same neurons. */
  function setPass(which) {
    pass = which;
    container.dataset.pass = which;
    showPass();
  }
  function showPass() {
    for (const row of rows) row.values = row[pass]?.values ?? null;
    // A new input for a layout already fitted to this pass and screen: repaint the maps, keep the
    // canvases (rebuilding and refitting them cost ~150 ms a stroke). Otherwise lay out afresh:
    // fit() lays out and paints every row (the legends take room too).
    if (fittedFor === pass && rows.every((row) => row.canvases?.length)) {
      for (const row of rows) if (row.values) paintRow(row);
      remark();
    } else {
      fit();
      fittedFor = rows.every((row) => row.values) ? pass : null; // fitted with every legend filled in
    }
  }

  function setScaling(which) {
    scaling = which;
    container.dataset.scaling = which;
    for (const row of rows) if (row.values) paintRow(row);
  }

  const isInk = (row) => pass === 'forward' && row.layer.kind === 'input';

  /** The range for the whole network: every layer's (but the input image's ink). */
  const globalRange = () => unionRange(rows.filter((r) => r[pass] && !isInk(r)).map((r) => r[pass]));

  /** The colour scale of map c of a row under the chosen scaling. */
  function scaleOf(row, c) {
    if (isInk(row)) return { kind: 'gray', min: 0, max: 1, color: gray };
    const signed = pass === 'backward';
    if (scaling === 'unit') {
      const size = row.layout.size;
      const { min, max } = rangeOf(row.values, c * size, Math.min(size, row.values.length - c * size));
      return scaleFor(min, max, { signed });
    }
    const { min, max } = scaling === 'global' ? globalRange() : row[pass];
    return scaleFor(min, max, { signed });
  }

  function paintRow(row) {
    paintMaps(row);
    showMapRange(row, row.legendMap ?? 0);
  }

  function paintMaps(row) {
    const { layout: lay } = row;
    row.canvases.forEach((canvas, c) => {
      const scale = scaleOf(row, c);
      paint(canvas, row.values, c * lay.rows * lay.cols, lay.rows, lay.cols, scale.color);
      if (scaling === 'unit' && !isInk(row) && lay.maps > 1) {
        canvas.parentElement.title = t('labelled', { label: t('net.mapLabel', { layer: row.layer.name, c }), value: `${exact(scale.min)} … ${exact(scale.max)}` });
      }
    });
  }

  /** The legend of a row: what the colours mean and the range used (map c's own, in unit scaling). */
  function showMapRange(row, c) {
    if (!row.values) return;
    const perMap = scaling === 'unit' && !isInk(row) && row.layout.maps > 1;
    row.legendMap = perMap ? c : 0;
    const scale = scaleOf(row, row.legendMap);
    const bar = el('span', { className: 'bar' });
    bar.style.background = scale.kind === 'gray' ? INK_GRADIENT : legendGradient(scale.kind);
    const what = isInk(row) ? 'gray' : pass === 'backward' ? 'gradient' : scale.kind;
    row.legend.title = `${t(`legend.${what}`)} (${exact(scale.min)} … ${exact(scale.max)})`;
    const power = pass === 'backward' ? powerOf(Math.max(Math.abs(scale.min), Math.abs(scale.max))) : 0;
    const num = (v) => fmt(v / 10 ** power, 1); // gradients span 1e-9 … 10: a common power of ten
    row.legend.replaceChildren(el('span', { className: 'legend-max', textContent: num(scale.max) }), bar,
      el('span', { className: 'legend-min', textContent: num(scale.min) }),
      ...(power ? [el('span', { className: 'legend-power', textContent: `×10${superscript(power)}` })] : []),
      ...(perMap ? [el('span', { className: 'legend-map', textContent: t('net.legendMap', { c }) })] : []));
  }

  /** The power of ten to factor out of a legend's numbers (0 for 0.01 … 1000). */
  const powerOf = (largest) => (largest > 0 && (largest < 0.01 || largest >= 1000) ? Math.floor(Math.log10(largest)) : 0);
  const superscript = (n) => String(n).replace('-', '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]);

  function clear() {
    for (const row of rows) {
      row.values = row.forward = row.backward = null;
      for (const canvas of row.canvases) canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
      row.legend.replaceChildren();
    }
    links.unhover();
  }

  // ------------------------------------------------------------ neurons
  function neuronAt(row, c, e) {
    const lay = row.layout;
    const cell = e.target.getBoundingClientRect().width / lay.cols;
    const hit = cellAt(e.offsetX, e.offsetY, cell, lay.rows, lay.cols);
    if (!hit) return null;
    if (!lay.vector) return [c, hit[0], hit[1]];
    const i = hit[0] * lay.cols + hit[1];
    return i < lay.size ? [i] : null;
  }

  function valueOf(row, neuron) {
    if (!row.values) return null;
    const lay = row.layout;
    const i = neuron.length === 3 ? (neuron[0] * lay.rows + neuron[1]) * lay.cols + neuron[2] : neuron[0];
    return pass === 'backward' ? sig(row.values[i]) : row.values[i]; // a gradient as its arithmetic writes it
  }

  function hover(row, c, e) {
    const neuron = neuronAt(row, c, e);
    showMapRange(row, c);
    if (!neuron) return links.unhover();
    links.hover(row, neuron, rows[row.index - 1], valueOf(row, neuron), e.clientX, e.clientY);
  }

  function choose(row, neuron) {
    if (row.layer.kind === 'input') return;
    onSelect(row.layer.name, neuron);
  }

  /** Mark the selected neuron (or none). */
  function mark(layerName, neuron) {
    const row = rows.find((r) => r.layer.kind !== 'input' && r.layer.name === layerName);
    selected = row && neuron ? { row, neuron } : null;
    remark();
  }
  function remark() {
    if (selected && !selected.row.el.hidden) links.select(selected.row, selected.neuron, rows[selected.row.index - 1]);
    else links.select(null);
  }

  // Keyboard: arrows move a cursor on the focused map, Enter or Space selects the neuron.
  function keyboard(row, c, e) {
    const lay = row.layout;
    const cursor = row.cursor[c] || [0, 0];
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      cursor[0] = Math.max(0, Math.min(lay.rows - 1, cursor[0] + moves[e.key][0]));
      cursor[1] = Math.max(0, Math.min(lay.cols - 1, cursor[1] + moves[e.key][1]));
      row.cursor[c] = cursor;
    } else if (e.key !== 'Enter' && e.key !== ' ') {
      return;
    }
    const neuron = lay.vector ? [Math.min(lay.size - 1, cursor[0] * lay.cols + cursor[1])] : [c, cursor[0], cursor[1]];
    const r = row.canvases[c].getBoundingClientRect();
    const cell = r.width / lay.cols;
    links.hover(row, neuron, rows[row.index - 1], valueOf(row, neuron), r.left + (cursor[1] + 1) * cell, r.top + (cursor[0] + 1) * cell);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      choose(row, neuron);
    }
  }

  /** The element showing a layer (to scroll a shared link's selection into view). */
  const rowElement = (name) => rows.find((r) => r.layer.kind !== 'input' && r.layer.name === name)?.el;
  /** Where the selected neuron's mark is on screen (a DOMRect), or null. */
  const markedBox = () => container.querySelector('.links rect.self')?.getBoundingClientRect() ?? null;
  return { setModel, setResult, setGradients, setPass, setScaling, clear, mark, rowElement, markedBox, fit, refit };
}
