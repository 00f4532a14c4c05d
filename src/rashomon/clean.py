"""Clean: turn a `Source` into a `Document` — the article body and its metadata.

HTML goes to the extractor (`extract_html`). Pasted page text (what a person gets by selecting a
whole page) has no markup, so the article is found from the shape of its lines: the body is the
longest stretch dominated by prose (long, stopword-rich, sentence-final lines), and what lies
around it — captions, teasers, tag lines, author boxes, sidebars of other headlines — is dropped
and reported in `removed`. Metadata (title, publish date, dateline, author) is read from the
lines the page puts around the body.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from rashomon import timex
from rashomon.model import Document, Source

WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’.-]*|\d[\d,.]*")
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")
DATE_LINE = re.compile(r"^(?:(?P<label>published|updated|posted|last updated|first published)\s*(?:on|:)?\s*)?(?P<rest>.*)$", re.I)
LABEL_LINE = re.compile(r"^(tags?|filed under|categories|category|topics?|related|read more|see also|share|source|keywords?)\s*[:|]", re.I)
BYLINE = re.compile(r"^(?:by|written by|reporting by|author:?)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*$", re.I)
NAME_LINE = re.compile(r"^[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+|bin|al|de|van|von|der|ul)){1,3}$")
PHOTO_CREDIT = re.compile(r"(file photo|photo:|photograph|getty images|\bafp\b|reuters/|\bap photo\b|credit:|image:)", re.I)
# "ISLAMABAD:", "ISLAMABAD –", "NEW DELHI, Aug 28 (Reuters) -", "WASHINGTON (AP) —"
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[A-Za-z .&]+)\))?\s*(?P<sep>[:–—]|-{1,2})\s+"
)
AUTHOR_CONTEXT = re.compile(r"\b(author|writer|contributor|columnist|correspondent|reporter)\b", re.I)

# A non-prose line costs this much (in characters of prose) to include in the body.
NON_PROSE_PENALTY = 60


@dataclass
class Line:
    start: int
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        return WORD.findall(self.text)


def is_prose(text: str) -> bool:
    """A line reads as running text: enough words, stopwords, and a sentence ending."""
    words = WORD.findall(text)
    if len(words) < 5 or TRUNCATED.search(text):
        return False
    stop = sum(w.lower() in STOP_WORDS for w in words) / len(words)
    if SENTENCE_END.search(text) and stop >= 0.15:
        return True
    # Headlines can be long but lack the final stop; only long running text gets in without one.
    return len(words) >= 30 and stop >= 0.3


def normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def split_lines(content: str) -> list[Line]:
    lines = []
    pos = 0
    for raw in content.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw)
    return lines


def main_block(lines: list[Line], repeated: set[str]) -> tuple[int, int]:
    """The stretch of lines with the most prose: a maximum-sum run (as in body-text extraction)."""
    best, best_range = 0.0, (0, -1)
    running, start = 0.0, 0
    for i, line in enumerate(lines):
        prose = is_prose(line.text) and normalise(line.text) not in repeated
        score = len(line.text) if prose else -NON_PROSE_PENALTY
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_range = running, (start, i)
    return best_range


def clean_text(source: Source) -> Document:
    """Clean pasted page text: keep the article body, read metadata, report what was dropped."""
    lines = split_lines(source.content)
    doc_id = source.raw_hash[:16]
    if not lines:
        return Document(id=doc_id, path=source.path, text="", kind=source.kind)
    counts = Counter(normalise(line.text) for line in lines)
    repeated = {text for text, n in counts.items() if n > 1 and text}
    first, last = main_block(lines, repeated)
    if last < first:  # no prose at all: keep everything rather than lose the text
        first, last = 0, len(lines) - 1

    title = _title(lines[:first], lines[first:last + 1], repeated)
    published = _published(lines[:first])
    body: list[Line] = []
    removed: list[str] = []
    metadata_lines: set[int] = set()
    for i, line in enumerate(lines):
        if i < first or i > last:
            continue
        norm = normalise(line.text)
        if (
            norm in repeated
            or LABEL_LINE.match(line.text)
            or (not is_prose(line.text) and (PHOTO_CREDIT.search(line.text) or TRUNCATED.search(line.text)))
            or (title and norm == normalise(title))
        ):
            removed.append(line.text)
            continue
        body.append(line)
    author, author_lines = _author(lines, first, last)
    metadata_lines.update(author_lines)
    for i, line in enumerate(lines):
        if first <= i <= last:
            continue
        if title and line.text == title and i < first and i == _first_index(lines, title):
            continue
        if published and i < first and _published([line]) == published:
            continue
        removed.append(line.text)

    dateline = None
    text_parts = [line.text for line in body]
    if text_parts:
        m = DATELINE.match(text_parts[0])
        if m and _is_place(m.group("place")):
            dateline = m.group("place").strip()
            text_parts[0] = text_parts[0][m.end():]
    text = "\n\n".join(text_parts)
    meta = source.meta
    return Document(
        id=doc_id,
        path=source.path,
        text=text,
        outlet=meta.get("outlet"),
        title=meta.get("title") or title,
        published=meta.get("published") or published,
        author=meta.get("author") or author,
        dateline=dateline,
        kind=source.kind,
        url=meta.get("url"),
        removed=removed,
    )


def _first_index(lines: list[Line], text: str) -> int:
    return next(i for i, line in enumerate(lines) if line.text == text)


def _title(head: list[Line], body: list[Line], repeated: set[str]) -> str | None:
    """The headline: the first header line that shares content words with the article's lead.

    Section labels ("World News"), captions, teasers and date lines come before the body too;
    a headline is the one that is about what the lead paragraph is about.
    """
    lead = {w.lower() for line in body[:3] for w in line.words if w.lower() not in STOP_WORDS}
    candidates = [
        line for line in head
        if len(line.words) >= 3
        and normalise(line.text) not in repeated
        and not TRUNCATED.search(line.text)
        and not PHOTO_CREDIT.search(line.text)
        and not BYLINE.match(line.text)
        and not (timex.parse_absolute(line.text) and len(line.words) <= 6)
        and not (is_prose(line.text) and len(line.words) > 30)
    ]
    for line in candidates:
        if len({w.lower() for w in line.words if w.lower() not in STOP_WORDS} & lead) >= 2:
            return line.text
    if candidates:
        return candidates[0].text
    return head[0].text if head else None


def _published(head: list[Line]) -> str | None:
    for line in head:
        m = DATE_LINE.match(line.text)
        if not m or len(line.words) > 8:
            continue
        parsed = timex.parse_absolute(m.group("rest"))
        if parsed and (m.group("label") or len(line.words) <= 5):
            if (m.group("label") or "").lower().startswith(("updated", "last")):
                continue
            return parsed[0].isoformat()
    return None


def _author(lines: list[Line], first: int, last: int) -> tuple[str | None, list[int]]:
    """A byline ("By Jane Doe") anywhere, or a name-shaped line in an author box after the body."""
    for i, line in enumerate(lines):
        m = BYLINE.match(line.text)
        if m and not is_prose(line.text):
            return m.group("name"), [i]
    for i in range(last + 1, len(lines)):
        text = lines[i].text
        if not NAME_LINE.match(text):
            continue
        window = " ".join(line.text for line in lines[max(last + 1, i - 2): i + 3])
        same = [j for j in range(last + 1, len(lines)) if lines[j].text == text]
        if len(same) > 1 or AUTHOR_CONTEXT.search(window):
            return text, same
    return None, []


def _is_place(place: str) -> bool:
    """Dateline places are written in capitals; a capitalised acronym run like 'NEW' alone is fine."""
    letters = [c for c in place if c.isalpha()]
    head = place.split(",")[0]
    return len(letters) >= 3 and head.upper() == head


def clean(source: Source) -> Document:
    """Dispatch on the kind of source: HTML to the extractor, everything else to the text cleaner."""
    if source.kind == "html":
        from rashomon.extract_html import extract_html

        return extract_html(source)
    return clean_text(source)
