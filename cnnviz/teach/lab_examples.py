"""The tutorials' worked examples, as data (the numbers are the tutorials'; see shared/reference).

- Karn: the 5 x 5 binary image and the 3 x 3 filter whose feature map is [[4,3,4],[2,4,3],[2,3,4]],
  and the kernels of his table (identity, three edge detectors, sharpen, box blur, Gaussian blur).
- CS231n (July's notes): 2 x 2 max pooling of a 4 x 4 map to [[6,8],[3,4]]; the multi-channel demo
  (5 x 5 x 3 input, padding 1, two 3 x 3 x 3 filters, stride 2, biases 1 and 0) with small random integers.
"""
import numpy as np

BINARY_IMAGE = [[1, 1, 1, 0, 0],
                [0, 1, 1, 1, 0],
                [0, 0, 1, 1, 1],
                [0, 0, 1, 1, 0],
                [0, 1, 1, 0, 0]]
BINARY_FILTER = [[1, 0, 1],
                 [0, 1, 0],
                 [1, 0, 1]]
BINARY_RESULT = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]

POOL_INPUT = [[1, 1, 2, 4],
              [5, 6, 7, 8],
              [3, 2, 1, 0],
              [1, 2, 3, 4]]
POOL_RESULT = [[6, 8], [3, 4]]

KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edge1": [[1, 0, -1], [0, 0, 0], [-1, 0, 1]],
    "edge2": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "edge3": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "box_blur": (np.ones((3, 3)) / 9).tolist(),
    "gaussian_blur": (np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16).tolist(),
}


def demo(seed=0):
    """CS231n's demo: input 3 x 5 x 5 of integers 0-2, two filters 3 x 3 x 3 of integers -1..1,
    biases [1, 0]; with padding 1 and stride 2 the output is 2 x 3 x 3."""
    rng = np.random.default_rng(seed)
    return {"input": rng.integers(0, 3, (3, 5, 5)).tolist(), "kernel": rng.integers(-1, 2, (2, 3, 3, 3)).tolist(),
            "bias": [1, 0], "stride": 2, "padding": 1, "dilation": 1, "seed": seed}


def kernel_preset(name, size=3):
    """A preset at 3 x 3, or centred in a size x size kernel of zeros (5 x 5 editor)."""
    k = np.zeros((size, size))
    o = (size - 3) // 2
    k[o:o + 3, o:o + 3] = KERNELS[name]
    return k.tolist()


def examples(seed=0):
    return {"binary": {"input": BINARY_IMAGE, "kernel": BINARY_FILTER, "result": BINARY_RESULT},
            "pool": {"input": POOL_INPUT, "size": 2, "stride": 2, "result": POOL_RESULT},
            "demo": demo(seed), "kernels": KERNELS,
            "output_size": {"size": 10, "kernel": 3, "stride": 2, "padding": 0},
            "alexnet_conv1": {"input_shape": [3, 227, 227], "kernel": 11, "stride": 4, "padding": 0, "filters": 96}}
