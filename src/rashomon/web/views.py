"""What the pages show, computed from the model: pure functions, no I/O, no HTML.

Article text is untrusted. Nothing here builds markup: text is cut into `Segment`s (plain text,
optionally marked), and the templates escape every segment. That is what lets the source view
highlight a span without ever inserting article text as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rashomon.brief import STATUS_ORDER, facts_by_status, main_dyad, source_label, source_numbers
from rashomon.model import Analysis, Document, Evidence, Fact, SlotValue, Story

CONTEXT = 160  # characters of source text shown around a slot value that no quote contains


@dataclass
class Segment:
    """A run of text; `mark` names the highlight class, or None for plain text."""

    text: str
    mark: str | None = None


@dataclass
class Quote:
    """A quote with a link to its span in the source text."""

    document: str
    start: int
    end: int
    source: int | None  # the independent source's number in the story
    label: str
    segments: list[Segment]


@dataclass
class Side:
    """One source's version of a disputed slot: the value it gives and the words that say so."""

    value: str
    document: str
    start: int
    end: int
    source: int | None
    label: str
    segments: list[Segment]  # the quote, the slot value marked "conflict"


@dataclass
class Dispute:
    slot: str
    sides: list[Side]


@dataclass
class FactView:
    text: str
    status: str
    sources: int
    quotes: list[Quote] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)


@dataclass
class StoryView:
    story: Story
    docs: dict[str, Document]
    numbers: dict[str, int]
    facts: dict[str, list[FactView]]  # by status, in STATUS_ORDER
    dyad: tuple[str, str] | None

    def label(self, doc_id: str) -> str:
        return label(self.docs[doc_id]) if doc_id in self.docs else doc_id


def label(doc: Document) -> str:
    """The brief's source label, with a bare file name instead of a server path when an article
    has neither outlet nor title."""
    if doc.outlet or doc.title:
        return source_label(doc)
    name = doc.path.replace("\\", "/").rsplit("/", 1)[-1] or doc.id
    return f"{name} ({doc.published})" if doc.published else name


def clamp_span(text: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """A valid span of `text`, or None: requested offsets come from the URL and may be anything."""
    if start is None or end is None or not (0 <= start < end <= len(text)):
        return None
    return start, end


def highlight(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """`text` cut into segments with each span marked; spans outside the text are clipped and
    overlapping ones are clipped where the earlier one ends, so the text is always reproduced exactly."""
    out: list[Segment] = []
    pos = 0
    for start, end, mark in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], mark))
        pos = end
    if pos < len(text) or not out:
        out.append(Segment(text[pos:]))
    return out


def _window(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[int, int]:
    """A window of about `width` characters on each side of a span, cut at whitespace."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and (cut := text.find(" ", lo, start)) != -1:
        lo = cut + 1
    if hi < len(text) and (cut := text.rfind(" ", end, hi)) != -1:
        hi = cut
    return lo, hi


def side(value: SlotValue, support: list[Evidence], doc: Document | None, number: int | None, label: str) -> Side:
    """The slot value inside the quote that contains it; else inside its context in the source
    text; else on its own."""
    segments = [Segment(value.value, "conflict")]
    for e in support:
        if e.document == value.document and e.start <= value.start and value.end <= e.end:
            segments = highlight(e.quote, [(value.start - e.start, value.end - e.start, "conflict")])
            break
    else:
        if doc is not None and clamp_span(doc.text, value.start, value.end):
            lo, hi = _window(doc.text, value.start, value.end)
            segments = highlight(doc.text[lo:hi], [(value.start - lo, value.end - lo, "conflict")])
    return Side(value.value, value.document, value.start, value.end, number, label, segments)


def fact_view(fact: Fact, docs: dict[str, Document], numbers: dict[str, int], label) -> FactView:
    view = FactView(fact.text, fact.status, fact.sources)
    for e in fact.support:
        view.quotes.append(Quote(e.document, e.start, e.end, numbers.get(e.document), label(e.document), [Segment(e.quote)]))
    for c in fact.conflicts:
        sides = [side(v, fact.support, docs.get(v.document), numbers.get(v.document), label(v.document)) for v in c.values]
        view.disputes.append(Dispute(c.slot, sides))
    return view


def story_view(analysis: Analysis) -> StoryView:
    story = analysis.stories[0]
    docs = {d.id: d for d in analysis.documents}
    numbers = source_numbers(story)
    view = StoryView(story, docs, numbers, {}, main_dyad(story))
    grouped = facts_by_status(story)
    view.facts = {s: [fact_view(f, docs, numbers, view.label) for f in grouped[s]] for s in STATUS_ORDER}
    return view


def parse_snippet(snippet: str) -> list[Segment]:
    """A search snippet's `[matched]` words as marked segments (the store marks them with [ ])."""
    out: list[Segment] = []
    rest = snippet
    while rest:
        i = rest.find("[")
        j = rest.find("]", i + 1) if i != -1 else -1
        if i == -1 or j == -1:
            out.append(Segment(rest))
            break
        if i:
            out.append(Segment(rest[:i]))
        out.append(Segment(rest[i + 1 : j], "hit"))
        rest = rest[j + 1 :]
    return out


def safe_url(url: str | None) -> str | None:
    """An article's URL as a link target only when it is plain http(s); `javascript:` and other
    schemes are shown as text, never linked."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None
