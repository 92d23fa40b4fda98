"""Every layer kind, one module each, registered in KINDS: the one table that says which exist.

A new kind is one module here (its math, shapes, explanation and animation)
plus one line in KINDS, one JS module in static/js/kinds/ and its catalog strings.
"""
from .activation import ReLU, Sigmoid, Tanh
from .base import Layer, ShapeError, output_size
from .conv import Conv
from .dense import Dense
from .flatten import Flatten
from .pool import AvgPool, MaxPool
from .softmax import Softmax

KINDS = {cls.kind: cls for cls in (Conv, MaxPool, AvgPool, ReLU, Tanh, Sigmoid, Flatten, Dense, Softmax)}


def layer_from_spec(spec):
    """Build a layer from its model-file dict, e.g. {"name": "c1", "kind": "conv", "filters": 6, ...}."""
    if not isinstance(spec, dict):
        raise ShapeError(f"a layer must be an object, got {spec!r}", "layer.invalid")
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind not in KINDS:
        raise ShapeError(f"unknown layer kind {kind!r}; known: {', '.join(sorted(KINDS))}", "layer.kind",
                         kind=str(kind), kinds=sorted(KINDS))
    name = spec.get("name")
    if not isinstance(name, str) or not name or len(name) > 40:
        raise ShapeError(f"a {kind} layer needs a name of 1 to 40 characters", "layer.name", kind=kind)
    try:
        return KINDS[kind](**spec)
    except TypeError as e:
        raise ShapeError(f"layer {name!r} ({kind}): {e}", "layer.hyperparameter", layer=name) from None
    except ShapeError as e:  # a setting out of its range: the layer named too, as the page marks its row
        e.params.setdefault("layer", name)
        raise


__all__ = ["KINDS", "Layer", "ShapeError", "layer_from_spec", "output_size"]
