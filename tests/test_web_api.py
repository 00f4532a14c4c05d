"""The JSON API and the app's defences, through FastAPI's TestClient: what a script gets from a
running `rashomon serve`, and what a stranger on the network or a hostile article cannot do."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from rashomon.store import Store

with warnings.catch_warnings():  # starlette's notice about its httpx dependency, not ours to act on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from rashomon.web import create_app  # noqa: E402
from rashomon.web.security import safe_upload_name  # noqa: E402
from rashomon.web.views import highlight  # noqa: E402

TOKEN = "s3cret-token"
LOCAL = "http://127.0.0.1"

# Three short reports of three unrelated events, each on its own day: three stories to page through.
REPORTS = {
    "quake.txt": """Earthquake shakes Anchorage

Published January 12, 2019

ANCHORAGE: A magnitude 6.1 earthquake shook Anchorage on Saturday, the Alaska Earthquake Center said. No deaths were reported, but several roads near the port were closed for inspection.
""",
    "strike.txt": """Dock workers strike in Rotterdam

Published June 3, 2020

ROTTERDAM: Dock workers at the port of Rotterdam walked out on Wednesday over pay, the FNV union said. Around 2,000 containers were left waiting on the quays.
""",
    "xss.txt": """Council vote <script>alert(1)</script> delayed

Published October 9, 2021

SPRINGFIELD: The town council of Springfield delayed its budget vote on Monday after a heated debate about school funding. <img src=x onerror=alert(2)> Councillor Ann Lee said the vote would take place next week.

The budget plans to spend 4 million dollars on road repairs and a new library, the council said in a statement. Read the statement <a href="javascript:alert(3)">here</a>.

