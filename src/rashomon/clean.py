"""Clean: turn a `Source` into a `Document` — the article body and its metadata.

HTML goes to the extractor (`extract_html`). Pasted page text (what a person gets by selecting a
whole page) has no markup, so the article is found from the shape of its lines and their place in
the page: a classifier learned from real pages (`line_classifier`, trained by
scripts/train_cleaner.py) scores each line, the body is the maximum-sum run of high-scoring lines
(plus any line outside it that scores very high, minus repeats of text already kept), and what
lies around it — captions, teasers, tag lines, author boxes, sidebars of other headlines — is
dropped and reported in `removed`. Metadata (title, publish date, dateline, author) is read from
the lines the page puts around the body; the headline and the byline are metadata, not body.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from rashomon import line_classifier, timex
from rashomon.extract_html import is_furniture
from rashomon.line_classifier import LineClassifier, is_prose, normalise
from rashomon.model import Document, Source

WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’.-]*|\d[\d,.]*")
TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")
DATE_LINE = re.compile(r"^(?:(?P<label>published|updated|posted|last updated|first published)\s*(?:on|:)?\s*)?(?P<rest>.*)$", re.I)
BYLINE = re.compile(r"^(?:by|written by|reporting by|author:?)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*$", re.I)
NAME_LINE = re.compile(r"^[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+|bin|al|de|van|von|der|ul)){1,3}$")
PHOTO_CREDIT = re.compile(r"(file photo|photo:|photograph|getty images|\bafp\b|reuters/|\bap photo\b|credit:|image:)", re.I)
# "ISLAMABAD:", "ISLAMABAD –", "NEW DELHI, Aug 28 (Reuters) -", "WASHINGTON (AP) —"
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[A-Za-z .&]+)\))?\s*(?P<sep>[:–—]|-{1,2})\s+"
)
TOKEN = re.compile(r"\w+")
AUTHOR_CONTEXT = re.compile(r"\b(author|writer|contributor|columnist|correspondent|reporter)\b", re.I)



@dataclass
class Line:
    start: int
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        return WORD.findall(self.text)


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


def clean_text(source: Source, model: LineClassifier | None = None) -> Document:
    """Clean pasted page text: keep the article body, read metadata, report what was dropped.

    `model` is the line classifier to use (the shipped one by default; the benchmark passes
    models trained without the page being scored).
    """
    lines = split_lines(source.content)
    doc_id = source.raw_hash[:16]
    if not lines:
        return Document(id=doc_id, path=source.path, text="", kind=source.kind)
    model = model or line_classifier.load()
    texts = [line.text for line in lines]
    probabilities = model.predict(texts)
    _, keep = line_classifier.decode(probabilities, [len(TOKEN.findall(t)) for t in texts], model.decoding, texts)
    if not any(keep):  # nothing reads as an article: keep everything rather than lose the text
        keep = [True] * len(lines)
    first = keep.index(True)
    last = len(keep) - 1 - keep[::-1].index(True)
    counts = Counter(normalise(line.text) for line in lines)
    repeated = {text for text, n in counts.items() if n > 1 and text}

    title = _title(lines[:first], [line for line, k in zip(lines, keep) if k], repeated)
    # a labelled date line dropped as furniture just below a first kept line (a headline the
    # classifier kept as body) is still the publish date
    published = _published(lines[:first]) or _published(
        [line for i, line in enumerate(lines[first:first + 10], first) if not keep[i]], labelled_only=True)
    author, author_lines = _author(lines, first, last)
    body: list[Line] = []
    removed: list[str] = []
    for i, line in enumerate(lines):
        if (
            keep[i]
            and not (title and repeats_title(line.text, title))
            and i not in author_lines
            and not is_furniture(line.text)  # the HTML side's page-furniture lines (kept there by CV)
        ):
            body.append(line)
            continue
        if title and line.text == title and i < first and i == _first_index(lines, title):
            continue
        if published and i < first + 10 and not keep[i] and _published([line]) == published:
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


def repeats_title(line: str, title: str) -> bool:
    """The line restates the headline (whole, or a truncated teaser of it): metadata, not body."""
    if normalise(line) == normalise(title):
        return True
    own = line_classifier.shingles(line)
    if not own:
        return False
    of_title = line_classifier.shingles(title)
    return sum(g in of_title for g in own) >= 0.5 * len(own)


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


def _published(head: list[Line], labelled_only: bool = False) -> str | None:
    for line in head:
        m = DATE_LINE.match(line.text)
        if not m or len(line.words) > 8 or (labelled_only and not m.group("label")):
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
