"""How the network learns from one image: the loss, every gradient, its arithmetic, one step.

``backward(model, network_input, label, loss)`` runs the engine's own backward pass
(Model.loss_and_grads) once and keeps what the explanations need. The gradient of a
layer's output is explained by the rule of the layer AFTER it (its kind module's
``explain_gradient``: how that layer passes gradients back to its input), or by the
loss for the last layer. Parameter gradients are explained by their own layer.
"""
from typing import NamedTuple

import numpy as np

from ..engine.kinds.softmax import softmax
from ..engine.losses import LOSSES
from ..errors import CnnvizError, InputError, NeuronError
from .animate import layer_request
from .explain import check_neuron, find_layer, layer_input

LOSS_KINDS = tuple(LOSSES)
INPUT = "input"  # the name under which the network input's gradient is reported
KARN = {"output": [0.2, 0.4, 0.1, 0.3], "target": [0, 0, 1, 0]}  # Karn's worked example (the boat)


class Backward(NamedTuple):
    loss: str                 # "cross_entropy" or "squared_error"
    label: int
    value: float              # the loss for this image
    steps: list               # the forward trace (TraceStep per layer)
    network_input: np.ndarray  # (1, C, H, W)
    output_grads: dict        # {layer name: d loss / d output (one image)} and {"input": ...}
    grads: dict               # {param name: gradient}


def check_label(model, label):
    count = model.output_shape[0]
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < count:
        raise InputError(f"give 'label' as the true class, a whole number from 0 to {count - 1}",
                         "label.invalid", max=count - 1)
    return label


def check_loss(loss):
    if not isinstance(loss, str) or loss not in LOSSES:
        raise InputError(f"'loss' must be one of {', '.join(LOSS_KINDS)}", "loss.invalid", losses=list(LOSS_KINDS))
    return loss


def _targets(model, label, loss):
    if loss == "cross_entropy":
        return np.array([label])
    target = np.zeros((1, model.output_shape[0]), np.float32)
    target[0, label] = 1
    return target


def loss_value(model, network_input, label, loss):
    """The loss of one image (no gradients), in the dtype of the model's parameters."""
    return model.loss_and_grads(network_input, _targets(model, label, loss), loss)[0]


def backward(model, network_input, label, loss="cross_entropy", steps=None):
    """network_input (1, C, H, W) -> Backward: the loss and every gradient for this image.
    steps: model.trace(network_input) when the caller has it already (else it is traced here)."""
    label, loss = check_label(model, label), check_loss(loss)
    with np.errstate(divide="ignore", over="ignore"):  # a probability of 0 is refused below
        value, grads, _, outs = model.loss_and_grads(network_input, _targets(model, label, loss), loss,
                                                     output_grads=True)
    if not np.isfinite(value):  # float32 holds no probability this small: -ln p has no number to show
        raise CnnvizError(f"the network gives class {label} a probability of 0 (too small for float32), so its"
                          " loss is infinite: choose another right answer, or reset the weights", "loss.infinite",
                          label=label)
    steps = model.trace(network_input) if steps is None else steps
    output_grads = {name: g[0] for name, g in outs.items()}
    last = model.layers[-1]
    if last.name not in output_grads:  # softmax folded into cross-entropy: d(-ln p_y)/dp = -1/p_y at y
        p = steps[-1].output[0]
        g = np.zeros_like(p)
        g[label] = -1 / max(float(p[label]), 1e-300)
        output_grads[last.name] = g
    return Backward(loss, label, float(value), steps, network_input, output_grads, grads)


# ---------------------------------------------------------------------- the loss
def cross_entropy_parts(probabilities, label):
    """-ln p[label], and its gradient with respect to the scores: p - one-hot."""
    p = np.asarray(probabilities, np.float64)
    one_hot = np.eye(len(p))[label]
    return {"loss": "cross_entropy", "label": label, "probabilities": p, "one_hot": one_hot,
            "probability": float(p[label]), "value": float(-np.log(max(p[label], 1e-300))),
            "score_gradient": p - one_hot}


def squared_error_parts(output, target):
    """Karn's total error: sum over classes of 1/2 (target - output)^2, and its gradient output - target."""
    o, t = np.asarray(output, np.float64), np.asarray(target, np.float64)
    terms = 0.5 * (t - o) ** 2
    return {"loss": "squared_error", "output": o, "target": t, "differences": t - o, "terms": terms,
            "value": float(terms.sum()), "output_gradient": o - t}


def karn_example():
    return squared_error_parts(KARN["output"], KARN["target"])


def probabilities(model, bw):
    """The class probabilities the loss saw: the softmax layer's output, or the softmax of the scores."""
    out = bw.steps[-1].output[0].astype(np.float64)
    return out if model.layers[-1].kind == "softmax" else softmax(out[None])[0]


def loss_parts(model, bw):
    p = probabilities(model, bw)
    if bw.loss == "cross_entropy":
        return {**cross_entropy_parts(p, bw.label), "engine_value": bw.value}
    return {**squared_error_parts(p, np.eye(len(p))[bw.label]), "label": bw.label, "engine_value": bw.value}


