"""Models trained (or uploaded) while the server runs: files in the instance folder's models/,
each owned by one browser (an owner token) or shared with the class, anonymous ones expiring.

RuntimeModels reads the folder on demand (any worker may have written a model), caching each
loaded model by file modification time. ModelsView is what one request sees: the shipped models
plus that browser's own and the shared ones, with ModelStore's interface (in, get, all, ...).
"""
import json
import tempfile
import threading
import time
from pathlib import Path

from ..engine.model import FORMAT, Model, ModelFileError
from ..errors import CnnvizError
from .models import gallery

RUNTIME_ORDER = 100  # after the shipped models in lists


class RuntimeModels:
    def __init__(self, folder, limits):
        self.folder = Path(folder)
        self.limits = limits
        self._cache = {}  # id -> (mtime, model)
        self._lock = threading.Lock()

    # -------------------------------------------------------------- reading
    def metas(self):
        """{id: meta} of every runtime model not yet expired."""
        out = {}
        now = time.time()
        for path in self.folder.glob("*.json"):
            try:
                meta = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and not self.expired(meta, now) and _weights_of(path, meta).exists():
                out[path.stem] = meta
        return out

    def expired(self, meta, now=None):
        runtime = meta.get("runtime", {})
        if runtime.get("shared"):
            return False
        return (now or time.time()) > runtime.get("created", 0) + self.limits.anonymous_hours * 3600

    def visible(self, meta, owner):
        runtime = meta.get("runtime", {})
        return runtime.get("shared") or (owner and runtime.get("owner") == owner)

    def load(self, model_id):
        path = self.folder / f"{model_id}.json"
        mtime = path.stat().st_mtime_ns
        with self._lock:
            cached = self._cache.get(model_id)
            if cached and cached[0] == mtime:
                return cached[1]
        model = Model.load(path).freeze()
        with self._lock:
            self._cache[model_id] = (mtime, model)
        return model

    def examples(self, model_id):
        """Gallery images from the model's test set with its verdict (written when it was trained)."""
        return gallery(self.folder / f"{model_id}-examples.npz", self.load(model_id))

    def owned_by(self, owner):
        return [m for m in self.metas().values() if m.get("runtime", {}).get("owner") == owner]

    def disk_bytes(self):
        return sum(p.stat().st_size for p in self.folder.glob("*") if p.is_file())

    # -------------------------------------------------------------- bounds
    def check_room(self, owner):
        """Raise a coded error when one more model for owner would break a bound."""
        lim = self.limits
        if len(self.owned_by(owner)) >= lim.models_per_owner:
            raise CnnvizError(f"this browser already keeps {lim.models_per_owner} models; delete one first",
                              "models.owner_full", limit=lim.models_per_owner)
        if len(self.metas()) >= lim.models_total:
            raise CnnvizError(f"the server keeps at most {lim.models_total} trained models; try later",
                              "models.server_full", limit=lim.models_total)
        if self.folder.exists() and self.disk_bytes() >= lim.disk_bytes:
            mb = lim.disk_bytes // (1024 * 1024)
            raise CnnvizError(f"trained models use the server's whole {mb} MB disk quota; try later",
                              "models.disk_full", limit=mb)

    # -------------------------------------------------------------- writing
    def add(self, model, model_id, owner, shared=False, source="trained"):
        """Save model (atomically) as a runtime model of owner; -> its id."""
        model.meta.update(id=model_id, order=RUNTIME_ORDER,
                          runtime={"owner": owner, "shared": bool(shared), "created": time.time(),
                                   "source": source})
        model.save(self.folder / f"{model_id}.json")
        return model_id

    def set_shared(self, model_id, owner, shared):
        meta = self.metas().get(model_id)
        if not meta or meta["runtime"].get("owner") != owner:
            raise CnnvizError(f"no model {model_id!r} of this browser", "model.unknown", model=model_id)
        model = self.load(model_id).copy()
        model.meta["runtime"] = {**meta["runtime"], "shared": bool(shared)}
        model.save(self.folder / f"{model_id}.json")

    def delete(self, model_id, owner):
        meta = self.metas().get(model_id)
        if not meta or meta["runtime"].get("owner") != owner:
            raise CnnvizError(f"no model {model_id!r} of this browser", "model.unknown", model=model_id)
        self._remove(model_id)

    def remove_expired(self):
        """Delete the files of expired anonymous models; -> how many."""
        count = 0
        for path in list(self.folder.glob("*.json")):
            try:
                meta = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if self.expired(meta):
                self._remove(path.stem)
                count += 1
        return count

    def _remove(self, model_id):
        for suffix in (".json", ".npz", ".md"):
            (self.folder / f"{model_id}{suffix}").unlink(missing_ok=True)
        for weights in self.folder.glob(f"{model_id}.*.npz"):  # weights named by their hash
            weights.unlink(missing_ok=True)
        (self.folder / f"{model_id}-examples.npz").unlink(missing_ok=True)
        with self._lock:
            self._cache.pop(model_id, None)

    def upload(self, model_json_bytes, weights_bytes, model_id, owner):
        """Check an uploaded pair exactly as shipped models are checked (Model.load: allow_pickle=False,
        the weights' SHA-256, every shape) and keep it as owner's model. A refusal's code says which
        file is wrong and how (UPLOAD_PROBLEMS), for the page to say in the learner's language."""
        spec = _uploaded_spec(model_json_bytes)
        spec.pop("weights_file", None)  # the weights are the uploaded file, whatever the JSON names
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.json"
            path.write_text(json.dumps(spec), encoding="utf-8")
            weights = path.with_suffix(".npz")
            weights.write_bytes(weights_bytes)
            try:
                model = Model.load(path)
            except ModelFileError as e:
                raise _upload_refused("weights" if e.path == str(weights) else "architecture", e.problem) from None
            except (ValueError, TypeError) as e:
                raise _upload_refused("architecture", str(e)) from None
        model.meta.setdefault("title", {"en": "Uploaded model", "zh": "上传的模型"})
        model.meta.setdefault("classes", [str(i) for i in range(model.output_shape[0])])
        model.meta.setdefault("preprocess", "digit")
        return self.add(model, model_id, owner, source="uploaded")


