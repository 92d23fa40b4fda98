"""A class run end to end in Chromium: a teacher page on a projector and three student pages
(a phone among them) in one browser, in both languages."""
import base64
import json
import re
import urllib.request
from collections import Counter

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, SCREENS, draw_digit, new_page, png_bytes, start_server
from drawings import drawing

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


def test_present_the_lesson_opens_in_a_new_tab(browser, server):
    """The teacher keeps the class's page (and its wall) when the lesson opens (it opened in the same tab)."""
    teacher, code = open_class_as_teacher(browser, server, "en")
    link = teacher.locator("#class-lesson")
    expect(link).to_have_attribute("target", "_blank")
    assert "noopener" in link.get_attribute("rel").split()
    with teacher.context.expect_page() as opened:
        link.click()
    lesson = opened.value
    lesson.wait_for_load_state()
    assert f"teach={code}" in lesson.url and "/learn" in lesson.url
    assert "/class" in teacher.url
    expect(teacher.locator("#class-code")).to_have_text(code)
    teacher.context.close()


# ------------------------------------------------------------- a real class's wall
LONG_NICK = "欧阳娜娜的好朋友小明同学"  # 12 characters: the wall cut Chinese names after 4


def api(server, method, path, body=None, headers=None):
    req = urllib.request.Request(server + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def data_url(image):
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode()


def drawn_for_a_seven(teacher, server, code, drawings):
    """The teacher's page sends "Draw 7"; students {nickname: digit} join and answer through the API,
    and the wall shows their answers."""
    send_task(teacher, "draw", target="7")
    expect(teacher.locator("#teacher-task")).to_contain_text("7")
    for nick, digit in drawings.items():
        s = api(server, "POST", f"/api/classes/{code}/join", {"nickname": nick})
        api(server, "POST", f"/api/classes/{code}/answers", {"image": data_url(draw_digit(digit))}, {"X-Student-Token": s["token"]})
    expect(teacher.locator("#wall .answer")).to_have_count(len(drawings))


@pytest.fixture(scope="module")
def wall_server():
    """A server of its own for the 60-student class: each teacher's page these tests open and close holds
    one of its threads with its event stream until the stream notices the page has gone (up to ~10 s)."""
    proc, base = start_server("--threads", "32")
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def big_class(wall_server):
    """A class of 60 students who each sent a drawing for "Draw 7" (the test helpers' digits and
    scribbles); every seventh sent two, and only their last counts -> (server, code, the teacher's secret,
    Counter {class: students whose last drawing the network read as it}, the class LONG_NICK's is in)."""
    server = wall_server
    c = api(server, "POST", "/api/classes", {"model": "digits"})
    code, secret = c["code"], c["secret"]
    api(server, "POST", f"/api/classes/{code}/tasks", {"task": {"kind": "draw", "target": 7}}, {"X-Teacher-Secret": secret})
    pictures = [data_url(draw_digit(d, width=w)) for d in "7107" for w in (12, 20)]
    pictures += [data_url(drawing(seed, "RGB")) for seed in range(8)]
    last, long_class = {}, None
    for k in range(60):
        nick = LONG_NICK if k == 20 else f"学生{k}" if k % 2 else f"Student {k}"
        s = api(server, "POST", f"/api/classes/{code}/join", {"nickname": nick})
        token = {"X-Student-Token": s["token"]}
        if k % 7 == 0:  # a first try; the next drawing replaces it
            api(server, "POST", f"/api/classes/{code}/answers", {"image": pictures[(k + 5) % len(pictures)]}, token)
        r = api(server, "POST", f"/api/classes/{code}/answers", {"image": pictures[4 if k == 20 else k % len(pictures)]}, token)
        last[s["student"]] = r["predicted"]
        if k == 20:
            long_class = r["predicted"]
    return server, code, secret, Counter(last.values()), long_class


def open_wall(browser, big_class, lang, **screen):
    """The teacher's page of big_class (this browser holding the teacher's cookie), its wall complete."""
    server, code, secret, counts, _ = big_class
    page = new_page(browser, server, **screen)
    page.context.add_cookies([{"name": f"cnnviz_teacher_{code}", "value": secret, "url": server}])
    page.goto(f"{server}/class?lang={lang}&teach={code}")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#wall-summary")).to_contain_text(re.compile(r"60\D+60"), timeout=15000)
    expect(page.locator("#wall .wall-column .count")).to_have_count(10)
    for _ in range(50):  # the counts on screen: each column's number, parsed
        if on_screen(page) == counts:
            break
        page.wait_for_timeout(100)
    return page


WALL = """() => {
  const box = (e) => e.getBoundingClientRect();
  const cols = [...document.querySelectorAll('#wall .wall-column')];
  return {
    top: box(document.getElementById('wall')).top, bottom: box(document.getElementById('wall')).bottom,
    areaTop: box(document.getElementById('wall-area')).top, screen: document.documentElement.clientHeight,
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    counts: cols.map((c) => Number(c.querySelector('.count').textContent)),
    places: cols.map((c) => c.querySelectorAll('.answer').length + [...c.querySelectorAll('.more')]
      .reduce((s, m) => s + Number(m.firstChild.textContent.replace('+', '')), 0)),
    smallest: Math.min(...[...document.querySelectorAll('#teacher *')].filter((e) => e.getClientRects().length
      && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())).map((e) => parseFloat(getComputedStyle(e).fontSize))),
  };
}"""


def on_screen(page):
    return Counter({i: n for i, n in enumerate(page.evaluate(WALL)["counts"]) if n})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sixty_students_fit_on_the_wall_counted_once(browser, big_class, lang):
    """60 students on a projector (1920x1080) and on a 1366x768 laptop: the whole wall is on screen,
    from its top to its bottom, without scrolling (it was 3,668 px tall for 40 and began at y=950);
    each column's number is the students whose last drawing the network read as it (the wall counted
    drawings: "3 (5)" from four students), and every one of them is on the wall or in its "+N";
    a long Chinese nickname can be read (cut after 4 characters), whole when its column is shown alone."""
    counts, long_class = big_class[3:]
    page = open_wall(browser, big_class, lang, viewport={"width": 1920, "height": 1080})
    for width, height in [(1920, 1080), (1366, 768)]:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the wall fits itself to the new window
        wall = page.evaluate(WALL)
        assert 0 <= wall["top"] and wall["bottom"] <= wall["screen"], (width, wall)
        assert on_screen(page) == counts, (width, wall["counts"])
        assert wall["places"] == wall["counts"], wall
        assert wall["sideways"] <= 0 and wall["smallest"] >= 12, wall
        name = page.locator("#wall .answer", has_text=LONG_NICK[:2]).filter(
            has=page.locator(f".nick:text-is('{LONG_NICK}')"))
        expect(name).to_have_count(1)
        assert LONG_NICK in name.get_attribute("title")  # the whole name on hover
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"class-wall-60-{lang}.png"))
    # its column alone: larger drawings, the whole name on screen
    page.locator("#wall .wall-column").nth(long_class).locator("button.wall-head").click()
    expect(page.locator("#wall .wall-column")).to_have_count(1)
    nick = page.locator("#wall .nick", has_text=LONG_NICK)
    assert nick.evaluate("(e) => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1")
    expect(page.locator("#wall .answer")).to_have_count(counts[long_class])
    page.locator("#wall-all").click()
    expect(page.locator("#wall .wall-column")).to_have_count(10)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_wall_of_sixty_at_every_screen(browser, big_class, screen, lang):
    """The teacher's page with 60 answers at the five screens: no sideways scroll (a phone scrolled
    sideways 83 px), no text under 12 px, and the wall within one screen: on a laptop or projector from
    the top of the page, on narrower screens under its heading (where it starts below the class's card)."""
    counts = big_class[3]
    page = open_wall(browser, big_class, lang, **SCREENS[screen])
    wall = page.evaluate(WALL)
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("document.getElementById('wall-area').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"class-wall-{screen}-{lang}.png"))
    assert wall["sideways"] <= 0, wall
    assert wall["smallest"] >= 12, wall
    assert on_screen(page) == counts and wall["places"] == wall["counts"], wall
    if screen in ("1366", "1080p"):
        assert 0 <= wall["top"] and wall["bottom"] <= wall["screen"], wall
    assert wall["bottom"] - wall["areaTop"] <= wall["screen"], wall
    assert page.errors == []
    page.context.close()


def test_the_wall_follows_the_task_and_keeps_the_earlier_ones(browser, server):
    """A new task: the wall shows its answers (none yet), and its menu brings back the earlier task's."""
    teacher, code = open_class_as_teacher(browser, server, "en")
    secret = next(c["value"] for c in teacher.context.cookies() if c["name"] == f"cnnviz_teacher_{code}")
    drawn_for_a_seven(teacher, server, code, {"Ada": "7", "Bo": "7"})
    expect(teacher.locator("#wall-task-label")).to_be_hidden()  # one task: nothing to choose
    api(server, "POST", f"/api/classes/{code}/tasks", {"task": {"kind": "draw", "target": 1}}, {"X-Teacher-Secret": secret})
    expect(teacher.locator("#wall-summary")).to_contain_text("Answered: 0 of 2 students.")
    expect(teacher.locator("#wall .answer")).to_have_count(0)
    menu = teacher.locator("#wall-task")
    expect(teacher.locator("#wall-task-label")).to_be_visible()
    expect(menu.locator("option")).to_have_text(["Task 2: Draw “1”.", "Task 1: Draw “7”."])
    menu.select_option(index=1)
    expect(teacher.locator("#wall .answer")).to_have_count(2)
    expect(teacher.locator("#wall .wall-column").nth(7).locator(".count")).to_have_text("2")
    assert teacher.errors == []
    teacher.context.close()


@pytest.mark.parametrize("screen", ["1080p", "phone"])
def test_ending_the_class_leaves_what_the_page_says_in_sight(browser, server, screen):
    """The teacher ends the class from the buttons under the card: the card, the task form and the
    buttons go, and the page says the class is over and that its answers can be exported, in the
    window (it kept its scroll and showed the foot of the page, the confusion matrix); the CSV link has
    the focus. A student's phone then offers no lesson to follow (its button led to a page saying the
    class had ended)."""
    teacher = new_page(browser, server, **SCREENS[screen])
    teacher.goto(f"{server}/class?lang=en")
    teacher.wait_for_selector("body[data-ready=true]")
    teacher.locator("#class-open").click()
    expect(teacher.locator("#class-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"))
    code = teacher.locator("#class-code").inner_text()
    page = student(browser, server, "en", code, "Ada", phone=True)
    expect(page.locator("#student-lesson")).to_be_visible()
    drawn_for_a_seven(teacher, server, code, {"Bo": "7", "Cy": "7", "Di": "7"})  # a wall and a confusion matrix
    expect(teacher.locator("table.confusion td.right")).to_have_text("3")
    teacher.locator("#class-end").click()
    teacher.locator("#class-end-yes").click()
    said = teacher.locator("#teacher-task")
    expect(said).to_contain_text("CSV")
    box, screen_height = said.bounding_box(), teacher.evaluate("innerHeight")
    assert 0 <= box["y"] and box["y"] + box["height"] <= screen_height, (box, screen_height)
    expect(teacher.locator("#results-csv")).to_be_focused()
    expect(page.locator("#student-task")).to_contain_text("ended", timeout=10000)
    expect(page.locator("#student-lesson")).to_be_hidden()
    assert teacher.errors == [] and page.errors == []
    for p in (teacher, page):
        p.context.close()


@pytest.mark.parametrize("back", ["#wall-all", "heading"])
def test_back_from_a_column_alone_the_focus_is_on_that_column(browser, server, back):
    """A column shown alone, then every column again (the All classes button, or its heading pressed
    again): the keyboard's focus is on that column's heading, where the teacher was (it went to the
    wall's first heading: an empty column's, which takes no focus, so to nowhere, or another column's)."""
    teacher, code = open_class_as_teacher(browser, server, "en")
    drawn_for_a_seven(teacher, server, code, {"Ada": "0", "Bo": "7", "Cy": "7"})
    heading = teacher.locator("#wall button.wall-head").last  # the highest class with answers
    key = heading.get_attribute("data-key")
    heading.focus()
    teacher.keyboard.press("Enter")
    expect(teacher.locator("#wall .wall-column")).to_have_count(1)
    expect(teacher.locator("#wall-all")).to_be_focused()
    if back == "#wall-all":
        teacher.keyboard.press("Enter")
    else:
        teacher.locator(f"#wall [data-key='{key}']").focus()
        teacher.keyboard.press("Enter")
    expect(teacher.locator("#wall .wall-column")).to_have_count(10)
    expect(teacher.locator(f"#wall [data-key='{key}']")).to_be_focused()
    assert teacher.errors == []
    teacher.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_the_network_read_is_in_sight_on_a_phone(browser, server, lang):
    """A student on a phone draws (the pad scrolled into view) and sends: the line saying what the
    network read is in the window, whole (its second line was under the bottom edge, at y 844-870)."""
    teacher, code = open_class_as_teacher(browser, server, lang)
    page = student(browser, server, lang, code, "Ada", phone=True)
    send_task(teacher, "draw", target="7")
    expect(page.locator("#student-task")).to_contain_text("7", timeout=10000)
    page.locator("#draw-canvas").scroll_into_view_if_needed()
    draw(page, "7")
    page.locator("#send-drawing").click()
    verdict = page.locator("#student-verdict")
    expect(verdict).to_contain_text("7")
    page.wait_for_timeout(300)
    box = verdict.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 844, box
    assert page.errors == []
    for p in (teacher, page):
        p.context.close()


def test_the_wall_says_which_task_it_shows_while_an_exercise_sheet_is_out(browser, server):
    """An exercise sheet sent after a drawing task: the wall keeps the drawing task's answers, and its
    menu says whose they are (it was hidden, one task having answers: "Answered: 2 of 2 students" under
    "Current task: Do the exercises" read as two students having done the exercises)."""
    teacher, code = open_class_as_teacher(browser, server, "en")
    drawn_for_a_seven(teacher, server, code, {"Ada": "7", "Bo": "7"})
    expect(teacher.locator("#wall-task-label")).to_be_hidden()  # the current task's answers: nothing to say
    teacher.select_option("#task-kind", "exercise")
    teacher.locator("#task-form button[type=submit]").click()
    expect(teacher.locator("#teacher-task")).to_contain_text("exercises")
    expect(teacher.locator("#wall .answer")).to_have_count(2)
    expect(teacher.locator("#wall-task-label")).to_be_visible()
    expect(teacher.locator("#wall-task option:checked")).to_have_text("Task 1: Draw “7”.")
    assert teacher.errors == []
    teacher.context.close()
