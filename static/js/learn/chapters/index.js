// The lesson's chapters in order (Karn's narrative, CS231n's arithmetic). Each module:
// {id, usesInput, widgets: [{feature?, mount(element, ctx) -> {destroy()}}], question}.
import convolve from './convolve.js';
import depth from './depth.js';
import featuremap from './featuremap.js';
import learning from './learning.js';
import mistakes from './mistakes.js';
import network from './network.js';
import pixels from './pixels.js';
import pooling from './pooling.js';
import receptive from './receptive.js';
import relu from './relu.js';
import sharing from './sharing.js';
import softmax from './softmax.js';
import stride from './stride.js';

export default [pixels, convolve, featuremap, depth, sharing, stride, relu, pooling, receptive, softmax, network,
  learning, mistakes];
