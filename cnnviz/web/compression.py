"""Responses compressed by Flask-Compress, its gzip done by ISA-L.

A student's browser talks plain http to the class's server on the local network, and over
plain http browsers accept only gzip and deflate (brotli and zstd only over https and on
localhost). A stroke's answer is about 160 KB of JSON: zlib's gzip at level 1 took 1.4 ms
of it, ISA-L's (isal.igzip, the same gzip format at about the same size) 0.3 ms.

Flask-Compress calls ``compression.gzip.compress(data, level)`` through the name
``compression`` in its own module; that name is pointed here at a namespace whose gzip is
isal.igzip, zlib and zstd unchanged. Only Flask-Compress's module sees it; the standard
library is untouched. tests/test_server.py checks the names this relies on.
"""
import types

import flask_compress.flask_compress as flask_compress
from flask_compress import Compress
from isal import igzip


def install(app):
    """Compress the app's responses (settings in app.config, COMPRESS_*), gzip by ISA-L."""
    library = flask_compress.compression
    if library.gzip is not igzip:
        flask_compress.compression = types.SimpleNamespace(gzip=igzip, zlib=library.zlib, zstd=library.zstd)
    Compress(app)
