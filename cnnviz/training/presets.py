"""The architectures cnnviz trains and ships, as plain data (what the model file stores), and the
metadata a model trained from each starts with (title in both languages, preprocessing recipe)."""
from ..engine.architecture import Architecture

DIGITS = {
    "input_shape": [1, 32, 32],  # the 28x28 digit padded by 2, as in LeNet and Harley's visualisation
    "layers": [
        {"name": "conv1", "kind": "conv", "filters": 6, "kernel": 5},
        {"name": "relu1", "kind": "relu"},
        {"name": "pool1", "kind": "maxpool", "size": 2, "stride": 2},
        {"name": "conv2", "kind": "conv", "filters": 16, "kernel": 5},
        {"name": "relu2", "kind": "relu"},
        {"name": "pool2", "kind": "maxpool", "size": 2, "stride": 2},
        {"name": "flatten", "kind": "flatten"},
        {"name": "fc1", "kind": "dense", "units": 120},
        {"name": "relu3", "kind": "relu"},
        {"name": "fc2", "kind": "dense", "units": 100},
        {"name": "relu4", "kind": "relu"},
        {"name": "fc3", "kind": "dense", "units": 10, "init": "glorot"},
        {"name": "softmax", "kind": "softmax"},
    ],
}

FASHION = {  # Tiny VGG in the spirit of CNN Explainer: two blocks of conv-relu-conv-relu-pool
    "input_shape": [1, 28, 28],
    "layers": [
        {"name": "conv1_1", "kind": "conv", "filters": 16, "kernel": 3},
        {"name": "relu1_1", "kind": "relu"},
        {"name": "conv1_2", "kind": "conv", "filters": 16, "kernel": 3},
        {"name": "relu1_2", "kind": "relu"},
        {"name": "pool1", "kind": "maxpool", "size": 2, "stride": 2},
        {"name": "conv2_1", "kind": "conv", "filters": 32, "kernel": 3},
        {"name": "relu2_1", "kind": "relu"},
        {"name": "conv2_2", "kind": "conv", "filters": 32, "kernel": 3},
        {"name": "relu2_2", "kind": "relu"},
        {"name": "pool2", "kind": "maxpool", "size": 2, "stride": 2},
        {"name": "flatten", "kind": "flatten"},
        {"name": "fc1", "kind": "dense", "units": 64},
        {"name": "relu3", "kind": "relu"},
        {"name": "fc2", "kind": "dense", "units": 10, "init": "glorot"},
        {"name": "softmax", "kind": "softmax"},
    ],
}

TINY = {  # trains in seconds: enough to watch a network learn in class
    "input_shape": [1, 28, 28],
    "layers": [
        {"name": "conv1", "kind": "conv", "filters": 8, "kernel": 5},
        {"name": "relu1", "kind": "relu"},
        {"name": "pool1", "kind": "maxpool", "size": 2, "stride": 2},
        {"name": "flatten", "kind": "flatten"},
        {"name": "fc1", "kind": "dense", "units": 10, "init": "glorot"},
        {"name": "softmax", "kind": "softmax"},
    ],
}

ARCHITECTURES = {"digits": DIGITS, "fashion": FASHION, "tiny": TINY}

# What a model trained from a preset starts its metadata with; a model file carries its own.
META = {
    "digits": {"title": {"en": "Handwritten digits (MNIST)", "zh": "手写数字（MNIST）"},
               "preprocess": "digit", "dataset": "mnist-10k", "epochs": 60, "order": 1},
    "fashion": {"title": {"en": "Clothing and shoes (Fashion-MNIST)", "zh": "服装与鞋（Fashion-MNIST）"},
                "preprocess": "fashion", "dataset": "fashion", "epochs": 15, "order": 2},
    "tiny": {"title": {"en": "A tiny network (digits)", "zh": "一个很小的网络（数字）"},
             "preprocess": "digit", "dataset": "mnist-10k", "epochs": 3},  # 94% in 3 epochs (lr 0.003)
}

# What a model trained in the studio is called: the network (its preset's, or the learner's own) and
# its data. The presets' titles above name the data they ship with, which a learner may change.
NETWORK_NAMES = {
    "digits": {"en": "LeNet-style network", "zh": "LeNet 式网络"},
    "fashion": {"en": "Tiny VGG", "zh": "Tiny VGG 网络"},
    "tiny": {"en": "Tiny network", "zh": "很小的网络"},
}
OWN_NETWORK = {"en": "Your own network", "zh": "你自己的网络"}
DATA_NAMES = {"mnist-10k": {"en": "handwritten digits", "zh": "手写数字"},
              "fashion": {"en": "clothing and shoes", "zh": "服装与鞋"}}


def preset_of(architecture):
    """The id of the preset architecture ({"input_shape", "layers"}) is, its layers' names aside (the
    studio renames them), or None: a network started from a preset and left as it was is that preset."""
    wanted = _unnamed(architecture)
    return next((preset for preset, spec in ARCHITECTURES.items() if _unnamed(spec) == wanted), None)


def _unnamed(architecture):
    """The architecture with every setting spelt out (defaults too) and no layer names."""
    arch = Architecture(architecture["layers"], architecture["input_shape"])
    return list(arch.input_shape), [{k: v for k, v in layer.spec().items() if k != "name"} for layer in arch.layers]
