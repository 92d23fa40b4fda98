"""The Lab's endpoints in-process (Flask's test client, no HTTP): latency and response size.

  python -m cnnviz.bench.lab [--runs 20]

Prints, per request, the median (min-max) time over the runs and the response's size, and the
peak memory of the VGG16 calculator (it never allocates weights: VGG16's would be ~553 MB).
"""
import argparse
import base64
import io
import statistics
import time
import tracemalloc

import numpy as np
from PIL import Image


def cases():
    from ..teach.lab_examples import BINARY_FILTER, BINARY_IMAGE, demo
    photo = Image.fromarray((np.random.default_rng(0).random((400, 600, 3)) * 255).astype(np.uint8))
    buf = io.BytesIO()
    photo.save(buf, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    sharpen = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    digit = [[0.5] * 28] * 28
    return {
        "convolve: tutorial 5x5, all 9 steps": ("/api/lab/convolve", {"input": BINARY_IMAGE, "kernel": BINARY_FILTER, "then": True}),
        "convolve: CS231n demo, all 18 steps": ("/api/lab/convolve", demo(0)),
        "convolve: 600x400 photo -> 256x171 grey, f16 maps": ("/api/lab/convolve?encoding=f16",
                                                            {"image": url, "kernel": sharpen, "then": True, "steps": 0}),
        "shape: AlexNet conv1": ("/api/lab/shape", {"input_shape": [3, 227, 227], "kernel": 11, "stride": 4, "filters": 96}),
        "architecture: VGG16": ("/api/lab/architecture", {"preset": "vgg16"}),
        "im2col: digits conv2": ("/api/models/digits/im2col", {"pixels": digit, "layer": "conv2"}),
        "predict: digits, one edited filter": ("/api/models/digits/predict",
                                               {"pixels": digit, "weights": {"conv1.weight": {"filter": 1, "values": [[[0] * 5] * 5]}}}),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    from ..teach import calculator
    from ..web import create_app
    client = create_app({"TESTING": True}).test_client()
    for name, (path, body) in cases().items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            r = client.post(path, json=body)
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, r.get_json()
        print(f"{name}: {statistics.median(times):.1f} ms median ({min(times):.1f}-{max(times):.1f}), "
              f"{len(r.data) / 1024:.0f} KB")
    tracemalloc.start()
    calculator.calculate_preset("vgg16")
    print(f"VGG16 calculator: peak {tracemalloc.get_traced_memory()[1] / 1024:.0f} KB of Python memory")
    tracemalloc.stop()


if __name__ == "__main__":
    main()
