"""Datasets: the shipped digits, the IDX reader, and the verified download (against a local server)."""
import gzip
import hashlib
import http.server
import io
import struct
import threading

import numpy as np
import pytest

from cnnviz import data


def test_shipped_digits_split():
    split = data.load_digits_10k()
    assert split.x_train.shape == (9000, 28, 28) and split.x_test.shape == (1000, 28, 28)
    assert split.x_train.dtype == np.uint8
    assert np.bincount(split.y_test).tolist() == [100] * 10
    assert split.x_test.max() == 255


def write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_read_idx_round_trip(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", arr)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a.gz"), arr)


@pytest.mark.parametrize("payload,problem", [
    (b"\x01\x02\x08\x01", "bad magic"),
    (b"\0\0\x0d\x01\0\0\0\x01abcd", "not unsigned bytes"),
    (b"\0\0\x08\x02\0\0", "truncated IDX header"),
    (b"\0\0\x08\x01\0\0\0\x05ab", "expected 5 bytes"),
])
def test_read_idx_rejects_bad_files(tmp_path, payload, problem):
    (tmp_path / "bad").write_bytes(payload)
    with pytest.raises(data.DataError, match=problem):
        data.read_idx(tmp_path / "bad")


def test_load_fashion_from_idx_folder(tmp_path):
    for name, arr in [("train-images-idx3-ubyte.gz", np.zeros((3, 28, 28))),
                      ("train-labels-idx1-ubyte.gz", np.array([1, 2, 3])),
                      ("t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28))),
                      ("t10k-labels-idx1-ubyte.gz", np.array([4, 5]))]:
        write_idx(tmp_path / name, arr)
    split = data.load_fashion(tmp_path)
    assert split.x_train.shape == (3, 28, 28) and split.y_test.tolist() == [4, 5]
    with pytest.raises(data.DataError, match="dataset-fashion-mnist"):
        data.load_fashion(tmp_path / "missing")


@pytest.fixture
def file_server():
    """A local HTTP server serving a small mnist.npz the test makes."""
    buf = io.BytesIO()
    rng = np.random.default_rng(0)
    np.savez(buf, x_train=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8), y_train=np.arange(5, dtype=np.uint8),
             x_test=rng.integers(0, 256, (2, 28, 28), dtype=np.uint8), y_test=np.arange(2, dtype=np.uint8))
    body = buf.getvalue()
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path != "/mnist.npz":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", body, requests
    server.shutdown()


def test_download_verifies_caches_and_reports_progress(file_server, tmp_path, monkeypatch):
    base, body, requests = file_server
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path / "cache"))
    seen = []
    split = data.load_mnist_full(f"{base}/mnist.npz", hashlib.sha256(body).hexdigest(),
                                 progress=lambda done, total: seen.append((done, total)))
    assert split.x_train.shape == (5, 28, 28) and split.y_test.tolist() == [0, 1]
    assert seen[-1] == (len(body), len(body))
    assert (tmp_path / "cache" / "mnist.npz").read_bytes() == body
    data.load_mnist_full(f"{base}/mnist.npz", hashlib.sha256(body).hexdigest(), progress=None)
    assert requests == ["/mnist.npz"]  # the second call used the cache


def test_download_rejects_wrong_checksum_and_saves_nothing(file_server, tmp_path):
    base, _, _ = file_server
    with pytest.raises(data.DataError, match="checksum mismatch"):
        data.download(f"{base}/mnist.npz", tmp_path / "mnist.npz", "0" * 64)
    assert not list(tmp_path.iterdir())


def test_download_offline_gives_clear_error(file_server, tmp_path):
    base, _, _ = file_server
    with pytest.raises(data.DataError, match="Are you offline"):
        data.download(f"{base}/missing.npz", tmp_path / "x.npz", "0" * 64)
    with pytest.raises(data.DataError, match="Are you offline"):
        data.download("http://127.0.0.1:9/mnist.npz", tmp_path / "x.npz", "0" * 64, timeout=2)
