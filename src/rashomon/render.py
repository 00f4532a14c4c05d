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
# libxml2 stops building the tree 256 elements deep (2048 with huge_tree) and drops whatever is
# nested deeper, text included; browsers show it. Markup nested deeper than this is flattened
# first (`limit_depth`), keeping every word.
MAX_DEPTH = 200
# Elements that never nest in practice: void elements, and those a browser closes implicitly when
# the next one opens (`<p>`, `<li>`, `<td>` ...). They are not counted towards the depth.
_NOT_NESTING = frozenset(
    """area base br col embed hr img input link meta param source track wbr p li dt dd tr td th option
    optgroup thead tbody tfoot colgroup caption rb rt rp""".split()
)
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")


def limit_depth(html: str, max_depth: int = MAX_DEPTH) -> str:
    """The markup with elements nested deeper than `max_depth` unwrapped: their tags become a
    space, their text stays. (Not a line break per block tag: thousands of `<br>`s in one cell
    make trafilatura's table handling quadratic.) Unchanged when the markup is not that deep.

    Depth is counted on the tag sequence (one linear pass), not on a tree: that is what the parser
    would have to build. Pages with such nesting are broken or hostile; keeping their text is
    what matters, not their layout.
    """
    if html.count("<") <= max_depth:
        return html
    depth = deepest = 0
    for m in _TAG_TOKEN.finditer(html):
        name = m.group(2).lower()
        if name in _NOT_NESTING or m.group(3):
            continue
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    if deepest <= max_depth:
        return html
    out: list[str] = []
    pos = depth = 0
    for m in _TAG_TOKEN.finditer(html):
        name = m.group(2).lower()
        if name in _NOT_NESTING or m.group(3):
            continue
        closing = bool(m.group(1))
        level = depth if closing else depth + 1
        depth = max(0, depth - 1) if closing else depth + 1
        if level > max_depth:
            out.append(html[pos : m.start()])
            out.append(" ")
            pos = m.end()
    out.append(html[pos:])
    return "".join(out)


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse a page or fragment leniently; None when there is nothing to parse."""
    if isinstance(html, str):
        # lxml refuses str input that carries its own encoding declaration.
        html = limit_depth(re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1))
    elif html.count(b"<") > MAX_DEPTH:
        # Bytes keep lxml's own charset detection; latin-1 maps bytes 1:1, and the ASCII tags are
        # all that `limit_depth` touches.
        html = limit_depth(html.decode("latin-1")).encode("latin-1")
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
