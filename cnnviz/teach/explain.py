"""The exact arithmetic behind one neuron's value, read off a forward trace.

``explain(model, steps, layer_name, neuron, network_input)`` finds the layer and
checks the neuron once; the layer's own kind module (cnnviz/engine/kinds/)
says what its arithmetic is. The output reported is always the engine's own
value from the trace; the parts are the engine's inputs and parameters, so the
learner can redo the sum.
"""
from ..errors import NeuronError


def find_layer(model, layer_name):
    """The index of the layer called layer_name, or a NeuronError that lists the layers."""
    index = model.architecture.index(layer_name) if isinstance(layer_name, str) else None
    if index is None:
        names = model.architecture.names()
        raise NeuronError(f"unknown layer {layer_name!r}; this model has: {', '.join(names)}",
                          "layer.unknown", layer=str(layer_name), layers=names)
    return index


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
    index = find_layer(model, layer_name)
    layer, out = model.layers[index], steps[index].output[0]
    where = check_neuron(out.shape, neuron)
    x = layer_input(steps, index, network_input)
    return {"layer": layer.name, "kind": layer.kind, "neuron": list(where),
            "input_layer": steps[index - 1].name if index else None, "output": float(out[where]),
            **layer.explain(x, out, where, model.layer_params(index))}