class ModelsView:
    """The models one browser sees: shipped ones, then its own and the shared runtime ones."""

    def __init__(self, shipped, runtime, owner):
        self.shipped, self.runtime, self.owner = shipped, runtime, owner
        self._metas = None

    def _visible(self):
        if self._metas is None:
            self._metas = {i: m for i, m in self.runtime.metas().items() if self.runtime.visible(m, self.owner)}
        return self._metas

    def __contains__(self, model_id):
        return model_id in self.shipped or model_id in self._visible()

    def get(self, model_id):
        if model_id in self.shipped:
            return self.shipped.get(model_id)
        return self.runtime.load(model_id)

    def all(self):
        models = list(self.shipped.all())
        for model_id in sorted(self._visible(), key=lambda i: self._visible()[i]["runtime"]["created"]):
            try:
                models.append(self.runtime.load(model_id))
            except (ModelFileError, OSError):
                continue
        return models

    def weights_path(self, model_id):
        if model_id in self.shipped:
            return self.shipped.weights_path(model_id)
        return self.runtime.load(model_id).weights_path

    def json_path(self, model_id):
        folder = self.runtime.folder if model_id not in self.shipped else Path(self.shipped.folder)
        return folder / f"{model_id}.json"

    def examples(self, model_id):
        if model_id in self.shipped:
            return self.shipped.examples(model_id)
        return self.runtime.examples(model_id)


def _weights_of(json_path, meta):
    """The weights file a model's JSON names (by its hash), or NAME.npz for older files."""
    name = meta.get("weights_file")
    return json_path.with_name(name) if isinstance(name, str) and Path(name).name == name else \
        json_path.with_suffix(".npz")


# What can be wrong with an uploaded pair -> its code (the page's catalogs say each without Python's words)
UPLOAD_PROBLEMS = {
    "not_json": "models.upload_not_json",          # the .json is not JSON text (another file chosen?)
    "not_model": "models.upload_not_model",        # JSON, but not a cnnviz model file
    "architecture": "models.upload_architecture",  # a model file whose network cannot be built
    "weights": "models.upload_weights",            # the .npz is unreadable or not this model's weights
}


def _upload_refused(problem, detail):
    """The refusal of an upload: its code names the problem; the English message keeps the detail."""
    return CnnvizError(f"the uploaded model cannot be used: {detail}", UPLOAD_PROBLEMS[problem])


def _uploaded_spec(json_bytes):
    """An uploaded model JSON as a dict, or a refusal saying whether it is JSON at all."""
    try:
        spec = json.loads(json_bytes)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:  # RecursionError: nested too deep to read
        raise _upload_refused("not_json", f"not valid JSON ({e})") from None
    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        raise _upload_refused("not_model", f"not a {FORMAT} model file")
    return spec
