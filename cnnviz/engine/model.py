"""A sequential CNN whose forward pass can return a trace of every step.

A model file is a pair: ``NAME.json`` (architecture, labels, metadata, the name
and SHA-256 of its weights file) and ``NAME.<hash>.npz`` (named float32 arrays
such as ``conv1.weight``; older models: ``NAME.npz``). The weights are written
first under a name of their own, then the JSON that names them, each atomically:
a reader never pairs a new JSON with old weights. Loading checks every array and
refuses an architecture larger than its weights before allocating it.
"""
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..atomic import write_bytes_atomic
from .architecture import Architecture
from .kinds import ShapeError
from .losses import LOSSES

FORMAT = "cnnviz-model/1"
MAX_PARAMETERS = 20_000_000  # a loaded architecture may declare at most this many weights (80 MB)
LOAD_ERRORS = (ValueError, TypeError, KeyError, ArithmeticError, MemoryError)  # a bad architecture


class ModelFileError(Exception):
    """A model file is missing, corrupt, truncated or does not match its architecture."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


class TraceStep(NamedTuple):
    name: str
    kind: str
    input_shape: tuple
    output: np.ndarray


class Model:
    """An architecture plus its parameters {"conv1.weight": array, ...} and metadata.

    Layers hold no weights: each call passes the model's parameters in, so
    ``with_params`` gives a model that differs in a few arrays and shares the
    rest (cheap, and safe across threads). ``freeze`` makes every array
    read-only, so the shared model of a server can never be written to.
    """

    def __init__(self, layer_specs, input_shape, meta=None, seed=0, params=None):
        self.architecture = Architecture(layer_specs, input_shape)
        self.meta = dict(meta or {})
        self.params = self.architecture.init_params(seed) if params is None else dict(params)

    @property
    def layers(self):
        return self.architecture.layers

    @property
    def input_shape(self):
        return self.architecture.input_shape

    @property
    def output_shape(self):
        return self.architecture.output_shape

    # ------------------------------------------------------------- structure
    @property
    def classes(self):
        return self.meta.get("classes", [str(i) for i in range(self.output_shape[0])])

    def parameters(self):
        """{"conv1.weight": array, ...} in layer order (the arrays themselves, not copies)."""
        return self.params

    def layer_params(self, i):
        """Layer i's parameters as {"weight": array, "bias": array}."""
        layer = self.layers[i]
        return {p: self.params[f"{layer.name}.{p}"] for p in layer.param_names}

    def parameter_count(self):
        return self.architecture.parameter_count()

    def describe(self):
        return self.architecture.describe()

    def __repr__(self):
        return f"Model {self.meta.get('id', '')} " + repr(self.architecture)

    def with_params(self, overrides):
        """A model that uses overrides {"conv1.weight": array, ...} and shares every other array.

        Shapes must match; the arrays are not copied, so callers pass arrays of their own."""
        expected = self.architecture.param_shapes()
        for name, value in overrides.items():
            if name not in expected:
                raise ShapeError(f"no parameter {name!r}; this model has: {', '.join(expected)}",
                                 "weights.unknown", name=name)
            if tuple(value.shape) != tuple(expected[name]):
                raise ShapeError(f"{name} needs shape {list(expected[name])}, got {list(value.shape)}",
                                 "weights.shape", name=name, shape=list(expected[name]))
        twin = object.__new__(Model)
        twin.architecture, twin.meta = self.architecture, self.meta
        twin.params = {**self.params, **overrides}
        return twin

    def copy(self):
        """A model with its own writable copy of every array (for training from this one)."""
        return self.with_params({k: np.array(v) for k, v in self.params.items()})

    def freeze(self):
        for value in self.params.values():
            value.setflags(write=False)
        return self

    # --------------------------------------------------------------- forward
    def _check_input(self, x):
        if x.ndim != 4 or tuple(x.shape[1:]) != self.input_shape:
            raise ShapeError(f"expected input (N, {', '.join(map(str, self.input_shape))}),"
                             f" got {tuple(x.shape)}", "input.shape")

    def forward(self, x):
        """x (N, C, H, W) -> the last layer's output (class probabilities)."""
        self._check_input(x)
        for i, layer in enumerate(self.layers):
            x, _ = layer.forward(x, self.layer_params(i))
        return x

    def trace(self, x):
        """Forward pass returning [TraceStep(name, kind, input_shape, output)], one per layer."""
        self._check_input(x)
        steps = []
        for i, layer in enumerate(self.layers):
            shape = x.shape
            x, _ = layer.forward(x, self.layer_params(i))
            steps.append(TraceStep(layer.name, layer.kind, shape, x))
        return steps

    # -------------------------------------------------------------- training
    def loss_and_grads(self, x, y, loss="cross_entropy", output_grads=False, workspace=None):
        """-> (loss on the batch, {param name: gradient}, the scores the loss saw[, output gradients]).

        cross_entropy: y are class indices (N,); a trailing softmax layer is folded
        into the loss for stability. squared_error: y are targets (N, K) compared
        with the model's output, as in the lesson's sum of 1/2 (target - output)^2.
        output_grads=True also returns {layer name: d loss / d that layer's output}
        for every layer the loss saw (and the input gradient under "input").
        workspace (engine/memory.py), from a training loop: the layers' large temporaries live in
        its arrays and are overwritten by the next call; the results returned are never among them.
        """
        self._check_input(x)
        layers = list(self.layers)
        if loss == "cross_entropy" and layers[-1].kind == "softmax":
            layers = layers[:-1]
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}")
        if output_grads and workspace is not None:
            raise ValueError("output_grads returns layer gradients: it cannot use a workspace's buffers")
        buffers = [None if workspace is None else workspace.scope(i) for i in range(len(layers))]
        params = [self.layer_params(i) for i in range(len(layers))]
        caches = []
        for i, layer in enumerate(layers):
            x, cache = layer.forward(x, params[i], buffers[i])
            caches.append(cache)
        scores = x
        value, dout = LOSSES[loss](scores, y)
        grads, outs = {}, {}
        for i in range(len(layers) - 1, -1, -1):
            outs[layers[i].name] = dout
            need_dx = i > 0 or output_grads  # the input itself needs no gradient in training
            dout, layer_grads = layers[i].backward(dout, caches[i], params[i], need_dx, buffers[i])
            for p, g in layer_grads.items():
                grads[f"{layers[i].name}.{p}"] = g
        if output_grads:
            outs["input"] = dout
            return value, grads, scores, outs
        return value, grads, scores

    # ------------------------------------------------------------------ files
    def spec(self):
        return {"format": FORMAT, "input_shape": list(self.input_shape),
                "layers": [layer.spec() for layer in self.layers], **self.meta}

    def save(self, json_path):
        """Write NAME.<hash>.npz then NAME.json naming it, each atomically.

        The previous weights file stays (a reader may have just read the previous JSON);
        older ones are removed.
        """
        json_path = Path(json_path)
        buf = io.BytesIO()
        np.savez(buf, **{k: np.asarray(v, np.float32) for k, v in self.parameters().items()})
        weights = buf.getvalue()
        sha = hashlib.sha256(weights).hexdigest()
        weights_path = json_path.with_name(f"{json_path.stem}.{sha[:16]}.npz")
        try:  # the weights a reader of the current JSON may be about to open
            previous = _weights_path(json_path, _read_spec(json_path))
        except ModelFileError:  # none yet, or unreadable: nobody can be reading it
            previous = None
        write_bytes_atomic(weights_path, weights)
        spec = {**self.spec(), "weights_file": weights_path.name, "weights_sha256": sha}
        write_bytes_atomic(json_path, (json.dumps(spec, indent=1, ensure_ascii=False) + "\n").encode())
        for old in [json_path.with_suffix(".npz"), *json_path.parent.glob(f"{json_path.stem}.*.npz")]:
            if old not in (weights_path, previous):
                old.unlink(missing_ok=True)
        self.weights_path = weights_path

    @classmethod
    def load(cls, json_path):
        json_path = Path(json_path)
        spec = _read_spec(json_path)
        meta = {k: v for k, v in spec.items()
                if k not in ("format", "input_shape", "layers", "weights_file", "weights_sha256")}
        try:
            model = cls(spec["layers"], spec["input_shape"], meta, seed=_BudgetRng(MAX_PARAMETERS, json_path))
        except ModelFileError:
            raise
        except LOAD_ERRORS as e:
            raise ModelFileError(json_path, f"bad architecture: {e.__class__.__name__}: {e}") from None
        npz_path = _weights_path(json_path, spec)
        arrays = _read_weights(npz_path, spec.get("weights_sha256"))
        expected = model.parameters()
        missing = sorted(set(expected) - set(arrays))
        extra = sorted(set(arrays) - set(expected))
        if missing or extra:
            raise ModelFileError(npz_path, f"weights do not match the architecture "
                                           f"(missing {missing}, unexpected {extra})")
        for name, target in expected.items():
            value = arrays[name]
            if value.shape != target.shape:
                raise ModelFileError(npz_path, f"{name} has shape {value.shape}, "
                                               f"the architecture needs {target.shape}")
            if value.dtype.kind != "f" or not np.isfinite(value).all():
                raise ModelFileError(npz_path, f"{name} is not an array of finite floats")
            target[...] = value
        model.weights_path = npz_path
        return model


