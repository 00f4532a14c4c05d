"""The web app in a real browser (Playwright driving Debian's chromium): a reader opens the seed
story, sees the dispute side by side, clicks a quote and lands on the highlighted words, searches,
moves with the keyboard, reads it on a 360 px phone — and hostile article text never executes.

Screenshots of every page go to tests/artifacts/ (not committed). `make test` installs chromium
with apt-get where it is missing; these tests skip only if /usr/bin/chromium is still absent.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from rashomon.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="chromium is not installed at /usr/bin/chromium and `make test` could not install it with apt-get",
)

# Articles written by an attacker: markup in the title and body, event handlers, javascript: links.
HOSTILE = {
    "riverton_courier.txt": """Flood <script>window.__pwned = 1; alert(1)</script> hits Riverton

Published March 3, 2021

RIVERTON: Heavy rain flooded the river town of Riverton on Tuesday, the district officer said. <img src=x onerror="window.__pwned = 1; alert(2)"> Rescue teams evacuated 300 residents from the low-lying Eastbank quarter.

Read the mayor's statement <a href="javascript:window.__pwned=1;alert(3)">here</a>. Mayor John Carter said the water was receding and schools would reopen on Friday.

Residents said the flood barrier, built in 2009, had failed at two points. <svg onload="window.__pwned=1"></svg>
""",
    "valley_herald.txt": """Riverton <b onmouseover="window.__pwned=1">flood</b>: 500 residents evacuated

Published March 3, 2021

RIVERTON: Floodwater swept through Riverton on Tuesday after days of heavy rain. Rescue teams evacuated 500 residents from the Eastbank quarter, the district officer said. <iframe src="javascript:alert(4)"></iframe>

