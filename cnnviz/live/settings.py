"""A training job's settings, checked at the boundary: -> a plain dict the worker trusts.

{"dataset", "train_size", "architecture": {"input_shape", "layers"}, "preset", "optimiser", "lr",
 "batch_size", "epochs", "augment", "seed"}; every refusal is an InputError with a stable code.
"""
import copy

from ..data import FASHION_DIR
from ..engine.architecture import Architecture
from ..errors import InputError
from ..training.presets import ARCHITECTURES

DATASETS = {"mnist-10k": 9000, "fashion": 60000}  # training images of each
OPTIMISERS = ("adam", "sgd")
INPUT_SHAPES = ([1, 28, 28], [1, 32, 32])
CLASSES = 10
MAX_PARAMETERS = 2_000_000  # what a model file may hold (8 MB of float32), whatever its compute


def dataset_available(name):
    return name == "mnist-10k" or (name == "fashion" and (FASHION_DIR / "train-images-idx3-ubyte.gz").exists())


def _number(fields, name, default, low, high, kind=int):
    value = fields.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and int(value) != value):
        raise InputError(f"'{name}' must be a number from {low} to {high}", "field.range", field=name,
                         low=low, high=high)
    if not low <= value <= high:
        raise InputError(f"'{name}' must be from {low} to {high}", "field.range", field=name, low=low, high=high)
    return kind(value)


def architecture_from(value):
    """A preset id or {"layers": [...], "input_shape": [1, 28, 28]} -> (spec, preset id or None)."""
    if isinstance(value, str):
        if value not in ARCHITECTURES:
            raise InputError(f"unknown preset {value!r}; presets: {', '.join(ARCHITECTURES)}",
                             "jobs.preset_unknown", preset=value, presets=list(ARCHITECTURES))
        return copy.deepcopy(ARCHITECTURES[value]), value
    if not isinstance(value, dict) or not isinstance(value.get("layers"), list):
        raise InputError("'architecture' is a preset id or {\"layers\": [...]}", "field.missing",
                         field="architecture")
    input_shape = value.get("input_shape", [1, 28, 28])
    if input_shape not in INPUT_SHAPES:
        raise InputError("the input is a 28x28 or 32x32 grey image", "jobs.input_shape")
    layers = copy.deepcopy(value["layers"])
    arch = Architecture(layers, input_shape)  # raises ShapeError with the reason
    if arch.layers[-1].kind != "softmax":
        layers.append({"name": "softmax", "kind": "softmax"})
        arch = Architecture(layers, input_shape)
    if tuple(arch.output_shape) != (CLASSES,):
        raise InputError(f"the network must end with {CLASSES} outputs (one per class); it ends with "
                         f"{list(arch.output_shape)}", "jobs.output_shape", classes=CLASSES,
                         shape=list(arch.output_shape))
    if arch.parameter_count() > MAX_PARAMETERS:
        raise InputError(f"this network has {arch.parameter_count():,} parameters; the most is {MAX_PARAMETERS:,}",
                         "jobs.too_many_params", parameters=arch.parameter_count(), limit=MAX_PARAMETERS)
    return {"input_shape": list(input_shape), "layers": [layer.spec() for layer in arch.layers]}, None


def settings_from(fields):
    dataset = fields.get("dataset", "mnist-10k")
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise InputError(f"'dataset' is one of {', '.join(DATASETS)}", "field.choice", field="dataset",
                         choices=list(DATASETS))
    if not dataset_available(dataset):
        raise InputError("Fashion-MNIST is not installed on this server: sudo apt-get install "
                         "dataset-fashion-mnist", "jobs.dataset_missing", dataset=dataset)
    most = DATASETS[dataset]
    size = fields.get("train_size", "all")
    train_size = most if size in ("all", None) else _number(fields, "train_size", most, 100, most)
    spec, preset = architecture_from(fields.get("architecture", "tiny"))
    optimiser = fields.get("optimiser", "adam")
    if not isinstance(optimiser, str) or optimiser not in OPTIMISERS:
        raise InputError(f"'optimiser' is one of {', '.join(OPTIMISERS)}", "field.choice", field="optimiser",
                         choices=list(OPTIMISERS))
    augment = fields.get("augment", False)
    if not isinstance(augment, bool):
        raise InputError("'augment' is true or false", "field.type", field="augment")
    return {"dataset": dataset, "train_size": train_size, "architecture": spec, "preset": preset,
            "optimiser": optimiser, "lr": _number(fields, "lr", 0.003 if optimiser == "adam" else 0.05,
                                                  1e-5, 1.0, float),
            "batch_size": _number(fields, "batch_size", 64, 1, 512),
            "epochs": _number(fields, "epochs", 3, 1, 50), "augment": augment,
            "seed": _number(fields, "seed", 0, 0, 2 ** 31 - 1)}


def work(settings):
    """Multiply-adds a job does, for the size bound: epochs x images x one forward pass."""
    arch = Architecture(settings["architecture"]["layers"], settings["architecture"]["input_shape"])
    macs = sum(layer.macs(s.input_shape, s.output_shape) for layer, s in zip(arch.layers, arch.shapes))
    return settings["epochs"] * settings["train_size"] * macs
