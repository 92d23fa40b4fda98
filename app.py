"""Start cnnviz: python app.py [--host 0.0.0.0] [--port 8000] [--threads 8]

Serves with waitress (a production WSGI server that runs on Linux, macOS and
Windows), never Flask's development server or debugger. Flags win over the
environment variables CNNVIZ_HOST, CNNVIZ_PORT and CNNVIZ_THREADS.
"""
import argparse
import logging
import os
import signal
import socket
import sys


def lan_address():
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # UDP connect only picks a route
            return s.getsockname()[0]
        except OSError:
            return None


def parse_args(argv=None):
    env = os.environ
    p = argparse.ArgumentParser(description="Serve cnnviz.")
    p.add_argument("--host", default=env.get("CNNVIZ_HOST", "127.0.0.1"),
                   help="address to listen on; 0.0.0.0 lets students on the classroom network connect")
    p.add_argument("--port", type=int, default=int(env.get("CNNVIZ_PORT", "8000")))
    p.add_argument("--threads", type=int, default=int(env.get("CNNVIZ_THREADS", "8")))
    p.add_argument("--connection-limit", type=int, default=int(env.get("CNNVIZ_CONNECTION_LIMIT", "500")),
                   help="open connections allowed at once (browsers keep several open each)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from waitress import serve

    from cnnviz.web import MAX_UPLOAD_BYTES, create_app
    app = create_app()
    print(f"cnnviz is running: open http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}"
          f":{args.port}/ in a browser", flush=True)
    if args.host == "0.0.0.0":
        lan = lan_address()
        if lan:
            print(f"students on the same network open: http://{lan}:{args.port}/", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # docker stop / kill: stop the worker first
    worker = None
    if not os.environ.get("CNNVIZ_REDIS_URL"):  # one laptop: the training worker is our child process
        from cnnviz.live.worker import EmbeddedWorker
        worker = EmbeddedWorker()
        worker.wait_ready(app.extensions["cnnviz.studio"].store)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads,
              connection_limit=args.connection_limit, channel_timeout=60,
              max_request_body_size=MAX_UPLOAD_BYTES + 64 * 1024,  # refused before it is buffered
              send_bytes=1,  # flush every write at once: progress events must not wait in a buffer
              ident="cnnviz", clear_untrusted_proxy_headers=True)
    finally:
        if worker:
            worker.stop()  # a running training is marked interrupted


if __name__ == "__main__":
    sys.exit(main())
