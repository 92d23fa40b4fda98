"""Training jobs on the huey queue: submit, cancel, and the task that trains (in a worker process).

A job moves queued -> running -> finished | failed | cancelled | interrupted; its record and every
event (started, batch, epoch, filters, samples, and the final one) are in the JobStore. A stopped
or time-limited job keeps its model as it is. A worker stopped mid-job marks it interrupted
(KeyboardInterrupt from huey's shutdown, or the store's heartbeat check if the worker died).
"""
import logging
import secrets
import time

import numpy as np
from huey import crontab

from ..data import DataError, load_dataset
from ..errors import CnnvizError
from ..training.evaluate import confusion, predictions, to_input
from ..training.gallery import write_examples
from ..training.presets import DATA_NAMES, NETWORK_NAMES, OWN_NETWORK, preset_of
from ..training.train import training_events
from .limits import limits_from_env
from .runtime import RuntimeModels
from .settings import work
from .store import TERMINAL, JobStore

log = logging.getLogger(__name__)
CHECK_EVERY = 0.1     # seconds between looks at the cancel flag (cancel works at once)
HEARTBEAT_EVERY = 5   # seconds between heartbeats while training
SAMPLES = 10          # test images whose current predictions stream (the first of each class)


class QueueFull(CnnvizError):
    code = "jobs.queue_full"


def runtime_models(config, limits=None):
    return RuntimeModels(config.instance / "models", limits or limits_from_env())


def position(huey, job_id):
    """1 for the next job to start, 2 behind it...; 0 when not waiting."""
    for i, task in enumerate(huey.pending(), 1):
        if task.args and task.args[0] == job_id:
            return i
    return 0


def submit(huey, config, settings, owner, limits):
    """Check the bounds, record and enqueue a job; -> its record with "position"."""
    size = work(settings)
    if size > limits.max_work:
        raise CnnvizError(f"this job is too large: {size:.3g} multiply-adds (epochs x images x network); "
                          f"the limit is {limits.max_work:.3g}. Use fewer epochs, images or filters.",
                          "jobs.too_large", work=size, limit=limits.max_work)
    runtime_models(config, limits).check_room(owner)
    store = JobStore(huey)
    if not store.worker_alive():
        raise CnnvizError("no training worker is running: on one machine python app.py starts one; "
                          "with Redis start `python -m cnnviz worker`", "jobs.no_worker")
    waiting = huey.pending_count()
    if waiting >= limits.queue_length:
        raise QueueFull(f"{waiting} jobs are waiting, the most the queue holds; this one would have been "
                        f"number {waiting + 1}. Try again in a minute.", position=waiting + 1,
                        limit=limits.queue_length)
    job_id = secrets.token_hex(8)
    record = store.create(job_id, {"state": "queued", "owner": owner, "settings": settings, "work": size})
    store.append(job_id, {"type": "queued"})
    huey.cnnviz_train(job_id)  # enqueue
    return {**record, "position": position(huey, job_id)}


def cancel(huey, job_id):
    """Stop a job: a queued one never starts; a running one stops at its next batch, keeping its model."""
    store = JobStore(huey)
    store.request_cancel(job_id)
    record = store.get(job_id)
    if record and record["state"] == "queued":
        record = store.finish(job_id, "cancelled", reason="cancelled before it started")
    return record


def run_job(huey, config, job_id):
    """The task: train, streaming events into the store, then keep the model."""
    store = JobStore(huey)
    record = store.get(job_id)
    if record is None or record["state"] != "queued":
        return
    if store.cancel_requested(job_id):
        store.finish(job_id, "cancelled", reason="cancelled before it started")
        return
    limits = limits_from_env()
    settings = record["settings"]
    store.update(job_id, state="running", started=time.time())
    store.append(job_id, {"type": "started"})
    watch = _Watch(store, job_id, limits.wall_seconds)
    try:
        split, classes = load_dataset(settings["dataset"])
        samples = _sample_indices(split.y_test)
        store.append(job_id, {"type": "samples", "images": split.x_test[samples].tolist(),
                              "labels": split.y_test[samples].tolist(), "classes": classes})
        model, history = None, []
        for event in training_events(settings["architecture"], settings["dataset"], _meta(settings, record),
                                     settings["epochs"], settings["batch_size"], settings["lr"],
                                     settings["optimiser"], settings["seed"], settings["augment"],
                                     limit=settings["train_size"], report_every=5, should_stop=watch):
            kind = event["type"]
            if kind == "batch":
                store.append(job_id, event)
            elif kind == "epoch":
                live = event.pop("model", None)
                store.append(job_id, event)
                if live is not None:
                    probs = live.forward(to_input(split.x_test[samples], live.input_shape))
                    store.append(job_id, {"type": "predictions", "epoch": event["epoch"],
                                          "predicted": probs.argmax(axis=1).tolist(),
                                          "confidence": probs.max(axis=1).round(4).tolist()})
            elif kind == "filters":
                store.append(job_id, {"type": "filters", "layer": event["layer"],
                                      "weights": np.round(event["weights"], 4).tolist()})
            elif kind == "done":
                model, history = event["model"], event["history"]
            watch.beat()
        _keep(huey, config, store, job_id, record, model, history, split, watch, limits)
    except KeyboardInterrupt:
        store.finish(job_id, "interrupted", reason="the server stopped while training")
        raise
    except (CnnvizError, DataError) as e:
        store.finish(job_id, "failed", code=getattr(e, "code", "data.missing"), reason=str(e))
    except Exception as e:  # never leave a job running
        log.exception("job %s failed", job_id)
        store.finish(job_id, "failed", code="server.error", reason=f"{type(e).__name__}: {e}")


