"""HTML extraction: body quality on real benchmark pages, metadata, overrides and odd inputs."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from rashomon.clean import clean
from rashomon.extract_html import Settings, choose_body, extract_html, is_furniture, tidy_body
from rashomon.model import Source
from rashomon.readers.common import decode_html
from rashomon.render import render_page_text

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "extraction"
needs_bench = pytest.mark.skipif(not (BENCH / "ground-truth.json").exists(), reason="benchmark data not available")
PAGES = 6  # the first pages in hash order: a fixed, unpicked sample


def html_source(html: str, **meta: str) -> Source:
    return Source(path="page.html", kind="html", content=html, raw_hash="ab" * 32, origin="page.html", meta=meta)


@pytest.fixture(scope="module")
def evaluate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_evaluate", BENCH / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> list[tuple[str, dict]]:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:PAGES]
    return [(decode_html(gzip.decompress((BENCH / "html" / f"{k}.html.gz").read_bytes()), k), truth[k]) for k in keys]


def f1(evaluate: ModuleType, true: str, pred: str) -> float:
    tp, fp, fn = evaluate.string_shingle_matching(true=true, pred=pred)
    p, r = evaluate.precision_score(tp, fp, fn), evaluate.recall_score(tp, fp, fn)
    return 2 * p * r / (p + r) if p + r else 0.0


@needs_bench
def test_body_matches_the_hand_written_article(bench: list, evaluate: ModuleType) -> None:
    scores = [f1(evaluate, truth["articleBody"], extract_html(html_source(html)).text) for html, truth in bench]
    assert sum(scores) / len(scores) >= 0.9, scores
    assert min(scores) >= 0.7, scores


@needs_bench
def test_metadata_from_real_pages(bench: list) -> None:
    docs = [extract_html(html_source(html)) for html, _ in bench]
    assert all(d.title for d in docs)
    assert sum(bool(d.published) for d in docs) >= len(docs) - 1
    assert all(d.published is None or (len(d.published) == 10 and d.published[4] == "-") for d in docs)
    assert sum(bool(d.author) for d in docs) >= len(docs) // 2
    assert all(d.outlet for d in docs)
    assert all(d.language for d in docs)
    for doc in docs:
        assert doc.id == "ab" * 8
        assert doc.title not in doc.text.split("\n\n")[:1]  # the headline is metadata, not body


@needs_bench
def test_container_metadata_overrides_the_page(bench: list) -> None:
    html, truth = bench[0]
    doc = extract_html(html_source(html, title="Given title", published="2001-02-03", author="Given Author",
                                   outlet="Given Outlet", url="https://given.example/x"))
    assert (doc.title, doc.published, doc.author, doc.outlet, doc.url) == (
        "Given title", "2001-02-03", "Given Author", "Given Outlet", "https://given.example/x")


@needs_bench
def test_text_mode_keeps_the_article(bench: list, evaluate: ModuleType) -> None:
    """Pasted page text (rendered with menus and footers) still yields the article after cleaning."""
    html, truth = bench[0]
    rendered = render_page_text(html)
    cleaned = clean(Source(path="p.txt", kind="text", content=rendered, raw_hash="0" * 64)).text
    assert f1(evaluate, truth["articleBody"], rendered) < f1(evaluate, truth["articleBody"], cleaned)


PAGE = """<!DOCTYPE html><html lang="en"><head><title>Minister visits Moscow | Example News</title>
<meta property="og:site_name" content="Example News"><meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2013-08-29"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Minister visits Moscow</h1>
<p>The foreign secretary arrived in Moscow on Wednesday for the first strategic dialogue between the two countries, officials said.</p>
<p>The two-day talks will cover regional security, trade and energy, and the withdrawal of foreign forces from the region next year.</p>
<p>Officials on both sides described the visit as the start of a new phase in relations that had long been marked by mistrust.</p>
<p>The delegation is expected to meet the deputy foreign minister and senior defence officials before returning home on Friday.</p>
<p>Follow us on Twitter</p></article>
<footer>Copyright 2013 Example News. All rights reserved.</footer></body></html>"""


def test_synthetic_page() -> None:
    doc = extract_html(html_source(PAGE))
    assert doc.text.startswith("The foreign secretary arrived in Moscow")
    assert "Home" not in doc.text and "Copyright" not in doc.text and "Follow us" not in doc.text
    assert doc.title and "Minister visits Moscow" in doc.title
    assert (doc.author, doc.published, doc.outlet, doc.language) == ("Jane Reporter", "2013-08-29", "Example News", "en")
    assert "\n\n" in doc.text  # paragraphs are separated like the text cleaner's output


def test_fragment_keeps_all_its_text() -> None:
    """A feed summary is the article itself: nothing around it to strip."""
    doc = extract_html(html_source("<p>Short <b>summary</b> of the story.</p><p>Second line.</p>", title="Feed title"))
    assert doc.text == "Short summary of the story.\n\nSecond line."
    assert doc.title == "Feed title"


def test_page_without_an_article_does_not_crash() -> None:
    html = "<html><body><ul>" + "".join(f"<li><a href='/{i}'>Link {i}</a></li>" for i in range(30)) + "</ul></body></html>"
    doc = extract_html(html_source(html))
    assert isinstance(doc.text, str)


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>"])
def test_degenerate_html_does_not_crash(html: str) -> None:
    assert isinstance(extract_html(html_source(html)).text, str)


def test_tidy_body_drops_repeated_headline_kicker_and_furniture() -> None:
    body = "Review\nBig headline here\n5:45 AM PST 11/19/2019 by A. Writer\nFirst paragraph of the story.\nRelated: Other story\nLast paragraph."
    kept, removed = tidy_body(body, ["Big headline here - Site"])
    assert kept == ["First paragraph of the story.", "Last paragraph."]
    assert removed[:3] == ["Review", "Big headline here", "5:45 AM PST 11/19/2019 by A. Writer"]


@pytest.mark.parametrize("line, furniture", [
    ("Share this article", True),
    ("Share this information, please?", False),
    ("Copyright ©2019 Dow Jones & Company, Inc. All Rights Reserved.", True),
    ("Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", True),
    ("Reporting by Rodrigo Campos; editing by Jane Doe", True),
    ("The minister said the talks would continue on Thursday.", False),
])
def test_furniture_lines(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


def test_render_page_text_keeps_every_visible_block() -> None:
    text = render_page_text(PAGE)
    blocks = text.split("\n\n")
    assert blocks[0] == "Home World Sport"
    assert "Minister visits Moscow" in blocks and blocks[-1].startswith("Copyright 2013")
    assert "Example News</title>" not in text and "og:site_name" not in text


def test_script_heavy_page_is_lightened_before_extraction() -> None:
    heavy = PAGE.replace("</head>", "<script>var blob = '" + "x" * 6_000_000 + "';</script></head>")
    doc = extract_html(html_source(heavy))
    assert doc.text.startswith("The foreign secretary arrived in Moscow")


def test_recall_pass_only_when_precision_finds_little_and_recall_much_more() -> None:
    long_text = " ".join(["word"] * 300)
    settings = Settings(short_body_words=200, recall_ratio=1.25)
    calls = []

    def recall(text: str):
        return lambda: calls.append(1) or text

    assert choose_body(long_text, recall("x " * 900), settings) == long_text and not calls  # enough words: no second pass
    assert choose_body("a b c", recall("a b c d"), settings) == "a b c d"  # 4 > 1.25 * 3
    assert choose_body("a b c d", recall("a b c d e"), settings) == "a b c d"  # 5 is not > 1.25 * 4


def test_post_processing_steps_can_be_switched_off() -> None:
    body = "Big headline here\n5:45 AM PST 11/19/2019\nFirst paragraph.\nShare this article"
    kept, removed = tidy_body(body, ["Big headline here"], Settings(drop_title=False, drop_dateline=False, drop_furniture=False))
    assert kept == ["Big headline here", "5:45 AM PST 11/19/2019", "First paragraph.", "Share this article"] and removed == []
