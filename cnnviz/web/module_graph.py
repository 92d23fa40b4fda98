"""Every ES module a page's entry imports, directly or not, for <link rel="modulepreload">.

Without it the browser learns a module's imports only once that module has arrived, so the
page's ~70 modules come in a waterfall six or seven requests deep; listed in the page's <head>,
they are all requested at once. Only static imports (`import ... from './x.js'`,
`export ... from`, `import './x.js'`) are followed; a dynamic import() stays lazy.
"""
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

IMPORT = re.compile(r"""^\s*(?:import\s*|(?:import|export)\b[^'";]*?\bfrom\s*)['"](\.{1,2}/[^'"]+)['"]""", re.M)


def imports(source):
    """The relative specifiers of a module's static imports and re-exports, in order."""
    return IMPORT.findall(source)


@lru_cache(maxsize=64)
def module_graph(folder, *entries):
    """The modules the entries (paths under folder, e.g. 'js/pages/explore.js') import, directly
    or not, as paths under folder in the order first met (depth first); the entries themselves
    are left out. A specifier naming no file under folder is skipped (the browser reports it)."""
    root = Path(folder)
    seen, order = set(entries), []

    def visit(path):
        file = root / path
        if not file.is_file():
            return
        for spec in imports(file.read_text(encoding="utf-8")):
            target = str(PurePosixPath(_normalise(PurePosixPath(path).parent / spec)))
            if target not in seen and (root / target).is_file():
                seen.add(target)
                order.append(target)
                visit(target)

    for entry in entries:
        visit(entry)
    return tuple(order)


def _normalise(path):
    """'js/pages/../core/api.js' -> 'js/core/api.js' (PurePosixPath keeps '..')."""
    parts = []
    for part in path.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)
