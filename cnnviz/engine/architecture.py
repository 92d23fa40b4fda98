"""An architecture: the input shape and the layers, with every shape and count computed from
shapes alone — no weights are allocated, so it also serves a calculator for VGG16 or AlexNet."""
from typing import NamedTuple

import numpy as np

from .kinds import ShapeError, layer_from_spec

MAX_LAYERS = 64
MAX_DIM = 4096


class LayerShape(NamedTuple):
    input_shape: tuple
    output_shape: tuple
    param_shapes: dict


class Architecture:
    def __init__(self, layer_specs, input_shape):
        self.input_shape = _check_input_shape(input_shape)
        if not isinstance(layer_specs, (list, tuple)) or not 0 < len(layer_specs) <= MAX_LAYERS:
            raise ShapeError(f"an architecture has 1 to {MAX_LAYERS} layers", "architecture.layers",
                             max=MAX_LAYERS)
        self.layers = [layer_from_spec(s) for s in layer_specs]
        names = [layer.name for layer in self.layers]
        if len(set(names)) != len(names):
            raise ShapeError(f"layer names must be unique: {names}", "layer.duplicate_name")
        self.shapes = []
        shape = self.input_shape
        for layer in self.layers:
            try:
                out = tuple(layer.output_shape(shape))
            except ShapeError as e:
                e.params.setdefault("layer", layer.name)
                raise
            self.shapes.append(LayerShape(shape, out, layer.param_shapes(shape)))
            shape = out
        self.output_shape = shape

    def names(self):
        return [layer.name for layer in self.layers]

    def index(self, name):
        """The position of the layer called name, or None."""
        names = self.names()
        return names.index(name) if name in names else None

    def param_shapes(self):
        """{"conv1.weight": (6, 1, 5, 5), ...} in layer order."""
        return {f"{layer.name}.{p}": s.param_shapes[p] for layer, s in zip(self.layers, self.shapes)
                for p in layer.param_names}

    def parameter_count(self):
        return int(sum(np.prod(shape) for shape in self.param_shapes().values()))

    def init_params(self, seed=0):
        """Fresh parameters (He or Glorot initialisation), seeded."""
        rng = np.random.default_rng(seed)
        params = {}
        for layer, s in zip(self.layers, self.shapes):
            for p, value in layer.init_params(s.input_shape, rng).items():
                params[f"{layer.name}.{p}"] = value
        return params

    def describe(self):
        """Per layer: its spec, input and output shape and parameter count."""
        return [{**layer.spec(), "input_shape": list(s.input_shape), "output_shape": list(s.output_shape),
                 "parameters": int(sum(np.prod(v) for v in s.param_shapes.values()))}
                for layer, s in zip(self.layers, self.shapes)]

    def spec(self):
        return {"input_shape": list(self.input_shape), "layers": [layer.spec() for layer in self.layers]}

    def __repr__(self):
        lines = [f"input {self.input_shape}"]
        for layer, d in zip(self.layers, self.describe()):
            lines.append(f"  {layer!r} {tuple(d['input_shape'])} -> {tuple(d['output_shape'])}, "
                         f"{d['parameters']} params")
        lines.append(f"  total {self.parameter_count()} parameters")
        return "\n".join(lines)


def _check_input_shape(shape):
    if not isinstance(shape, (list, tuple)) or len(shape) not in (1, 3) or \
            not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_DIM for v in shape):
        raise ShapeError(f"the input shape must be [C, H, W] (or [D]) of whole numbers from 1 to {MAX_DIM}",
                         "architecture.input_shape", max=MAX_DIM)
    return tuple(shape)
