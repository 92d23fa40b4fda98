"""Per-request weights: parameters of the shared model replaced for one request only.

The request's "weights" object maps parameter names to one of:
- a whole array: nested lists, or {"shape": [...], "dtype": "float32", "data": base64 little-endian};
- one filter (conv) or unit (dense) of it: {"filter": i, "values": nested lists};
- one bias entry: {"filter": i, "value": number}.
The result is a dict for ``Model.with_params``: fresh arrays, never views of the shared model,
which stays untouched (its arrays are read-only).
"""
import base64
import binascii

import numpy as np

from ..errors import InputError

MAX_VALUES = 2_000_000  # numbers one request may replace (the shipped models have ~64,000)
MAX_ABS = 1e6


def _array(value, name, shape):
    if isinstance(value, dict) and "data" in value:
        if value.get("dtype") != "float32" or list(value.get("shape", [])) != list(shape):
            raise InputError(f"{name}: send shape {list(shape)} and dtype float32", "weights.shape",
                             name=name, shape=list(shape))
        try:
            raw = base64.b64decode(value["data"], validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise InputError(f"{name}: the base64 data is corrupt", "weights.data", name=name) from None
        if len(raw) != 4 * int(np.prod(shape)):
            raise InputError(f"{name}: expected {int(np.prod(shape))} float32 values", "weights.shape",
                             name=name, shape=list(shape))
        a = np.frombuffer(raw, "<f4").astype(np.float32).reshape(shape)
    else:
        try:
            a = np.asarray(value, dtype=np.float64)
        except (ValueError, TypeError, OverflowError):
            raise InputError(f"{name}: values must be a rectangular array of numbers", "weights.data",
                             name=name) from None
        if a.shape != tuple(shape):
            raise InputError(f"{name} needs shape {list(shape)}, got {list(a.shape)}", "weights.shape",
                             name=name, shape=list(shape))
    if not np.isfinite(a).all() or (a.size and np.abs(a).max() > MAX_ABS):
        raise InputError(f"{name}: values must be finite numbers within ±{MAX_ABS:g}", "weights.range",
                         name=name, limit=MAX_ABS)
    return a.astype(np.float32)


def overrides(fields, model):
    """fields["weights"] (optional) -> {param name: new float32 array} for model.with_params."""
    spec = fields.get("weights")
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise InputError("'weights' must be an object mapping parameter names to values", "weights.invalid")
    shapes = model.architecture.param_shapes()
    result, count = {}, 0
    for name, value in spec.items():
        if name not in shapes:
            raise InputError(f"no parameter {name!r}; this model has: {', '.join(shapes)}", "weights.unknown",
                             name=name, names=list(shapes))
        shape = shapes[name]
        if isinstance(value, dict) and "filter" in value:
            f = value["filter"]
            if isinstance(f, bool) or not isinstance(f, int) or not 0 <= f < shape[0]:
                raise InputError(f"{name}: 'filter' must be a whole number from 0 to {shape[0] - 1}",
                                 "weights.filter", name=name, max=shape[0] - 1)
            new = np.array(result.get(name, model.params[name]), dtype=np.float32)  # a copy, never a view
            part = value.get("values", value.get("value"))
            new[f] = _array(part, f"{name}[{f}]", shape[1:])
            count += int(np.prod(shape[1:]))
            result[name] = new
        else:
            result[name] = _array(value, name, shape)
            count += int(np.prod(shape))
        if count > MAX_VALUES:
            raise InputError(f"a request may replace at most {MAX_VALUES:,} numbers", "weights.too_many",
                             limit=MAX_VALUES)
    return result


def encode(array):
    """A float32 array in the compact form this module reads back: exact, base64 little-endian."""
    a = np.ascontiguousarray(array, dtype="<f4")
    return {"shape": list(a.shape), "dtype": "float32", "data": base64.b64encode(a.tobytes()).decode()}
