// "How it learns": the loss for the learner's input and chosen true label, the gradient of every
// layer and weight, the arithmetic behind any one of them (with a numerical check), one step of
// gradient descent on the learner's own copy of the weights, and backward animations.
// Self-contained: mount it into any <section> with a function that says what the page shows now.
// The server computes every number; the learner's stepped weights live here and are sent back.
import { PREDICTED, backwardAnimate, backwardExplain, backwardPass, call, post } from '../core/api.js';
import { errorText } from '../core/errors.js';
import { language, t } from '../core/i18n.js';
import { chance, percent } from '../lib/numbers.js';
import { loss } from './format.js';
import { el, renderGradient, renderLoss, squaredError } from './arithmetic.js';
import { mountBackwardPlayer } from './player.js';
import { renderGradientMaps, strongestChannel } from './maps.js';

const RATES = [0.001, 0.01, 0.1, 1, 10];
const path = (id, what) => `/api/models/${encodeURIComponent(id)}/${what}`;

/**
 * section: an empty element to fill. current(): { model (summary with id, classes), architecture,
 * input ({blob} or {json}), result (the predict response, for the default label), label (known true
 * class, e.g. a gallery image's) }. classLabel(i): a class's name in the page's language.
 */
export function mountBackward(section, { current, classLabel }) {
  const s = { labelChosen: false, modelId: null, weights: null, history: [], result: null, selection: null, seq: 0 };
  const $ = {};
  const make = (name, tag, props = {}, ...children) => ($[name] = el(tag, props, ...children));

  let player = null;
  const listeners = new Set(); // the network view's backward pass hears every new /backward result

  let builtIn = null; // the language the panel was built in
  /** (Re)build the panel in the page's current language; the learner's weights and steps are kept. */
  function build() {
    builtIn = language();
    section.classList.add('panel', 'backward-panel');
    section.setAttribute('aria-labelledby', 'bw-heading');
    section.replaceChildren(
      el('h2', { id: 'bw-heading', textContent: t('bw.heading') }),
      el('p', { className: 'lesson', textContent: t('bw.intro') }),
      el('div', { className: 'bw-controls' },
        el('label', {}, el('span', { textContent: t('bw.label') }), ' ', make('label', 'select', { id: 'bw-label' })),
        el('label', {}, el('span', { textContent: t('bw.lossLabel') }), ' ', make('loss', 'select', { id: 'bw-loss' },
          new Option(t('bw.loss.ceName'), 'cross_entropy'), new Option(t('bw.loss.seName'), 'squared_error'))),
        make('show', 'button', { type: 'button', id: 'bw-show', textContent: t('bw.show') })),
      make('status', 'p', { className: 'status', role: 'status' }),
      el('div', { className: 'bw-top' },
        el('div', { className: 'bw-loss-box' }, el('h3', { textContent: t('bw.loss.heading') }),
          make('lossBody', 'div', { id: 'bw-loss-body' }, el('p', { className: 'hint', textContent: t('bw.empty') })),
          el('details', { className: 'bw-karn' }, make('karnSummary', 'summary', { textContent: t('bw.karn.summary') }),
            make('karn', 'div', { id: 'bw-karn' }))),
        el('div', { className: 'bw-step-box' }, el('h3', { textContent: t('bw.step.heading') }),
          el('p', { className: 'hint', textContent: t('bw.step.what') }),
          el('div', { className: 'bw-controls' },
            el('label', {}, el('span', { textContent: t('bw.step.rate') }), ' ',
              make('rate', 'select', { id: 'bw-rate' }, ...RATES.map((r) => new Option(String(r), String(r))))),
            make('step', 'button', { type: 'button', id: 'bw-step', textContent: t('bw.step.button') }),
            make('reset', 'button', { type: 'button', id: 'bw-reset', textContent: t('bw.step.reset') })),
          make('history', 'table', { className: 'contrib bw-history', id: 'bw-history' }),
          make('stepNote', 'p', { className: 'hint', id: 'bw-step-note' }))),
      el('div', { className: 'bw-body' },
        el('div', { className: 'bw-maps' },
          el('h3', { textContent: t('bw.maps.layers') }), el('p', { className: 'hint', textContent: t('bw.maps.hint') }),
          make('layers', 'div', { id: 'bw-layers' }),
          el('h3', { textContent: t('bw.maps.params') }), el('p', { className: 'hint', textContent: t('bw.maps.paramsHint') }),
          make('params', 'div', { id: 'bw-params' })),
        el('aside', { className: 'detail bw-detail', tabIndex: -1 }, el('h3', { textContent: t('bw.detail.heading') }),
          make('detail', 'div', { id: 'bw-detail' }, el('p', { className: 'hint', textContent: t('bw.detail.empty') })))),
      make('anim', 'div', { className: 'bw-anim' }));
    $.rate.value = '0.01';
    $.anim.hidden = true; // the gradients' player has nothing to play before the backward pass is shown
    player = mountBackwardPlayer($.anim, { request: animateRequest });
    wire();
  }

  function fields(extra = {}) {
    return { label: Number($.label.value), loss: $.loss.value, ...(s.weights ? { weights: s.weights } : {}), ...extra };
  }

  /** The status line; the section's data-state (loading, ready, error) says when a request is done. */
  function say(message, isError = false) {
    $.status.textContent = message || '';
    $.status.classList.toggle('error', isError);
    section.dataset.state = isError ? 'error' : message === t('loading') ? 'loading' : 'ready';
  }

  const failed = (error) => say(errorText(error), true); // the code's text in the page's language

  function fillLabels() {
    const { model, result, label } = current();
    if (!model) return;
    if (model.id !== s.modelId) { // another network: its own weights, history and classes
      s.modelId = model.id;
      s.weights = null;
      s.history = [];
      renderHistory();
    }
    const chosen = $.label.value;
    $.label.replaceChildren(...model.classes.map((_, i) => new Option(classLabel(i), String(i))));
    const fallback = label ?? result?.prediction?.index ?? 0;
    $.label.value = chosen !== '' && s.labelChosen ? chosen : String(fallback);
  }

  async function refresh() {
    fillLabels();
    const { model, input } = current();
    if (!model || !input) {
      say(t('bw.needInput'));
      return;
    }
    const seq = ++s.seq;
    say(t('loading'));
    try {
      const result = await backwardPass(model.id, input, fields()); // asked for with the stroke, or now
      if (seq !== s.seq) return;
      s.result = result;
      for (const fn of listeners) fn(result);
      renderLoss($.lossBody, result.loss_parts, classLabel);
      renderGradientMaps($.layers, $.params, result, explain);
      player.setModel(current().architecture, (name) => strongestChannel(result.layers.find((l) => l.name === name)));
      $.anim.hidden = false;
      if (s.selection) await explain(s.selection);
      if (seq === s.seq) say('');
    } catch (error) {
      failed(error);
    }
  }

  /** The arithmetic of one gradient ({layer, neuron} or {param, index}), for this learner's weights. */
  function explainGradient(selection) {
    const { model, input } = current();
    return backwardExplain(model.id, input, fields(selection));
  }

  async function explain(selection) {
    s.selection = selection;
    try {
      const e = await explainGradient(selection);
      renderGradient($.detail, e);
      $.detail.closest('aside').focus({ preventScroll: true });
      $.detail.scrollIntoView({ block: 'nearest' });
    } catch (error) {
      failed(error);
    }
  }

  function animateRequest(extra) {
    const { model, input } = current();
    return backwardAnimate(model.id, input, fields(extra));
  }

  async function step() {
    const { model, input } = current();
    if (!model || !input) return say(t('bw.needInput'));
    say(t('loading'));
    try {
      const r = await post(path(model.id, 'step'), input, fields({ learning_rate: Number($.rate.value) }));
      s.weights = r.weights;
      s.history.push(r);
      renderHistory();
      await refresh();
    } catch (error) {
      failed(error);
    }
  }

  function renderHistory() {
    const head = el('tr', {}, ...['#', t('bw.step.rate'), t('bw.step.loss'), t('bw.step.prediction'), t('bw.step.examples')]
      .map((h) => el('th', { textContent: h })));
    const guess = (g) => `${classLabel(g.prediction.index)}\u00a0${chance(g.prediction.probability)}`.replace(/([<>]) /, '$1\u00a0');
    const examples = (g) => (g.examples ? percent(g.examples.accuracy) : '—');
    const rows = s.history.map((r, i) => {
      const change = Math.sign(r.after.loss - r.before.loss);
      const tr = el('tr', { className: ['better', 'same', 'worse'][change + 1] },
        el('td', { textContent: String(i + 1) }), el('td', { textContent: String(r.learning_rate) }),
        el('td', { className: 'loss-change', textContent: `${loss(r.before.loss)} → ${loss(r.after.loss)}` }),
        el('td', { textContent: `${guess(r.before)} → ${guess(r.after)}` }),
        el('td', { textContent: `${examples(r.before)} → ${examples(r.after)}` }));
      return tr;
    });
    $.history.replaceChildren(...(rows.length ? [head, ...rows] : []));
    const last = s.history.at(-1);
    const forgot = last?.after.examples && last.after.examples.accuracy < last.before.examples.accuracy;
    const note = !last ? '' : last.after.loss > last.before.loss ? t('bw.step.up')
      : forgot ? t('bw.step.forgot') : last.after.loss === last.before.loss ? t('bw.step.same') : t('bw.step.down');
    // the table is about the learner's stepped copy; the Prediction panel above stays the shared network's
    $.stepNote.textContent = last ? [t('bw.step.copy'), note].join(language() === 'zh' ? '' : ' ') : '';
  }

  let karnExample = null; // the request, made once (the panel is built again in another language)
  async function loadKarn() {
    try {
      karnExample ??= call('/api/backward/example');
      const k = await karnExample;
      $.karn.replaceChildren(el('p', { className: 'hint', textContent: t('bw.karn.what') }),
        ...squaredError(k, (i) => t('bw.karn.class', { i: i + 1 })));
    } catch (error) {
      failed(error);
    }
  }

  function wire() {
    $.show.addEventListener('click', refresh);
    $.label.addEventListener('change', () => { s.labelChosen = true; if (s.result) refresh(); });
    $.loss.addEventListener('change', () => s.result && refresh());
    $.step.addEventListener('click', step);
    $.reset.addEventListener('click', () => {
      s.weights = null;
      s.history = [];
      renderHistory();
      if (s.result) refresh();
    });
  }

  build();
  loadKarn();
  fillLabels();

  return {
    /** What the next input's /predict should ask for with it (api.predict's `backward`), so that the
     *  refresh its answer starts sends nothing: null unless the panel shows gradients already, or
     *  `gradients` (the network view shows them). The label is the one refresh() will use: the one the
     *  learner chose for this input, else the input's known class, else the class the answer predicts.
     *  explanations: other gradients the page will explain (the network view's selected neuron). */
    wanted({ gradients = false, explanations = [] } = {}) {
      const { model, input, label, architecture } = current();
      if (!model || !architecture || (!s.result && !gradients)) return null;
      const chosen = input === s.input && s.labelChosen && $.label.value !== '';
      return { label: chosen ? Number($.label.value) : label ?? PREDICTED, loss: $.loss.value,
        ...(s.weights && model.id === s.modelId ? { weights: s.weights } : {}),
        animations: [player.wanted(architecture)], explanations: [...(s.selection ? [s.selection] : []), ...explanations] };
    },
    /** Call when the page's input or model changes: refreshes if the panel is already showing gradients. */
    update() {
      const { input } = current();
      if (input !== s.input) { // a new input: its own right answer (the gallery's label, or the guess)
        s.input = input;
        s.labelChosen = false;
      }
      fillLabels();
      if (s.result) refresh();
    },
    refresh,
    explainGradient,
    /** fn(result) after every /backward answer (the gradients drawn in the network view). */
    onResult(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** The last /backward answer, if it is for the page's current input (else null). */
    result: () => (s.result && s.input === current().input && s.result.model === current().model?.id ? s.result : null),
    /** The true label chosen elsewhere (the network view's own selector): recompute. */
    setLabel(i) {
      s.labelChosen = true;
      $.label.value = String(i);
      return refresh();
    },
    /** The page's language changed: rebuild the text, keep the learner's weights and steps. */
    relabel() {
      if (language() === builtIn) return; // built in this language already (a page mounts it before it knows)
      const label = $.label.value;
      const loss = $.loss.value;
      build();
      loadKarn();
      fillLabels();
      if (label) $.label.value = label;
      $.loss.value = loss;
      renderHistory();
      if (s.result) refresh();
    },
  };
}
