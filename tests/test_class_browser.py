"""A class run end to end in Chromium: a teacher page on a projector and three student pages
(a phone among them) in one browser, in both languages."""
import re

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, new_page

STROKES = {"7": [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]], "1": [[(0.5, 0.15), (0.5, 0.9)]]}


def draw(page, digit):
    box = page.locator("#draw-canvas").bounding_box()
    for stroke in STROKES[digit]:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=10)
        page.mouse.up()


def student(browser, base, lang, code, nick, phone=False):
    options = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True} if phone else {}
    page = new_page(browser, base, **options)
    page.goto(f"{base}/class?lang={lang}&join={code}")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#join-code")).to_have_value(code)
    page.fill("#join-nick", nick)
    page.locator("#join-form button[type=submit]").click()
    expect(page.locator("#student")).to_be_visible()
    return page


def open_class_as_teacher(browser, server, lang, width=1366, height=768):
    """A teacher's page (a laptop's screen unless told) with a class just opened -> (page, code)."""
    teacher = new_page(browser, server, viewport={"width": width, "height": height})
    teacher.goto(f"{server}/class?lang={lang}")
    teacher.wait_for_selector("body[data-ready=true]")
    teacher.locator("#class-open").click()
    expect(teacher.locator("#class-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"))
    return teacher, teacher.locator("#class-code").inner_text()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_class_end_to_end(browser, server, lang):
    teacher, code = open_class_as_teacher(browser, server, lang, 1920, 1080)
    for _ in range(100):  # the QR code loaded (polled: the page's CSP forbids wait_for_function's eval)
        if teacher.evaluate("document.getElementById('join-qr').naturalWidth") > 0:
            break
        teacher.wait_for_timeout(50)
    assert teacher.evaluate("document.getElementById('join-qr').naturalWidth") > 0
    size = teacher.evaluate("parseFloat(getComputedStyle(document.getElementById('class-code')).fontSize)")
    assert size >= 64, "the code must be readable from the back row"

    students = [student(browser, server, lang, code, nick, phone=(i == 0))
                for i, nick in enumerate(["Ada", "小明", "<b>Bo</b>"])]
    expect(teacher.locator("#student-count")).to_have_text("3")

    teacher.select_option("#task-kind", "draw")
    teacher.select_option("#task-target", "7")
    teacher.locator("#task-form button[type=submit]").click()
    for page in students:
        expect(page.locator("#student-task")).to_contain_text("7", timeout=10000)  # devices ask every 2 s

    for page, digit in zip(students, ["7", "7", "1"]):
        draw(page, digit)
        page.locator("#send-drawing").click()
        expect(page.locator("#student-verdict")).to_contain_text(digit)

    wall = teacher.locator("#wall")
    expect(wall.locator(".answer")).to_have_count(3)
    expect(wall.locator(".answer.wrong")).to_have_count(1)  # the 1 drawn for "draw a 7"
    assert "<b>Bo</b>" in wall.inner_text()  # a nickname is text, never markup
    assert wall.locator("b").count() == 0
    href = wall.locator(".answer").first.get_attribute("href")
    assert href.startswith("/?model=digits&input=")
    expect(teacher.locator("table.confusion td.right")).to_have_text("2")
    expect(teacher.locator("table.confusion td.wrong")).to_have_text("1")
    assert teacher.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    for page in students:
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / f"class-wall-{lang}.png"))
    students[0].screenshot(path=str(ARTIFACTS / f"class-phone-{lang}.png"))

    # an exercise sheet: every device gets a link to the same seeded sheet, reporting to this class
    teacher.select_option("#task-kind", "exercise")
    teacher.select_option("#task-sheet", "relu")
    teacher.locator("#task-form button[type=submit]").click()
    link = students[1].locator("#student-exercise-link")
    expect(link).to_be_visible(timeout=10000)
    assert re.search(rf"^/practice\?seed=\d+&kind=relu&class={code}$", link.get_attribute("href"))
    expect(students[1].locator("#student-pad")).to_be_hidden()
    # the class's sheet on the practice page: no other sheet to pick there (its answers would be counted
    # against the class's sheet), and a line saying whose sheet it is
    practice = students[1].context.new_page()
    practice.goto(server + link.get_attribute("href"))
    practice.wait_for_selector("body[data-ready=true]")
    expect(practice.locator("#class-sheet")).to_contain_text(code)
    for control in ("#new-sheet", "#seed-input", "#kind-select"):
        expect(practice.locator(control)).to_be_hidden()
    practice.close()

    # ending is asked once more: one click alone ends nothing
    teacher.locator("#class-end").click()
    expect(teacher.locator("#end-confirm")).to_be_visible()
    teacher.locator("#class-end-no").click()
    expect(teacher.locator("#end-confirm")).to_be_hidden()
    teacher.wait_for_timeout(2500)  # a student's poll
    expect(students[1].locator("#student-exercise-link")).to_be_visible()
    teacher.locator("#class-end").click()
    teacher.locator("#class-end-yes").click()
    expect(students[1].locator("#student-task")).to_contain_text("。" if lang == "zh" else "ended", timeout=10000)
    expect(students[0].locator("#student-pad")).to_be_hidden(timeout=10000)
    expect(students[0].locator("#send-drawing")).to_be_hidden()
    # the teacher's page says the class is over, for the teacher: no code to join, no task to send
    expect(teacher.locator("#teacher-task")).to_contain_text("CSV")
    for part in ("#join-card", "#task-form", "#class-end"):
        expect(teacher.locator(part)).to_be_hidden()
    expect(teacher.locator("#wall .answer")).to_have_count(3)
    assert teacher.errors == [] and [p.errors for p in students] == [[], [], []]
    for page in [teacher, *students]:
        page.context.close()


