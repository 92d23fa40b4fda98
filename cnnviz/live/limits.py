"""Every bound on training jobs and trained models, in one place; each can be set by environment."""
import os
from typing import NamedTuple

from .queue import cores


class Limits(NamedTuple):
    jobs_at_once: int        # trainings running at once (per consumer)
    queue_length: int        # jobs waiting; one more is refused with 429 and its would-be position
    max_work: float          # epochs x images x multiply-adds per image (forward pass)
    wall_seconds: int        # a job stops here and keeps its model
    models_per_owner: int    # models one browser keeps
    models_total: int        # runtime models on the server
    disk_bytes: int          # runtime model files on the server
    anonymous_hours: float   # models not shared with the class are deleted after this
    streams: int             # event streams open at once per web process
    stream_seconds: float    # one event stream's lifetime; the browser reconnects (Last-Event-ID)


def limits_from_env(env=os.environ):
    def num(name, default, kind=int):
        return kind(env.get(f"CNNVIZ_{name}") or default)
    return Limits(
        jobs_at_once=max(1, num("JOBS_AT_ONCE", max(1, cores() - 1))),
        queue_length=num("JOB_QUEUE", 8),
        max_work=num("JOB_MAX_WORK", 2e12, float),  # about 10 minutes here
        wall_seconds=num("JOB_SECONDS", 900),
        models_per_owner=num("MODELS_PER_BROWSER", 5),
        models_total=num("MODELS_TOTAL", 200),
        disk_bytes=num("MODELS_DISK_MB", 500) * 1024 * 1024,
        anonymous_hours=num("MODELS_EXPIRE_HOURS", 24, float),
        streams=num("EVENT_STREAMS", 4),
        stream_seconds=num("EVENT_STREAM_SECONDS", 25, float),
    )
