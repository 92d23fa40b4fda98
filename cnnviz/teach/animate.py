"""Everything a step-by-step animation of one layer needs, read off a forward trace.

``animate(model, steps, layer_name, channel, network_input)`` returns, for one
output channel (or one dense unit), the layer's input and output and the
arithmetic of every step, computed by the layer's kind module with the same
functions as its explanation, so the two agree to the bit.
"""
import numpy as np

from ..errors import NeuronError
from .explain import find_layer, layer_input

STRONGEST = "strongest"  # a channel asked for by what it holds: the layer's largest output value


def layer_request(model, steps, layer_name, channel, network_input):
    """A request about one channel (or dense unit) of one layer, checked once for every animation:
    -> (index, layer, its input x, its output out, the response's common fields)."""
    index = find_layer(model, layer_name)
    layer, out = model.layers[index], steps[index].output[0]
    x = layer_input(steps, index, network_input)
    result = {"layer": layer.name, "kind": layer.kind, "input_layer": steps[index - 1].name if index else None,
              "input_shape": list(x.shape), "output_shape": list(out.shape)}
    if out.ndim == 3 or layer.kind == "dense":
        count = out.shape[0]
        if not isinstance(channel, int) or isinstance(channel, bool) or not 0 <= channel < count:
            what = "unit" if layer.kind == "dense" else "channel"
            raise NeuronError(f"give 'channel' as a {what} number from 0 to {count - 1} for {layer.name}",
                              "channel.invalid", layer=layer.name, max=count - 1)
        result["channel"] = channel
    return index, layer, x, out, result


def animate(model, steps, layer_name, channel, network_input, focus=0):
    """focus: the input channel whose products a conv animation shows (other kinds have none)."""
    index, layer, x, out, result = layer_request(model, steps, layer_name, channel, network_input)
    after = steps[index + 1] if index + 1 < len(steps) else None
    options = {"focus": focus} if layer.kind == "conv" else {}
    result.update(layer.animate(x, out, channel, model.layer_params(index), after, **options))
    if layer.kind == "dense" and index and steps[index - 1].kind == "flatten":
        result["unflattened_shape"] = list(steps[index - 1].input_shape[1:])  # inputs drawn as their maps
    return result


def strongest_channel(model, steps, layer_name, seen=np.asarray):
    """The channel (or dense unit) of a layer holding its largest output value, the first in C order
    on a tie, as the page picks it from the numbers it was sent (seen(output): the output as the client
    decodes it); 0 for a layer without channels (flatten, softmax)."""
    index = find_layer(model, layer_name)
    out = steps[index].output[0]
    if not (out.ndim == 3 or model.layers[index].kind == "dense"):
        return 0
    values = seen(out)
    return int(np.argmax(values)) // (values.size // out.shape[0])
