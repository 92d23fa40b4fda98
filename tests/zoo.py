"""A small model that uses every layer kind and every hyperparameter the engine has (stride,
padding, dilation, average pooling, tanh, sigmoid), written as model files like a shipped one."""
import shutil

import numpy as np

from cnnviz.engine.model import Model, models_dir

ZOO = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"name": "c1", "kind": "conv", "filters": 4, "kernel": 3, "padding": 1},  # 28
        {"name": "t1", "kind": "tanh"},
        {"name": "c2", "kind": "conv", "filters": 4, "kernel": 3, "padding": 2, "dilation": 2},  # 28
        {"name": "ap", "kind": "avgpool", "size": 2},  # 14
        {"name": "s1", "kind": "sigmoid"},
        {"name": "c3", "kind": "conv", "filters": 6, "kernel": 4, "stride": 2},  # 6
        {"name": "r1", "kind": "relu"},
        {"name": "mp", "kind": "maxpool", "size": 2},  # 3
        {"name": "fl", "kind": "flatten"},
        {"name": "d1", "kind": "dense", "units": 12},
        {"name": "t2", "kind": "tanh"},
        {"name": "d2", "kind": "dense", "units": 10, "init": "glorot"},
        {"name": "sm", "kind": "softmax"},
    ],
}


def write_models_folder(folder, seed=3):
    """The shipped models plus the zoo model, in folder; returns the zoo Model."""
    for path in models_dir().iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    meta = {"id": "zoo", "title": {"en": "Every layer kind", "zh": "所有层的种类"}, "dataset": "mnist-10k",
            "classes": [str(i) for i in range(10)], "preprocess": "digit", "order": 3}
    model = Model(ZOO["layers"], ZOO["input_shape"], meta, seed=seed)
    rng = np.random.default_rng(seed)
    for name, value in model.params.items():  # biases too, so no sum is trivially zero
        value += (0.1 * rng.standard_normal(value.shape)).astype(np.float32)
    model.save(folder / "zoo.json")
    return model
