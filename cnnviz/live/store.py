"""The job store: each job's state and its history of events, kept in huey's own key/value
storage (SQLite or Redis), so whichever process runs a job writes there and any web process reads.

Keys (all in huey's kv / counter tables):
  job:<id>          JSON record {"id", "seq", "state", "owner", "settings", "created", ...}
  job:<id>:n        counter: events so far      job:<id>:e:<n>  JSON event number n
  job:<id>:cancel   present when cancelling was asked for
  jobs:seq          counter; jobs:seq:<n> -> id (the order jobs were created in)
"""
import json
import time

from huey.constants import EmptyData

from .events import EventLog

TERMINAL = ("finished", "failed", "cancelled", "interrupted")
WORKER_SILENCE = 20  # seconds without a worker heartbeat before new jobs are refused
STALE_SECONDS = 60  # a running job whose worker wrote nothing for this long has lost its worker


class JobStore:
    def __init__(self, huey):
        self.kv = huey.storage

    # ------------------------------------------------------------- records
    def create(self, job_id, record):
        seq = self.kv.incr("jobs:seq")
        record = {"id": job_id, "seq": seq, "created": time.time(), "heartbeat": time.time(), **record}
        self._put(f"job:{job_id}", record)
        self.kv.put_data(f"jobs:seq:{seq}", job_id.encode())
        return record

    def get(self, job_id):
        """The record, or None; a running job whose worker went silent is marked interrupted."""
        record = self._get(f"job:{job_id}")
        if record and record["state"] == "running" and time.time() - record["heartbeat"] > STALE_SECONDS:
            record = self.finish(job_id, "interrupted", reason="the worker stopped while training")
        return record

    def update(self, job_id, **changes):
        record = self._get(f"job:{job_id}")
        if record is None:
            return None
        record.update(changes, heartbeat=time.time())
        self._put(f"job:{job_id}", record)
        return record

    def finish(self, job_id, state, **fields):
        """Move a job to a terminal state (once) and append the matching event."""
        record = self._get(f"job:{job_id}")
        if record is None or record["state"] in TERMINAL:
            return record
        record = self.update(job_id, state=state, ended=time.time(), **fields)
        self.append(job_id, {"type": state, **fields})
        return record

    def recent(self, limit=500):
        """The newest jobs' records, newest first."""
        last = self.kv.incr("jobs:seq", 0)
        keys = [f"jobs:seq:{n}" for n in range(last, max(0, last - limit), -1)]
        ids = [v.decode() for v in self.kv.peek_many(keys).values()] if keys else []
        return [r for r in (self.get(i) for i in ids) if r]

    def delete(self, job_id):
        record = self._get(f"job:{job_id}")
        if record is None:
            return
        EventLog(self.kv, f"job:{job_id}").delete()
        for key in (f"job:{job_id}", f"job:{job_id}:cancel", f"job:{job_id}:predicted",
                    f"jobs:seq:{record['seq']}"):
            self.kv.delete_data(key)

    # -------------------------------------------------------------- events
    def append(self, job_id, event):
        """Number event and store it; -> its number (the SSE id)."""
        return EventLog(self.kv, f"job:{job_id}").append(event)

    def events(self, job_id, after=0, limit=200):
        """Events numbered after `after`, in order, up to the first not yet readable."""
        return EventLog(self.kv, f"job:{job_id}").read(after, limit)

    # -------------------------------------------------------------- cancel
    def request_cancel(self, job_id):
        self.kv.put_data(f"job:{job_id}:cancel", b"1")

    def cancel_requested(self, job_id):
        return self.kv.has_data_for_key(f"job:{job_id}:cancel")

    # ------------------------------------------------------------- workers
    def worker_beat(self):
        self.kv.put_data("workers:heartbeat", str(time.time()).encode())

    def worker_alive(self, within=WORKER_SILENCE):
        """Has any worker (consumer) said it is alive within the last `within` seconds?"""
        value = self.get_blob("workers:heartbeat")
        return value is not None and time.time() - float(value) < within

    # ------------------------------------------------------- blobs, helpers
    def put_blob(self, key, data):
        self.kv.put_data(key, data)

    def get_blob(self, key):
        value = self.kv.peek_data(key)
        return None if value is EmptyData else value

    def _get(self, key):
        value = self.kv.peek_data(key)
        return None if value is EmptyData else json.loads(value)

    def _put(self, key, record):
        self.kv.put_data(key, json.dumps(record).encode())
