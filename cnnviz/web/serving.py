"""Serving a class with waitress so that no single device can lock the others out.

waitress reads every request whole in its event loop before a worker thread sees it,
so slow headers or a slow body never hold a thread. What a device can still exhaust is
the connection limit: waitress stops accepting once it is reached, and 520 idle sockets
from one laptop used to turn every student away. FairServer keeps accepting instead and
makes room by closing an idle connection (one not running a request) of the address
holding the most, oldest activity first; each address also has a cap of its own.
A browser just reconnects when an idle keep-alive connection is closed.

serve(app, workers=N, ...) runs N such processes on one listening socket (fork, after
the models are loaded, so the processes share their memory), so a two-core machine
uses both cores, as gunicorn's workers did.
"""
import logging
import os
import signal
import socket
import threading
import time
from collections import Counter, deque

from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)


class FairServer(TcpWSGIServer):
    def readable(self):
        """As waitress, but never stop accepting: handle_accept makes room."""
        now = time.time()
        if now >= self.next_channel_cleanup:
            self.next_channel_cleanup = now + self.adj.cleanup_interval
            self.maintenance(now)
        return self.accepting

    def handle_accept(self):
        super().handle_accept()
        if len(self.active_channels) <= self.adj.connection_limit:
            return
        open_channels = [c for c in self.active_channels.values() if not c.will_close]
        if len(open_channels) > self.adj.connection_limit:
            busiest = Counter(_host(c) for c in open_channels).most_common(1)[0][0]
            self._close_idlest(open_channels, busiest)

    def _close_idlest(self, channels, host):
        idle = [c for c in channels if _host(c) == host and not c.requests]
        if idle:
            victim = min(idle, key=lambda c: c.last_activity)
            victim.will_close = True  # closed on the event loop's next turn


def _host(channel):
    return channel.addr[0] if isinstance(channel.addr, tuple) else channel.addr


# Set when the server is stopping (app.py's SIGTERM and Ctrl-C handlers): the event streams (a
# teacher's wall, a training's progress) end at once. waitress waits up to 5 s for busy threads
# when it stops, and a stream whose page has gone is busy until its next write.
STOPPING = threading.Event()


def stop_on(exception):
    """A signal handler that sets STOPPING, then raises exception in the main thread (serving)."""
    def handler(*_):
        STOPPING.set()
        raise exception
    return handler


def class_settings(threads=8, connection_limit=1000):
    """waitress's settings for serving a class (app.py's; bench-stroke serves with them too)."""
    from . import MAX_UPLOAD_BYTES
    return {"threads": threads, "connection_limit": connection_limit,
            "channel_timeout": 30, "cleanup_interval": 5,  # an idle connection is closed after 30-35 s
            "max_request_body_size": MAX_UPLOAD_BYTES + 64 * 1024,  # refused before it is buffered
            "send_bytes": 1,  # flush every write at once: progress events must not wait in a buffer
            "ident": "cnnviz", "clear_untrusted_proxy_headers": True,
            # keep reading a connection while its request runs, so waitress sees a closed page at once
            # and an event stream can ask environ["waitress.client_disconnected"] (client_gone)
            "channel_request_lookahead": 1,
            "asyncore_use_poll": True}  # poll(): no 1,024-descriptor ceiling


def client_gone(environ):
    """A function that says whether the request's client has closed the connection: an event stream
    asks it between polls and ends, freeing its thread within a poll instead of at its next write
    (up to 10 s later; a teacher who reloads the wall a few times held several of the 8 threads).
    waitress says so when channel_request_lookahead is set (class_settings); other servers (gunicorn
    in the Docker image) cannot, and the stream ends at its next write, as before."""
    return environ.get("waitress.client_disconnected", lambda: False)


class NewestIdleFirst(threading.Condition):
    """waitress's idle threads wait on this condition; notify() wakes the thread that went idle last.
    threading.Condition wakes the one idle longest, so waitress's threads take requests in turn and
    each request starts on the thread whose caches and malloc arena are the coldest; a class's
    strokes mostly come one at a time, and the same warm thread now takes them (server CPU per
    stroke 0.93-0.97x of in-turn threads through app.py, python -m cnnviz bench-stroke).
    The same as threading.Condition.notify, which it overrides, but for the end of the waiters'
    list that it takes from (CPython's list of waiting threads' locks, oldest first)."""

    def notify(self, n=1):
        waiters = getattr(self, "_waiters", None)
        if not isinstance(waiters, deque) or not hasattr(self, "_is_owned"):
            return super().notify(n)  # another Python's Condition: its own order, never a failure
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        while waiters and n > 0:
            waiter = waiters.pop()
            try:
                waiter.release()
            except RuntimeError:  # gone already
                continue
            n -= 1


def make_servers(app, sock=None, **settings):
    """One FairServer per listening address (or on an already bound socket), sharing one map."""
    adj = Adjustments(**settings)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.queue_cv = NewestIdleFirst(dispatcher.lock)  # its idle threads' condition, on its lock
    dispatcher.set_thread_count(adj.threads)
    socket_map = {}
    if sock is not None:
        sockinfo = (sock.family, sock.type, sock.proto, sock.getsockname())
        return [FairServer(app, socket_map, True, sock, dispatcher=dispatcher, adj=adj, bind_socket=False,
                           sockinfo=sockinfo)]
    return [FairServer(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=info) for info in adj.listen]


def serve(app, host, port, workers=1, **settings):
    """Serve app on host:port with `workers` processes (1: this process)."""
    if workers > 1 and not hasattr(os, "fork"):
        log.warning("--workers needs fork (Linux, macOS); serving with one process")
        workers = 1
    if workers <= 1:
        servers = make_servers(app, host=host, port=port, **settings)
        servers[0].run()
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1024)
    listener.setblocking(False)
    children = {}

    def start_worker():
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                make_servers(app, sock=listener, **settings)[0].run()
            finally:
                os._exit(0)
        children[pid] = time.time()

    def stop(*_):
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    for _ in range(workers):
        start_worker()
    while True:
        try:
            pid, status = os.wait()
        except KeyboardInterrupt:
            stop()
        started = children.pop(pid, None)
        if started is not None:
            log.error("worker %s exited (status %s); starting another", pid, status)
            time.sleep(0 if time.time() - started > 5 else 1)  # no tight loop when start-up fails
            start_worker()
