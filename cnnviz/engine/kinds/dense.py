"""Fully connected (dense) layer: out = x W^T + b, with W (out_features, in_features) as in PyTorch."""
import numpy as np

from .base import DEFAULT_INIT, Layer, ShapeError, check_init, init_weight, ordered_terms, positive_int

LARGEST = 10  # contributions listed one by one; the rest are summed


def dense_forward(x, w, b):
    """x: (N, D); w: (M, D); b: (M,) -> out (N, M)."""
    return x @ w.T + b, (x, w)


def dense_backward(dout, cache):
    """-> dx = dout W, dW = dout^T x, db = sum of dout over the batch."""
    x, w = cache
    return dout @ w, dout.T @ x, dout.sum(axis=0)


def dense_parts(x, w, b):
    """One unit: inputs x weights, ordered by size of contribution (largest |product| first), the
    running sum of the ordered products, the rest's sum, the bias and the total — all in float64,
    so the page shows sums and never adds numbers itself."""
    products = x.astype(np.float64) * w
    order = np.argsort(-np.abs(products), kind="stable")
    top = order[:LARGEST]
    running = np.cumsum(products[top])
    total = float(products.sum())
    return {"inputs": x, "weights": w, "products": products, "bias": float(b), "order": order,
            "largest": top, "running": running, "shown_sum": float(running[-1]) if len(top) else 0.0,
            "rest_sum": total - (float(running[-1]) if len(top) else 0.0), "rest_count": int(len(x) - len(top)),
            "products_sum": total, "sum": total + float(b)}


class Dense(Layer):
    kind = "dense"
    param_names = ("weight", "bias")

    def __init__(self, name, units, init=DEFAULT_INIT):
        super().__init__(name)
        self.units, self.init = positive_int("units", units, high=1 << 16), check_init(init)

    def hyperparameters(self):
        return {"units": self.units}

    def output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ShapeError(f"{self.name}: dense needs a flat input, got {tuple(input_shape)}"
                             " (add a flatten layer)", "shape.needs_flat", layer=self.name)
        return (self.units,)

    def param_shapes(self, input_shape):
        return {"weight": (self.units, input_shape[0]), "bias": (self.units,)}

    def init_params(self, input_shape, rng):
        d = input_shape[0]
        return {"weight": init_weight(rng, self.init, (self.units, d), d, self.units),
                "bias": np.zeros(self.units, np.float32)}

    def macs(self, input_shape, output_shape):
        return self.units * input_shape[0]

    def forward(self, x, p, buffers=None):
        return dense_forward(x, p["weight"], p["bias"])

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        dx, dw, db = dense_backward(dout, cache)
        return dx, {"weight": dw, "bias": db}

    def explain(self, x, out, where, p):
        parts = dense_parts(x, p["weight"][where[0]], p["bias"][where[0]])
        del parts["order"]
        return parts

    def animate(self, x, out, i, p, after=None):
        result = {**dense_parts(x, p["weight"][i], p["bias"][i]), "output": float(out[i])}
        if after is not None and after.kind in ("relu", "tanh", "sigmoid"):
            result["activation"] = {"layer": after.name, "kind": after.kind, "output": float(after.output[0][i])}
        return result

    # ------------------------------------------------------------ backward, for learners
    def explain_gradient(self, x, out, where, p, dout, dx):
        """dx[j] = sum over units i of W[i, j] * dout[i]: (W^T dout)[j]."""
        j = where[0]
        w = p["weight"][:, j]
        products = w.astype(np.float64) * dout
        return {"weights": w, "douts": dout, "products": products, **ordered_terms(products),
                "gradient": float(dx[j])}

    def explain_param_gradient(self, x, out, param, where, p, dout, grads):
        """dW[i, j] = dout[i] * x[j] (the outer product dout x^T); db[i] = dout[i]."""
        i = where[0]
        if param == "bias":
            return {"dout": float(dout[i]), "sum": float(dout[i]), "gradient": float(grads["bias"][i])}
        j = where[1]
        return {"dout": float(dout[i]), "input": float(x[j]), "sum": float(dout[i]) * float(x[j]),
                "gradient": float(grads["weight"][i, j])}

    def animate_gradient(self, x, out, i, p, dout, dx):
        """One unit's backward step: its weights' gradients dout[i] * x (every input at once, the
        largest first) and what it sends back to its inputs, W[i] * dout[i]."""
        g = float(dout[i])
        weight_grads = x.astype(np.float64) * g
        order = np.argsort(-np.abs(weight_grads), kind="stable")[:LARGEST]
        return {"input": x, "dout": dout, "dout_unit": g, "weights": p["weight"][i],
                "weight_gradient": weight_grads, "largest": order, "bias_gradient": g,
                "sent_back": p["weight"][i].astype(np.float64) * g, "dx": dx}
