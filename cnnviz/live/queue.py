"""The task queue: huey, on SQLite for one laptop or on Redis for a school server.

Configuration (environment, read when the queue is built):
  CNNVIZ_INSTANCE   folder for what the app writes at run time (default ./instance):
                    jobs.sqlite3 (queue + job store, SQLite mode) and models/ (trained models)
  CNNVIZ_REDIS_URL  e.g. redis://localhost:6379/0: use Redis instead of SQLite; workers then run
                    as separate processes (python -m cnnviz worker)
  CNNVIZ_JOBS_AT_ONCE  trainings running at once per consumer (default: cores - 1, at least 1)

One huey instance per process holds the queue, the task and the key/value storage that the job
store (live/store.py) keeps job states and events in, so any worker or web process can answer.
"""
import os
from pathlib import Path
from typing import NamedTuple

from huey import RedisHuey, SqliteHuey

ROOT = Path(__file__).resolve().parents[2]


class QueueConfig(NamedTuple):
    instance: Path
    redis_url: str | None
    jobs_at_once: int


def cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def config_from_env(env=os.environ):
    instance = Path(env.get("CNNVIZ_INSTANCE") or ROOT / "instance").resolve()
    at_once = int(env.get("CNNVIZ_JOBS_AT_ONCE") or max(1, cores() - 1))
    return QueueConfig(instance, env.get("CNNVIZ_REDIS_URL") or None, max(1, at_once))


def make_huey(config):
    """A huey whose one task, "train", runs live.jobs.run_job(job_id)."""
    if config.redis_url:
        huey = RedisHuey("cnnviz", url=config.redis_url, results=False)
    else:
        config.instance.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("cnnviz", filename=str(config.instance / "jobs.sqlite3"), results=False,
                          journal_mode="wal", timeout=10)
    from .jobs import register_tasks
    register_tasks(huey, config)
    return huey


_HUEYS = {}


def huey_for(config):
    """One huey per configuration in this process (a huey instance is thread-safe)."""
    if config not in _HUEYS:
        _HUEYS[config] = make_huey(config)
    return _HUEYS[config]
