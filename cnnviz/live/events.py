"""A numbered event log in huey's key/value storage (SQLite or Redis), so any process can append
and any web process can stream from a given number (the event stream's Last-Event-ID).

  <prefix>:n      counter: events so far          <prefix>:e:<n>  JSON event number n
Training jobs and classes each keep one.
"""
import json
import time


class EventLog:
    def __init__(self, kv, prefix, clock=time.time):
        self.kv, self.prefix, self.clock = kv, prefix, clock

    def append(self, event):
        """Number the event and keep it; -> its number."""
        n = self.kv.incr(f"{self.prefix}:n")
        self.kv.put_data(f"{self.prefix}:e:{n}", json.dumps({**event, "n": n, "time": self.clock()}).encode())
        return n

    def last(self):
        return self.kv.incr(f"{self.prefix}:n", 0)

    def read(self, after=0, limit=500):
        """Events numbered after `after`, in order, up to the first not yet readable (being written)."""
        last = min(self.last(), after + limit)
        keys = [f"{self.prefix}:e:{n}" for n in range(after + 1, last + 1)]
        found = self.kv.peek_many(keys) if keys else {}
        out = []
        for key in keys:
            if key not in found:
                break
            out.append(json.loads(found[key]))
        return out

    def delete(self):
        for n in range(1, self.last() + 1):
            self.kv.delete_data(f"{self.prefix}:e:{n}")
        self.kv.delete_counter(f"{self.prefix}:n")
