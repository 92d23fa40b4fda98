"""The page in headless Chromium.

  python -m cnnviz bench-page     # first load's bytes on the wire (gzip as sent), time until
                                  # interactive, stroke end -> updated view (real mouse strokes)
  python -m cnnviz bench-frames   # frame times while the convolution animation plays

Needs the test dependencies (Playwright) and Debian's chromium; starts
`python app.py` itself unless --url is given.
"""
import statistics

from .api import Server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def bench_page(url=None, strokes=20):
    from playwright.sync_api import sync_playwright
    with Server(url) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # bypass_csp lets the benchmark's own probes (wait_for_function) run; the page is unchanged
        page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        finished = []  # their sizes are asked for after the load: each ask is a round trip to the browser
        page.on("requestfinished", lambda r: finished.append(r))
        page.goto(base + "/?lang=en")
        page.wait_for_selector("body[data-ready=true]")
        ready_ms = page.evaluate("performance.now()")
        wire = {r.url: sum(r.sizes()[k] for k in ("responseBodySize", "responseHeadersSize")) for r in finished}
        load_bytes = sum(wire.values())
        box = page.locator("#draw-canvas").bounding_box()
        latencies = []
        for i in range(strokes):
            page.locator("#tool-clear").click()
            x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * (0.2 + 0.01 * (i % 5))
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move(x0 + box["width"] * 0.4, y0, steps=8)
            page.mouse.move(x0 + box["width"] * 0.15, y0 + box["height"] * 0.6, steps=8)
            page.evaluate("performance.clearMarks()")
            page.mouse.up()
            page.wait_for_function("performance.getEntriesByName('cnnviz:rendered').length > 0")
            latencies.append(page.evaluate("""performance.getEntriesByName('cnnviz:rendered')[0].startTime
                                              - performance.getEntriesByName('cnnviz:stroke-end')[0].startTime"""))
        browser.close()
    print(f"first load: {load_bytes / 1024:.0f} KB on the wire in {len(wire)} requests, "
          f"interactive after {ready_ms:.0f} ms")
    print(f"stroke end -> updated view: median {statistics.median(latencies):.0f} ms, "
          f"max {max(latencies):.0f} ms over {strokes} strokes")


def start_from_home(page):
    """Press Home on the play bar (the animation's first step, paused), check it is there, then play:
    choosing a layer starts at its strongest step, which may be near the end. -> the number of steps."""
    page.locator("#anim-play").focus()
    page.keyboard.press("Home")
    page.wait_for_function("/^\\D*1\\D/.test(document.getElementById('anim-counter').textContent) "
                           "&& document.getElementById('anim-play').getAttribute('aria-pressed') === 'false'")
    steps = page.evaluate("Number(document.getElementById('anim-scrub').max) + 1")
    page.locator("#anim-play").click()
    page.wait_for_function("document.getElementById('anim-play').getAttribute('aria-pressed') === 'true'")
    return steps


def bench_frames(url=None, seconds=5.0, layer="conv1", speed=20):
    """Play an animation and report frame-to-frame intervals and the player's draw time per frame."""
    from playwright.sync_api import sync_playwright
    with Server(url) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        page.goto(base + "/?lang=en")
        page.wait_for_selector("body[data-ready=true]")
        page.locator("#gallery button").first.click()
        page.wait_for_function("document.querySelector('#guess .big')")
        page.select_option("#anim-speed", str(speed))
        page.select_option("#anim-layer", layer)
        page.locator("#anim-canvas").scroll_into_view_if_needed()
        page.wait_for_function("document.getElementById('anim-status').textContent === '' "
                               "&& document.getElementById('anim-counter').textContent !== ''")
        steps = start_from_home(page)
        page.wait_for_function("performance.getEntriesByName('cnnviz:frame').length > 10")
        page.evaluate("performance.clearMeasures('cnnviz:frame')")
        page.wait_for_timeout(seconds * 1000)
        draws = page.evaluate("performance.getEntriesByName('cnnviz:frame').map((m) => m.duration)")
        starts = page.evaluate("performance.getEntriesByName('cnnviz:frame').map((m) => m.startTime)")
        size = page.evaluate("(() => { const c = document.getElementById('anim-canvas'); return [c.width, c.height]; })()")
        browser.close()
    intervals = [b - a for a, b in zip(starts, starts[1:])]
    print(f"{layer} animation ({steps} steps, played from the first) at {speed} steps/s for {seconds:.0f} s, "
          f"stage canvas {size[0]}x{size[1]} px, headless Chromium")
    print(f"  {len(draws)} frames: interval median {statistics.median(intervals):.1f} ms "
          f"(p95 {sorted(intervals)[int(0.95 * len(intervals))]:.1f} ms), "
          f"drawing median {statistics.median(draws):.2f} ms (p95 {sorted(draws)[int(0.95 * len(draws))]:.2f} ms)")

