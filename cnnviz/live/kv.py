"""The key/value storage of a running server's live state (classes; training jobs use the same
storage through their queue): huey's storage on SQLite for one laptop, or on Redis for a school
server with several web processes.

  CNNVIZ_INSTANCE   folder for what the app writes at run time (default ./instance)
  CNNVIZ_REDIS_URL  e.g. redis://localhost:6379/0: keep live state in Redis instead of SQLite
"""
import os
from pathlib import Path

from huey.storage import RedisStorage, SqliteStorage

ROOT = Path(__file__).resolve().parents[2]


def instance_folder(env=os.environ):
    return Path(env.get("CNNVIZ_INSTANCE") or ROOT / "instance").resolve()


def open_kv(instance=None, redis_url=None):
    """huey storage: Redis when redis_url is given, else SQLite in instance/jobs.sqlite3."""
    if redis_url:
        return RedisStorage("cnnviz", url=redis_url)
    folder = Path(instance or instance_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteStorage("cnnviz", filename=str(folder / "jobs.sqlite3"), journal_mode="wal", timeout=10)
