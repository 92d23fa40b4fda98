"""The architecture calculator: per layer, the output shape, activations, float32 memory, weights,
biases, multiply-adds and receptive field, from shapes alone — built on engine.Architecture and the
kinds' output_shape / param_shapes / macs / window, so it never allocates a weight (VGG16 would
need ~550 MB) and never restates a shape rule.

Activations are counted as CS231n's VGGNet table counts them: the input, and every layer's output
except elementwise activations and flatten (run in place / a view, so they need no new memory).
"""
import csv
import io

import numpy as np

from ..engine.architecture import MAX_LAYERS, Architecture
from ..engine.architecture import _check_input_shape as check_input_shape
from ..engine.kinds import ShapeError, layer_from_spec
from ..training.presets import ARCHITECTURES

BYTES_PER_VALUE = 4  # float32
IN_PLACE = {"relu", "tanh", "sigmoid", "flatten"}


def _conv(name, filters, kernel=3, stride=1, padding=1):
    return {"name": name, "kind": "conv", "filters": filters, "kernel": kernel, "stride": stride, "padding": padding}


def _vgg16():
    layers, blocks = [], [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
    for b, (filters, convs) in enumerate(blocks, 1):
        for c in range(1, convs + 1):
            layers += [_conv(f"conv{b}_{c}", filters), {"name": f"relu{b}_{c}", "kind": "relu"}]
        layers.append({"name": f"pool{b}", "kind": "maxpool", "size": 2, "stride": 2})
    layers.append({"name": "flatten", "kind": "flatten"})
    for i, units in enumerate((4096, 4096, 1000), 1):
        layers.append({"name": f"fc{i}", "kind": "dense", "units": units})
        if i < 3:
            layers.append({"name": f"relu_fc{i}", "kind": "relu"})
    return {"input_shape": [3, 224, 224], "layers": layers}


def _alexnet():  # CS231n's AlexNet (227 x 227 input, no grouping)
    layers = [_conv("conv1", 96, 11, 4, 0), {"name": "relu1", "kind": "relu"},
              {"name": "pool1", "kind": "maxpool", "size": 3, "stride": 2},
              _conv("conv2", 256, 5, 1, 2), {"name": "relu2", "kind": "relu"},
              {"name": "pool2", "kind": "maxpool", "size": 3, "stride": 2},
              _conv("conv3", 384), {"name": "relu3", "kind": "relu"},
              _conv("conv4", 384), {"name": "relu4", "kind": "relu"},
              _conv("conv5", 256), {"name": "relu5", "kind": "relu"},
              {"name": "pool5", "kind": "maxpool", "size": 3, "stride": 2}, {"name": "flatten", "kind": "flatten"},
              {"name": "fc6", "kind": "dense", "units": 4096}, {"name": "relu6", "kind": "relu"},
              {"name": "fc7", "kind": "dense", "units": 4096}, {"name": "relu7", "kind": "relu"},
              {"name": "fc8", "kind": "dense", "units": 1000}]
    return {"input_shape": [3, 227, 227], "layers": layers}


def _lenet5():
    return {"input_shape": [1, 32, 32], "layers": [
        _conv("c1", 6, 5, 1, 0), {"name": "tanh1", "kind": "tanh"}, {"name": "s2", "kind": "avgpool", "size": 2},
        _conv("c3", 16, 5, 1, 0), {"name": "tanh2", "kind": "tanh"}, {"name": "s4", "kind": "avgpool", "size": 2},
        {"name": "flatten", "kind": "flatten"}, {"name": "c5", "kind": "dense", "units": 120},
        {"name": "tanh3", "kind": "tanh"}, {"name": "f6", "kind": "dense", "units": 84},
        {"name": "tanh4", "kind": "tanh"}, {"name": "output", "kind": "dense", "units": 10}]}


PRESETS = {"vgg16": _vgg16(), "alexnet": _alexnet(), "lenet5": _lenet5(),
           "digits": ARCHITECTURES["digits"], "fashion": ARCHITECTURES["fashion"]}
# What CS231n's VGGNet table claims for its total (its rows add to far less: see calculate()).
TUTORIAL_CLAIMS = {"vgg16": {"activations": 24_000_000, "millions": 24, "megabytes": 93, "parameters": 138_000_000}}


def named(layer_specs):
    """Give unnamed layers a name (kind + position), as the learner's own rows may have none."""
    out = []
    for i, spec in enumerate(layer_specs):
        if isinstance(spec, dict) and not spec.get("name"):
            spec = {**spec, "name": f"{spec.get('kind', 'layer')}{i + 1}"}
        out.append(spec)
    return out


def _valid_prefix(layer_specs, input_shape):
    """(Architecture of the layers that fit, (index, ShapeError) of the first that does not, or None)."""
    check_input_shape(input_shape)
    if not isinstance(layer_specs, list) or len(layer_specs) > MAX_LAYERS:
        raise ShapeError(f"an architecture has 1 to {MAX_LAYERS} layers", "architecture.layers", max=MAX_LAYERS)
    end, problem = len(layer_specs), None
    for i, spec in enumerate(layer_specs):
        try:
            layer_from_spec(spec)  # the layer itself: kind, name, hyperparameters
        except ShapeError as e:
            end, problem = i, (i, e)
            break
    if end == 0:
        return None, problem
    try:
        return Architecture(layer_specs[:end], input_shape), problem
    except ShapeError as e:  # a layer that does not fit its input's shape
        names = [s.get("name") for s in layer_specs[:end]]
        if e.params.get("layer") not in names:
            raise  # not one layer's problem (e.g. duplicate names): the whole request is bad
        i = names.index(e.params["layer"])
        return (Architecture(layer_specs[:i], input_shape) if i else None), (i, e)


def _receptive(arch):
    """Receptive field (rows, cols) on the input of each layer's outputs: rf += (span - 1) * jump."""
    rf, jump, fields = 1, 1, []
    whole = list(arch.input_shape[1:]) if len(arch.input_shape) == 3 else None
    for layer, s in zip(arch.layers, arch.shapes):
        if len(s.output_shape) != 3:
            fields.append(whole)  # a flat output sees the whole input
            continue
        span, stride = layer.window()
        rf, jump = rf + (span - 1) * jump, jump * stride
        fields.append([rf, rf])
    return fields


def calculate(layer_specs, input_shape, preset=None):
    """-> {"input": row, "layers": [row...], "totals": {...}, "error": first invalid layer or None}."""
    specs = named(layer_specs)
    arch, problem = _valid_prefix(specs, input_shape)
    in_values = int(np.prod(input_shape))
    rows = []
    if arch is not None:
        for layer, s, rf in zip(arch.layers, arch.shapes, _receptive(arch)):
            values = int(np.prod(s.output_shape))
            counted = layer.kind not in IN_PLACE
            p = {k: int(np.prod(v)) for k, v in s.param_shapes.items()}
            rows.append({**layer.spec(), "input_shape": list(s.input_shape), "output_shape": list(s.output_shape),
                         "activations": values, "counted": counted,
                         "bytes": values * BYTES_PER_VALUE if counted else 0,
                         "weights": p.get("weight", 0), "biases": p.get("bias", 0),
                         "macs": int(layer.macs(s.input_shape, s.output_shape)), "receptive_field": rf})
    error = None
    if problem:
        i, e = problem
        error = {"index": i, "layer": specs[i].get("name"), "code": e.code, "message": e.message, "params": e.params}
        rows.append({**specs[i], "error": error})
        rows += [{**s, "unknown": True} for s in specs[i + 1:]]
    ok = [r for r in rows if "output_shape" in r]
    activations = in_values + sum(r["activations"] for r in ok if r["counted"])
    weights, biases = sum(r["weights"] for r in ok), sum(r["biases"] for r in ok)
    totals = {"weights": weights, "biases": biases, "parameters": weights + biases, "activations": activations,
              "bytes_forward": activations * BYTES_PER_VALUE, "macs": sum(r["macs"] for r in ok),
              "activations_millions": round(activations / 1e6, 1),
              "megabytes_forward": round(activations * BYTES_PER_VALUE / 1e6, 1)}
    return {"preset": preset, "input_shape": list(input_shape), "input_activations": in_values,
            "input_bytes": in_values * BYTES_PER_VALUE,
            "layers": rows, "totals": totals, "error": error, "claims": TUTORIAL_CLAIMS.get(preset)}


def calculate_preset(name):
    spec = PRESETS[name]
    return calculate(spec["layers"], spec["input_shape"], preset=name)


def _hyper(row):
    keys = ("filters", "kernel", "stride", "padding", "dilation", "size", "units")
    return " ".join(f"{k}={row[k]}" for k in keys if k in row)


def to_csv(result):
    """The table as CSV text (one row per layer, then the totals)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["layer", "kind", "hyperparameters", "output_shape", "activations", "memory_bytes_float32",
                "weights", "biases", "multiply_adds", "receptive_field", "problem"])
    shape = lambda s: "x".join(map(str, s)) if s else ""
    w.writerow(["input", "input", "", shape(result["input_shape"]), result["input_activations"],
                result["input_activations"] * BYTES_PER_VALUE, 0, 0, 0, "1x1", ""])
    for r in result["layers"]:
        problem = r["error"]["message"] if "error" in r else ("not computed" if r.get("unknown") else "")
        w.writerow([r.get("name"), r.get("kind"), _hyper(r), shape(r.get("output_shape")), r.get("activations", ""),
                    r.get("bytes", ""), r.get("weights", ""), r.get("biases", ""), r.get("macs", ""),
                    shape(r.get("receptive_field")), problem])
    t = result["totals"]
    w.writerow(["total", "", "", "", t["activations"], t["bytes_forward"], t["weights"], t["biases"], t["macs"], "", ""])
    return buf.getvalue()
