"""Engine speed for the digits network: python -m cnnviz bench [--threads 1,2].

For each thread count (in a fresh subprocess, so BLAS picks the setting up):
single-image forward latency with all activations (median), training
throughput at batch 64, and one epoch over 10,000 images. If PyTorch is
installed the same figures are measured for it, side by side.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from ..training.presets import DIGITS
from ..engine.memory import Workspace
from ..engine.model import Model
from ..engine.optim import Adam

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def run(threads_list, repeats):
    print(f"digits network (63,802 parameters), NumPy {np.__version__}, {os.cpu_count()} cores; "
          "each engine in a fresh process")
    print(f"{'engine':<8} {'threads':>7} {'forward µs (median)':>20} {'train img/s (b=64)':>19} "
          f"{'first epoch (s)':>16} {'epoch 10k (s)':>14}")
    for threads in threads_list:
        env = {**os.environ, **{v: str(threads) for v in THREAD_VARS}}
        results = [r for r in (_fresh(engine, threads, repeats, env) for engine in ("cnnviz", "torch")) if r]
        for r in results:
            print(f"{r['engine']:<8} {threads:>7} {r['forward_us']:>20.0f} {r['train_ips']:>19,.0f} "
                  f"{r['first_epoch_s']:>16.2f} {r['epoch_s']:>14.2f}")
        if len(results) == 2:
            c, t = results
            print(f"{'':<8} {'':>7} {'cnnviz/torch':>20}: forward {c['forward_us'] / t['forward_us']:.2f}x, "
                  f"first epoch {c['first_epoch_s'] / t['first_epoch_s']:.2f}x, "
                  f"epoch {c['epoch_s'] / t['epoch_s']:.2f}x (lower is better for cnnviz)")
    return 0


def _fresh(engine, threads, repeats, env):
    """One engine measured in a new Python process; None when that engine is not installed."""
    out = subprocess.run([sys.executable, "-c", f"from cnnviz.bench.engine import measure_one; "
                          f"measure_one({engine!r}, {threads}, {repeats})"],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_one(engine, threads, repeats):
    if engine == "torch":
        try:
            import torch  # noqa: F401  (benchmark only; never a dependency of the app)
        except ImportError:
            print("null")
            return
        print(json.dumps(measure_torch(threads, repeats)))
    else:
        print(json.dumps(measure_cnnviz(repeats)))


def _data(n=10_000, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 32, 32), dtype=np.float32), rng.integers(0, 10, n)


def _median_us(fn, repeats):
    for _ in range(50):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def measure_cnnviz(repeats):
    """In a fresh process: the first epoch from its first batch (as `train` runs it), then the
    single-image forward latency, then the best of two more epochs."""
    work = Workspace()  # as training_events runs it
    model = Model(DIGITS["layers"], DIGITS["input_shape"], seed=0)
    x, y = _data()
    opt = Adam(model.parameters())
    t = time.perf_counter()
    for i in range(0, len(x), 64):
        _, grads, _ = model.loss_and_grads(x[i:i + 64], y[i:i + 64])
        opt.step(grads)
    first_epoch_s = time.perf_counter() - t
    one = x[:1]
    forward_us = _median_us(lambda: model.trace(one), repeats)

    def epoch():
        t = time.perf_counter()
        for i in range(0, len(x), 64):
            _, grads, _ = model.loss_and_grads(x[i:i + 64], y[i:i + 64])
            opt.step(grads)
        return time.perf_counter() - t

    epoch_s = min(epoch() for _ in range(2))
    return {"engine": "cnnviz", "forward_us": forward_us, "train_ips": len(x) / epoch_s, "epoch_s": epoch_s,
            "first_epoch_s": first_epoch_s}


def measure_torch(threads, repeats):
    import torch
    from torch import nn
    torch.set_num_threads(threads)
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                        nn.Linear(120, 100), nn.ReLU(), nn.Linear(100, 10), nn.Softmax(dim=1))
    x_np, y_np = _data()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    one = x[:1]

    def trace():
        with torch.no_grad():
            h, outs = one, []
            for layer in net:
                h = layer(h)
                outs.append(h)
        return outs

    forward_us = _median_us(trace, repeats)
    body = net[:-1]
    opt = torch.optim.Adam(net.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        t = time.perf_counter()
        for i in range(0, len(x), 64):
            opt.zero_grad()
            loss_fn(body(x[i:i + 64]), y[i:i + 64]).backward()
            opt.step()
        return time.perf_counter() - t

    first_epoch_s = epoch()
    epoch_s = min(epoch() for _ in range(2))
    return {"engine": "torch", "forward_us": forward_us, "train_ips": len(x) / epoch_s, "epoch_s": epoch_s,
            "first_epoch_s": first_epoch_s}
