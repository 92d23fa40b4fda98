"""Training a model on a dataset.

``training_events(...)`` does the work and yields what happens as plain dicts
(batch, epoch, filters, done), so the command line prints them and the studio
streams them; ``train(...)`` runs it to the end with a progress line.
"""
import os
import platform
import sys
import time

import numpy as np

from .evaluate import accuracy, to_input
from .presets import ARCHITECTURES, META
from ..data.augment import AUGMENTERS
from ..data import load_dataset
from ..engine.memory import Workspace
from ..engine.model import Model
from ..engine.optim import OPTIMISERS



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


def training_events(architecture, dataset, meta=None, epochs=10, batch_size=64, lr=1e-3, optimiser="adam",
                    seed=0, augment=True, weight_decay=0.0, limit=None, report_every=10, should_stop=None):
    """Train a new model of architecture ({"input_shape", "layers"}) on dataset, yielding events:

    {"type": "batch", "epoch", "batch", "batches", "seen", "loss", "accuracy", "images_per_second"}
    every report_every batches; {"type": "epoch", "epoch", "seen", "total", "loss", "train_accuracy",
    "test_accuracy", "seconds"} after each epoch, or after the part of it done when stopped (seen < total);
    {"type": "filters", "layer", "weights"} (the first conv layer) after each; last {"type": "done",
    "model", "history", "stopped"}. should_stop() is asked between batches: True ends training early and
    the model is kept as it is.
    """
    split, classes = load_dataset(dataset)
    x_train, y_train = split.x_train, split.y_train
    if limit and limit < len(x_train):  # a seeded random subset: the files are sorted by class
        pick = np.sort(np.random.default_rng(seed + 1).choice(len(x_train), limit, replace=False))
        x_train, y_train = x_train[pick], y_train[pick]
    meta = {"dataset": dataset, "classes": classes, "preprocess": "digit", **(meta or {})}
    model = Model(architecture["layers"], architecture["input_shape"], meta, seed=seed)
    opt = OPTIMISERS[optimiser](model.parameters(), lr=lr, weight_decay=weight_decay)
    rng = np.random.default_rng(seed)
    workspace = Workspace()  # every step reuses the last one's arrays: the same speed from the first batch
    augmenter = AUGMENTERS.get(meta["preprocess"]) if augment else None
    first_conv = next((layer.name for layer in model.layers if layer.kind == "conv"), None)
    steps_per_epoch = -(-len(x_train) // batch_size)
    total_steps, step, stopped = epochs * steps_per_epoch, 0, False
    history, started = [], time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        t0, seen, loss_sum, correct = time.perf_counter(), 0, 0.0, 0
        for batch, i in enumerate(range(0, len(order), batch_size), 1):
            if should_stop and should_stop():
                stopped = True
                break
            idx = order[i:i + batch_size]
            images = x_train[idx].astype(np.float32) / 255
            if augmenter:
                images = augmenter(images, rng)
            xb = to_input(images, model.input_shape)
            opt.lr = lr * 0.5 * (1 + np.cos(np.pi * step / total_steps))  # cosine decay
            loss, grads, logits = model.loss_and_grads(xb, y_train[idx], workspace=workspace)
            opt.step(grads)
            step += 1
            seen += len(idx)
            loss_sum += loss * len(idx)
            correct += int((logits.argmax(axis=1) == y_train[idx]).sum())
            if batch % report_every == 0 or i + batch_size >= len(order):
                yield {"type": "batch", "epoch": epoch, "epochs": epochs, "batch": batch,
                       "batches": steps_per_epoch, "seen": seen, "total": len(order), "loss": loss_sum / seen,
                       "accuracy": correct / seen, "images_per_second": seen / (time.perf_counter() - t0)}
        if seen:
            test_acc = accuracy(model, split.x_test, split.y_test)
            history.append({"epoch": epoch, "seen": seen, "total": len(order), "loss": loss_sum / seen,
                            "train_accuracy": correct / seen,
                            "test_accuracy": test_acc, "seconds": time.perf_counter() - t0})
            yield {"type": "epoch", **history[-1], "model": model}  # the live model: read it, don't keep it
            if first_conv:
                yield {"type": "filters", "layer": first_conv, "weights": model.params[f"{first_conv}.weight"]}
        if stopped:
            break
    model.meta["training"] = {
        "epochs": len(history),  # begun: one stopped part-way counts, so images_trained_on says how far it got
        "batch_size": batch_size, "optimiser": optimiser, "lr": lr,
        "lr_schedule": "cosine", "weight_decay": weight_decay, "seed": seed, "augment": augment,
        "train_images": int(len(x_train)), "test_images": int(len(split.x_test)),
        "images_trained_on": sum(h["seen"] for h in history), "stopped": stopped,
        "test_accuracy": history[-1]["test_accuracy"] if history else None,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, {_cpu_count()} cores, NumPy {np.__version__}",
    }
    yield {"type": "done", "model": model, "history": history, "stopped": stopped}


def train(arch_id, dataset, epochs=10, batch_size=64, lr=1e-3, optimiser="adam", seed=0,
          augment=True, weight_decay=0.0, limit=None, progress=None):
    """Train preset arch_id on dataset with a progress line; return (model, history)."""
    progress = progress or Progress()
    meta = {"id": arch_id, **{k: v for k, v in META.get(arch_id, {}).items() if k not in ("dataset", "epochs")}}
    for event in training_events(ARCHITECTURES[arch_id], dataset, meta, epochs, batch_size, lr, optimiser,
                                 seed, augment, weight_decay, limit, report_every=1):
        if event["type"] == "batch":
            progress.update(event["epoch"], epochs, event["seen"], event["total"], event["loss"],
                            event["accuracy"], event["images_per_second"])
        elif event["type"] == "epoch":
            progress.end_epoch(f"test acc {event['test_accuracy']:.4f}")
        elif event["type"] == "done":
            return event["model"], event["history"]


def _cpu_count():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
