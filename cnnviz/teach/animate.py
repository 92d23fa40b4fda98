"""Everything a step-by-step animation of one layer needs, read off a forward trace.

``animate(model, steps, layer_name, channel, network_input)`` returns, for one
output channel (or one dense unit), the layer's input and output and the
arithmetic of every step, computed by the same functions as ``explain``.
"""
from ..errors import NeuronError
from .explain import conv_sums, dense_parts, layer_input, pool_winners, softmax_parts


def animate(model, steps, layer_name, channel, network_input):
    names = [s.name for s in steps]
    if layer_name not in names:
        raise NeuronError(f"unknown layer {layer_name!r}; this model has: {', '.join(names)}",
                          "layer.unknown", layer=layer_name, layers=names)
    index = names.index(layer_name)
    layer, out = model.layers[index], steps[index].output[0]
    x = layer_input(steps, index, network_input)
    result = {"layer": layer.name, "kind": layer.kind, "input_layer": names[index - 1] if index else "input",
              "input_shape": list(x.shape), "output_shape": list(out.shape)}
    needs_channel = out.ndim == 3 or layer.kind == "dense"
    if needs_channel:
        count = out.shape[0]
        if not isinstance(channel, int) or isinstance(channel, bool) or not 0 <= channel < count:
            what = "unit" if layer.kind == "dense" else "channel"
            raise NeuronError(f"give 'channel' as a {what} number from 0 to {count - 1} for {layer.name}",
                              "channel.invalid", layer=layer.name, max=count - 1)
        result["channel"] = channel
    next_layer = model.layers[index + 1] if index + 1 < len(model.layers) else None
    result.update(ANIMATORS[layer.kind](layer, x, out, channel, next_layer, steps, index))
    return result


def _conv(layer, x, out, f, *_):
    channel_sums, sums = conv_sums(layer, x, f)
    return {"input": x, "weights": layer.params["weight"][f], "bias": float(layer.params["bias"][f]),
            "channel_sums": channel_sums, "sums": sums, "output": out[f],
            "kernel": layer.kernel, "stride": layer.stride, "padding": layer.padding, "dilation": layer.dilation}


def _elementwise(layer, x, out, c, *_):
    if out.ndim == 3:
        return {"input": x[c], "output": out[c]}
    return {"input": x, "output": out}


def _pool(layer, x, out, c, *_):
    result = {"input": x[c], "output": out[c], "size": layer.size, "stride": layer.stride}
    if layer.kind == "maxpool":
        result["winners"] = pool_winners(layer, x[c], out[c])
    return result


def _flatten(layer, x, out, *_):
    return {"input": x, "output": out}


def _dense(layer, x, out, i, next_layer, steps, index):
    result = {**dense_parts(layer, x, i), "output": float(out[i])}
    if next_layer is not None and next_layer.kind in ("relu", "tanh", "sigmoid"):
        result["activation"] = {"layer": next_layer.name, "kind": next_layer.kind,
                                "output": float(steps[index + 1].output[0][i])}
    if index and steps[index - 1].kind == "flatten":  # show the inputs as the maps they came from
        result["unflattened_shape"] = list(steps[index - 1].input_shape[1:])
    return result


def _softmax(layer, x, out, *_):
    return softmax_parts(x, out)


ANIMATORS = {"conv": _conv, "relu": _elementwise, "tanh": _elementwise, "sigmoid": _elementwise,
             "maxpool": _pool, "avgpool": _pool, "flatten": _flatten, "dense": _dense, "softmax": _softmax}