Residents who attended the meeting said the debate lasted more than five hours, and several asked for the vote to be moved to a larger hall.
""",
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, seeds_dir) -> Path:
    db = tmp_path_factory.mktemp("web-api") / "news.db"
    with Store(db) as store:
        store.ingest([seeds_dir])
    return db


@pytest.fixture(scope="module")
def client(store_path, tmp_path_factory):
    root = tmp_path_factory.mktemp("inbox")
    app = create_app(store_path, token=TOKEN, ingest_root=root, max_upload=64 * 1024)
    with TestClient(app, base_url=LOCAL) as c:
        c.inbox = root
        yield c


@pytest.fixture(scope="module")
def uploaded(client):
    """The three reports, uploaded through the API with the token."""
    files = [("files", (name, text.encode(), "text/plain")) for name, text in REPORTS.items()]
    r = client.post("/api/ingest", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["failed"]) == (3, 0)
    return r.json()


def test_stories_page_through_every_story_exactly_once(client, uploaded):
    everything = client.get("/api/stories", params={"limit": 100}).json()
    assert everything["next_offset"] is None
    ids = [s["id"] for s in everything["items"]]
    assert len(ids) == len(set(ids)) == 4  # the seed story and the three uploaded ones
    seen, offset = [], 0
    while offset is not None:
        page = client.get("/api/stories", params={"limit": 1, "offset": offset}).json()
        assert len(page["items"]) == 1 and page["limit"] == 1
        seen.append(page["items"][0]["id"])
        offset = page["next_offset"]
    assert seen == ids, "pages keep the newest-first order"
    dates = [s["event_date"] or s["last_published"] for s in everything["items"]]
    assert dates == sorted(dates, reverse=True)


def test_story_filters_by_date_entity_and_words(client, uploaded):
    def headlines(**params):
        return [s["headline"] for s in client.get("/api/stories", params=params).json()["items"]]

    assert headlines(since="2020", until="2020-12") == ["Dock workers strike in Rotterdam"]
    assert headlines(until="2013-12-31") == ["Official in Russia for strategic dialogue"]
    assert headlines(entity="Kayani") == ["Official in Russia for strategic dialogue"]
    assert headlines(text="containers quays") == ["Dock workers strike in Rotterdam"]
    assert headlines(text="no such words anywhere") == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"since": "last week"}, {"until": "2013/08"}])
def test_bad_paging_or_filter_values_are_refused_with_422(client, params):
    r = client.get("/api/stories", params=params)
    assert r.status_code == 422, params
    assert r.json()["detail"]


def test_story_document_brief_search_entities_timeline_and_stats(client, store_path):
    sid = client.get("/api/stories", params={"entity": "Kayani"}).json()["items"][0]["id"]
    story = client.get(f"/api/stories/{sid}").json()
    assert story["stories"][0]["event_date"] == "2013-08-28"
    disputed = [f for f in story["stories"][0]["facts"] if f["status"] == "disputed"]
    assert disputed and disputed[0]["conflicts"][0]["values"]
    doc_id = disputed[0]["support"][0]["document"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    span = disputed[0]["support"][0]
    assert doc["story_id"] == sid and doc["text"][span["start"] : span["end"]] == span["quote"]
    md = client.get(f"/api/stories/{sid}/brief", params={"format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "Official in Russia for strategic dialogue" in md.text
    hits = client.get("/api/search", params={"q": "strategic dialogue", "kind": "documents"}).json()
    assert hits and all(h["kind"] == "document" for h in hits)
    people = client.get("/api/entities", params={"type": "PERSON", "name": "Kayani"}).json()
    assert [p["name"] for p in people] == ["Ashfaq Kiyani"]
    dyad = client.get("/api/timeline", params={"a": "PAK", "b": "RUS"}).json()
    with Store(store_path) as store:
        assert dyad["n_events"] == len(store.timeline("PAK", "RUS")) > 0
    assert client.get("/api/stats").json()["documents"] >= 2
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/documents/nope").status_code == 404


def test_openapi_schema_and_its_reference_page(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/documents/{doc_id}", "/api/search", "/api/entities",
                 "/api/timeline", "/api/ingest", "/api/ingest/paths"):  # fmt: skip
        assert path in spec["paths"], path
    assert not any(p.startswith("/stories") for p in spec["paths"]), "HTML pages stay out of the API schema"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "GET /api/stories" in docs.text and "cdn" not in docs.text.lower()


# -- writes need the token ---------------------------------------------------------------------


def _upload(client, headers=None, name="note.txt", body=b"Short note\n\nPublished May 1, 2022\n\nNothing happened."):
    return client.post("/api/ingest", files=[("files", (name, body, "text/plain"))], headers=headers or {})


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"X-Rashomon-Token": ""}, {"Authorization": TOKEN}])
def test_writes_without_the_right_token_are_refused_and_change_nothing(client, headers):
    before = client.get("/api/stats").json()["documents"]
    r = _upload(client, headers)
    assert r.status_code == 401
    r = client.post("/api/ingest/paths", json={"paths": ["."]}, headers=headers)
    assert r.status_code == 401
    assert client.get("/api/stats").json()["documents"] == before


def test_a_server_started_without_a_token_accepts_no_writes(store_path):
    with TestClient(create_app(store_path), base_url=LOCAL) as c:
        r = _upload(c, {"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "--token" in r.json()["detail"]
        assert c.get("/api/stories").status_code == 200, "reads stay open"


def test_paths_inside_the_ingest_root_are_ingested_with_the_token(client, uploaded):
    # after the upload (whichever worker runs this first): the upload must find the quake report new
    (client.inbox / "quake-again.txt").write_text(REPORTS["quake.txt"], "utf-8")
    r = client.post("/api/ingest/paths", json={"paths": ["quake-again.txt"]}, headers={"X-Rashomon-Token": TOKEN})
    assert r.status_code == 200, r.text
    assert r.json()["read"] == 1


# -- no path traversal -------------------------------------------------------------------------


def test_paths_outside_the_ingest_root_are_refused(client, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret memo\n\nPublished May 1, 2022\n\nThe launch codes are 0000.", "utf-8")
    link = client.inbox / "link-out"
    if not link.exists():
        link.symlink_to(tmp_path, target_is_directory=True)
    rel = os.path.relpath(outside, client.inbox)
    before = client.get("/api/stats").json()["documents"]
    for attempt in [rel, str(outside), f"file://{outside}", "../" * 12 + "etc/passwd", "/etc/passwd",
                    "link-out/secret.txt", "link-out", "..", "./../"]:  # fmt: skip
        r = client.post("/api/ingest/paths", json={"paths": [attempt]}, headers={"X-Rashomon-Token": TOKEN})
        assert r.status_code == 403, (attempt, r.status_code, r.text)
    r = client.post("/api/ingest/paths", json={"paths": ["bad\x00name"]}, headers={"X-Rashomon-Token": TOKEN})
    assert r.status_code == 400
    assert client.get("/api/stats").json()["documents"] == before


@pytest.mark.parametrize(
    "path",
    ["/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e%2fcontext.py", "/static/....//app.py",
     "/static/%2e%2e/%2e%2e/store/core.py", "/static/app.js%00.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
     "/static/..%5capp.py", "/documents/..%2f..%2fetc%2fpasswd", "/stories/..%2f..%2fetc%2fpasswd"],
)  # fmt: skip
def test_file_serving_routes_serve_nothing_outside_their_files(client, path):
    r = client.get(path)
    assert r.status_code in (404, 400), (path, r.status_code)
    assert "import" not in r.text and "root:" not in r.text


def test_the_static_files_are_served_with_their_types(client):
    js = client.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "textContent" in js.text and "innerHTML" not in js.text, "article text never enters the page as HTML"
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_an_uploaded_file_name_cannot_place_a_file_anywhere(client, tmp_path):
    escape = Path("/tmp") / f"rashomon-escape-{os.getpid()}.txt"
    name = "../" * 10 + str(escape).lstrip("/")
    r = _upload(client, {"X-Rashomon-Token": TOKEN}, name=name)
    assert r.status_code == 200
    assert not escape.exists()
    for raw in [name, "..", ".", "", None, "a/b\\..\\c.txt", "/etc/passwd", "C:\\x\\y.txt"]:
        safe = safe_upload_name(raw, 3)
        assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and safe.startswith("0003_")


# -- size limits -------------------------------------------------------------------------------


def test_an_upload_over_the_size_limit_is_refused_with_413(client):
    before = client.get("/api/stats").json()["documents"]
    big = b"News line. " * 10_000  # 110 kB, over the 64 KiB limit of this app
    r = _upload(client, {"X-Rashomon-Token": TOKEN}, body=big)
    assert r.status_code == 413
    assert "limit" in r.json()["detail"]

    def chunks():  # no Content-Length: the body is counted as it streams
        for _ in range(20):
            yield b"x" * 8192

    r = client.post("/api/ingest", content=chunks(), headers={"X-Rashomon-Token": TOKEN, "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert client.get("/api/stats").json()["documents"] == before


# -- headers, hosts, escaping ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/stories", "/docs", "/static/app.js", "/nope", "/api/nope", "/?since=bad"])
def test_every_answer_carries_the_security_headers(client, path):
    r = client.get(path)
    csp = {d.split(" ", 1)[0]: d for d in (p.strip() for p in r.headers["content-security-policy"].split(";"))}
    assert csp["script-src"] == "script-src 'self'", "no inline script, no eval, no other origin"
    assert "unsafe-inline" not in csp["style-src"]
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'" and csp["base-uri"] == "base-uri 'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_the_chart_is_an_image_whose_own_policy_allows_no_script(client):
    r = client.get("/timeline.svg", params={"a": "PAK", "b": "RUS"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert "<script" not in r.text and "script-src" not in r.headers["content-security-policy"]
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_requests_for_another_host_name_are_refused(store_path):
    """A page on evil.example that rebinds its DNS name to 127.0.0.1 cannot read the store."""
    app = create_app(store_path)
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/api/stories").status_code == 400
    with TestClient(app, base_url="http://localhost:8000") as c:
        assert c.get("/api/stories").status_code == 200


def test_hostile_article_text_is_escaped_on_every_page(client, uploaded):
    sid = next(s["id"] for s in client.get("/api/stories").json()["items"] if s["headline"].startswith("Council vote"))
    story = client.get(f"/api/stories/{sid}").json()
    stored = " ".join(d["title"] + d["text"] for d in story["documents"])
    assert "<script>" in stored and "onerror=" in stored and "javascript:" in stored  # the attack got in
    doc_id = story["documents"][0]["id"]
    for path in ["/", f"/stories/{sid}", f"/documents/{doc_id}", "/search?q=Springfield", "/?text=council",
                 "/entities?name=Lee"]:  # fmt: skip
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html, path
        assert html.count("<script") == 1, path  # /static/app.js only
    page = client.get(f"/documents/{doc_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "onerror=alert(2)" in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_a_requested_span_is_highlighted_only_when_it_is_a_span_of_the_text(client):
    doc = client.get("/api/stories", params={"entity": "Kayani"}).json()["items"][0]["id"]
    doc_id = client.get(f"/api/stories/{doc}").json()["documents"][0]["id"]
    good = client.get(f"/documents/{doc_id}", params={"start": 0, "end": 20}).text
    assert good.count('<mark id="hl"') == 1
    for start, end in [(5, 5), (10, 2), (0, 10**9)]:
        page = client.get(f"/documents/{doc_id}", params={"start": start, "end": end})
        assert page.status_code == 200 and "<mark" not in page.text and "not a span of this text" in page.text


def test_highlight_reproduces_the_text_exactly():
    text = "Foreign Secretary Jalil Abbas Jilani was in Moscow on Wednesday."
    segments = highlight(text, [(44, 50, "quote"), (0, 7, "conflict"), (40, 46, "overlap"), (60, 999, "past-end")])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.mark) for s in segments if s.mark] == [("Foreign", "conflict"), (" in Mo", "overlap"), ("scow", "quote"), ("day.", "past-end")]


def test_serve_binds_to_127_0_0_1_by_default_and_takes_the_token_from_the_environment(store_path, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from rashomon.cli import app as cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: calls.append((web, kw)))
    result = CliRunner().invoke(cli, ["serve", "--db", str(store_path)], env={"RASHOMON_TOKEN": "from-env"})
    assert result.exit_code == 0, result.output
    web, kw = calls[0]
    assert kw["host"] == "127.0.0.1" and kw["port"] == 8000
    assert web.state.settings.token == "from-env"
    with TestClient(web, base_url=LOCAL) as c:
        assert _upload(c, {"Authorization": "Bearer from-env"}, body=b"").status_code != 401
