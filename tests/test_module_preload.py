"""Every page lists its whole ES module graph as <link rel="modulepreload"> (cnnviz/web/module_graph.py):
the browser fetches the modules at once instead of a waterfall six or seven imports deep. The Explore
page also preloads its first request (the list of networks)."""
import re

import pytest

from cnnviz.web.module_graph import imports
from cnnviz.web.pages import ORDER
from conftest import open_app

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
ENTRY = re.compile(r'<script type="module" src="([^"]+)">')


def test_static_imports_and_re_exports_are_followed_and_dynamic_ones_are_not():
    source = """import { a } from './a.js';
import {
  b,
} from "../b.js";
export { d } from './d.js';
export * from './e.js';
import './f.js';
export function g() { return './not-an-import.js'; }
const later = () => import('./lazy.js');
// import x from './a-comment.js';
"""
    assert imports(source) == ["./a.js", "../b.js", "./d.js", "./e.js", "./f.js"]


@pytest.mark.parametrize("page", ORDER)
def test_a_page_preloads_its_modules_once_and_each_is_served(client, page):
    html = client.get("/" if page == "explore" else f"/{page}").get_data(as_text=True)
    preloads, entries = PRELOAD.findall(html), ENTRY.findall(html)
    assert len(preloads) == len(set(preloads)) > 10 and not set(preloads) & set(entries)
    for url in preloads:
        response = client.get(url)
        assert response.status_code == 200 and "javascript" in response.content_type
        response.close()


def test_the_modules_the_browser_loads_are_exactly_those_preloaded(page):
    lists, warnings = [], []
    page.on("request", lambda r: lists.append(r.url) if r.url.endswith("/api/models") else None)
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    open_app(page)
    html = page.content()
    preloads, entries = set(PRELOAD.findall(html)), set(ENTRY.findall(html))
    loaded = set(page.evaluate("""performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)
                                  .filter((p) => p.endsWith('.js'))"""))
    assert loaded == preloads | entries  # none missed (a waterfall), none preloaded in vain
    assert page.errors == []  # the page's Content-Security-Policy lets the preloads in
    assert len(lists) == 1  # the list of networks, preloaded by the page's head, is fetched once
    assert not [w for w in warnings if "preload" in w.lower()]  # each preload is used
