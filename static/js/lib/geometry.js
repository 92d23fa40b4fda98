// Where a neuron looks: its receptive field in the previous layer, from the
// layer's description (kind and hyperparameters as the server sends them).

/** Neuron [c, y, x] (or [i]) of `layer` -> the region of its input it reads:
 *  { channels: [c...] or 'all', rows: [first, last], cols: [first, last], all: bool }
 *  rows/cols are clipped to the input; `span` keeps the unclipped window. */
export function receptiveField(layer, neuron) {
  const input = layer.input_shape;
  const clip = (lo, hi, size) => [Math.max(0, lo), Math.min(size - 1, hi)];
  switch (layer.kind) {
    case 'conv': {
      const [, y, x] = neuron;
      const span = layer.dilation * (layer.kernel - 1);
      const top = y * layer.stride - layer.padding;
      const left = x * layer.stride - layer.padding;
      return {
        channels: 'all', all: false,
        rows: clip(top, top + span, input[1]), cols: clip(left, left + span, input[2]),
        span: { rows: [top, top + span], cols: [left, left + span] },
      };
    }
    case 'maxpool':
    case 'avgpool': {
      const [c, y, x] = neuron;
      const top = y * layer.stride, left = x * layer.stride;
      return {
        channels: [c], all: false,
        rows: clip(top, top + layer.size - 1, input[1]), cols: clip(left, left + layer.size - 1, input[2]),
      };
    }
    case 'flatten': {
      const [c, y, x] = unflatten(neuron[0], input);
      return { channels: [c], all: false, rows: [y, y], cols: [x, x] };
    }
    case 'dense':
    case 'softmax':
      return { channels: 'all', all: true };
    default: // elementwise: relu, tanh, sigmoid
      return neuron.length === 3
        ? { channels: [neuron[0]], all: false, rows: [neuron[1], neuron[1]], cols: [neuron[2], neuron[2]] }
        : { channels: 'all', all: false, index: neuron[0] };
  }
}

/** Flat index into a (C, H, W) array -> [c, y, x]. */
export function unflatten(i, [, h, w]) {
  return [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
}

/** Pixel under a point on a map drawn `cell` px per value. */
export function cellAt(px, py, cell, rows, cols) {
  const y = Math.floor(py / cell), x = Math.floor(px / cell);
  return y >= 0 && y < rows && x >= 0 && x < cols ? [y, x] : null;
}

/** How to lay out a flat vector of n values: columns per row. */
export function vectorColumns(n) {
  if (n <= 20) return n;
  return n <= 120 ? 20 : 25;
}

/** The step of a layer's animation (static/js/animations/) at which `neuron` is computed. */
export function stepFor(layer, neuron) {
  const shape = layer.output_shape;
  switch (layer.kind) {
    case 'conv':
    case 'maxpool':
    case 'avgpool':
      return neuron[1] * shape[2] + neuron[2];
    case 'relu':
    case 'tanh':
    case 'sigmoid':
      return shape.length === 3 ? neuron[1] : Math.floor(neuron[0] / Math.min(20, shape[0]));
    case 'flatten':
      return Math.floor(neuron[0] / (layer.input_shape[1] * layer.input_shape[2]));
    case 'softmax':
      return neuron[0];
    default:
      return 0;
  }
}
