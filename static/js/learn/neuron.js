// The learner's own neuron: where a layer responds most to the input, and the server's arithmetic there.
import * as api from '../core/api.js';
import { decodeArray } from '../lib/f16.js';
import { argmax2d } from './widgets.js';

/** The output of layer `name` in a predict result: {shape, data}. */
export function layerOutput(result, name) {
  const layer = result.layers.find((l) => l.name === name);
  return { shape: layer.shape, data: decodeArray(layer.output).data };
}

/** The strongest [channel, y, x] of a C x H x W layer (channel given, or the one holding the largest value). */
export function strongest(result, name, channel = null) {
  const { shape: [C, H, W], data } = layerOutput(result, name);
  let c = channel;
  if (c == null) {
    let best = -Infinity;
    for (let k = 0; k < C; k++) {
      const [y, x] = argmax2d(data, k, H, W);
      if (data[k * H * W + y * W + x] > best) [best, c] = [data[k * H * W + y * W + x], k];
    }
  }
  return [c, ...argmax2d(data, c, H, W)];
}

/** The server's explanation of one neuron for the learner's current input. */
export const explainNeuron = (ctx, layer, neuron) => api.explain(ctx.model.id, ctx.input.state.input, layer, neuron);