def test_a_wrong_code_is_said_in_the_learners_language(browser, server):
    page = new_page(browser, server)
    page.goto(f"{server}/class?lang=zh")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#join-code", "ZZZZZ")
    page.fill("#join-nick", "Ada")
    page.locator("#join-form button[type=submit]").click()
    expect(page.locator("#class-status")).to_contain_text("课堂码")
    page.context.close()


@pytest.mark.parametrize("lang,said", [("en", "Could not reach the cnnviz server."), ("zh", "无法连接 cnnviz 服务器。")])
def test_a_lost_network_is_said_as_such(browser, server, lang, said):
    """The class's server out of reach (the classroom's Wi-Fi dropped) when a student joins: the page
    says so (it said "The server could not use this input: 0", the class API's own error type
    knowing no network failure)."""
    page = new_page(browser, server)
    page.goto(f"{server}/class?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")
    page.route("**/api/classes/**", lambda route: route.abort("internetdisconnected"))
    page.fill("#join-code", "ABCDE")
    page.fill("#join-nick", "Ada")
    page.locator("#join-form button[type=submit]").click()
    expect(page.locator("#class-status")).to_have_text(said)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lesson_link_opened_before_joining_says_how_to_join(browser, server, lang):
    """/learn?class=CODE on a device that has not joined: one clear note with a link to join (the
    switch off, no second error); a code of no class: the note says so."""
    teacher, code = open_class_as_teacher(browser, server, lang)
    page = new_page(browser, server)
    page.goto(f"{server}/learn?lang={lang}&class={code}")
    page.wait_for_selector("body[data-ready=true]")
    note = page.locator("#follow-note")
    expect(note).to_contain_text(code)
    expect(note).to_contain_text("have not joined" if lang == "en" else "还没有")
    link = note.locator("a")
    expect(link).to_have_attribute("href", f"/class?join={code}&lang={lang}")
    expect(page.locator("#follow-toggle")).not_to_be_checked()
    expect(page.locator("#follow-toggle")).to_be_disabled()
    expect(page.locator("#status")).to_have_text("")
    link.click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#join-code")).to_have_value(code)
    page.goto(f"{server}/learn?lang={lang}&class=ZZZZZ")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#follow-note")).to_contain_text("does not exist" if lang == "en" else "不存在")
    teacher.context.close()
    page.context.close()


