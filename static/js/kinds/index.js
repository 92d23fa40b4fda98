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
