"""Start cnnviz: python app.py [--host 0.0.0.0] [--port 8000] [--threads 8]

Serves with waitress (a production WSGI server that runs on Linux, macOS and
Windows), never Flask's development server or debugger. Flags win over the
environment variables CNNVIZ_HOST, CNNVIZ_PORT and CNNVIZ_THREADS.
"""
import argparse
import logging
import os
import sys

from cnnviz.netaddr import lan_address


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
    lan = lan_address() if args.host == "0.0.0.0" else None
    app = create_app({"LISTEN_HOST": args.host})  # /api/join and the Class page say whether students can reach it
    print(f"cnnviz is running: open http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}"
          f":{args.port}/ in a browser", flush=True)
    if lan:
        print(f"students on the same network open: http://{lan}:{args.port}/", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads,
          connection_limit=args.connection_limit, channel_timeout=60,
          max_request_body_size=MAX_UPLOAD_BYTES + 64 * 1024,  # refused before it is buffered
          ident="cnnviz", clear_untrusted_proxy_headers=True)


if __name__ == "__main__":
    sys.exit(main())
