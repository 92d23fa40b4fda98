"""The sequential model: trace, whole-model gradients, training sanity, files."""
import json
import math

import numpy as np
import pytest

from cnnviz.training.presets import DIGITS, FASHION
from cnnviz.engine.model import Model, ModelFileError
from cnnviz.engine.optim import SGD, Adam

SMALL = [  # every layer kind, with stride, padding and dilation
    {"name": "c1", "kind": "conv", "filters": 3, "kernel": 3, "padding": 1, "stride": 1},
    {"name": "t1", "kind": "tanh"},
    {"name": "c2", "kind": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": 1, "dilation": 2},
    {"name": "r1", "kind": "relu"},
    {"name": "p1", "kind": "avgpool", "size": 2},
    {"name": "f", "kind": "flatten"},
    {"name": "d1", "kind": "dense", "units": 6},
    {"name": "s1", "kind": "sigmoid"},
    {"name": "d2", "kind": "dense", "units": 5, "init": "glorot"},
    {"name": "sm", "kind": "softmax"},
]


def float64_model(layers, input_shape, seed=0):
    model = Model(layers, input_shape, seed=seed)
    return model.with_params({k: v.astype(np.float64) for k, v in model.params.items()})


def test_digits_architecture_matches_harley():
    model = Model(DIGITS["layers"], DIGITS["input_shape"])
    assert model.parameter_count() == 63_802
    shapes = [tuple(s.output.shape[1:]) for s in model.trace(np.zeros((1, 1, 32, 32), np.float32))]
    assert shapes == [(6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10), (16, 5, 5),
                      (400,), (120,), (120,), (100,), (100,), (10,), (10,)]


def test_trace_records_name_kind_input_shape_and_output():
    model = Model(FASHION["layers"], FASHION["input_shape"])
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    steps = model.trace(x)
    assert [s.kind for s in steps] == [spec["kind"] for spec in FASHION["layers"]]
    assert steps[0].input_shape == (2, 1, 28, 28)
    assert all(a.output.shape == b.input_shape for a, b in zip(steps, steps[1:]))
    np.testing.assert_allclose(steps[-1].output, model.forward(x))
    np.testing.assert_allclose(steps[-1].output.sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_whole_model_gradients_match_numeric(loss):
    model = float64_model(SMALL, (2, 9, 9))
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 2, 9, 9))
    y = np.array([0, 3, 4]) if loss == "cross_entropy" else rng.random((3, 5))
    _, grads, _ = model.loss_and_grads(x, y, loss)
    h = 1e-6
    for name, p in model.parameters().items():
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            plus = model.loss_and_grads(x, y, loss)[0]
            p[i] = old - h
            minus = model.loss_and_grads(x, y, loss)[0]
            p[i] = old
            numeric[i] = (plus - minus) / (2 * h)
        # norm-wise relative error: per-entry ratios of near-zero entries only measure rounding
        err = np.linalg.norm(numeric - grads[name]) / (np.linalg.norm(numeric) + np.linalg.norm(grads[name]))
        assert err < 1e-6, (name, err)


def test_initial_loss_is_about_ln10():
    model = Model(DIGITS["layers"], DIGITS["input_shape"], seed=3)
    x = np.random.default_rng(0).random((64, 1, 32, 32), dtype=np.float32) * 0.3
    loss, _, _ = model.loss_and_grads(x, np.arange(64) % 10)
    assert abs(loss - math.log(10)) < 0.3


@pytest.mark.parametrize("optimiser", [Adam, SGD])
def test_model_overfits_twenty_examples(optimiser):
    from cnnviz.data import load_digits_10k
    from cnnviz.training.evaluate import to_input
    split = load_digits_10k()
    x, y = to_input(split.x_train[:20], (1, 32, 32)), split.y_train[:20]
    model = Model(DIGITS["layers"], DIGITS["input_shape"], seed=0)
    opt = optimiser(model.parameters(), lr=1e-3 if optimiser is Adam else 0.05)
    for _ in range(150):
        loss, grads, _ = model.loss_and_grads(x, y)
        opt.step(grads)
    assert loss < 0.01
    assert (model.forward(x).argmax(axis=1) == y).all()


def test_same_seed_gives_same_weights():
    a = Model(DIGITS["layers"], DIGITS["input_shape"], seed=7).parameters()
    b = Model(DIGITS["layers"], DIGITS["input_shape"], seed=7).parameters()
    c = Model(DIGITS["layers"], DIGITS["input_shape"], seed=8).parameters()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["conv1.weight"], c["conv1.weight"])


def test_training_is_deterministic():
    from cnnviz.training.train import Progress, train
    quiet = Progress(stream=open("/dev/null", "w"))
    m1, _ = train("digits", "mnist-10k", epochs=1, limit=256, seed=5, progress=quiet)
    m2, _ = train("digits", "mnist-10k", epochs=1, limit=256, seed=5, progress=quiet)
    for k, v in m1.parameters().items():
        np.testing.assert_array_equal(v, m2.parameters()[k])


