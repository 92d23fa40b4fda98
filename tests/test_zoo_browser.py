"""The explorer on a model that uses every layer kind and hyperparameter (average pooling, tanh,
sigmoid, stride, padding, dilation — none of which the shipped models have): every formula and
caption a learner reads adds up, and every kind's animation plays."""
import re
import shutil

import pytest
from playwright.sync_api import expect

from conftest import open_app, start_server
from test_numbers_on_screen import POSITIONS, caption, check_detail, choose, click_neuron, goto_step
from zoo import write_models_folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """python app.py serving the shipped models and the zoo, which is only its files."""
    folder = tmp_path_factory.mktemp("zoo-models")
    write_models_folder(folder)
    shutil.copy(folder / "digits-examples.npz", folder / "zoo-examples.npz")  # 28x28 digits: the zoo's input
    proc, base = start_server(env_extra={"CNNVIZ_MODELS": str(folder)})
    yield base
    proc.terminate()
    proc.wait(10)


def layers_of(page, model):
    return page.evaluate("""async (m) => (await (await fetch('/api/models/' + m)).json()).layers
        .map((l) => [l.name, l.kind])""", model)


def test_every_formula_of_every_kind_adds_up(page):
    open_app(page, "?lang=en&model=zoo")
    page.locator("#gallery button").nth(4).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    layers = layers_of(page, "zoo")
    assert {k for _, k in layers} >= {"conv", "tanh", "avgpool", "sigmoid", "relu", "maxpool", "dense", "softmax"}
    for name, kind in layers:
        if kind == "flatten":
            continue
        channels = page.locator(f'section.layer[data-layer="{name}"] canvas').count()
        for k, (fx, fy) in enumerate(POSITIONS):
            detail = click_neuron(page, name, channel=(3 * k + 1) % channels, fx=fx, fy=fy)
            check_detail(page, detail, kind)
    assert page.errors == []


def test_every_kind_animates_with_captions_free_of_e_notation(page):
    open_app(page, "?lang=zh&model=zoo")
    page.locator("#gallery button").nth(2).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    for name, kind in layers_of(page, "zoo"):
        choose(page, name)
        total = int(re.search(r"(\d+)\D*$", page.locator("#anim-counter").inner_text())[1])
        for step in sorted({1, total // 2 + 1, total}):
            goto_step_any(page, step)
            text = caption(page)
            assert text and not re.search(r"\de[+-]?\d", text), (name, text)
            assert "undefined" not in text and "NaN" not in text
    assert page.errors == []


def goto_step_any(page, step):
    """Scrub to a 1-based step, whatever the page's language."""
    page.locator("#anim-scrub").fill(str(step - 1))
    expect(page.locator("#anim-scrub")).to_have_value(str(step - 1))


def test_the_lesson_follows_the_zoo_by_the_roles_of_its_layers(browser, server):
    """The Learn page on a network whose layers have other names, a padded first convolution, tanh before
    the first ReLU and average pooling before the first max pooling: every chapter finds its layer."""
    from conftest import new_page
    from test_learn_browser import CHAPTERS, MEASURE, VIEWPORTS, open_learn, wait_for_widget
    page = new_page(browser, server, **VIEWPORTS["1080p"])
    try:
        open_learn(page, "?lang=en&model=zoo&present=1")
        expect(page.locator("#model-select")).to_have_value("zoo")
        named = {"convolve": "c1, filter 0", "featuremap": "zero padding 1", "depth": "c3:", "relu": "r1, map",
                 "pooling": "r1, map", "sharing": "our c1"}
        for chapter in CHAPTERS:
            seen = []
            for s in range(1, 5):
                page.evaluate("([c, s]) => window.cnnvizLesson.go(c, s)", [CHAPTERS.index(chapter), s - 1])
                if s == 2:
                    wait_for_widget(page)
                m = page.evaluate(MEASURE)
                assert m["pageOverflow"] <= 0 and m["sideways"] <= 0, (chapter, s, m)
                seen.append(page.locator(".step.current").inner_text())
            if chapter in named:
                assert named[chapter] in " ".join(seen), (chapter, seen)
            assert not re.search(r"\{\w+\}", " ".join(seen)), chapter
        assert page.errors == []
    finally:
        page.context.close()
