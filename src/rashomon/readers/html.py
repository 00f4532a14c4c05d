"""HTML pages saved from the web (`.html`, `.htm`, optionally gzipped): one page, one source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rashomon.errors import InputError
from rashomon.ingest import reader, sha256
from rashomon.model import Source
from rashomon.readers.common import check_markup_size, decode_html, has_visible_text, looks_like_html, maybe_gunzip


def html_source(data: bytes, path: str, origin: str, meta: dict | None = None, http_charset: str | None = None) -> Source:
    """Decode one page into a Source, refusing pages a browser would show as blank or too big to extract.

    Shared by the file reader and the WARC reader so both apply the same checks. The hash is over
    the decompressed bytes so a page stored plain and gzipped gets the same document id.
    """
    text = decode_html(data, origin, http_charset)
    if not text.strip():
        raise InputError(origin, "empty page")
    kind = "html" if looks_like_html(text) else "text"
    if kind == "html":
        check_markup_size(text, origin)
        if not has_visible_text(text):
            raise InputError(origin, "HTML has no visible text (empty or missing <body>)")
    return Source(path=path, kind=kind, content=text, raw_hash=sha256(data), origin=origin, meta=dict(meta or {}))


@reader(".html", ".htm", ".xhtml", ".shtml", ".html.gz", ".htm.gz")
def read_html(path: Path, data: bytes) -> Iterator[Source]:
    """A saved page. Gzip is detected by magic bytes, so a mislabelled `.html` that is gzipped works."""
    raw = maybe_gunzip(data, str(path))
    if not raw.strip():
        raise InputError(str(path), "empty file")
    yield html_source(raw, str(path), str(path))
