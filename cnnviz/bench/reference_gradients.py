"""Reference gradients from PyTorch autograd, saved as a small fixture the tests compare with.

    /path/to/torch-env/bin/python -m cnnviz reference-gradients   # writes tests/reference/gradients.npz

PyTorch is never a dependency of cnnviz or its tests: this command runs only where torch is
importable (a separate environment: pip install torch==2.13.0 numpy pillow flask, then
PYTHONPATH=. that-python -m cnnviz reference-gradients). For each shipped model and each case
(a gallery image with its true label and with a wrong one; cross-entropy and squared error) it
stores the input, the label, and, computed by autograd in float64 from the same float32 weights:
the loss, d loss / d every layer's output (and the input), and d loss / d every parameter.
"""
from pathlib import Path

import numpy as np

from ..engine.model import Model, models_dir
from ..teach.preprocess import from_pixels

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "reference" / "gradients.npz"
MODELS = ("digits", "fashion")
LOSSES = ("cross_entropy", "squared_error")


def cases(model):
    """[(case name, network input (1, C, H, W) float32, label)]: the gallery image the model finds
    hardest, with its true label, and the first gallery image with a wrong label. (An image the model
    is sure of has gradients near float32's rounding, which say nothing about the backward pass.)"""
    with np.load(models_dir() / f"{model.meta['id']}-examples.npz") as npz:
        images, labels = npz["images"], npz["labels"].astype(int)
    xs = [np.ascontiguousarray(from_pixels(im / 255.0, model.input_shape).tensor, np.float32) for im in images]
    usable = [i for i, x in enumerate(xs) if not has_near_tie(model, x)]
    probs = [model.forward(xs[i])[0, labels[i]] for i in usable]
    hard, first = usable[int(np.argmin(probs))], usable[0]
    return [("true", xs[hard], int(labels[hard])),
            ("wrong", xs[first], int((labels[first] + 3) % model.output_shape[0]))]


def has_near_tie(model, x, tolerance=1e-5):
    """Could a max-pooling window's winner depend on float32 rounding? Which of two nearly equal values
    wins is decided by the last bits of float32 sums, which differ between two correct implementations
    (they add in another order, or the BLAS library splits the work another way), and the whole
    gradient then goes to the other one. The forward pass is run in float64 to see them: "nearly" is
    within `tolerance` of the layer's largest value, and a ReLU's output is unsure where its input was
    that close to 0 (its sign could flip). Even exactly equal sums can come out unequal in float32
    (a BLAS library may add edge positions in another order), so a tie is safe only between clearly
    negative inputs of a ReLU (all 0) or conv outputs equal to their bias (no product: a blank
    background), which tie the same way everywhere: the first maximum."""
    exact = model.with_params({k: v.astype(np.float64) for k, v in model.params.items()})
    x = x.astype(np.float64)
    steps = exact.trace(x)
    for i, layer in enumerate(model.layers):
        if layer.kind != "maxpool":
            continue
        h = steps[i - 1].output[0] if i else x[0]
        relu_before = i >= 1 and model.layers[i - 1].kind == "relu"
        z = (steps[i - 2].output[0] if i >= 2 else x[0]) if relu_before else h
        conv = next((j for j in (i - 2, i - 1) if j >= 0 and model.layers[j].kind == "conv"), None)
        bias = exact.layer_params(conv)["bias"][:, None, None] if conv is not None else None
        margin = tolerance * max(float(np.abs(z).max()), 1e-30)
        k, s = layer.size, layer.stride

        def windows(a):
            w = np.lib.stride_tricks.sliding_window_view(a, (k, k), axis=(1, 2))[:, ::s, ::s]
            return w.reshape(*w.shape[:3], -1)

        hw, zw = windows(h), windows(z)
        near = hw >= hw.max(axis=-1, keepdims=True) - margin
        safe = np.zeros_like(near)
        if relu_before:
            safe |= zw <= -margin
        if bias is not None:
            safe |= windows(np.broadcast_to(z == bias, z.shape))
        if ((near.sum(axis=-1) >= 2) & (near & ~safe).any(axis=-1)).any():
            return True
    return False


