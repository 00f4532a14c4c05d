"""Property tests: the text cleaner, the HTML extractor and the renderer on hostile text and markup.

Whatever a reader lets through — mixed scripts, right-to-left text, zero-width and bidi controls,
entities and comments in odd places, 10,000-level nesting, a very long single line — cleaning
returns a `Document` whose text is storable, or refuses the document with an `InputError`
naming it. Never another exception. Bounded, reproducible example counts; the wide search is
benchmarks/robustness.py.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rashomon.clean import clean
from rashomon.errors import InputError
from rashomon.model import Document, Source
from rashomon.render import html_blocks, parse_html, render_page_text

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip

ODD = "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u2066\u2069\u0301\u00a0\u2028\u2029\r\x0b\x0c\x1b\x85\ufffd\t"
SCRIPTS = list("The minister said قال الوزير אמר השר 部长表示 Министр मंत्री 42 👨‍👩‍👧 Zürich") + list(ODD)
TEXT = st.text(alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
                                  st.sampled_from(SCRIPTS)), max_size=400)  # fmt: skip
LINES = st.lists(TEXT, min_size=1, max_size=30).map("\n".join)
ENTITIES = ["&amp;", "&lt;", "&nbsp;", "&#0;", "&#xD800;", "&#1114112;", "&#99999999999;", "&bogus;", "&#x202e;", "&", "&#", "&amp"]
COMMENTS = ["<!--", "-->", "<!-- x -->", "<!---->", "<!--->", "<![CDATA[ x ]]>", "<!DOCTYPE x>", "<?php ?>", "</p>", "<p", "<script>", "</script>"]
TAGS = ["p", "div", "span", "a", "b", "table", "tr", "td", "li", "article", "h1", "script", "style", "svg", "math", "template", "br", "img"]
MARKUP = st.lists(
    st.one_of(TEXT, st.sampled_from(ENTITIES), st.sampled_from(COMMENTS),
              st.builds(lambda t, close, attr: f"</{t}>" if close else f"<{t}{attr}>", st.sampled_from(TAGS), st.booleans(),
                        st.sampled_from(["", " class='x'", " onload='alert(1)'", ' x="<!--"', " =", " a='"]))),
    max_size=40,
).map("".join)  # fmt: skip


def source(content: str, kind: str) -> Source:
    return Source(path=f"fuzz.{kind}", kind=kind, content=content, raw_hash="f" * 64, origin=f"fuzz.{kind}")


def check_clean(content: str, kind: str) -> Document | None:
    try:
        doc = clean(source(content, kind))
    except InputError as exc:
        assert exc.path == f"fuzz.{kind}" and exc.reason
        return None
    assert isinstance(doc, Document)
    doc.text.encode("utf-8")
    assert "\x00" not in doc.text
    return doc


@FUZZ
@given(text=LINES)
def test_text_cleaner_on_mixed_scripts_and_controls(text):
    check_clean(text, "text")


@FUZZ
@given(body=MARKUP, full=st.booleans())
def test_html_extractor_on_odd_markup(body, full):
    html = f"<!DOCTYPE html><html><head><title>t</title></head><body><article>{body}</article></body></html>" if full else body
    check_clean(html, "html")


@FUZZ
@given(markup=MARKUP)
def test_renderer_never_fails(markup):
    for block in html_blocks(parse_html(markup)):
        assert block.strip()
    render_page_text(markup.encode("utf-8", "surrogatepass"))


def test_right_to_left_article_keeps_its_text():
    arabic = "قال الوزير يوم الثلاثاء إن اثنين وأربعين شخصا قتلوا في الهجوم قرب الحدود الشمالية للبلاد."
    page = f"<html dir='rtl' lang='ar'><body><article><h1>هجوم</h1>{''.join(f'<p>{arabic}</p>' for _ in range(6))}</article></body></html>"
    doc = check_clean(page, "html")
    assert doc is not None and "قال الوزير" in doc.text


def test_zero_width_characters_inside_words_do_not_break_cleaning():
    text = "\n".join(["Home | News | Sport"] + [
        "The min\u200bister said on Tues\u200dday that the river had risen by two metres over\u2060night, and that "
        "thousands of families were moved to higher ground by the army and volunteers." for _ in range(5)
    ])  # fmt: skip
    doc = check_clean(text, "text")
    assert doc is not None and "river had risen" in doc.text


@pytest.mark.parametrize("tag", ["div", "span", "table", "b", "p"])
def test_ten_thousand_levels_of_nesting(tag):
    html = "<html><body>" + f"<{tag}>" * 10_000 + "The river rose by two metres." + f"</{tag}>" * 10_000 + "</body></html>"
    started = time.perf_counter()
    doc = check_clean(html, "html")
    assert doc is not None and "The river rose" in doc.text  # deeper than libxml2 goes, but not lost
    assert "The river rose" in render_page_text(html)
    assert time.perf_counter() - started < 30


def test_long_single_line_is_cleaned_or_refused_in_bounded_time():
    line = "The minister said the river rose. " * 25_000  # 850,000 characters on one line
    started = time.perf_counter()
    check_clean(line, "text")
    assert time.perf_counter() - started < 30
    with pytest.raises(InputError, match="document too long"):
        from rashomon.extract_html import extract_html

        extract_html(source("<div>" + "<p>The river rose by two metres, officials said.</p>" * 30_000 + "</div>", "html"))
