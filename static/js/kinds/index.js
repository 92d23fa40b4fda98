// The one table of layer kinds on the page. Each kind module knows how to animate
// its layer (animation(data, env) -> {steps, draw, describe, stepOf, strongest}),
// render one neuron's arithmetic (explain), its receptive field (field) and how many
// channels or neurons a learner can pick in it (channels). A new kind: one module + one line.
import * as activation from './activation.js';
import * as conv from './conv.js';
import * as dense from './dense.js';
import * as flatten from './flatten.js';
import * as pool from './pool.js';
import * as softmax from './softmax.js';
import { decodeArray } from '../lib/f16.js';

export const KINDS = {
  conv, maxpool: pool, avgpool: pool, relu: activation, tanh: activation, sigmoid: activation,
  flatten, dense, softmax,
};

/** The module for a layer kind; an unknown kind is a programming error, said loudly. */
export function kindOf(kind) {
  const module = KINDS[kind];
  if (!module) throw new Error(`no page module for layer kind ${kind}`);
  return module;
}

/** The layers whose neurons are the classes: the output layer and the element-wise layers
 *  after it (only they get class names; a 16-neuron hidden layer gets none). */
export function classLayers(architecture, classCount) {
  const names = new Set();
  const layers = architecture?.layers ?? [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const shape = layers[i].output_shape;
    if (shape.length !== 1 || shape[0] !== classCount) break;
    names.add(layers[i].name);
    if (layers[i].kind === 'dense') break; // the output layer itself; the layers before it hold no classes
  }
  return names;
}

/** The channel (or neuron) of a layer whose output is largest for this input; 0 if it has none. */
export function strongestOf(spec, layerResult) {
  const count = spec ? kindOf(spec.kind).channels(spec) : 0;
  if (!layerResult || !count) return 0;
  const { data } = decodeArray(layerResult.output);
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i] > data[best]) best = i;
  return Math.floor(best / (data.length / count));
}
