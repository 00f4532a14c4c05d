"""The extractors compared by benchmarks/extraction.py, each as `fn(html: str, url: str) -> str`.

Every competitor gets the same decoded page (decoded by rashomon's HTML reader, outside the timed
part) and the page URL where it accepts one, and is run with its documented defaults.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import justext
import trafilatura
from readability import Document as ReadabilityDocument

from rashomon.extract_html import extract_html
from rashomon.model import Source
from rashomon.render import html_blocks, parse_html

Extractor = Callable[[str, str], str]

# readability-lxml and trafilatura log every page they dislike; the table is the report.
logging.getLogger("readability").setLevel(logging.CRITICAL)
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def rashomon_html(html: str, url: str) -> str:
    source = Source(path="bench", kind="html", content=html, raw_hash="0" * 64, origin="bench", meta={"url": url})
    return extract_html(source).text


def trafilatura_default(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def trafilatura_precision(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url, favor_precision=True) or ""


def readability(html: str, url: str) -> str:
    """readability-lxml's article HTML, turned into text one block per line."""
    try:
        summary = ReadabilityDocument(html, url=url).summary(html_partial=True)
    except Exception:  # noqa: BLE001  readability raises on pages it cannot score; that is a miss
        return ""
    return "\n".join(html_blocks(parse_html(summary)))


_STOPLIST = justext.get_stoplist("English")


def justext_english(html: str, url: str) -> str:
    """jusText with its English stoplist (the usual benchmark setting; the pages are mostly English)."""
    paragraphs = justext.justext(html, _STOPLIST)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


HTML_SYSTEMS: dict[str, Extractor] = {
    "rashomon": rashomon_html,
    "trafilatura": trafilatura_default,
    "trafilatura-precision": trafilatura_precision,
    "readability": readability,
    "justext": justext_english,
}
