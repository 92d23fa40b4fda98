"""Running the queue's consumer: `python -m cnnviz worker` (a school server's worker processes or
containers), or embedded: `python app.py` starts one as a child process and stops it on exit.

Stopping: SIGTERM (huey's "interrupt" signal) makes every worker raise KeyboardInterrupt inside a
running training, which marks that job interrupted; SIGINT waits for running jobs to finish.
"""
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from .queue import config_from_env, huey_for
from .store import JobStore

log = logging.getLogger(__name__)


def mark_running_interrupted(huey):
    """On one machine (SQLite) no job can be running before its only consumer starts."""
    store = JobStore(huey)
    for record in store.recent():
        if record["state"] == "running":
            store.finish(record["id"], "interrupted", reason="the server stopped while training")


def run_consumer(config=None):
    config = config or config_from_env()
    if hasattr(os, "nice"):  # trainings yield the CPU to the web server: drawing stays quick
        os.nice(int(os.environ.get("CNNVIZ_WORKER_NICE", "10")))
    huey = huey_for(config)
    if not config.redis_url:
        mark_running_interrupted(huey)
    consumer = huey.create_consumer(
        workers=config.jobs_at_once, worker_type="process" if os.name == "posix" else "thread",
        initial_delay=0.05, backoff=1.5, max_delay=0.5,  # SQLite is polled: a new job starts within 0.5 s
        check_worker_health=True, health_check_interval=5)
    log.info("cnnviz worker: %s job(s) at once on %s", config.jobs_at_once,
             config.redis_url or config.instance / "jobs.sqlite3")
    # each worker says it is alive from its own process: a thread started before the fork could hold
    # the Redis connection pool's lock at that moment and leave the forked workers stuck
    huey.on_startup("heartbeat")(lambda: threading.Thread(target=_heartbeat, args=(huey,), daemon=True).start())
    if os.name == "posix":  # a worker process whose consumer was killed outright does not linger
        consumer_pid = os.getpid()
        huey.on_startup("orphan")(lambda: threading.Thread(target=_exit_if_orphaned, args=(consumer_pid,),
                                                           daemon=True).start())
    if os.environ.get("CNNVIZ_PARENT_PID"):
        threading.Thread(target=_exit_with_parent, args=(int(os.environ["CNNVIZ_PARENT_PID"]),),
                         daemon=True).start()
    consumer.run()
    return 0


def _heartbeat(huey, every=5):
    """Tell web processes a worker is there (they refuse jobs nobody would run)."""
    store = JobStore(huey)
    while True:
        try:
            store.worker_beat()
        except Exception:  # the store is briefly unreachable: try again next time
            log.warning("worker heartbeat failed", exc_info=True)
        time.sleep(every)


def _exit_if_orphaned(consumer_pid):
    if os.getpid() == consumer_pid:  # thread workers live in the consumer itself
        return
    while os.getppid() == consumer_pid:
        time.sleep(1)
    os._exit(1)


def _exit_with_parent(parent):
    """An embedded worker whose server died (even by kill -9) stops too, marking its job interrupted."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


class EmbeddedWorker:
    """The consumer as a child process of the web server (python app.py)."""

    def __init__(self, env=None):
        env = {**os.environ, **(env or {})}
        env.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per training
        env.setdefault("OMP_NUM_THREADS", "1")
        env["CNNVIZ_PARENT_PID"] = str(os.getpid())
        # its own session: a Ctrl-C in the terminal reaches the server, which then stops the worker
        self.proc = subprocess.Popen([sys.executable, "-m", "cnnviz", "worker"], env=env,
                                     start_new_session=os.name == "posix")

    def wait_ready(self, store, timeout=30):
        """Until the worker's first heartbeat, so the first job is never refused for want of one."""
        deadline = time.monotonic() + timeout
        while not store.worker_alive() and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.1)

    def stop(self, timeout=15):
        if self.proc.poll() is not None:
            return
        if os.name == "posix":
            self.proc.send_signal(signal.SIGTERM)
        else:  # no SIGTERM to catch: the heartbeat check marks its job interrupted
            self.proc.terminate()
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.proc.poll() is None:
            log.warning("worker did not stop in %s s; killing it", timeout)
            self.proc.kill()
            self.proc.wait()
