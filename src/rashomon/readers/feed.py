"""RSS and Atom feeds (`.rss`, `.atom`, `.xml`): every entry becomes one source.

An entry's full content is preferred to its summary. Its title, link, publication date and author,
and the feed's title as the outlet, go into `Source.meta` (they override what the cleaner finds).
feedparser is lenient: a malformed feed still gives the entries it could read. An entry with
nothing to read yields an `InputError` naming it; the other entries go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from rashomon import limits
from rashomon.errors import InputError
from rashomon.ingest import reader, sha256
from rashomon.model import Source
from rashomon.readers.common import (
    Item, check_markup_size, has_visible_text, iso_date, looks_binary, looks_like_html, maybe_gunzip, sanitize, text_field,
)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def entry_body(entry: Any) -> tuple[str, str] | None:
    """The entry's best text and its kind: full content over summary, HTML over plain text."""
    candidates = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    candidates.sort(key=lambda c: (c.get("type") not in HTML_TYPES, -len(c.get("value") or "")))
    detail = entry.get("summary_detail") or {}
    if not candidates and (entry.get("summary") or "").strip():
        candidates = [{"value": entry["summary"], "type": detail.get("type", "text/html")}]
    if not candidates:
        return None
    value = candidates[0]["value"]
    html = candidates[0].get("type") in HTML_TYPES and looks_like_html(value)
    return value, "html" if html else "text"


def entry_meta(entry: Any, outlet: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in (
        ("title", text_field(entry.get("title"))),
        ("url", text_field(entry.get("link"))),
        ("author", text_field(entry.get("author"))),
        ("outlet", outlet),
        ("published", iso_date(entry.get("published_parsed") or entry.get("updated_parsed"))),
        ("language", text_field((entry.get("content") or [{}])[0].get("language"))),
    ):
        if value:
            meta[key] = value
    return meta


@reader(".rss", ".atom", ".xml", ".rss.gz", ".atom.gz", ".xml.gz")
def read_feed(path: Path, data: bytes) -> Iterator[Item]:
    data = maybe_gunzip(data, str(path))
    if looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(str(path), "binary file (NUL or control bytes), not a feed")
    # Bytes, never str: given a str, feedparser would treat it as a URL or file name to open.
    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # noqa: BLE001  a third-party parser on hostile bytes: one file's error
        raise InputError(str(path), f"not a readable feed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from exc
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(problem).split())[:200]})" if problem else ""
        kind = "feed without entries" if parsed.get("version") else "not an RSS or Atom feed"
        raise InputError(str(path), kind + detail)
    outlet = text_field(parsed.feed.get("title"))
    language = text_field(parsed.feed.get("language"))
    for number, entry in enumerate(parsed.entries, 1):
        origin = f"{path}#{number}"
        meta = entry_meta(entry, outlet)
        if language and "language" not in meta:
            meta["language"] = language
        where = f"entry {number}" + (f" ({meta.get('title') or meta.get('url')})" if meta.get("title") or meta.get("url") else "")
        try:
            yield entry_source(entry, str(path), origin, meta)
        except InputError as exc:
            yield InputError(origin, f"{where}: {exc.reason}")


def entry_source(entry: Any, path: str, origin: str, meta: dict[str, Any]) -> Source:
    """One entry as a Source; raises InputError saying why it has nothing to analyse."""
    body = entry_body(entry)
    if body is None:
        raise InputError(origin, "no content or summary")
    content, kind = body
    content = sanitize(content)
    if kind == "html":
        check_markup_size(content, origin)
        if not has_visible_text(content):
            raise InputError(origin, "content has no visible text")
    else:
        limits.check_document_length(content, origin)
    raw = (meta.get("url", "") + "\n" + content).encode("utf-8", "surrogatepass")
    return Source(path=path, kind=kind, content=content, raw_hash=sha256(raw), origin=origin, meta=meta)