def send_task(teacher, kind, **fields):
    teacher.select_option("#task-kind", kind)
    for selector, value in fields.items():
        if selector == "target":
            teacher.select_option("#task-target", value)
        else:
            teacher.fill("#task-text", value)
    teacher.locator("#task-form button[type=submit]").click()


@pytest.mark.parametrize("lang,said", [("en", "Could not reach the cnnviz server."), ("zh", "无法连接 cnnviz 服务器。")])
def test_a_drawing_that_does_not_arrive_is_said_under_the_button(browser, server, lang, said):
    """A student's drawing lost on the way (the Wi-Fi dropped): the page says so where the student
    looks, and the network's reading of the drawing before is gone, not left to look like this
    one's. The drawing the page sends names the task on its screen."""
    teacher, code = open_class_as_teacher(browser, server, lang)
    page = student(browser, server, lang, code, "Ada", phone=True)
    send_task(teacher, "draw", target="7")
    expect(page.locator("#student-task")).to_contain_text("7", timeout=10000)
    sent = []

    def record(route):
        sent.append(route.request.post_data_buffer or b"")
        route.continue_()
    page.route("**/answers", record)
    draw(page, "7")
    page.locator("#send-drawing").click()
    expect(page.locator("#student-verdict")).to_contain_text("7")
    assert b'name="task_event"' in sent[0], sent
    page.unroute("**/answers")
    page.route("**/answers", lambda route: route.abort("internetdisconnected"))
    draw(page, "1")
    page.locator("#send-drawing").click()
    expect(page.locator("#student-status")).to_have_text(said)
    expect(page.locator("#student-verdict")).to_have_text("")
    status = page.locator("#student-status").bounding_box()
    assert 0 <= status["y"] and status["y"] + status["height"] <= 844, "the message is out of sight"
    expect(page.locator("#send-drawing")).to_be_enabled()  # the drawing is kept: send it again
    page.unroute("**/answers")
    page.locator("#send-drawing").click()
    expect(page.locator("#student-verdict")).to_contain_text("1")
    expect(page.locator("#student-status")).to_have_text("")
    for p in (teacher, page):
        p.context.close()


def test_the_teachers_link_on_a_students_device_offers_to_join(browser, server):
    """/class?teach=CODE (the address on the projector) opened by a student: the join form with the
    code, and a line saying how to take part, not a teacher's panel whose every button is refused."""
    teacher, code = open_class_as_teacher(browser, server, "en")
    page = new_page(browser, server)
    page.goto(f"{server}/class?lang=en&teach={code}")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#teacher")).to_be_hidden()
    expect(page.locator("#join-code")).to_have_value(code)
    expect(page.locator("#class-status")).to_contain_text("enter a nickname and join")
    assert f"join={code}" in page.url and "teach=" not in page.url
    for p in (teacher, page):
        p.context.close()


def test_a_long_task_and_a_new_language_on_a_students_phone(browser, server):
    """The teacher's own words with a long link wrap on a phone (the page was 1,133 px wide); a student
    who switches language gets every line in it (the greeting stayed in Chinese)."""
    teacher, code = open_class_as_teacher(browser, server, "zh")
    page = student(browser, server, "zh", code, "小红", phone=True)
    words = "Open https://en.wikipedia.org/wiki/Convolutional_neural_network#Receptive_field and draw what you read"
    send_task(teacher, "free", text=words)
    expect(page.locator("#student-task")).to_have_text(words, timeout=10000)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    expect(page.locator("#student-hello")).to_contain_text("你好")
    page.select_option("#lang-select", "en")
    expect(page.locator("#student-hello")).to_have_text(f"Hello 小红! You are in class {code}.")
    send_task(teacher, "draw", target="8")
    expect(page.locator("#student-task")).to_have_text("Draw “8”.", timeout=10000)
    teacher.select_option("#lang-select", "en")
    expect(teacher.locator("#teacher-task")).to_have_text("Current task: Draw “8”.")
    for p in (teacher, page):
        p.context.close()