def _keep(huey, config, store, job_id, record, model, history, split, watch, limits):
    """Save the model as the owner's runtime model and finish with its confusion matrix."""
    predicted = predictions(model, split.x_test).astype(np.uint8)
    matrix = confusion(model, split.x_test, split.y_test)
    test_accuracy = float((predicted == split.y_test).mean())
    model.meta["training"]["test_accuracy"] = test_accuracy
    model.meta["training"]["job"] = job_id
    store.put_blob(f"job:{job_id}:predicted", predicted.tobytes())
    model_id = f"m{job_id[:10]}"
    models = runtime_models(config, limits)
    models.add(model, model_id, record["owner"])
    write_examples(models.folder / f"{model_id}.json")  # the explorer's gallery for this model
    per_class = (np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)).round(4).tolist()
    result = {"model": model_id, "test_accuracy": test_accuracy, "confusion": matrix.tolist(),
              "per_class": per_class, "history": history, "stopped_by": watch.reason}
    state = "cancelled" if watch.reason == "cancelled" else "finished"
    store.finish(job_id, state, **result)


class _Watch:
    """should_stop() for training_events: the cancel flag (looked at every CHECK_EVERY s) and the
    wall-clock limit; also keeps the job's heartbeat."""

    def __init__(self, store, job_id, seconds):
        self.store, self.job_id = store, job_id
        self.deadline = time.monotonic() + seconds
        self.next_check = self.next_beat = 0.0
        self.reason = None

    def __call__(self):
        now = time.monotonic()
        if self.reason is None and now >= self.next_check:
            self.next_check = now + CHECK_EVERY
            if self.store.cancel_requested(self.job_id):
                self.reason = "cancelled"
            elif now > self.deadline:
                self.reason = "time_limit"
        return self.reason is not None

    def beat(self):
        now = time.monotonic()
        if now >= self.next_beat:
            self.next_beat = now + HEARTBEAT_EVERY
            self.store.update(self.job_id)


def _sample_indices(labels):
    return np.array([int(np.flatnonzero(labels == c)[0]) for c in range(min(SAMPLES, labels.max() + 1))])


def _meta(settings, record):
    return {"title": _title(settings, record["created"]),
            "preprocess": "fashion" if settings["dataset"] == "fashion" else "digit"}


def _title(settings, created):
    """A trained model's title in both languages: which network (the preset it is, named or sent layer
    by layer as the page sends it, or the learner's own), on which data, at what time, e.g. "Tiny
    network, trained here on handwritten digits (14:05)"."""
    network = NETWORK_NAMES.get(settings["preset"] or preset_of(settings["architecture"]), OWN_NETWORK)
    data = DATA_NAMES[settings["dataset"]]
    when = time.strftime("%H:%M", time.localtime(created))
    return {"en": f"{network['en']}, trained here on {data['en']} ({when})",
            "zh": f"{network['zh']}，在这里用{data['zh']}训练（{when}）"}


def cleanup(huey, config):
    """Delete expired anonymous models and job records a day old (run by the queue's scheduler)."""
    limits = limits_from_env()
    removed = runtime_models(config, limits).remove_expired()
    store = JobStore(huey)
    old = time.time() - limits.anonymous_hours * 3600
    for record in store.recent():
        if record["state"] in TERMINAL and record.get("ended", record["created"]) < old:
            store.delete(record["id"])
    return removed


def register_tasks(huey, config):
    huey.cnnviz_train = huey.task(name="train")(lambda job_id: run_job(huey, config, job_id))
    huey.periodic_task(crontab(minute="*/10"), name="cleanup")(lambda: cleanup(huey, config))

    @huey.signal("interrupted")
    def _interrupted(signal, task, *args, **kwargs):  # consumer stopped with a task in flight
        if task.name == "train" and task.args:
            JobStore(huey).finish(task.args[0], "interrupted", reason="the server stopped while training")
