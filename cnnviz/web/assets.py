"""Static files: compressed, and cacheable for good under a content-versioned URL.

Every file in static/ is served by WhiteNoise under /static/<version>/..., where
<version> is a hash of the whole folder: a page links its entry module and styles
with ``asset('js/pages/explore.js')``, and the modules' relative imports resolve
under the same prefix, so every file of one version can be cached "immutable"
and a change of any file gives every URL a new prefix. WhiteNoise serves the
gzip copy when the browser accepts it; the copies are made once per version at
start-up (with whitenoise.compress) in a temporary folder, as the source tree may
be read-only (the Docker image). The plain /static/... route stays for old links.
"""
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .module_graph import module_graph

STATIC_HEADERS = {"X-Content-Type-Options": "nosniff", "Cross-Origin-Resource-Policy": "same-origin"}


def folder_version(folder):
    """12 hex digits of SHA-256 over every file's relative path and bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def compressed_copy(folder, version):
    """A copy of folder with a .gz beside each file that compresses well, made once per version."""
    target = Path(tempfile.gettempdir()) / f"cnnviz-static-{version}"
    if (target / ".complete").exists():
        return target
    work = Path(tempfile.mkdtemp(prefix=f"cnnviz-static-{version}-"))
    shutil.copytree(folder, work, dirs_exist_ok=True)
    compressor = Compressor(use_brotli=False, quiet=True)  # brotli at its default level takes seconds
    for path in list(work.rglob("*")):
        if path.is_file() and compressor.should_compress(path.name):
            compressor.compress(str(path))
    (work / ".complete").touch()
    try:
        os.replace(work, target)
    except OSError:  # another process made it meanwhile
        shutil.rmtree(work, ignore_errors=True)
    return target if (target / ".complete").exists() else work


def install(app):
    """Serve app.static_folder under /static/<version>/ and add the Jinja globals asset(path) and
    module_graph(*entries) (the modules to preload)."""
    version = folder_version(app.static_folder)
    prefix = f"/static/{version}/"
    root = compressed_copy(app.static_folder, version)

    def add_headers(headers, path, url):
        for k, v in STATIC_HEADERS.items():
            headers[k] = v

    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(root), prefix=prefix, allow_all_origins=False,
                              immutable_file_test=lambda path, url: True, add_headers_function=add_headers)
    app.jinja_env.globals["asset"] = lambda path: prefix + path
    app.jinja_env.globals["module_graph"] = lambda *entries: module_graph(app.static_folder, *entries)
    app.config["STATIC_VERSION"] = version
    return version