def test_save_load_round_trip(tmp_path):
    model = Model(SMALL, (2, 9, 9), meta={"id": "small", "classes": list("abcde")}, seed=4)
    model.save(tmp_path / "small.json")
    loaded = Model.load(tmp_path / "small.json")
    assert loaded.meta["classes"] == list("abcde")
    assert loaded.describe() == model.describe()
    x = np.random.default_rng(0).random((2, 2, 9, 9), dtype=np.float32)
    np.testing.assert_array_equal(loaded.forward(x), model.forward(x))
    assert not list(tmp_path.glob("*.tmp"))


def weights_of(saved):
    return saved.with_name(json.loads(saved.read_text())["weights_file"])


@pytest.fixture
def saved(tmp_path):
    Model(SMALL, (2, 9, 9), meta={"id": "small"}).save(tmp_path / "m.json")
    return tmp_path / "m.json"


def test_missing_files_name_the_file(saved):
    weights_of(saved).unlink()
    with pytest.raises(ModelFileError, match=r"m\.[0-9a-f]{16}\.npz: weights file not found"):
        Model.load(saved)
    with pytest.raises(ModelFileError, match=r"nope\.json: file not found"):
        Model.load(saved.with_name("nope.json"))


def test_truncated_weights_rejected(saved):
    npz = weights_of(saved)
    npz.write_bytes(npz.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="truncated, corrupt"):
        Model.load(saved)


def test_corrupt_weights_without_hash_rejected(saved):
    spec = json.loads(saved.read_text())
    del spec["weights_sha256"]
    saved.write_text(json.dumps(spec))
    weights_of(saved).write_bytes(b"PK\x03\x04 garbage")
    with pytest.raises(ModelFileError, match="not a readable .npz"):
        Model.load(saved)


def test_weights_from_another_architecture_rejected(saved):
    spec = json.loads(saved.read_text())
    del spec["weights_sha256"]
    spec["layers"][0]["filters"] = 4
    saved.write_text(json.dumps(spec))
    with pytest.raises(ModelFileError, match=r"c1.weight has shape \(3, 2, 3, 3\)"):
        Model.load(saved)


@pytest.mark.parametrize("text,problem", [
    ("{not json", "not valid JSON"),
    ('{"format": "other"}', "not a cnnviz-model/1"),
    ('{"format": "cnnviz-model/1", "input_shape": [1, 8, 8], "layers": [{"name": "x", "kind": "lstm"}]}',
     "unknown layer kind 'lstm'"),
    ('{"format": "cnnviz-model/1", "input_shape": [1, 8, 8], "layers": '
     '[{"name": "c", "kind": "conv", "filters": 2, "kernel": 3, "stride": 2}]}', "not a positive whole number"),
])
def test_bad_architecture_rejected(saved, text, problem):
    saved.write_text(text)
    with pytest.raises(ModelFileError, match=problem):
        Model.load(saved)


def test_shipped_models_load_and_describe_themselves():
    from cnnviz.engine.model import models_dir
    for name in ("digits", "fashion"):
        model = Model.load(models_dir() / f"{name}.json")
        assert model.meta["id"] == name
        assert len(model.classes) == 10
        lines = repr(model).splitlines()  # one line per layer, then the total
        assert len(lines) == len(model.layers) + 2 and f"total {model.parameter_count()} parameters" in lines[-1]
        assert lines[1].strip().startswith(f"{model.layers[0].name}: conv(filters=")


@pytest.mark.parametrize("layers, input_shape", [(DIGITS["layers"], DIGITS["input_shape"]),
                                                 (SMALL + [], (2, 9, 9)),
                                                 ([{"name": "c", "kind": "conv", "filters": 2, "kernel": 3},
                                                   {"name": "m", "kind": "maxpool", "size": 3, "stride": 2},
                                                   {"name": "f", "kind": "flatten"},
                                                   {"name": "d", "kind": "dense", "units": 3}], (1, 9, 9))])
def test_a_workspace_changes_no_number_and_allocates_only_once(layers, input_shape):
    """A training loop's Workspace: the same loss, scores and gradients as without one, to the bit; the
    second step (and a smaller last batch) reuse the first one's memory; nothing returned lives in it."""
    from cnnviz.engine.memory import Workspace
    model = Model(layers, input_shape, seed=3)
    rng = np.random.default_rng(0)
    work = Workspace()
    k = model.output_shape[0]
    for n in (16, 16, 5):
        x = rng.random((n, *input_shape), dtype=np.float32)
        y = rng.integers(0, k, n)
        plain = model.loss_and_grads(x, y)
        reused = model.loss_and_grads(x, y, workspace=work)
        if n == 16:
            size = work.nbytes()
        assert work.nbytes() == size > 0
        assert plain[0] == reused[0]
        np.testing.assert_array_equal(plain[2], reused[2])
        for name, g in plain[1].items():
            np.testing.assert_array_equal(g, reused[1][name])
        blocks = list(work._blocks.values())
        for value in [reused[2], *reused[1].values()]:
            assert not any(np.shares_memory(value, b) for b in blocks)
    with pytest.raises(ValueError):
        model.loss_and_grads(x, y, output_grads=True, workspace=work)
