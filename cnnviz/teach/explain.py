"""The exact arithmetic behind one neuron's value, read off a forward trace.

``explain(model, steps, layer_name, neuron)`` returns a dict of NumPy arrays
and numbers for one image (batch of 1). The output it reports is always the
engine's own value from the trace; the parts (patch, weights, products) are
the engine's inputs and parameters, so the learner can redo the sum.
"""
import numpy as np

from ..errors import NeuronError


def layer_input(steps, index, network_input):
    """The one image's input to layer index; network_input is the (1, C, H, W) tensor."""
    return network_input[0] if index == 0 else steps[index - 1].output[0]


def check_neuron(shape, neuron):
    """neuron: [c, y, x] for (C, H, W) outputs, [i] for flat ones -> tuple of ints."""
    if not isinstance(neuron, (list, tuple)) or len(neuron) != len(shape) or \
            not all(isinstance(v, int) and not isinstance(v, bool) for v in neuron):
        form = "[channel, row, column]" if len(shape) == 3 else "[index]"
        raise NeuronError(f"neuron must be {form} for an output of shape {list(shape)}", shape=list(shape))
    for v, size in zip(neuron, shape):
        if not 0 <= v < size:
            raise NeuronError(f"neuron {list(neuron)} is outside the output of shape {list(shape)}",
                              neuron=list(neuron), shape=list(shape))
    return tuple(neuron)


def explain(model, steps, layer_name, neuron, network_input):
    """steps: model.trace(network_input) for one image; network_input: (1, C, H, W)."""
    names = [s.name for s in steps]
    if layer_name not in names:
        raise NeuronError(f"unknown layer {layer_name!r}; this model has: {', '.join(names)}",
                          "layer.unknown", layer=layer_name, layers=names)
    index = names.index(layer_name)
    layer, step = model.layers[index], steps[index]
    out = step.output[0]
    where = check_neuron(out.shape, neuron)
    x = layer_input(steps, index, network_input)
    result = {"layer": layer.name, "kind": layer.kind, "neuron": list(where),
              "input_layer": names[index - 1] if index else "input", "output": float(out[where])}
    result.update(EXPLAINERS[layer.kind](layer, x, out, where))
    return result


def conv_sums(layer, x, f):
    """Output channel f of a conv layer, redone in float64 as the learner would:
    per input channel, the sum over the kernel of patch x weight, at every position.

    x: the layer's input (C, H, W) -> (channel_sums (C, H', W'), sums (H', W')) where
    sums = the channel sums added up, plus the bias. Shared by explain and animate,
    so a step of an animation and the explanation of that neuron agree to the bit.
    """
    s, p, d, k = layer.stride, layer.padding, layer.dilation, layer.kernel
    w = layer.params["weight"][f].astype(np.float64)
    xp = np.pad(x.astype(np.float64), ((0, 0), (p, p), (p, p)))
    ho, wo = layer.output_shape[1:]
    channel_sums = np.zeros((x.shape[0], ho, wo))
    for i in range(k):
        for j in range(k):
            window = xp[:, i * d:i * d + s * (ho - 1) + 1:s, j * d:j * d + s * (wo - 1) + 1:s]
            channel_sums += window * w[:, i, j, None, None]
    return channel_sums, channel_sums.sum(axis=0) + float(layer.params["bias"][f])


def _conv(layer, x, out, where):
    f, y, x0 = where
    s, p, d, k = layer.stride, layer.padding, layer.dilation, layer.kernel
    xp = np.pad(x, ((0, 0), (p, p), (p, p)))
    rows = y * s + d * np.arange(k)  # in padded coordinates
    cols = x0 * s + d * np.arange(k)
    patch = xp[:, rows][:, :, cols]  # (C, K, K), zeros where the window hangs into the padding
    w = layer.params["weight"][f]
    channel_sums, sums = conv_sums(layer, x, f)
    return {"patch": patch, "weights": w, "products": patch.astype(np.float64) * w,
            "channel_sums": channel_sums[:, y, x0], "bias": float(layer.params["bias"][f]),
            "sum": float(sums[y, x0]),
            "rows": rows - p, "cols": cols - p,  # input coordinates (negative or past the edge = padding)
            "input_shape": list(x.shape),
            "stride": s, "padding": p, "dilation": d}


def pool_winners(layer, x_c, out_c):
    """(H', W', 2) row and column, inside its window, of each output's first maximum."""
    k, s = layer.size, layer.stride
    ho, wo = out_c.shape
    arg = np.zeros((ho, wo), np.intp)
    for kk in range(k * k - 1, -1, -1):  # backwards, so the first maximum wins
        i, j = divmod(kk, k)
        arg[x_c[i:i + s * (ho - 1) + 1:s, j:j + s * (wo - 1) + 1:s] == out_c] = kk
    return np.stack(np.divmod(arg, k), axis=-1)


def _pool(layer, x, out, where):
    c, y, x0 = where
    k, s = layer.size, layer.stride
    window = x[c, y * s:y * s + k, x0 * s:x0 * s + k]
    result = {"window": window, "rows": np.arange(y * s, y * s + k), "cols": np.arange(x0 * s, x0 * s + k),
              "size": k, "stride": s}
    if layer.kind == "maxpool":
        result["winner"] = [int(v) for v in pool_winners(layer, x[c], out[c])[y, x0]]
    else:
        result["mean"] = float(window.astype(np.float64).mean())
    return result


def _elementwise(layer, x, out, where):
    return {"input": float(x[where])}


def _flatten(layer, x, out, where):
    source = np.unravel_index(where[0], x.shape)
    return {"input": float(x[source]), "source": [int(v) for v in source], "input_shape": list(x.shape)}


def dense_parts(layer, x, i):
    """Unit i: inputs x weights, ordered by size of contribution, plus the bias."""
    w = layer.params["weight"][i]
    b = float(layer.params["bias"][i])
    products = x.astype(np.float64) * w
    return {"inputs": x, "weights": w, "products": products, "bias": b, "sum": float(products.sum() + b),
            "order": np.argsort(-np.abs(products), kind="stable")}


def _dense(layer, x, out, where):
    parts = dense_parts(layer, x, where[0])
    return {**parts, "largest": parts.pop("order")[:10]}


def softmax_parts(x, out):
    """Logits -> exponentials (shifted by the max, for stability) -> their sum -> probabilities."""
    z = x.astype(np.float64)
    shift = float(z.max())
    exps = np.exp(z - shift)
    return {"logits": z, "shift": shift, "exps": exps, "exp_sum": float(exps.sum()), "probabilities": out}


def _softmax(layer, x, out, where):
    return {**softmax_parts(x, out), "index": where[0]}


EXPLAINERS = {"conv": _conv, "maxpool": _pool, "avgpool": _pool, "relu": _elementwise,
              "tanh": _elementwise, "sigmoid": _elementwise, "flatten": _flatten,
              "dense": _dense, "softmax": _softmax}