def torch_gradients(model, x, label, loss, dtype="float32"):
    """-> (loss, {layer name or "input": d loss / d output}, {param name: gradient}) by autograd.

    float32 by default, the engine's own precision: in float64 a max-pooling window whose two
    largest values differ by less than float32's rounding could pick another winner."""
    import torch
    import torch.nn.functional as F
    dtype = getattr(torch, dtype)
    params = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in model.params.items()}
    h = torch.tensor(x, dtype=dtype, requires_grad=True)
    outputs = {"input": h}
    for layer in model.layers:
        w = lambda p: params[f"{layer.name}.{p}"]
        if layer.kind == "conv":
            h = F.conv2d(h, w("weight"), w("bias"), stride=layer.stride, padding=layer.padding,
                         dilation=layer.dilation)
        elif layer.kind == "maxpool":
            h = F.max_pool2d(h, layer.size, layer.stride)
        elif layer.kind == "avgpool":
            h = F.avg_pool2d(h, layer.size, layer.stride)
        elif layer.kind in ("relu", "tanh", "sigmoid"):
            h = getattr(torch, layer.kind)(h)
        elif layer.kind == "flatten":
            h = h.flatten(1)
        elif layer.kind == "dense":
            h = F.linear(h, w("weight"), w("bias"))
        elif layer.kind == "softmax":
            h = torch.softmax(h, dim=1)
        else:
            raise ValueError(f"no PyTorch twin for kind {layer.kind!r}")
        h.retain_grad()
        outputs[layer.name] = h
    p = h[0]
    if loss == "cross_entropy":  # -ln p_y of the softmax output (the engine folds the two; same value)
        value = -torch.log(p[label])
    else:
        target = torch.zeros_like(p)
        target[label] = 1
        value = 0.5 * ((target - p) ** 2).sum()
    outputs["input"].retain_grad()
    value.backward()
    return (value.item(), {k: v.grad[0].numpy() for k, v in outputs.items()},
            {k: v.grad.numpy() for k, v in params.items()})


def generate(path=FIXTURE):
    import torch
    arrays = {}
    for model_id in MODELS:
        model = Model.load(models_dir() / f"{model_id}.json")
        for case, x, label in cases(model):
            arrays[f"{model_id}/{case}/x"] = x
            arrays[f"{model_id}/{case}/label"] = np.array(label)
            for loss in LOSSES:
                value, outs, grads = torch_gradients(model, x, label, loss)
                key = f"{model_id}/{case}/{loss}"
                arrays[f"{key}/loss"] = np.array(value)
                arrays.update({f"{key}/out/{k}": v.astype(np.float32) for k, v in outs.items()})
                arrays.update({f"{key}/param/{k}": v.astype(np.float32) for k, v in grads.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB, {len(arrays)} arrays, torch {torch.__version__})")
    return 0


def compare(path=FIXTURE):
    """Print, per model, case and loss, the largest relative difference (max |engine - torch| / max |torch|,
    per array) over every layer output and every parameter: the figures the README quotes."""
    from ..teach.backward import backward
    worst_all = 0.0
    with np.load(path) as ref:
        for model_id in MODELS:
            model = Model.load(models_dir() / f"{model_id}.json")
            for case in ("true", "wrong"):
                x, label = ref[f"{model_id}/{case}/x"], int(ref[f"{model_id}/{case}/label"])
                for loss in LOSSES:
                    key = f"{model_id}/{case}/{loss}"
                    bw = backward(model, x, label, loss)
                    rows = [(f"out/{k}", v) for k, v in bw.output_grads.items()] + \
                           [(f"param/{k}", v) for k, v in bw.grads.items()]
                    errors = {name: relative_difference(v, ref[f"{key}/{name}"]) for name, v in rows}
                    worst = max(errors, key=errors.get)
                    loss_error = abs(bw.value - float(ref[f"{key}/loss"])) / abs(float(ref[f"{key}/loss"]))
                    worst_all = max(worst_all, errors[worst], loss_error)
                    print(f"{key:32s} loss {bw.value:.6g} (rel. diff {loss_error:.1e}); {len(rows)} arrays, "
                          f"largest rel. diff {errors[worst]:.1e} ({worst})")
    print(f"largest relative difference overall: {worst_all:.1e} (target: 1e-4)")
    return 0


def relative_difference(a, b):
    """max |a - b| / max |b| over the array (0 when both are all zeros)."""
    scale = float(np.abs(b).max())
    diff = float(np.abs(np.asarray(a, np.float64) - b).max())
    return diff / scale if scale else diff
