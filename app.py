"""Start cnnviz: python app.py [--host 0.0.0.0] [--port 8000] [--threads 8] [--workers 1]

Serves with waitress (a production WSGI server that runs on Linux, macOS and
Windows), never Flask's development server or debugger, through
cnnviz.web.serving: slow or idle connections from one device cannot lock a class
out. Flags win over the environment variables CNNVIZ_HOST, CNNVIZ_PORT,
CNNVIZ_THREADS, CNNVIZ_WORKERS and CNNVIZ_CONNECTION_LIMIT.
"""
import os

# One BLAS thread per process, before NumPy is imported: the engine's matrices are small,
# and threads that spin waiting for work only steal the core another request needs.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from cnnviz.netaddr import lan_address  # noqa: E402


def parse_args(argv=None):
    env = os.environ
    p = argparse.ArgumentParser(description="Serve cnnviz.")
    p.add_argument("--host", default=env.get("CNNVIZ_HOST", "127.0.0.1"),
                   help="address to listen on; 0.0.0.0 lets students on the classroom network connect")
    p.add_argument("--port", type=int, default=int(env.get("CNNVIZ_PORT", "8000")))
    p.add_argument("--threads", type=int, default=int(env.get("CNNVIZ_THREADS", "8")))
    p.add_argument("--workers", type=int, default=int(env.get("CNNVIZ_WORKERS", "1")),
                   help="processes sharing the port (Linux and macOS); one per core for a big class")
    p.add_argument("--connection-limit", type=int, default=int(env.get("CNNVIZ_CONNECTION_LIMIT", "1000")),
                   help="open connections per process before idle ones are closed to make room")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from cnnviz.web import create_app
    from cnnviz.web.serving import class_settings, serve
    app = create_app({"LISTEN_HOST": args.host})  # the Class page and /api/join say whether students can reach it
    print(f"cnnviz is running: open http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}"
          f":{args.port}/ in a browser", flush=True)
    lan = lan_address() if args.host == "0.0.0.0" else None
    if lan:
        print(f"students on the same network open: http://{lan}:{args.port}/", flush=True)
    from cnnviz.web.serving import stop_on
    signal.signal(signal.SIGTERM, stop_on(SystemExit(0)))  # docker stop / kill: stop the worker first
    signal.signal(signal.SIGINT, stop_on(KeyboardInterrupt()))  # Ctrl-C
    worker = None
    if app.config.get("STUDIO", True) and not os.environ.get("CNNVIZ_REDIS_URL"):
        from cnnviz.live.worker import EmbeddedWorker  # one laptop: the training worker is our child process
        worker = EmbeddedWorker()
        worker.wait_ready(app.extensions["cnnviz.studio"].store)
    try:
        serve(app, args.host, args.port, workers=args.workers,
              **class_settings(threads=args.threads, connection_limit=args.connection_limit))
    finally:
        if worker:
            worker.stop()  # a running training is marked interrupted


if __name__ == "__main__":
    sys.exit(main())
