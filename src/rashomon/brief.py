"""Brief: the attributed account of each story, as JSON, Markdown or a self-contained HTML page.

Markdown and HTML show the same thing: the story, its independent sources, facts grouped by
status with their quotes, and each dispute side by side. Article text is untrusted: the HTML
template autoescapes everything, and the page carries no script.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable

from jinja2 import Environment, PackageLoader, select_autoescape

from rashomon.model import Analysis, Document, Fact, Story

STATUS_ORDER = ("disputed", "corroborated", "single-source")
STATUS_TITLES = {"disputed": "Disputed", "corroborated": "Corroborated", "single-source": "Single-source"}


@functools.lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("rashomon", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(STATUS_ORDER=STATUS_ORDER, STATUS_TITLES=STATUS_TITLES)
    env.filters["md"] = _md_escape
    return env


def _md_escape(text: str | None) -> str:
    """Quotes go inside Markdown; neutralise characters that would become markup."""
    if text is None:
        return ""
    out = " ".join(str(text).split())
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def source_label(doc: Document) -> str:
    """How a reader recognises a source: outlet, else title, plus the date."""
    name = doc.outlet or doc.title or doc.path
    return f"{name} ({doc.published})" if doc.published else name


def facts_by_status(story: Story) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = {s: [] for s in STATUS_ORDER}
    for fact in story.facts:
        grouped[fact.status].append(fact)
    return grouped


def source_numbers(story: Story) -> dict[str, int]:
    """Document id -> the number of its independent source in the story's source list (1-based);
    copies share their original's number, so a quote's reference says which outlet stands behind it."""
    return {doc_id: n for n, group in enumerate(story.sources, start=1) for doc_id in group.documents}


def main_dyad(story: Story) -> tuple[str, str] | None:
    """The pair of countries the story's events are most about, for its timeline chart."""
    pairs: Counter[tuple[str, str]] = Counter()
    for e in story.events:
        a, b = (e.source_actor or "").split(" ")[0], (e.target_actor or "").split(" ")[0]
        if len(a) == 3 and len(b) == 3 and a.isupper() and b.isupper() and a != b:
            pairs[tuple(sorted((a, b)))] += 1  # type: ignore[arg-type]
    return pairs.most_common(1)[0][0] if pairs else None


def timeline_svg(story: Story) -> str | None:
    """Inline SVG of the main dyad's events (drawn without any script), or None."""
    pair = main_dyad(story)
    if pair is None:
        return None
    from rashomon import timeline

    events = timeline.dyad(story.events, *pair)
    return timeline.svg(events, *pair) if len(events) >= 2 else None


def _context(analysis: Analysis, stories: Iterable[Story] | None = None, charts: bool = False) -> dict:
    docs = {d.id: d for d in analysis.documents}
    chosen = list(stories if stories is not None else analysis.stories)
    return {
        "stories": chosen,
        "docs": docs,
        "grouped": {s.id: facts_by_status(s) for s in chosen},
        "numbers": {s.id: source_numbers(s) for s in chosen},
        "dyads": {s.id: main_dyad(s) for s in chosen},
        "charts": {s.id: timeline_svg(s) for s in chosen} if charts else {},
        "label": lambda doc_id: source_label(docs[doc_id]) if doc_id in docs else doc_id,
        "errors": analysis.errors,
    }


def to_markdown(analysis: Analysis, stories: Iterable[Story] | None = None) -> str:
    return _env().get_template("brief.md.j2").render(**_context(analysis, stories))


def to_html(analysis: Analysis, stories: Iterable[Story] | None = None) -> str:
    return _env().get_template("brief.html.j2").render(**_context(analysis, stories, charts=True))


def to_json(analysis: Analysis) -> str:
    return analysis.to_json()


def render(analysis: Analysis, fmt: str) -> str:
    renderers = {"json": to_json, "markdown": to_markdown, "md": to_markdown, "html": to_html}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; choose json, markdown or html")
    return renderers[fmt](analysis)