# ----------------------------------------------------------- one gradient's arithmetic
def explain_output_gradient(model, bw, layer_name, neuron):
    """The arithmetic behind d loss / d (layer_name's output at neuron), or the input's with "input"."""
    if layer_name == INPUT:
        index, shape = -1, bw.network_input.shape[1:]
    else:
        index = find_layer(model, layer_name)
        shape = bw.steps[index].output.shape[1:]
    where = check_neuron(shape, neuron)
    value = float(bw.output_grads[layer_name if index >= 0 else INPUT][where])
    head = {"layer": layer_name, "kind": "input" if index < 0 else model.layers[index].kind,
            "neuron": list(where), "gradient": value, "loss": bw.loss, "label": bw.label}
    last = len(model.layers) - 1
    p = probabilities(model, bw)
    has_softmax = model.layers[-1].kind == "softmax"
    if index == last and (has_softmax or bw.loss == "squared_error"):
        if bw.loss == "cross_entropy":
            hit = where[0] == bw.label
            return {**head, "rule": "cross_entropy", "probability": float(p[bw.label]), "is_label": hit,
                    "sum": -1 / float(p[bw.label]) if hit else 0.0}
        target = float(where[0] == bw.label)
        o = float(bw.steps[-1].output[0][where])
        return {**head, "rule": "squared_error", "output": o, "target": target, "sum": o - target}
    if bw.loss == "cross_entropy" and index == (last - 1 if has_softmax else last):
        one_hot = float(where[0] == bw.label)
        return {**head, "rule": "softmax_cross_entropy", "probability": float(p[where]), "one_hot": one_hot,
                "sum": float(p[where]) - one_hot}
    nxt = index + 1
    layer = model.layers[nxt]
    x = layer_input(bw.steps, nxt, bw.network_input)
    parts = layer.explain_gradient(x, bw.steps[nxt].output[0], where, model.layer_params(nxt),
                                   bw.output_grads[layer.name], bw.output_grads[layer_name if index >= 0 else INPUT])
    return {**head, "rule": layer.kind, "via_layer": layer.name, **parts}


def find_param(model, name):
    """'conv1.weight' -> (layer index, "weight"), or a NeuronError listing the parameters."""
    shapes = model.architecture.param_shapes()
    if not isinstance(name, str) or name not in shapes:
        raise NeuronError(f"unknown parameter {name!r}; this model has: {', '.join(shapes)}", "param.unknown",
                          param=str(name), params=list(shapes))
    layer_name, part = name.rsplit(".", 1)
    return find_layer(model, layer_name), part


def explain_param_gradient(model, bw, param, index, epsilon=None):
    """The arithmetic behind one parameter's gradient, e.g. param "conv1.weight", index [f, c, i, j];
    with epsilon, also the numerical check (L(w + eps) - L(w - eps)) / 2 eps."""
    i, part = find_param(model, param)
    where = check_neuron(model.params[param].shape, index)
    layer = model.layers[i]
    x = layer_input(bw.steps, i, bw.network_input)
    layer_grads = {p: bw.grads[f"{layer.name}.{p}"] for p in layer.param_names}
    parts = layer.explain_param_gradient(x, bw.steps[i].output[0], part, where, model.layer_params(i),
                                         bw.output_grads[layer.name], layer_grads)
    result = {"param": param, "layer": layer.name, "kind": layer.kind, "part": part, "index": list(where),
              "value": float(model.params[param][where]), "loss": bw.loss, "label": bw.label, **parts}
    if epsilon is not None:
        result["check"] = gradient_check(model, bw, param, where, epsilon)
    return result


def gradient_check(model, bw, param, where, epsilon):
    """Nudge one weight by ±epsilon and measure the loss, in float64 (CS231n's centred difference)."""
    model64 = model.with_params({k: v.astype(np.float64) for k, v in model.params.items()})
    x64 = bw.network_input.astype(np.float64)
    losses = []
    for sign in (1, -1):
        w = model64.params[param].copy()
        w[where] += sign * epsilon
        losses.append(loss_value(model64.with_params({param: w}), x64, bw.label, bw.loss))
    numeric = (losses[0] - losses[1]) / (2 * epsilon)
    backprop = float(bw.grads[param][where])
    scale = max(abs(numeric), abs(backprop), 1e-12)
    return {"epsilon": epsilon, "loss_plus": float(losses[0]), "loss_minus": float(losses[1]),
            "numeric": float(numeric), "backprop": backprop, "relative_difference": abs(numeric - backprop) / scale}


# ----------------------------------------------------------------- animations
def animate_gradient(model, bw, layer_name, channel, focus=0):
    """Every step of layer_name's backward pass for one output channel (or dense unit)."""
    index, layer, x, out, result = layer_request(model, bw.steps, layer_name, channel, bw.network_input)
    result.update(loss=bw.loss, label=bw.label)
    dx = bw.output_grads[bw.steps[index - 1].name if index else INPUT]
    args = (x, out, channel, model.layer_params(index), bw.output_grads[layer.name], dx)
    if layer.kind == "conv":
        if not isinstance(focus, int) or isinstance(focus, bool) or not 0 <= focus < x.shape[0]:
            raise NeuronError(f"give 'focus' as an input channel from 0 to {x.shape[0] - 1}", "channel.invalid",
                              layer=layer.name, max=x.shape[0] - 1)
        result.update(layer.animate_gradient(*args, focus=focus))
    else:
        result.update(layer.animate_gradient(*args))
    return result


# --------------------------------------------------------------- one SGD step
def on_examples(model, images, labels):
    """How a model does on other images (the gallery): {"accuracy", "loss" (mean cross-entropy), "count"}."""
    from ..training.evaluate import to_input
    if not len(images):
        return None
    p = model.forward(to_input(images, model.input_shape)).astype(np.float64)
    right = p[np.arange(len(labels)), labels]
    return {"accuracy": float((p.argmax(axis=1) == labels).mean()),
            "loss": float(-np.log(np.maximum(right, 1e-300)).mean()), "count": int(len(labels))}


def sgd_step(model, bw, learning_rate):
    """w <- w - learning_rate * dL/dw for every parameter: new float32 arrays (the model is not touched)."""
    return {k: (v - np.float32(learning_rate) * bw.grads[k]).astype(np.float32) for k, v in model.params.items()}
