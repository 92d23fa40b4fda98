"""Engine speed for the digits network against PyTorch: python -m cnnviz bench [--threads 1,2] [--rounds 5].

Every figure comes from a fresh process (so BLAS picks up the thread count, and
nothing allocated before can help or hurt): the first epoch over 10,000 images
at batch 64 from its very first batch, then the steady epoch (the best of two
more), then the single-image forward latency with all activations (median).
The engines run interleaved, round after round, and the ratios are reported
min / median / max over the rounds, beside the load average.

Each round also runs the engine once with glibc's mmap threshold fixed at its
default (MALLOC_MMAP_THRESHOLD_=131072: every large block is a fresh, zeroed
mmap, the state that once made a step 21 ms instead of 9): with the training
loop's Workspace the two must take the same time.

PyTorch is never a dependency: it is measured by the Python given with
--torch-python (or $CNNVIZ_TORCH_PYTHON), else by this one if it can import torch.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..training.presets import DIGITS
from ..engine.memory import Workspace
from ..engine.model import Model
from ..engine.optim import Adam

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
ROOT = Path(__file__).resolve().parents[2]
IMAGES, BATCH = 10_000, 64
# (label, engine, extra environment)
RUNS = (("cnnviz", "cnnviz", {}),
        ("torch", "torch", {}),
        ("cnnviz, mmap always", "cnnviz", {"MALLOC_MMAP_THRESHOLD_": "131072"}))


def run(threads_list, repeats, rounds=5, torch_python=None):
    torch_python = torch_python or os.environ.get("CNNVIZ_TORCH_PYTHON") or sys.executable
    has_torch = subprocess.run([torch_python, "-c", "import torch"], capture_output=True).returncode == 0
    runs = [r for r in RUNS if has_torch or r[1] != "torch"]
    print(f"digits network (63,802 parameters), NumPy {np.__version__}, {os.cpu_count()} cores, "
          f"{IMAGES:,} images at batch {BATCH}; every figure from a fresh process, engines interleaved; "
          f"load average {_load()}")
    if not has_torch:
        print(f"(PyTorch not importable by {torch_python}: pass --torch-python /path/to/python)")
    for threads in threads_list:
        env = {**os.environ, **{v: str(threads) for v in THREAD_VARS}}
        results = {label: [] for label, _, _ in runs}
        print(f"\n{threads} thread(s)   {'forward µs':>11} {'first epoch s (CPU)':>20} {'epoch s (CPU)':>14}")
        for round_ in range(rounds):
            order = runs if round_ % 2 == 0 else runs[::-1]  # neither engine always runs first
            for label, engine, extra in order:
                python = torch_python if engine == "torch" else sys.executable
                r = _fresh(python, engine, threads, repeats, {**env, **extra})
                results[label].append(r)
                print(f"  round {round_ + 1} {label:<20} {r['forward_us']:>8.0f} {r['first_epoch_s']:>12.3f} "
                      f"({r['first_epoch_cpu_s']:.3f}) {r['epoch_s']:>7.3f} ({r['epoch_cpu_s']:.3f})", flush=True)
        _summary(results, has_torch)
    print(f"\nload average at the end: {_load()}")
    return 0


def _summary(results, has_torch):
    def spread(values, fmt="{:.2f}"):
        return "–".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))

    figures = (("first_epoch_s", "first epoch"), ("epoch_s", "epoch"),
               ("first_epoch_cpu_s", "first epoch CPU"), ("epoch_cpu_s", "epoch CPU"))
    print("  min–median–max over the rounds:")
    for label, rows in results.items():
        print(f"  {label:<22} forward {spread([r['forward_us'] for r in rows], '{:.0f}')} µs, "
              + ", ".join(f"{name} {spread([r[key] for r in rows])} s" for key, name in figures))
    ours = results["cnnviz"]
    if has_torch:
        theirs = results["torch"]
        for key, name in (("forward_us", "forward"), *figures):
            ratios = [a[key] / b[key] for a, b in zip(ours, theirs)]
            print(f"  cnnviz / torch, {name:<16} {spread(ratios)}x (same round; below 1 = cnnviz faster)")
    mmap = results["cnnviz, mmap always"]
    for key, name in figures:
        ratios = [a[key] / b[key] for a, b in zip(mmap, ours)]
        print(f"  mmap always / default allocator, {name:<16} {spread(ratios)}x (1 = independent of malloc)")


def _load():
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def _fresh(python, engine, threads, repeats, env):
    """One engine measured in a new Python process."""
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}
    out = subprocess.run([python, "-c", f"from cnnviz.bench.engine import measure_one; "
                          f"measure_one({engine!r}, {threads}, {repeats})"],
                         env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_one(engine, threads, repeats):
    print(json.dumps(measure_torch(threads, repeats) if engine == "torch" else measure_cnnviz(repeats)))


def _data(n=IMAGES, seed=0):
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


def _epochs(step, n):
    """The first epoch (timed from its first batch), then the best of two more: wall-clock seconds
    and the CPU seconds of this process (which other programs on a busy machine hardly change)."""
    def epoch():
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, n, BATCH):
            step(i)
        return time.perf_counter() - t, time.process_time() - c
    first = epoch()
    rest = [epoch() for _ in range(2)]
    return {"first_epoch_s": first[0], "first_epoch_cpu_s": first[1],
            "epoch_s": min(r[0] for r in rest), "epoch_cpu_s": min(r[1] for r in rest)}


def measure_cnnviz(repeats):
    """In a fresh process, as training_events runs it: a Workspace, Adam, batches of 64."""
    model = Model(DIGITS["layers"], DIGITS["input_shape"], seed=0)
    x, y = _data()
    opt, work = Adam(model.parameters()), Workspace()

    def step(i):
        _, grads, _ = model.loss_and_grads(x[i:i + BATCH], y[i:i + BATCH], workspace=work)
        opt.step(grads)

    epochs = _epochs(step, len(x))
    one = x[:1]
    return {"engine": "cnnviz", "forward_us": _median_us(lambda: model.trace(one), repeats), **epochs}


def measure_torch(threads, repeats):
    import torch  # benchmark only; never a dependency of the app
    from torch import nn
    torch.set_num_threads(threads)
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                        nn.Linear(120, 100), nn.ReLU(), nn.Linear(100, 10), nn.Softmax(dim=1))
    x_np, y_np = _data()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    body = net[:-1]
    opt = torch.optim.Adam(net.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def step(i):
        opt.zero_grad()
        loss_fn(body(x[i:i + BATCH]), y[i:i + BATCH]).backward()
        opt.step()

    epochs = _epochs(step, len(x))
    one = x[:1]

    def trace():
        with torch.no_grad():
            h, outs = one, []
            for layer in net:
                h = layer(h)
                outs.append(h)
        return outs

    return {"engine": "torch", "forward_us": _median_us(trace, repeats), **epochs}