class _BudgetRng(np.random.Generator):
    """The random initialiser for loading: it refuses to create more than `budget` weights in all,
    so an architecture declaring a huge layer fails before its memory is allocated."""

    def __init__(self, budget, path):
        super().__init__(np.random.PCG64(0))
        self.budget, self.path = budget, path

    def _take(self, size):
        n = int(np.prod(size)) if size is not None else 1
        if n > self.budget:
            raise ModelFileError(self.path, f"the architecture is too large: a layer needs {n:,} weights, "
                                            f"more than the {MAX_PARAMETERS:,} a model may have")
        self.budget -= n

    def standard_normal(self, size=None, *args, **kwargs):
        self._take(size)
        return super().standard_normal(size, *args, **kwargs)

    def uniform(self, low=0.0, high=1.0, size=None):
        self._take(size)
        return super().uniform(low, high, size)


def _weights_path(json_path, spec):
    """The weights file the JSON names (a plain file name beside it), or NAME.npz for older models."""
    name = spec.get("weights_file")
    if name is None:
        return json_path.with_suffix(".npz")
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".npz"):
        raise ModelFileError(json_path, f"'weights_file' must name a .npz file beside it, got {name!r}")
    return json_path.with_name(name)


def _read_spec(path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ModelFileError(path, f"cannot read: {e}") from None
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelFileError(path, f"not valid JSON ({e})") from None
    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        raise ModelFileError(path, f"not a {FORMAT} architecture file")
    for key in ("input_shape", "layers"):
        if key not in spec:
            raise ModelFileError(path, f"missing {key!r}")
    return spec


def _read_weights(path, expected_sha256):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(path, "weights file not found") from None
    except OSError as e:
        raise ModelFileError(path, f"cannot read: {e}") from None
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ModelFileError(path, "weights do not match the architecture file "
                                   "(SHA-256 differs: truncated, corrupt or from another model)")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as e:
        raise ModelFileError(path, f"not a readable .npz file ({e})") from None


def models_dir():
    """Folder of the models that ship with cnnviz (overridable with CNNVIZ_MODELS)."""
    return Path(os.environ.get("CNNVIZ_MODELS", Path(__file__).resolve().parents[1] / "models"))