Mayor John Carter said the water was receding. The flood barrier, built in 2009, failed at two points, residents said. "><script>window.__pwned=1</script>
""",
}
HOSTILE_MARKERS = ("<script>", "onerror=", "javascript:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, seeds_dir) -> Path:
    """The two seed reports plus two hostile articles about an unrelated flood."""
    root = tmp_path_factory.mktemp("web-browser")
    hostile = root / "hostile"
    hostile.mkdir()
    for name, text in HOSTILE.items():
        (hostile / name).write_text(text, "utf-8")
    db = root / "news.db"
    with Store(db) as store:
        report = store.ingest([seeds_dir, hostile])
    assert report.failed == 0, report.errors
    return db


@pytest.fixture(scope="module")
def server(store_path):
    """The app served by uvicorn on 127.0.0.1 and a free port, in a thread."""
    import uvicorn

    from rashomon.web import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store_path, token="t0k3n"), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page that records dialogs, page errors and console messages, and whether the page's
    own marker of compromise (`window.__pwned`) was ever set."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

    def pwned(self) -> bool:
        return bool(self.page.evaluate("() => window.__pwned === 1"))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    watched = Watched(p)
    yield watched
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web_{name}.png"), full_page=True)


def seed_story_id(store_path: Path) -> str:
    with Store(store_path) as store:
        return next(s.id for s in store.stories() if "strategic dialogue" in (s.headline or ""))


def test_the_story_shows_its_dispute_side_by_side_with_the_slot_highlighted(server, store_path, page):
    p = page.page
    p.goto(f"{server}/stories/{seed_story_id(store_path)}")
    assert p.locator("h1").inner_text() == "Official in Russia for strategic dialogue"
    dispute = p.locator("section.facts.disputed .side-by-side").first
    sides = dispute.locator(".side")
    assert sides.count() >= 2
    first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1, "the two versions start on the same line"
    assert second["x"] >= first["x"] + first["width"], "the second version stands to the right of the first"
    values = [sides.nth(i).locator("strong.value").inner_text() for i in range(sides.count())]
    assert len(set(values)) >= 2, f"sources give different values: {values}"
    for i in range(sides.count()):  # each side marks the conflicting value inside its own words
        assert sides.nth(i).locator("mark.conflict").count() >= 1
        assert sides.nth(i).locator("mark.conflict").first.is_visible()
    shot(p, "story")
    assert not page.errors and not page.dialogs


def test_clicking_a_quote_shows_the_highlighted_span_in_the_source_text(server, store_path, page):
    p = page.page
    sid = seed_story_id(store_path)
    p.goto(f"{server}/stories/{sid}")
    quote = p.locator("section.facts.corroborated a.quote").first
    doc_id, start, end = quote.get_attribute("data-doc"), int(quote.get_attribute("data-start")), int(quote.get_attribute("data-end"))
    with Store(store_path) as store:
        text = next(d.text for d in store.story(sid).documents if d.id == doc_id)
    href = quote.get_attribute("href")
    quote.click()
    mark = p.locator("#source-panel mark#panel-hl")
    mark.wait_for(state="visible")
    assert mark.inner_text() == text[start:end]
    assert " ".join(text[start:end].split()) == " ".join(quote.inner_text().split())
    panel_text = p.locator("#source-panel .source-text").inner_text()
    assert " ".join(panel_text.split()) == " ".join(text.split()), "the whole source text is shown around the span"
    shot(p, "story_source_panel")
    p.keyboard.press("Escape")
    assert p.locator("#source-panel").is_hidden()

    # Without the script (or opened in a new tab) the link itself leads to the same highlight.
    p.goto(server + href)
    assert p.locator("mark#hl").inner_text() == text[start:end]
    p.locator("details.removed summary").click()  # the removed boilerplate, greyed, on request
    assert p.locator("details.removed li").first.is_visible()
    shot(p, "document")


def test_search_from_the_story_list_and_the_search_page(server, page):
    p = page.page
    p.goto(server + "/")
    shot(p, "stories")
    p.get_by_label("Words").fill("Moscow dialogue")
    p.get_by_label("Words").press("Enter")
    p.wait_for_url("**/?text=*")
    links = p.locator("a.story-link")
    assert links.count() == 1 and "strategic dialogue" in links.first.inner_text()

    p.goto(server + "/search")
    p.get_by_label("Words").fill("evacuated residents")
    p.get_by_label("Words").press("Enter")
    p.wait_for_url("**/search?q=*")
    hits = p.locator("ol.hits > li")
    assert hits.count() >= 2
    assert p.locator("ol.hits mark").first.inner_text().lower() in ("evacuated", "residents")
    shot(p, "search")
    assert not page.pwned() and not page.dialogs


def test_keyboard_alone_reaches_a_story_and_opens_it(server, page):
    p = page.page
    p.goto(server + "/")
    for _ in range(40):
        p.keyboard.press("Tab")
        focused = p.evaluate("() => document.activeElement.className")
        if focused == "story-link":
            break
    else:
        pytest.fail("Tab never reached a story link")
    target = p.evaluate("() => document.activeElement.getAttribute('href')")
    p.keyboard.press("Enter")
    p.wait_for_url(server + target)
    # On the story, Tab reaches a quote; Enter opens the source panel, Escape returns focus.
    for _ in range(80):
        p.keyboard.press("Tab")
        if "quote" in p.evaluate("() => document.activeElement.className"):
            break
    else:
        pytest.fail("Tab never reached a quote")
    p.keyboard.press("Enter")
    p.locator("#source-panel").wait_for(state="visible")
    p.keyboard.press("Escape")
    assert "quote" in p.evaluate("() => document.activeElement.className")


def test_entity_timeline_and_api_pages_render(server, page):
    p = page.page
    p.goto(server + "/entities?type=PERSON")
    shot(p, "entities")
    p.get_by_label("Name").fill("Kayani")  # an alias finds the resolved entity
    p.get_by_label("Name").press("Enter")
    p.wait_for_url("**/entities?name=Kayani*")
    p.locator("table a").first.click()
    assert p.locator("h1").first.inner_text() == "Ashfaq Kiyani"
    assert "Kayani" in p.locator("article.entity").inner_text()
    assert p.locator("article.entity a[href^='/stories/']").count() >= 1
    shot(p, "entity")
    p.goto(server + "/timeline?a=PAK&b=RUS")
    img = p.locator("figure.chart img")
    img.wait_for(state="visible")
    assert p.evaluate("(el) => el.complete && el.naturalWidth > 100", img.element_handle()), "the chart loaded"
    assert p.locator("table tbody tr").count() >= 2
    shot(p, "timeline")
    p.goto(server + "/docs")
    assert p.get_by_text("GET /api/stories", exact=True).count() == 1
    shot(p, "api_docs")
    assert not page.errors and not page.dialogs


def test_readable_at_360_px(server, store_path, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    p = context.new_page()
    try:
        for name, path in (("story", f"/stories/{seed_story_id(store_path)}"), ("stories", "/"), ("timeline", "/timeline?a=PAK&b=RUS")):
            p.goto(server + path)
            overflow = p.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= 360, f"{path}: page is {overflow} px wide at a 360 px viewport"
            size = p.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
            assert size >= 14
            shot(p, f"{name}_360px")
    finally:
        context.close()


def test_hostile_article_text_never_executes(server, store_path, page):
    with Store(store_path) as store:
        hostile = [s for s in store.stories() if "Riverton" in (s.headline or "") or "Flood" in (s.headline or "")]
        assert hostile, "the hostile articles were stored"
        docs = [d for s in hostile for d in store.story(s.id).documents]
    stored = "\n".join((d.title or "") + "\n" + d.text for d in docs)
    for marker in HOSTILE_MARKERS:  # the attack really reached the store: this test can fail
        assert marker in stored, marker
    p = page.page
    pages = ["/", "/?text=Riverton", "/search?q=Riverton", "/entities?name=Carter"]
    pages += [f"/stories/{s.id}" for s in hostile] + [f"/documents/{d.id}" for d in docs]
    for path in pages:
        p.goto(server + path)
        p.wait_for_load_state("load")
        assert not page.pwned(), path
        assert p.evaluate("() => document.querySelectorAll('script').length") == 1, path  # /static/app.js only
        assert p.evaluate("() => document.querySelectorAll('img:not(figure.chart img), iframe, svg, object, embed').length") == 0, path
        handlers = p.evaluate(
            "() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes].map(a => a.name)).filter(n => n.startsWith('on'))"
        )
        assert handlers == [], path
        assert p.evaluate("() => document.querySelectorAll('a[href^=\"javascript:\" i], iframe[src^=\"javascript:\" i]').length") == 0
    p.goto(f"{server}/documents/{docs[0].id}")
    shown = p.locator(".source-text").inner_text() + p.locator("h1").inner_text()
    assert any(m in shown for m in HOSTILE_MARKERS), "the markup is shown to the reader as text"
    shot(p, "hostile_document")
    p.goto(f"{server}/stories/{hostile[0].id}")
    shot(p, "hostile_story")
    # Defence in depth: even a script element that did get into the page would not run (CSP).
    p.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1'; document.body.append(s); }")
    p.wait_for_timeout(100)
    assert not page.pwned()
    assert any("Content Security Policy" in m for m in page.console), page.console
    assert not page.dialogs and not page.errors
