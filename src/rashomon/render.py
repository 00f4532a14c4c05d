"""Render HTML as the plain text a reader would see, one visual block per line.

Two users need this. The extractor falls back to it for HTML *fragments* (feed summaries, JSONL
snippets) where there is no page around the article for a boilerplate detector to work on, and
the text-mode benchmark uses it to turn a page into what a person gets by selecting the whole
page and pasting it: every block — menus, footers and sidebars included — on its own line, with a
blank line between blocks.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

# Elements whose content is never visible text.
INVISIBLE = frozenset(
    {"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select"}
)
# Elements that start a new line in a browser; the rest flow inline.
BLOCKS = frozenset(
    """address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody
    thead tfoot tr td th ul caption option button label legend""".split()
)
_SPACE = re.compile(r"\s+")


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse a page or fragment leniently; None when there is nothing to parse."""
    if isinstance(html, str):
        # lxml refuses str input that carries its own encoding declaration.
        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def html_blocks(root: etree._Element | None) -> list[str]:
    """The visible text of a tree as a list of blocks (whitespace collapsed, empty ones dropped)."""
    if root is None:
        return []
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(current)).strip()
        if text:
            blocks.append(text)
        current.clear()

    # Iterative walk: deeply nested markup must not hit Python's recursion limit.
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in INVISIBLE:
                walker.skip_subtree()
                continue
            if tag in BLOCKS:
                flush()
            if el.text:
                current.append(el.text)
            continue
        if event == "end" and tag in BLOCKS:
            flush()
        if el.tail and el is not root:
            current.append(el.tail)

    flush()
    return blocks


def render_page_text(html: str | bytes) -> str:
    """The whole visible text of a page as pasted by a person: blocks separated by blank lines."""
    return "\n\n".join(html_blocks(parse_html(html)))
